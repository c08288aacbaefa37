/* admin_static: GET /admin/static/admin.css — the admin stylesheet from templates/admin/. */
#include <stdio.h>

#include "web/admin.h"

void admin_static(struct admin *a)
{
	struct buf path = BUF_INIT, dir = BUF_INIT;
	char chunk[8192];
	size_t n;
	FILE *f;

	admin_templates_dir(&dir);
	buf_addf(&path, "%s/admin/admin.css", dir.ptr);
	f = fopen(path.ptr, "rb");
	buf_reset(&a->r->out);
	if (!f) {
		a->r->status = 404;
		req_add_header(a->r, "Content-Type", "text/plain; charset=utf-8");
		buf_adds(&a->r->out, "no stylesheet\n");
	} else {
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			buf_add(&a->r->out, chunk, n);
		fclose(f);
		a->r->status = 200;
		req_add_header(a->r, "Content-Type", "text/css; charset=utf-8");
	}
	buf_release(&path);
	buf_release(&dir);
}
