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
int      PtclPackElements(int objc, Tcl_Obj *const objv[], PtclPacked *p);
         /* PtclPackValue of Tcl_NewListObj(objc, objv), without making that list when the elements are numbers (p->obj NULL then). */
Tcl_Obj *PtclUnpackInto(int kind, const void *data, uint64_t len, Tcl_Obj *reuse);
         /* PtclUnpackValue, but a packed list may be rebuilt in reuse itself (an unshared list: its unshared elements get the new numbers, no allocation) and reuse is returned; else a new obj, refcount 0; NULL if malformed. The caller holds reuse's only reference and replaces it with the result. */
int      PtclReuseList(Tcl_Obj *reuse, int count);
         /* 1 if reuse is an unshared list of count elements, given an internal rep of its own (then ready for PtclUnpackRange), else 0. */
void     PtclUnpackRange(Tcl_Obj *listPtr, int first, int kind, const void *data, int n);
         /* Elements first..first+n-1 of such a list take the n packed numbers (in place where unshared). */
int      PtclStreamKind(Tcl_Obj *valuePtr, int *objcPtr, Tcl_Obj ***objvPtr);
         /* The kind a list without string rep travels as if every element is like its first (DOUBLES/WIDES, with its elements), else STRING. */
int      PtclPackRange(int kind, int n, Tcl_Obj *const objv[], unsigned char *dst);
         /* Packs n elements as kind at dst; 0 if one does not qualify (the list then travels as a string). */
int      PtclUnpackAppend(Tcl_Obj *listPtr, int kind, const void *data, uint64_t len);
         /* Appends a packed list's numbers to an unshared list as new elements; TCL_ERROR if malformed or not numbers. */
int      PtclPackNumbers(Tcl_Interp *interp, Tcl_Obj *valuePtr, int *kindPtr, PtclPacked *p);
         /* For reductions: a number or list of numbers (any string form Tcl accepts as int or double, e.g. "0x10", "1.50") -> packed WIDES if all fit in int64 integers, else DOUBLES; TCL_ERROR with message "expected a number or a list of numbers but got \"...\"" otherwise (message truncated for long values). Returns TCL_OK/TCL_ERROR. Result's string form may differ from input (it's a computation input). */
void     PtclEncodeValue(PtclBuf *buf, Tcl_Obj *valuePtr);  /* appends: int32 kind, int64 len, payload */
Tcl_Obj *PtclDecodeValue(PtclReader *r);                    /* reads what PtclEncodeValue wrote; NULL if malformed (r->bad set) */

#endif /* PTCL_CODEC_H */
