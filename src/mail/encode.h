/* encode: the byte-level encodings of a mail message (addresses, RFC 2047 header text, quoted-printable). */
#ifndef RESTOCK_MAIL_ENCODE_H
#define RESTOCK_MAIL_ENCODE_H

#include <stddef.h>

#include "core/buf.h"

#define MAIL_LINE_MAX		78	/* RFC 5322 "SHOULD" line length, CRLF excluded */
#define MAIL_QP_LINE_MAX	76	/* RFC 2045 encoded line length, CRLF excluded */
#define MAIL_EW_MAX		75	/* RFC 2047 length of one encoded-word */
#define MAIL_ADDR_MAX		254	/* RFC 5321 path limit minus the brackets */
#define MAIL_LOCAL_MAX		64	/* RFC 5321 local-part */
#define MAIL_DOMAIN_MAX		253
#define MAIL_LABEL_MAX		63

/*
 * mail_addr_valid: 1 if the NUL-terminated s is a plain addr-spec usable in
 * a header and an SMTP envelope: a dot-atom local part (RFC 5322 atext, plus
 * non-ASCII UTF-8 as RFC 6532 allows), '@', and a domain of at least two
 * dot-separated labels of letters, digits, hyphens or non-ASCII UTF-8. No
 * quoted local parts, domain literals, comments, spaces or control
 * characters (so no CR/LF) anywhere. 0 otherwise, also for NULL.
 */
int mail_addr_valid(const char *s);

/*
 * hdr_text_clean: append s[0..len) to out as one line of header text:
 * invalid UTF-8 becomes U+FFFD; control characters (C0, DEL, C1, U+2028,
 * U+2029), so CR, LF and NUL too, become spaces; runs of spaces collapse to
 * one; both ends are trimmed. At most max bytes are kept (cut at a character
 * boundary, ending in "..." when cut). Never fails.
 */
void hdr_text_clean(struct buf *out, const char *s, size_t len, size_t max);

/*
 * hdr_fold_text: append already-cleaned header text (hdr_text_clean) as an
 * unstructured field body starting at column *col (the width of "Name: ").
 * Plain printable ASCII is written as is, folded at spaces; anything else
 * becomes RFC 2047 UTF-8 encoded-words (Q, or B when most bytes need
 * encoding), each at most 75 characters, never splitting a UTF-8 character,
 * folded so no line exceeds MAIL_LINE_MAX. Updates *col. Never fails.
 */
void hdr_fold_text(struct buf *out, const char *s, size_t len, size_t *col);

/*
 * hdr_encode_words: like hdr_fold_text but always writes encoded-words
 * (used for display names that cannot be a quoted-string).
 */
void hdr_encode_words(struct buf *out, const char *s, size_t len, size_t *col);

/*
 * qp_encode: append s[0..len) quoted-printable (RFC 2045) to out. Line
 * breaks in the input (CRLF, LF or CR) become CRLF; every output line ends
 * in CRLF and is at most 76 characters; '=', non-ASCII, controls and
 * whitespace before a line end are encoded, and so are a '.' or "From "
 * starting a line (harmless to decoders; safe for SMTP and mbox). Never
 * fails.
 */
void qp_encode(struct buf *out, const char *s, size_t len);

/* b64_encode: append standard padded base64 of data (one line, no breaks). */
void b64_encode(struct buf *out, const void *data, size_t n);

#endif
