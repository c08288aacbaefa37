// admin.spec.mjs: the admin page as a merchant uses it, in Debian's headless Chromium (playwright-core); TAP output.
//
// Environment (set by tests/e2e/admin_browser.t):
//   BASE       http://127.0.0.1:PORT of a lighttpd serving restock and /demo/
//   RESTOCK_HOME  the home it serves; CTL the restockctl binary
//   PASSWORD   the admin password; OUT the folder for screenshots
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const BASE = process.env.BASE;
const HOME = process.env.RESTOCK_HOME;
const CTL = process.env.CTL;
const PASSWORD = process.env.PASSWORD || "secret-pass-1";
const OUT = process.env.OUT || "tests/out/browser";
const A = BASE + "/admin";

let n = 0, failed = 0;
function ok(cond, name, extra) {
	n++;
	if (cond) {
		console.log(`ok ${n} - ${name}`);
	} else {
		failed++;
		console.log(`not ok ${n} - ${name}`);
		if (extra) console.log("# " + String(extra).split("\n").slice(0, 10).join("\n# "));
	}
}
const ctl = (...args) => execFileSync(CTL, ["--home", HOME, ...args], { encoding: "utf8" }).trim();

mkdirSync(OUT, { recursive: true });
const profile = mkdtempSync(join(tmpdir(), "restock-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
	executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
	headless: true,
	acceptDownloads: true,
	viewport: { width: 1200, height: 900 },
	args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = context.pages()[0] || await context.newPage();
page.setDefaultTimeout(15000);
const consoleErrors = [];
// CSP violations and script errors (a 401 for the wrong password or a missing favicon are fine)
page.on("console", (m) => {
	if (m.type() === "error" && /Content Security Policy|Refused to/i.test(m.text()))
		consoleErrors.push(`${page.url()}: ${m.text()}`);
});
page.on("pageerror", (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
const shot = (name) => page.screenshot({ path: join(OUT, name + ".png"), fullPage: true });
const flash = async () => (await page.locator("p.flash").first().textContent().catch(() => "")) || "";

try {
	// log in
	await page.goto(A + "/");
	ok(page.url().endsWith("/admin/login"), "an unauthenticated visit lands on the login page", page.url());
	await shot("01-login");
	await page.fill("#password", "not-the-password");
	await page.click("form.login button");
	ok((await page.textContent("body")).includes("Wrong password"), "a wrong password is refused");
	await page.fill("#password", PASSWORD);
	await page.click("form.login button");
	await page.waitForURL(A + "/");
	ok(await page.isVisible("h1:has-text('Dashboard')"), "logged in: dashboard");
	ok(await page.isVisible("svg.chart"), "dashboard chart");
	await shot("02-dashboard");

	// the settings note before any subscription
	await page.click("nav.main >> text=Back in Stock Settings");
	ok(await page.isVisible("#settings-note"), "settings: the note before any Subscribed event");
	ok(await page.locator("[name=min_inventory]").count() === 0, "settings: no form yet");
	await shot("03-settings-note");

	// subscribe through the storefront demo
	await page.route("**/demo/storefront-config.js", (route) => route.fulfill({
		contentType: "text/javascript",
		body: `window.RESTOCK_CONFIG = { publicKey: ${JSON.stringify(ctl("settings", "public_key"))} };`,
	}));
	await page.goto(BASE + "/demo/");
	const card = page.locator("article.card", { hasText: "SKU TRL-JKT-001-M" });
	await card.locator("input[type=email]").fill("browser-shopper@example.com");
	await card.locator("button[type=submit]").click();
	await card.locator(".answer.good").waitFor();
	ok(true, "subscribed through the storefront demo");
	await shot("04-storefront");

	// change the settings
	await page.goto(A + "/settings");
	ok(await page.locator("[name=min_inventory]").count() === 1, "settings form after the first subscription");
	await page.selectOption("[name=notify_mode]", "per_unit");
	await page.fill("[name=customers_per_unit]", "3");
	await page.click("form.card button[type=submit]");
	await page.waitForURL(A + "/settings");
	ok((await flash()).includes("Saved 2 settings"), "settings saved", await flash());
	ok((await page.textContent("body")).includes("20 units × 3 per unit = the oldest 60"), "explanation with the new numbers");
	ok(ctl("settings", "notify_mode") === "per_unit" && ctl("settings", "customers_per_unit") === "3", "stored");
	await shot("05-settings");

	// edit a mapping, then sync
	await page.click("nav.main >> text=Catalog feed");
	await page.fill("[name=from_0]", "color");
	await page.fill("[name=to_0]", "colour");
	await page.selectOption("[name=type_0]", "String");
	await page.click("form[action$='/feed/mapping'] button[type=submit]");
	await page.waitForURL(/\/admin\/feed/);
	ok((await flash()).includes("Field mapping saved"), "mapping saved", await flash());
	ok(ctl("settings", "feed_mapping") === "color=colour:String", "mapping stored", ctl("settings", "feed_mapping"));
	await page.click("#sync-now");
	await page.waitForURL(/\/admin\/feed/);
	ok((await flash()).includes("items accepted"), "sync now", await flash());
	ok(await page.isVisible("#report"), "sync report");
	await shot("06-feed");

	// the item's waiters
	await page.click('nav.main >> text="Catalog"');
	await page.check("#waiters");
	await page.click("form.filters button[type=submit]");
	await page.click("a:has-text('TRL-JKT-001-M') >> nth=0");
	ok((await page.textContent("#queue")).includes("browser-shopper@example.com"), "the item's waiters");
	await shot("07-subscriptions");

	// export CSV
	const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-variant")]);
	const csv = readFileSync(await download.path(), "utf8");
	ok(csv.includes("browser-shopper@example.com"), "CSV export has the subscriber", csv);
	ok(download.suggestedFilename().endsWith(".csv"), "CSV file name", download.suggestedFilename());

	// a failed notification, retried
	ctl("settings", "mail_transport", "sendmail:/bin/false");
	ctl("settings", "notify_mode", "all");
	const r = await fetch(BASE + "/onsite/components/back-in-stock/subscribe", {
		method: "POST",
		headers: { "Content-Type": "application/x-www-form-urlencoded" },
		body: new URLSearchParams({ a: ctl("settings", "public_key"), email: "will-fail@example.com",
			variant: "TRL-JKT-001-L", platform: "api" }).toString(),
	});
	ok(r.status === 200, "subscribed to an in-stock item");
	try { ctl("send"); } catch { /* a failed delivery may exit non-zero */ }
	try { ctl("send"); } catch { /* idem */ }
	await page.goto(A + "/activity?state=failed");
	const row = page.locator("#notifications tr", { hasText: "will-fail@example.com" });
	ok(await row.count() >= 1, "activity shows the failed notification");
	await shot("08-activity-failed");
	await row.first().locator("button:has-text('Retry')").click();
	await page.waitForURL(/\/admin\/activity/);
	ok((await flash()).includes("pending again"), "retried", await flash());
	ok((await page.textContent("#notifications")).includes("will-fail@example.com"), "now pending");
	await shot("09-activity-retried");

	// email preview and email settings
	await page.fill("#item", "TRL-JKT-001-M");
	await page.click("form[action$='/activity/preview'] button");
	ok((await page.textContent("#eml")).includes("Subject:"), "email preview");
	await shot("10-preview");
	await page.click("nav.main >> text=Email");
	ok(await page.isVisible("[name=mail_transport]"), "email settings");
	await shot("11-email");

	// a phone
	await page.setViewportSize({ width: 375, height: 740 });
	await page.goto(A + "/");
	const wide = await page.evaluate(() => document.documentElement.scrollWidth);
	ok(wide <= 380, "no sideways scrolling on a phone", wide);
	await shot("12-dashboard-phone");
	await page.goto(A + "/catalog");
	await shot("13-catalog-phone");
	await page.setViewportSize({ width: 1200, height: 900 });

	// nothing was blocked by the CSP, no script errors
	ok(consoleErrors.length === 0, "no CSP violations or script errors", consoleErrors.join("\n"));

	// log out
	await page.click("header.top button:has-text('Log out')");
	await page.waitForURL(/\/admin\/login/);
	ok((await page.textContent("body")).includes("You have logged out"), "logged out");
	await page.goto(A + "/catalog");
	ok(page.url().endsWith("/admin/login"), "after logout the pages need a login again", page.url());
	await shot("14-logged-out");
} catch (e) {
	ok(false, "browser run", e.stack || e);
	await shot("99-failure").catch(() => {});
} finally {
	await context.close();
	rmSync(profile, { recursive: true, force: true });
}
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
