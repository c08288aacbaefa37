/* form: ordered name/value fields decoded from urlencoded or multipart input. */
#ifndef RESTOCK_FORM_H
#define RESTOCK_FORM_H

#include <stddef.h>

struct form_field {
	char *name;		/* NUL-terminated, valid UTF-8, no NUL inside */
	size_t name_len;
	char *value;		/* NUL-terminated, valid UTF-8, no NUL inside */
	size_t value_len;
};

struct form {
	struct form_field *fields;	/* in the order received */
	size_t nr, alloc;
};

#define FORM_INIT { NULL, 0, 0 }

/* form_init: make an empty form (no allocation). */
void form_init(struct form *f);
/* form_release: free every field and re-initialise. */
void form_release(struct form *f);
/* form_truncate: free the fields from index nr on (undoes a failed parse). */
void form_truncate(struct form *f, size_t nr);

/*
 * form_add: append a copy of one field. Returns 0, or 400 when the name is
 * empty or over MAX_FORM_NAME_BYTES, the value is over MAX_FORM_FIELD_BYTES,
 * either holds a NUL byte or invalid UTF-8, the name is already present, or
 * the form already holds MAX_FORM_FIELDS fields. The form owns the copies.
 */
int form_add(struct form *f, const char *name, size_t name_len,
	     const char *value, size_t value_len);

/*
 * form_parse_urlencoded: decode an application/x-www-form-urlencoded body
 * ('+' is a space, %XX an octet) and append its fields to f. Empty pairs
 * ("a=1&&b=2") are skipped; a pair without '=' has an empty value.
 * Returns 0; 413 when len > MAX_BODY_BYTES; 400 on a malformed %-escape or
 * whatever form_add rejects (a duplicate name included). On error f is left
 * exactly as it was before the call. f owns what was added.
 */
int form_parse_urlencoded(struct form *f, const char *body, size_t len);

/*
 * form_parse_query: form_parse_urlencoded for a NUL-terminated QUERY_STRING
 * (NULL reads as empty). Returns 0, 400 as above, or 414 when the string is
 * longer than MAX_QUERY_BYTES.
 */
int form_parse_query(struct form *f, const char *qs);

/* form_find: the field called name, or NULL. Points into f. */
const struct form_field *form_find(const struct form *f, const char *name);
/* form_get: the NUL-terminated value of name, or NULL if absent. Points into f. */
const char *form_get(const struct form *f, const char *name);
/* form_get_len: the value length of name, 0 if absent (use form_find to tell). */
size_t form_get_len(const struct form *f, const char *name);

#endif
