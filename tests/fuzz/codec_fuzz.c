/*
 * codec_fuzz.c --
 *
 *	libFuzzer target for the value decoder (runtime/codec.c): feeds
 *	arbitrary bytes to PtclDecodeValue, one value after another, and for
 *	every value it accepts checks that encoding it again and decoding
 *	that gives the same string. Not part of the normal build:
 *
 *	    clang -g -O1 -fsanitize=fuzzer,address -I/usr/include/tcl8.6 \
 *		$(mpicc -showme:compile) -Iruntime \
 *		runtime/codec.c runtime/buffer.c tests/fuzz/codec_fuzz.c \
 *		-ltcl8.6 -o codec_fuzz
 *	    ./codec_fuzz -max_total_time=60
 */

#include "codec.h"
#include <stdlib.h>
#include <string.h>

static Tcl_Interp *interp;

static void
CheckResend(
    Tcl_Obj *valuePtr)
{
    PtclBuf buf;
    PtclReader r;
    PtclPacked p;
    Tcl_Obj *again, *unpacked;
    int la, lb, lc;
    const char *a, *b, *c;

    PtclBufInit(&buf);
    PtclEncodeValue(&buf, valuePtr);
    PtclReaderInit(&r, buf.bytes, buf.len);
    again = PtclDecodeValue(&r);
    if (again == NULL || r.bad || r.p != r.end) {
	abort();
    }
    Tcl_IncrRefCount(again);

    PtclPackValue(valuePtr, &p);
    unpacked = PtclUnpackValue(p.kind, p.data, p.len);
    if (unpacked == NULL) {
	abort();
    }
    Tcl_IncrRefCount(unpacked);
    PtclPackedFree(&p);

    a = Tcl_GetStringFromObj(valuePtr, &la);
    b = Tcl_GetStringFromObj(again, &lb);
    c = Tcl_GetStringFromObj(unpacked, &lc);
    if (la != lb || memcmp(a, b, (size_t) la) != 0
	    || la != lc || memcmp(a, c, (size_t) la) != 0) {
	abort();
    }
    Tcl_DecrRefCount(unpacked);
    Tcl_DecrRefCount(again);
    PtclBufFree(&buf);
}

int
LLVMFuzzerTestOneInput(
    const uint8_t *data,
    size_t size)
{
    PtclReader r;
    Tcl_Obj *v;
    int i;

    if (interp == NULL) {
	Tcl_FindExecutable(NULL);
	interp = Tcl_CreateInterp();
    }

    PtclReaderInit(&r, data, size);
    for (i = 0; i < 8 && r.p != r.end; i++) {
	v = PtclDecodeValue(&r);
	if (v == NULL) {
	    if (!r.bad) {
		abort();		/* NULL must come with r->bad. */
	    }
	    break;
	}
	Tcl_IncrRefCount(v);
	CheckResend(v);

	/*
	 * Once more after the value has a string rep: the packed paths must
	 * then check it against the canonical form.
	 */

	CheckResend(v);
	Tcl_DecrRefCount(v);
    }
    return 0;
}
