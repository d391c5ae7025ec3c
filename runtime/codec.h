/*
 * codec.h --
 *
 *	Tcl values on the wire. A value travels as one of four kinds, chosen
 *	by its internal representation so that it arrives equal as a string:
 *	a pure bytearray raw, a list of pure doubles or of pure integers as a
 *	packed double[] or int64[], everything else as its UTF-8 string.
 *	See codec.c and DESIGN.md, "Values on the wire (the codec)".
 */

#ifndef PTCL_CODEC_H
#define PTCL_CODEC_H

#include "ptclRuntime.h"

enum { PTCL_VAL_STRING = 1, PTCL_VAL_BYTES = 2, PTCL_VAL_DOUBLES = 3, PTCL_VAL_WIDES = 4 };

typedef struct PtclPacked {
    int kind;            /* PTCL_VAL_* */
    const void *data;    /* payload: points into the value's internal rep or into 'owned' */
    uint64_t len;        /* payload length in bytes (64-bit: values may exceed 2 GiB) */
    uint64_t count;      /* elements: bytes for STRING/BYTES, numbers for DOUBLES/WIDES */
    void *owned;         /* ckalloc'ed storage when the payload had to be built, else NULL */
    Tcl_Obj *obj;        /* the value, one reference held while packed */
} PtclPacked;

int      PtclPackValue(Tcl_Obj *valuePtr, PtclPacked *p);   /* always succeeds, returns kind; zero-copy where possible (bytearray, string); packed lists are built into 'owned' */
void     PtclPackedFree(PtclPacked *p);                     /* releases 'owned' and the reference */
Tcl_Obj *PtclUnpackValue(int kind, const void *data, uint64_t len); /* new obj, refcount 0; NULL if malformed */
int      PtclPackNumbers(Tcl_Interp *interp, Tcl_Obj *valuePtr, int *kindPtr, PtclPacked *p);
         /* For reductions: a number or list of numbers (any string form Tcl accepts as int or double, e.g. "0x10", "1.50") -> packed WIDES if all fit in int64 integers, else DOUBLES; TCL_ERROR with message "expected a number or a list of numbers but got \"...\"" otherwise (message truncated for long values). Returns TCL_OK/TCL_ERROR. Result's string form may differ from input (it's a computation input). */
void     PtclEncodeValue(PtclBuf *buf, Tcl_Obj *valuePtr);  /* appends: int32 kind, int64 len, payload */
Tcl_Obj *PtclDecodeValue(PtclReader *r);                    /* reads what PtclEncodeValue wrote; NULL if malformed (r->bad set) */

#endif /* PTCL_CODEC_H */
