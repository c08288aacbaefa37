#!/usr/bin/env python3
"""gen_feed: write a synthetic catalog feed of N items (Klaviyo XML or JSON) with realistic field sizes."""
import argparse
import json
import random
import sys
from xml.sax.saxutils import escape

WORDS = ("trail rain jacket merino wool down vest fleece hoodie boot sock tent pack "
         "light warm waterproof breathable alpine summit ridge canyon forest river "
         "stretch cotton linen canvas nylon recycled durable packable insulated").split()
COLORS = ["Black", "Slate Blue", "Forest Green", "Sand", "Rust", "Heather Grey", "Navy"]
SIZES = ["XS", "S", "M", "L", "XL", "One Size"]
CATS = ["Jackets", "Vests", "Fleece", "Footwear", "Packs", "Accessories", "Camping", "Shirts", "Pants"]


def words(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def item(rng, i):
    slug = "sku-%08d" % i
    return {
        "id": slug.upper(),
        "title": words(rng, 4).title(),
        "link": "https://shop.example.com/products/" + slug,
        "description": words(rng, rng.randint(20, 40)).capitalize() + ".",
        "price": "%.2f" % (rng.randint(500, 50000) / 100),
        "image_link": "https://cdn.example.com/images/%s.jpg" % slug,
        "inventory_quantity": rng.choice([0, 0, 1, 3, 7, 12, 40]),
        "inventory_policy": rng.choice([1, 2]),
        "categories": rng.sample(CATS, 2),
        "color": rng.choice(COLORS),
        "size": rng.choice(SIZES),
    }


def write_xml(out, n, rng):
    w = out.write
    w('<?xml version="1.0" encoding="UTF-8"?>\n<rss>\n<Products>\n')
    for i in range(n):
        it = item(rng, i)
        parts = ["<Product>\n"]
        for k, v in it.items():
            if k == "categories":
                parts.append("  <categories>" + "".join(
                    "<category>%s</category>" % escape(c) for c in v) + "</categories>\n")
            else:
                parts.append("  <%s>%s</%s>\n" % (k, escape(str(v)), k))
        parts.append("</Product>\n")
        w("".join(parts))
    w("</Products>\n</rss>\n")


def write_json(out, n, rng):
    w = out.write
    w("[\n")
    for i in range(n):
        w(("," if i else "") + json.dumps(item(rng, i)) + "\n")
    w("]\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("items", type=int)
    ap.add_argument("--format", choices=["xml", "json"], default="xml")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output", default="-")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    out = sys.stdout if a.output == "-" else open(a.output, "w", encoding="utf-8")
    (write_xml if a.format == "xml" else write_json)(out, a.items, rng)
    out.close()


if __name__ == "__main__":
    main()
