/* cors: Access-Control-* headers for the browser endpoints (cors_origins setting). */
#ifndef RESTOCK_CORS_H
#define RESTOCK_CORS_H

#include "web/req.h"

/* cors_headers: add Access-Control-Allow-Origin (and Vary) for r's Origin. */
void cors_headers(struct req *r);
/* cors_preflight: answer an OPTIONS preflight (204) allowing allow_headers. */
void cors_preflight(struct req *r, const char *allow_headers);

#endif
