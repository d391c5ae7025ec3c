/*
 * buffer.c --
 *
 *	A growable byte buffer for building wire messages, and a reader that
 *	takes them apart again without ever reading past the end. Integers
 *	and doubles go in native byte order: ptcl assumes a homogeneous
 *	cluster, as MPI_BYTE transfers do.
 */

#include "ptclRuntime.h"
#include <string.h>

void
PtclBufInit(
    PtclBuf *buf)
{
    buf->bytes = NULL;
    buf->len = buf->cap = 0;
}

void
PtclBufFree(
    PtclBuf *buf)
{
    if (buf->bytes) {
	ckfree(buf->bytes);
    }
    PtclBufInit(buf);
}

/*
 *----------------------------------------------------------------------
 *
 * PtclBufReserve --
 *
 *	Makes room for at least 'more' further bytes.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	May move buf->bytes. Panics (through ckrealloc) when memory is out.
 *
 *----------------------------------------------------------------------
 */

void
PtclBufReserve(
    PtclBuf *buf,
    size_t more)
{
    size_t need = buf->len + more;

    if (need > buf->cap) {
	size_t cap = buf->cap ? buf->cap : 256;

	while (cap < need) {
	    cap *= 2;
	}
	buf->bytes = (unsigned char *) ckrealloc(buf->bytes, cap);
	buf->cap = cap;
    }
}

void
PtclBufAppend(
    PtclBuf *buf,
    const void *data,
    size_t len)
{
    if (len == 0) {
	return;
    }
    PtclBufReserve(buf, len);
    memcpy(buf->bytes + buf->len, data, len);
    buf->len += len;
}

void
PtclBufPutInt32(
    PtclBuf *buf,
    int32_t v)
{
    PtclBufAppend(buf, &v, sizeof(v));
}

void
PtclBufPutInt64(
    PtclBuf *buf,
    int64_t v)
{
    PtclBufAppend(buf, &v, sizeof(v));
}

void
PtclBufPutDouble(
    PtclBuf *buf,
    double v)
{
    PtclBufAppend(buf, &v, sizeof(v));
}

/*
 * PtclBufPutBytes --
 *
 *	Appends a length-prefixed (int64) run of bytes; PtclGetBytes reads it.
 */

void
PtclBufPutBytes(
    PtclBuf *buf,
    const void *data,
    size_t len)
{
    PtclBufPutInt64(buf, (int64_t) len);
    PtclBufAppend(buf, data, len);
}

void
PtclReaderInit(
    PtclReader *r,
    const void *data,
    size_t len)
{
    r->p = (const unsigned char *) data;
    r->end = data ? r->p + len : r->p;
    r->bad = (data == NULL && len != 0);
}

/*
 * Take --
 *
 *	Hands out the next n bytes, or NULL (and marks the reader bad) when
 *	fewer are left.
 */

static const unsigned char *
Take(
    PtclReader *r,
    size_t n)
{
    const unsigned char *p;

    if (r->bad || (size_t) (r->end - r->p) < n) {
	r->bad = 1;
	return NULL;
    }
    p = r->p;
    r->p += n;
    return p;
}

int32_t
PtclGetInt32(
    PtclReader *r)
{
    int32_t v = 0;
    const unsigned char *p = Take(r, sizeof(v));

    if (p) {
	memcpy(&v, p, sizeof(v));
    }
    return v;
}

int64_t
PtclGetInt64(
    PtclReader *r)
{
    int64_t v = 0;
    const unsigned char *p = Take(r, sizeof(v));

    if (p) {
	memcpy(&v, p, sizeof(v));
    }
    return v;
}

double
PtclGetDouble(
    PtclReader *r)
{
    double v = 0.0;
    const unsigned char *p = Take(r, sizeof(v));

    if (p) {
	memcpy(&v, p, sizeof(v));
    }
    return v;
}

/*
 * PtclGetBytes --
 *
 *	Reads what PtclBufPutBytes wrote. Returns a pointer into the reader's
 *	data (not a copy) and its length, or NULL when the data is short.
 */

const unsigned char *
PtclGetBytes(
    PtclReader *r,
    size_t *lenPtr)
{
    int64_t len = PtclGetInt64(r);
    const unsigned char *p;

    *lenPtr = 0;
    if (r->bad || len < 0) {
	r->bad = 1;
	return NULL;
    }
    p = Take(r, (size_t) len);
    if (p) {
	*lenPtr = (size_t) len;
    }
    return p;
}
