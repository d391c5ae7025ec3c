/*
 * codec_test.c --
 *
 *	Unit and property tests of runtime/codec.c: which kind each value
 *	travels as, that every value arrives equal as a string (through
 *	PtclPackValue/PtclUnpackValue and PtclEncodeValue/PtclDecodeValue),
 *	that malformed input is refused without a crash, and PtclPackNumbers.
 *
 *	Needs no MPI at run time. Build (from the top of the tree):
 *
 *	    mpicc -O2 -Wall -Wextra -I/usr/include/tcl8.6 -Iruntime \
 *		runtime/codec.c runtime/buffer.c tests/codec_test.c \
 *		-ltcl8.6 -o codec_test
 *
 *	Usage: codec_test ?seed? ?count?  (property test: default seed 1,
 *	2000 values). Prints a tcltest-style summary as its last line and
 *	exits 1 if anything failed.
 */

#include "codec.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <math.h>

/*
 * Frees a value whose refcount may be 0.
 */

#define FreeObj(objPtr) \
    do { Tcl_IncrRefCount(objPtr); Tcl_DecrRefCount(objPtr); } while (0)

static int numTotal = 0, numPassed = 0, numFailed = 0;
static Tcl_Interp *interp;

/*
 * A test made of several checks (BeginTest ... EndTest) counts once.
 */

static const char *testName = NULL;
static int testFailed;

static void
BeginTest(
    const char *name)
{
    testName = name;
    testFailed = 0;
}

static void
EndTest(void)
{
    numTotal++;
    if (testFailed) {
	numFailed++;
    } else {
	numPassed++;
    }
    testName = NULL;
}

/*
 *----------------------------------------------------------------------
 *
 * Check --
 *
 *	One check. Outside BeginTest/EndTest it counts as a test by itself;
 *	inside, it fails the current test. On failure prints "==== name
 *	FAILED" (once per test) and the details.
 *
 * Results:
 *	The condition.
 *
 *----------------------------------------------------------------------
 */

static int
Check(
    const char *name,
    int cond,
    const char *fmt,
    ...)
{
    va_list ap;

    if (testName == NULL) {
	numTotal++;
	if (cond) {
	    numPassed++;
	    return 1;
	}
	numFailed++;
	printf("==== %s FAILED\n", name);
    } else {
	if (cond) {
	    return 1;
	}
	if (!testFailed) {
	    printf("==== %s FAILED\n", testName);
	}
	testFailed = 1;
	printf("---- %s\n", name);
    }
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    return 0;
}

static const char *
KindName(
    int kind)
{
    switch (kind) {
    case PTCL_VAL_STRING: return "STRING";
    case PTCL_VAL_BYTES: return "BYTES";
    case PTCL_VAL_DOUBLES: return "DOUBLES";
    case PTCL_VAL_WIDES: return "WIDES";
    default: return "?";
    }
}

/*
 * Printable form of a string for failure messages: escapes everything but
 * printable ASCII. Returns a ckalloc'ed string.
 */

static char *
Show(
    const char *s,
    int len)
{
    char *out = ckalloc(4 * (unsigned) len + 1), *q = out;
    int i;

    for (i = 0; i < len && i < 200; i++) {
	unsigned char c = (unsigned char) s[i];

	if (c >= 32 && c < 127) {
	    *q++ = (char) c;
	} else {
	    q += sprintf(q, "\\x%02x", c);
	}
    }
    *q = '\0';
    return out;
}

static int
SameString(
    Tcl_Obj *a,
    Tcl_Obj *b)
{
    int la, lb;
    const char *sa = Tcl_GetStringFromObj(a, &la);
    const char *sb = Tcl_GetStringFromObj(b, &lb);

    return la == lb && memcmp(sa, sb, (size_t) la) == 0;
}

static void
CheckSame(
    const char *name,
    Tcl_Obj *orig,
    Tcl_Obj *got)
{
    int la, lb;
    const char *sa, *sb;
    char *x, *y;

    if (!Check(name, got != NULL, "decode returned NULL")) {
	return;
    }
    if (SameString(orig, got)) {
	return;
    }
    sa = Tcl_GetStringFromObj(orig, &la);
    sb = Tcl_GetStringFromObj(got, &lb);
    x = Show(sa, la);
    y = Show(sb, lb);
    Check(name, 0, "sent     \"%s\" (%d bytes)\nreceived \"%s\" (%d bytes)",
	    x, la, y, lb);
    ckfree(x);
    ckfree(y);
}

/*
 *----------------------------------------------------------------------
 *
 * RoundTrip --
 *
 *	Sends a value both ways (pack/unpack and encode/decode), checks
 *	the kind chosen (unless expectKind is 0), that both ways agree on
 *	it, that the string arrives equal, that a decoded value travels
 *	the same way again, and that every truncation of the encoding is
 *	refused (if truncateAll; otherwise one random truncation).
 *
 * Results:
 *	The kind chosen.
 *
 * Side effects:
 *	Frees valuePtr if its refcount was 0.
 *
 *----------------------------------------------------------------------
 */

static unsigned long long rngState = 1;

static unsigned long long
Rand64(void)
{
    /* xorshift64* */
    rngState ^= rngState >> 12;
    rngState ^= rngState << 25;
    rngState ^= rngState >> 27;
    return rngState * 2685821657736338717ULL;
}

static int
RandInt(
    int n)
{
    return (int) (Rand64() % (unsigned long long) n);
}

static int
RoundTrip(
    const char *name,
    Tcl_Obj *valuePtr,
    int expectKind,
    int truncateAll)
{
    PtclPacked p, p2;
    PtclBuf buf;
    PtclReader r;
    Tcl_Obj *u1, *u2, *u3;
    int kind, kind2, encKind = 0, refs;
    long badTruncation = -1;
    char what[300];
    size_t k, fullLen;
    unsigned char *copy;

    BeginTest(name);
    Tcl_IncrRefCount(valuePtr);
    refs = valuePtr->refCount;

    /*
     * Pack and encode before anything asks for the string form.
     */

    kind = PtclPackValue(valuePtr, &p);
    u1 = PtclUnpackValue(p.kind, p.data, p.len);
    if (u1) {
	Tcl_IncrRefCount(u1);
    }
    snprintf(what, sizeof(what), "%s: pack/unpack kind", name);
    if (expectKind) {
	Check(what, kind == expectKind, "expected %s, got %s",
		KindName(expectKind), KindName(kind));
    }
    snprintf(what, sizeof(what), "%s: pack payload", name);
    Check(what, p.kind == kind && (kind == PTCL_VAL_STRING
	    || kind == PTCL_VAL_BYTES ? (p.owned == NULL && p.count == p.len)
	    : (p.owned == p.data && p.len == 8 * p.count)),
	    "kind %d owned %p data %p len %llu count %llu", p.kind, p.owned,
	    p.data, (unsigned long long) p.len,
	    (unsigned long long) p.count);
    PtclPackedFree(&p);
    snprintf(what, sizeof(what), "%s: refcount", name);
    Check(what, valuePtr->refCount == refs, "refcount %d, was %d",
	    valuePtr->refCount, refs);

    PtclBufInit(&buf);
    PtclEncodeValue(&buf, valuePtr);
    fullLen = buf.len;
    if (buf.len >= 4) {
	memcpy(&encKind, buf.bytes, 4);
    }
    snprintf(what, sizeof(what), "%s: encode kind", name);
    Check(what, encKind == kind, "pack chose %s, encode chose %s",
	    KindName(kind), KindName(encKind));

    /*
     * Decode from an exact-size copy, so that a sanitizer or valgrind sees
     * any read past the end; then every truncation.
     */

    copy = (unsigned char *) ckalloc((unsigned) fullLen + 1);
    memcpy(copy, buf.bytes, fullLen);
    PtclReaderInit(&r, copy, fullLen);
    u2 = PtclDecodeValue(&r);
    if (u2) {
	Tcl_IncrRefCount(u2);
    }
    snprintf(what, sizeof(what), "%s: decode consumed all", name);
    Check(what, u2 != NULL && !r.bad && r.p == r.end,
	    "value %p bad %d left %ld", (void *) u2, r.bad,
	    (long) (r.end - r.p));
    ckfree((char *) copy);

    for (k = truncateAll ? 0 : (fullLen ? (size_t) Rand64() % fullLen : 0);
	    k < fullLen; k++) {
	Tcl_Obj *t;

	copy = (unsigned char *) ckalloc((unsigned) k + 1);
	memcpy(copy, buf.bytes, k);
	PtclReaderInit(&r, k ? copy : NULL, k);
	t = PtclDecodeValue(&r);
	if ((t != NULL || !r.bad) && badTruncation < 0) {
	    badTruncation = (long) k;
	}
	if (t) {
	    FreeObj(t);
	}
	ckfree((char *) copy);
	if (!truncateAll) {
	    break;
	}
    }
    snprintf(what, sizeof(what), "%s: truncations refused", name);
    Check(what, badTruncation < 0, "decoded a value truncated to %ld of "
	    "%zu bytes", badTruncation, fullLen);
    PtclBufFree(&buf);

    /*
     * A received value travels the same way again.
     */

    if (u2) {
	kind2 = PtclPackValue(u2, &p2);
	u3 = PtclUnpackValue(p2.kind, p2.data, p2.len);
	PtclPackedFree(&p2);
	snprintf(what, sizeof(what), "%s: resend kind", name);
	Check(what, kind2 == kind, "sent as %s, resent as %s",
		KindName(kind), KindName(kind2));
	if (u3) {
	    Tcl_IncrRefCount(u3);
	    snprintf(what, sizeof(what), "%s: resend string", name);
	    CheckSame(what, u2, u3);
	    Tcl_DecrRefCount(u3);
	}
    }

    snprintf(what, sizeof(what), "%s: pack/unpack string", name);
    CheckSame(what, valuePtr, u1);
    snprintf(what, sizeof(what), "%s: encode/decode string", name);
    CheckSame(what, valuePtr, u2);

    if (u1) {
	Tcl_DecrRefCount(u1);
    }
    if (u2) {
	Tcl_DecrRefCount(u2);
    }
    Tcl_DecrRefCount(valuePtr);
    EndTest();
    return kind;
}

/*
 * Evaluates a script and returns its result value (a new reference is
 * not taken: the caller passes it on at once), or NULL on error.
 */

static Tcl_Obj *
Eval(
    const char *script)
{
    Tcl_Obj *r;

    if (Tcl_EvalEx(interp, script, -1, 0) != TCL_OK) {
	printf("script failed: %s\n%s\n", script, Tcl_GetStringResult(interp));
	return NULL;
    }
    r = Tcl_GetObjResult(interp);
    Tcl_IncrRefCount(r);
    Tcl_ResetResult(interp);
    r->refCount--;			/* Hand over as refcount 0 if
					 * nobody else holds it. */
    return r;
}

static void
EvalTrip(
    const char *name,
    const char *script,
    int expectKind)
{
    Tcl_Obj *v = Eval(script);

    if (v == NULL) {
	Check(name, 0, "script failed: %s", script);
    } else {
	RoundTrip(name, v, expectKind, 1);
    }
}

static Tcl_Obj *
DoubleList(
    int n,
    const double *d)
{
    Tcl_Obj *l = Tcl_NewListObj(0, NULL);
    int i;

    for (i = 0; i < n; i++) {
	Tcl_ListObjAppendElement(NULL, l, Tcl_NewDoubleObj(d[i]));
    }
    return l;
}

static double
BitsToDouble(
    unsigned long long bits)
{
    double d;

    memcpy(&d, &bits, 8);
    return d;
}

/*
 * A list parsed from a string, each element then given a numeric internal
 * rep (as [expr] or [lsort -real] would): 'd' double, 'i' integer, '-'
 * left alone.
 */

static Tcl_Obj *
ParsedList(
    const char *str,
    const char *how)
{
    Tcl_Obj *l = Tcl_NewStringObj(str, -1), **objv;
    int objc, i;
    double d;
    Tcl_WideInt w;

    Tcl_ListObjGetElements(NULL, l, &objc, &objv);
    for (i = 0; i < objc; i++) {
	char c = how[i < (int) strlen(how) ? i : (int) strlen(how) - 1];

	if (c == 'd') {
	    Tcl_GetDoubleFromObj(NULL, objv[i], &d);
	} else if (c == 'i') {
	    Tcl_GetWideIntFromObj(NULL, objv[i], &w);
	}
    }
    return l;
}

/*
 *----------------------------------------------------------------------
 *
 * TestKinds --
 *
 *	The fixed cases: each kind's path and each tricky string.
 *
 *----------------------------------------------------------------------
 */

static void
TestKinds(void)
{
    unsigned char bytes[256];
    double d[8];
    Tcl_Obj *v, *objv[4];
    int i;
    char what[100];
    Tcl_WideInt w;
    static const Tcl_UniChar nuls[2] = {0, 0};

    for (i = 0; i < 256; i++) {
	bytes[i] = (unsigned char) i;
    }

    /* Bytearrays. */
    RoundTrip("codec-1.1 pure bytearray", Tcl_NewByteArrayObj(bytes, 256),
	    PTCL_VAL_BYTES, 1);
    RoundTrip("codec-1.2 empty bytearray", Tcl_NewByteArrayObj(NULL, 0),
	    PTCL_VAL_BYTES, 1);
    EvalTrip("codec-1.3 binary format", "binary format H* 00ff10c080",
	    PTCL_VAL_BYTES);
    v = Tcl_NewByteArrayObj(bytes, 256);
    Tcl_GetString(v);
    RoundTrip("codec-1.4 bytearray with a string rep", v, PTCL_VAL_STRING, 1);

    /* Lists of pure doubles. */
    d[0] = 1.5; d[1] = -2.25; d[2] = 1e-300; d[3] = 0.1; d[4] = -0.0;
    d[5] = 1e300 * 10; d[6] = 123456789.0; d[7] = 4.9e-324;
    RoundTrip("codec-2.1 list of pure doubles", DoubleList(8, d),
	    PTCL_VAL_DOUBLES, 1);
    EvalTrip("codec-2.2 doubles from expr",
	    "lmap x {1 2 3 4} {expr {$x * 0.5}}", PTCL_VAL_DOUBLES);
    d[0] = BitsToDouble(0x7ff8000000000000ULL);	/* NaN */
    d[1] = BitsToDouble(0xfff8000000000000ULL);	/* -NaN */
    d[2] = BitsToDouble(0x7ff8000000000001ULL);	/* NaN(1) */
    d[3] = BitsToDouble(0x7ff0000000000001ULL);	/* signalling */
    d[4] = BitsToDouble(0x7ff0000000000000ULL);	/* Inf */
    d[5] = BitsToDouble(0xfff0000000000000ULL);	/* -Inf */
    d[6] = BitsToDouble(0xfff7ffffffffffffULL);
    d[7] = -0.0;
    v = DoubleList(8, d);
    Tcl_IncrRefCount(v);
    RoundTrip("codec-2.3 NaN, Inf, -0.0 packed", v, PTCL_VAL_DOUBLES, 1);
    Check("codec-2.4 Tcl's strings of NaN and Inf",
	    strcmp(Tcl_GetString(v),
	    "NaN -NaN NaN(1) NaN(1) Inf -Inf -NaN(7ffffffffffff) -0.0") == 0,
	    "got \"%s\"", Tcl_GetString(v));
    RoundTrip("codec-2.5 NaN list, now with string reps", v,
	    PTCL_VAL_DOUBLES, 0);
    Tcl_DecrRefCount(v);
    EvalTrip("codec-2.6 NaN from binary scan",
	    "binary scan [binary format w 0x7ff8000000000002] q x;"
	    " list $x [expr {1.5}]", PTCL_VAL_DOUBLES);
    v = DoubleList(1, d + 4);
    RoundTrip("codec-2.7 one pure double in a list", v, PTCL_VAL_DOUBLES, 1);
    RoundTrip("codec-2.8 pure double, not a list", Tcl_NewDoubleObj(2.5),
	    PTCL_VAL_STRING, 1);

    /* Lists of pure integers. */
    objv[0] = Tcl_NewWideIntObj(0);
    objv[1] = Tcl_NewWideIntObj(-1);
    objv[2] = Tcl_NewWideIntObj(INT64_MAX);
    objv[3] = Tcl_NewWideIntObj(INT64_MIN);
    RoundTrip("codec-3.1 list of pure ints", Tcl_NewListObj(4, objv),
	    PTCL_VAL_WIDES, 1);
    EvalTrip("codec-3.2 ints from expr", "lmap x {1 2 3} {expr {$x * -7}}",
	    PTCL_VAL_WIDES);
    RoundTrip("codec-3.3 pure int, not a list", Tcl_NewWideIntObj(42),
	    PTCL_VAL_STRING, 1);

    /* Mixed lists go as strings. */
    objv[0] = Tcl_NewDoubleObj(1.5);
    objv[1] = Tcl_NewStringObj("abc", -1);
    objv[2] = Tcl_NewDoubleObj(2.5);
    RoundTrip("codec-4.1 list with one string element",
	    Tcl_NewListObj(3, objv), PTCL_VAL_STRING, 1);
    objv[0] = Tcl_NewDoubleObj(1.5);
    objv[1] = Tcl_NewWideIntObj(2);
    RoundTrip("codec-4.2 doubles and ints mixed", Tcl_NewListObj(2, objv),
	    PTCL_VAL_STRING, 1);
    objv[0] = Tcl_NewWideIntObj(2);
    objv[1] = Tcl_NewDoubleObj(1.5);
    RoundTrip("codec-4.3 ints and doubles mixed", Tcl_NewListObj(2, objv),
	    PTCL_VAL_STRING, 1);

    /* Non-canonical number strings must go as strings. */
    RoundTrip("codec-5.1 {1.50 2.0e0 0x10} as doubles",
	    ParsedList("1.50 2.0e0 0x10", "d"), PTCL_VAL_STRING, 1);
    RoundTrip("codec-5.2 {1.50 2.0e0 0x10} as numbers",
	    ParsedList("1.50 2.0e0 0x10", "ddi"), PTCL_VAL_STRING, 1);
    RoundTrip("codec-5.3 -0 as int", ParsedList("-0", "i"),
	    PTCL_VAL_STRING, 1);
    RoundTrip("codec-5.4 -0 as double", ParsedList("-0", "d"),
	    PTCL_VAL_STRING, 1);
    RoundTrip("codec-5.5 0x10 as int", ParsedList("0x10 1", "i"),
	    PTCL_VAL_STRING, 1);
    objv[0] = Tcl_NewStringObj(" 1", -1);
    Tcl_GetWideIntFromObj(NULL, objv[0], &w);
    objv[1] = Tcl_NewWideIntObj(2);
    RoundTrip("codec-5.6 leading space in element", Tcl_NewListObj(2, objv),
	    PTCL_VAL_STRING, 1);
    RoundTrip("codec-5.7 {1.5  2.5} (two spaces)",
	    ParsedList("1.5  2.5", "d"), PTCL_VAL_STRING, 1);
    RoundTrip("codec-5.8 {{1.5} 2.5} (braced)",
	    ParsedList("{1.5} 2.5", "d"), PTCL_VAL_STRING, 1);
    RoundTrip("codec-5.9 {1.5 2.5 } (trailing space)",
	    ParsedList("1.5 2.5 ", "d"), PTCL_VAL_STRING, 1);
    RoundTrip("codec-5.10 01 as int", ParsedList("01", "i"),
	    PTCL_VAL_STRING, 1);
    RoundTrip("codec-5.11 +1 as int", ParsedList("+1 2", "i"),
	    PTCL_VAL_STRING, 1);
    RoundTrip("codec-5.12 1.0 as double", ParsedList("1.0 2", "d"),
	    PTCL_VAL_STRING, 1);
    RoundTrip("codec-5.13 nan (lower case)", ParsedList("nan", "d"),
	    PTCL_VAL_STRING, 1);
    RoundTrip("codec-5.14 1e300*10 spelt inf", ParsedList("inf", "d"),
	    PTCL_VAL_STRING, 1);

    /* Canonical number strings may be packed. */
    RoundTrip("codec-6.1 {1.5 2.5} as doubles", ParsedList("1.5 2.5", "d"),
	    PTCL_VAL_DOUBLES, 1);
    RoundTrip("codec-6.2 1e-300 as double", ParsedList("1e-300", "d"),
	    PTCL_VAL_DOUBLES, 1);
    RoundTrip("codec-6.3 {1 -2 30} as ints", ParsedList("1 -2 30", "i"),
	    PTCL_VAL_WIDES, 1);
    RoundTrip("codec-6.4 {-0.0 Inf -Inf NaN} as doubles",
	    ParsedList("-0.0 Inf -Inf NaN", "d"), PTCL_VAL_DOUBLES, 1);
    RoundTrip("codec-6.5 1e-300 as a string, not a list",
	    Tcl_NewStringObj("1e-300", -1), PTCL_VAL_STRING, 1);
    RoundTrip("codec-6.6 -0 as a string, not a list",
	    Tcl_NewStringObj("-0", -1), PTCL_VAL_STRING, 1);
    RoundTrip("codec-6.7 {1.5 2.5} unparsed elements",
	    ParsedList("1.5 2.5", "-"), PTCL_VAL_STRING, 1);

    /* Strings. */
    RoundTrip("codec-7.1 empty string", Tcl_NewObj(), PTCL_VAL_STRING, 1);
    RoundTrip("codec-7.2 empty list", Tcl_NewListObj(0, NULL),
	    PTCL_VAL_STRING, 1);
    EvalTrip("codec-7.3 empty list from [list]", "list", PTCL_VAL_STRING);
    v = Eval("format a%cb%c 0 0");
    Tcl_IncrRefCount(v);
    Check("codec-7.4 NUL in a string is C0 80 in Tcl",
	    v->length == 6 && memcmp(v->bytes, "a\xc0\x80" "b\xc0\x80", 6) == 0,
	    "length %d", v->length);
    RoundTrip("codec-7.5 NUL bytes in strings", v, PTCL_VAL_STRING, 1);
    Tcl_DecrRefCount(v);
    RoundTrip("codec-7.6 NUL via Tcl_NewUnicodeObj",
	    Tcl_NewUnicodeObj(nuls, 2),
	    PTCL_VAL_STRING, 1);
    RoundTrip("codec-7.7 unbalanced braces", Tcl_NewStringObj("a { b", -1),
	    PTCL_VAL_STRING, 1);
    RoundTrip("codec-7.8 unbalanced braces 2",
	    Tcl_NewStringObj("}{\"\\", -1), PTCL_VAL_STRING, 1);
    RoundTrip("codec-7.9 unicode",
	    Tcl_NewStringObj("h\xc3\xa9llo \xe2\x98\x83 \xf0\x9d\x84\x9e", -1),
	    PTCL_VAL_STRING, 1);
    EvalTrip("codec-7.10 unicode via Tcl",
	    "string cat h\\u00e9llo { } \\u2603", PTCL_VAL_STRING);
    EvalTrip("codec-7.11 2**64", "expr {2**64}", PTCL_VAL_STRING);
    EvalTrip("codec-7.12 10**40", "expr {10**40}", PTCL_VAL_STRING);
    EvalTrip("codec-7.13 list of bignums",
	    "list [expr {2**64}] [expr {-10**40}]", PTCL_VAL_STRING);
    EvalTrip("codec-7.14 ints and a bignum",
	    "list [expr {1+1}] [expr {2**64}]", PTCL_VAL_STRING);
    EvalTrip("codec-7.15 nested list",
	    "list [list 1.5 [expr {2.5}]] [list a {b c}] {}", PTCL_VAL_STRING);
    EvalTrip("codec-7.16 nested list of pure doubles",
	    "list [list [expr {1.5}]] [list [expr {2.5}]]", PTCL_VAL_STRING);
    EvalTrip("codec-7.17 dict",
	    "dict create a 1 b {x y} c [expr {1.5}]", PTCL_VAL_STRING);
    EvalTrip("codec-7.18 dict of doubles",
	    "dict create [expr {1.5}] [expr {2.5}]", PTCL_VAL_STRING);
    EvalTrip("codec-7.19 list needing quoting",
	    "list {a b} \\{ \\} \\\" {} \\\\ {$x} {[y]} \"\\n\"",
	    PTCL_VAL_STRING);
    EvalTrip("codec-7.20 boolean", "expr {1 == 1}", PTCL_VAL_STRING);

    /* A longer packed list. */
    EvalTrip("codec-8.1 10000 doubles",
	    "lmap x [lrepeat 10000 0] {expr {rand()}}", PTCL_VAL_DOUBLES);
    Tcl_EvalEx(interp, "set ::big [lmap x [lrepeat 100000 0] "
	    "{expr {int(rand()*1e9)}}]", -1, 0);
    v = Tcl_GetVar2Ex(interp, "big", NULL, 0);
    snprintf(what, sizeof(what), "codec-8.2 100000 ints");
    RoundTrip(what, v, PTCL_VAL_WIDES, 0);
    Tcl_UnsetVar(interp, "big", 0);
}

/*
 *----------------------------------------------------------------------
 *
 * TestMalformed --
 *
 *	Hand-made bad encodings, and PtclUnpackValue's refusals.
 *
 *----------------------------------------------------------------------
 */

static void
DecodeRaw(
    const char *name,
    int32_t kind,
    int64_t len,
    size_t payload,
    int expectOk)
{
    PtclBuf buf;
    PtclReader r;
    Tcl_Obj *v;
    unsigned char *copy;
    size_t i;

    PtclBufInit(&buf);
    PtclBufPutInt32(&buf, kind);
    PtclBufPutInt64(&buf, len);
    for (i = 0; i < payload; i++) {
	unsigned char c = (unsigned char) ('0' + i % 10);

	PtclBufAppend(&buf, &c, 1);
    }
    copy = (unsigned char *) ckalloc((unsigned) buf.len);
    memcpy(copy, buf.bytes, buf.len);
    PtclReaderInit(&r, copy, buf.len);
    v = PtclDecodeValue(&r);
    if (expectOk) {
	Check(name, v != NULL && !r.bad, "refused a good value");
    } else {
	Check(name, v == NULL && r.bad, "accepted a bad value");
    }
    if (v) {
	FreeObj(v);
    }
    ckfree((char *) copy);
    PtclBufFree(&buf);
}

static void
TestMalformed(void)
{
    PtclBuf buf;
    PtclReader r;
    Tcl_Obj *v, *a, *b;
    double dd[2] = {1.5, 2.5};

    DecodeRaw("codec-9.1 unknown kind 0", 0, 3, 3, 0);
    DecodeRaw("codec-9.2 unknown kind 5", 5, 3, 3, 0);
    DecodeRaw("codec-9.3 unknown kind -1", -1, 0, 0, 0);
    DecodeRaw("codec-9.4 doubles, length 7", PTCL_VAL_DOUBLES, 7, 7, 0);
    DecodeRaw("codec-9.5 wides, length 12", PTCL_VAL_WIDES, 12, 12, 0);
    DecodeRaw("codec-9.6 negative length", PTCL_VAL_STRING, -1, 4, 0);
    DecodeRaw("codec-9.7 length past the end", PTCL_VAL_STRING, 10, 9, 0);
    DecodeRaw("codec-9.8 length 2**62", PTCL_VAL_BYTES,
	    (int64_t) 1 << 62, 16, 0);
    DecodeRaw("codec-9.9 length INT64_MIN", PTCL_VAL_WIDES, INT64_MIN, 16, 0);
    DecodeRaw("codec-9.10 empty doubles", PTCL_VAL_DOUBLES, 0, 0, 1);
    DecodeRaw("codec-9.11 wides, 16 bytes", PTCL_VAL_WIDES, 16, 16, 1);
    DecodeRaw("codec-9.12 string with garbage after it", PTCL_VAL_STRING,
	    2, 5, 1);

    Check("codec-9.13 unpack: data NULL, length 5",
	    PtclUnpackValue(PTCL_VAL_STRING, NULL, 5) == NULL, "not NULL");
    Check("codec-9.14 unpack: string over 2 GiB",
	    PtclUnpackValue(PTCL_VAL_STRING, "x", (uint64_t) 1 << 31) == NULL,
	    "not NULL");
    Check("codec-9.15 unpack: bytes over 2 GiB",
	    PtclUnpackValue(PTCL_VAL_BYTES, "x", (uint64_t) 1 << 40) == NULL,
	    "not NULL");
    Check("codec-9.16 unpack: 2**62 doubles",
	    PtclUnpackValue(PTCL_VAL_DOUBLES, "x", (uint64_t) 1 << 62) == NULL,
	    "not NULL");
    Check("codec-9.17 unpack: unknown kind",
	    PtclUnpackValue(77, "x", 1) == NULL, "not NULL");
    v = PtclUnpackValue(PTCL_VAL_STRING, NULL, 0);
    Check("codec-9.18 unpack: data NULL, length 0",
	    v != NULL && strcmp(Tcl_GetString(v), "") == 0, "not empty");
    if (v) {
	FreeObj(v);
    }
    PtclReaderInit(&r, NULL, 0);
    Check("codec-9.19 decode from nothing", PtclDecodeValue(&r) == NULL
	    && r.bad, "not refused");

    /* Two values back to back, then nothing. */
    PtclBufInit(&buf);
    PtclEncodeValue(&buf, v = DoubleList(2, dd));
    FreeObj(v);
    PtclEncodeValue(&buf, v = Tcl_NewStringObj("tail", -1));
    FreeObj(v);
    PtclReaderInit(&r, buf.bytes, buf.len);
    a = PtclDecodeValue(&r);
    b = PtclDecodeValue(&r);
    Check("codec-9.20 two values in one buffer", a && b && !r.bad
	    && r.p == r.end && strcmp(Tcl_GetString(a), "1.5 2.5") == 0
	    && strcmp(Tcl_GetString(b), "tail") == 0, "bad");
    Check("codec-9.21 third value from an empty reader",
	    PtclDecodeValue(&r) == NULL && r.bad, "not refused");
    if (a) {
	FreeObj(a);
    }
    if (b) {
	FreeObj(b);
    }
    PtclBufFree(&buf);

    /* Decoded numbers are pure. */
    PtclBufInit(&buf);
    PtclEncodeValue(&buf, v = DoubleList(2, dd));
    FreeObj(v);
    PtclReaderInit(&r, buf.bytes, buf.len);
    a = PtclDecodeValue(&r);
    if (Check("codec-9.22 decoded doubles", a != NULL, "NULL")) {
	Tcl_Obj **objv;
	int objc;

	Tcl_IncrRefCount(a);
	Check("codec-9.23 decoded doubles are a pure list of pure doubles",
		a->bytes == NULL && a->typePtr == Tcl_GetObjType("list")
		&& Tcl_ListObjGetElements(NULL, a, &objc, &objv) == TCL_OK
		&& objc == 2 && objv[0]->bytes == NULL
		&& objv[0]->typePtr == Tcl_GetObjType("double")
		&& objv[1]->internalRep.doubleValue == 2.5, "not pure");
	Tcl_DecrRefCount(a);
    }
    PtclBufFree(&buf);
}

/*
 *----------------------------------------------------------------------
 *
 * TestPackNumbers --
 *
 *	PtclPackNumbers: kinds, values, errors, refcounts.
 *
 *----------------------------------------------------------------------
 */

static void
PackNumbers(
    const char *name,
    const char *input,
    int expectCode,
    int expectKind,
    int n,
    const double *expect,
    const char *expectMsg)
{
    Tcl_Obj *v = Tcl_NewStringObj(input, -1);
    PtclPacked p;
    int code, kind = -1, i, ok = 1;

    BeginTest(name);
    Tcl_IncrRefCount(v);
    Tcl_ResetResult(interp);
    code = PtclPackNumbers(interp, v, &kind, &p);
    if (!Check(name, code == expectCode, "code %d, expected %d (%s)",
	    code, expectCode, Tcl_GetStringResult(interp))) {
	if (code == TCL_OK) {
	    PtclPackedFree(&p);
	}
	Tcl_DecrRefCount(v);
	EndTest();
	return;
    }
    if (code == TCL_OK) {
	Check(name, kind == expectKind && p.kind == kind
		&& p.count == (uint64_t) n && p.len == 8 * (uint64_t) n,
		"kind %s count %llu, expected %s count %d", KindName(kind),
		(unsigned long long) p.count, KindName(expectKind), n);
	for (i = 0; i < n && (uint64_t) i < p.count; i++) {
	    double got;

	    if (p.kind == PTCL_VAL_WIDES) {
		int64_t w;

		memcpy(&w, (const char *) p.data + 8 * i, 8);
		got = (double) w;
		ok &= ((double) w == expect[i]);
	    } else {
		memcpy(&got, (const char *) p.data + 8 * i, 8);
		ok &= (got == expect[i]) || (isnan(got) && isnan(expect[i]));
	    }
	    if (!ok) {
		Check(name, 0, "element %d: %.17g, expected %.17g", i, got,
			expect[i]);
		break;
	    }
	}
	Check(name, v->refCount == 2, "refcount %d while packed",
		v->refCount);
	PtclPackedFree(&p);
    } else {
	Check(name, strcmp(Tcl_GetStringResult(interp), expectMsg) == 0,
		"message \"%s\"\nexpected \"%s\"",
		Tcl_GetStringResult(interp), expectMsg);
	Tcl_Obj *opts = Tcl_GetReturnOptions(interp, TCL_ERROR), *ec = NULL;
	Tcl_Obj *key = Tcl_NewStringObj("-errorcode", -1);

	Tcl_IncrRefCount(opts);
	Tcl_IncrRefCount(key);
	Tcl_DictObjGet(NULL, opts, key, &ec);
	Check(name, ec && strcmp(Tcl_GetString(ec), "TCL VALUE NUMBER") == 0,
		"errorCode %s", ec ? Tcl_GetString(ec) : "(none)");
	Tcl_DecrRefCount(key);
	Tcl_DecrRefCount(opts);
	Check(name, p.obj == NULL && p.owned == NULL, "p not cleared");
	PtclPackedFree(&p);
    }
    Check(name, v->refCount == 1, "refcount %d after", v->refCount);
    Tcl_DecrRefCount(v);
    EndTest();
}

static void
TestPackNumbers(void)
{
    static const double e123[] = {1, 2, 3}, e15[] = {1.5, 2}, e16[] = {16},
	    e150[] = {1.5}, emix[] = {1, 2.5, 3, 16},
	    ebig[] = {18446744073709551616.0, 1},
	    emax[] = {9223372036854775807.0, -9223372036854775807.0 - 1},
	    e7[] = {7, -8}, enan[] = {NAN, 1, INFINITY},
	    ehuge[] = {1e40};
    char longValue[300], msg[400];
    int i;
    PtclPacked p;
    Tcl_Obj *v;

    PackNumbers("codec-10.1 ints", "1 2 3", TCL_OK, PTCL_VAL_WIDES, 3,
	    e123, NULL);
    PackNumbers("codec-10.2 a double and an int", "1.5 2", TCL_OK,
	    PTCL_VAL_DOUBLES, 2, e15, NULL);
    PackNumbers("codec-10.3 0x10", "0x10", TCL_OK, PTCL_VAL_WIDES, 1,
	    e16, NULL);
    PackNumbers("codec-10.4 1.50", "1.50", TCL_OK, PTCL_VAL_DOUBLES, 1,
	    e150, NULL);
    PackNumbers("codec-10.5 mixed, double in the middle", "1 2.5 3 0x10",
	    TCL_OK, PTCL_VAL_DOUBLES, 4, emix, NULL);
    PackNumbers("codec-10.6 2**64 makes doubles", "18446744073709551616 1",
	    TCL_OK, PTCL_VAL_DOUBLES, 2, ebig, NULL);
    PackNumbers("codec-10.7 int64 limits",
	    "9223372036854775807 -9223372036854775808", TCL_OK,
	    PTCL_VAL_WIDES, 2, emax, NULL);
    PackNumbers("codec-10.8 spaces and signs", " +7\n-8 ", TCL_OK,
	    PTCL_VAL_WIDES, 2, e7, NULL);
    PackNumbers("codec-10.9 NaN and Inf", "NaN 1 Inf", TCL_OK,
	    PTCL_VAL_DOUBLES, 3, enan, NULL);
    PackNumbers("codec-10.10 10**40", "1e40", TCL_OK, PTCL_VAL_DOUBLES, 1,
	    ehuge, NULL);
    PackNumbers("codec-10.11 empty list", "", TCL_OK, PTCL_VAL_WIDES, 0,
	    NULL, NULL);
    PackNumbers("codec-10.12 abc", "abc", TCL_ERROR, 0, 0, NULL,
	    "expected a number or a list of numbers but got \"abc\"");
    PackNumbers("codec-10.13 {1 {2 3}}", "1 {2 3}", TCL_ERROR, 0, 0, NULL,
	    "expected a number or a list of numbers but got \"1 {2 3}\"");
    PackNumbers("codec-10.14 not a list", "1 {2", TCL_ERROR, 0, 0, NULL,
	    "expected a number or a list of numbers but got \"1 {2\"");
    PackNumbers("codec-10.15 boolean", "true", TCL_ERROR, 0, 0, NULL,
	    "expected a number or a list of numbers but got \"true\"");
    PackNumbers("codec-10.16 bad element after doubles", "1.5 2 x",
	    TCL_ERROR, 0, 0, NULL,
	    "expected a number or a list of numbers but got \"1.5 2 x\"");

    for (i = 0; i < 100; i++) {
	longValue[2 * i] = (char) ('a' + i % 26);
	longValue[2 * i + 1] = ' ';
    }
    longValue[200] = '\0';
    snprintf(msg, sizeof(msg),
	    "expected a number or a list of numbers but got \"%.50s...\"",
	    longValue);
    PackNumbers("codec-10.17 long value truncated", longValue, TCL_ERROR,
	    0, 0, NULL, msg);
    snprintf(longValue, sizeof(longValue), "%s",
	    "\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83"
	    "\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83"
	    "\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83"
	    "\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83"
	    "\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83"
	    "\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83"
	    "\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83"
	    "\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83"
	    "\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83"
	    "\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83"
	    "xyz");
    snprintf(msg, sizeof(msg), "expected a number or a list of numbers "
	    "but got \"%.150s...\"", longValue);
    PackNumbers("codec-10.18 long unicode value cut between characters",
	    longValue, TCL_ERROR, 0, 0, NULL, msg);

    /* A refcount-0 value: kept on error, freed by PtclPackedFree. */
    v = Tcl_NewStringObj("abc", -1);
    Check("codec-10.19 refcount-0 value survives an error",
	    PtclPackNumbers(NULL, v, NULL, &p) == TCL_ERROR
	    && v->refCount == 0, "refcount %d", v->refCount);
    PtclPackedFree(&p);
    FreeObj(v);
    v = Tcl_NewStringObj("1 2", -1);
    Check("codec-10.20 refcount-0 value held while packed",
	    PtclPackNumbers(NULL, v, NULL, &p) == TCL_OK && v->refCount == 1,
	    "refcount %d", v->refCount);
    PtclPackedFree(&p);
    PtclPackedFree(&p);		/* Twice is harmless. */
    Check("codec-10.21 PtclPackedFree clears", p.obj == NULL
	    && p.owned == NULL, "not cleared");
}

/*
 *----------------------------------------------------------------------
 *
 * RandomValue --
 *
 *	Builds a random value for the property test, through the C API or
 *	through a random script.
 *
 * Results:
 *	A value with refcount 0 (or held elsewhere, e.g. a literal).
 *
 *----------------------------------------------------------------------
 */

static const char *const pieces[] = {
    "a", "b", " ", "  ", "{", "}", "\"", "\\", "$", "[", "]", ";", "\n",
    "\t", "#", "\xc0\x80", "\xc3\xa9", "\xe2\x98\x83", "\xf0\x9d\x84\x9e",
    "1", "1.50", "2.0e0", "0x10", "-0", "1e-300", "NaN", "Inf", "-Inf",
    "0", "-", "+", ".", "e", "x", "{}", "\"\"", "\xff", "\x01", "\x7f",
    "9223372036854775807", "9223372036854775808", "1.5", "-0.0", "010"
};
#define NUM_PIECES ((int) (sizeof(pieces) / sizeof(pieces[0])))

static const char *const numberForms[] = {
    "1", "1.5", "1.50", "2.0e0", "0x10", "-0", "-0.0", "1e-300", "0.1",
    "Inf", "-Inf", "NaN", "nan", "inf", "+1", "01", "1.0", "1e+300",
    "123456789012", "-5", "9223372036854775807", "-9223372036854775808",
    "18446744073709551616", "0b101", "0o17", " 1", "1 ", "1e5", "100000.0",
    "3.141592653589793", "1.7976931348623157e+308", "5e-324", "NaN(1)",
    "-NaN"
};
#define NUM_FORMS ((int) (sizeof(numberForms) / sizeof(numberForms[0])))

static Tcl_Obj *RandomValue(int depth);

static double
RandomDouble(void)
{
    switch (RandInt(6)) {
    case 0:
	return BitsToDouble(Rand64());		/* Anything, NaN too. */
    case 1:
	return (double) (RandInt(2000) - 1000) / 8;
    case 2:
	return BitsToDouble(Rand64() | 0x7ff0000000000000ULL); /* NaN/Inf */
    default: {
	double d;

	do {
	    d = BitsToDouble(Rand64());
	} while (isnan(d));
	return d;
    }
    }
}

static Tcl_Obj *
RandomValue(
    int depth)
{
    int i, n;
    Tcl_Obj *l, *v;
    Tcl_DString ds;
    char script[200];

    switch (RandInt(depth > 2 ? 9 : 11)) {
    case 0: {					/* Pure bytearray. */
	unsigned char b[64];

	n = RandInt(64);
	for (i = 0; i < n; i++) {
	    b[i] = (unsigned char) Rand64();
	}
	return Tcl_NewByteArrayObj(b, n);
    }
    case 1:					/* Pure doubles. */
	l = Tcl_NewListObj(0, NULL);
	n = 1 + RandInt(20);
	for (i = 0; i < n; i++) {
	    Tcl_ListObjAppendElement(NULL, l, Tcl_NewDoubleObj(RandomDouble()));
	}
	if (RandInt(4) == 0) {
	    Tcl_GetString(l);			/* Canonical string reps. */
	}
	return l;
    case 2:					/* Pure ints. */
	l = Tcl_NewListObj(0, NULL);
	n = 1 + RandInt(20);
	for (i = 0; i < n; i++) {
	    Tcl_WideInt w = (Tcl_WideInt) Rand64();

	    if (RandInt(2)) {
		w %= 1000;
	    }
	    Tcl_ListObjAppendElement(NULL, l, Tcl_NewWideIntObj(w));
	}
	if (RandInt(4) == 0) {
	    Tcl_GetString(l);
	}
	return l;
    case 3:					/* Random string. */
	Tcl_DStringInit(&ds);
	n = RandInt(12);
	for (i = 0; i < n; i++) {
	    Tcl_DStringAppend(&ds, pieces[RandInt(NUM_PIECES)], -1);
	}
	v = Tcl_NewStringObj(Tcl_DStringValue(&ds), Tcl_DStringLength(&ds));
	Tcl_DStringFree(&ds);
	return v;
    case 4:				/* Number forms, parsed as numbers. */
	Tcl_DStringInit(&ds);
	n = 1 + RandInt(6);
	for (i = 0; i < n; i++) {
	    if (i) {
		Tcl_DStringAppend(&ds, RandInt(8) ? " " : "  ", -1);
	    }
	    Tcl_DStringAppend(&ds, numberForms[RandInt(NUM_FORMS)], -1);
	}
	v = ParsedList(Tcl_DStringValue(&ds),
		RandInt(3) == 0 ? "i" : RandInt(2) ? "d" : "-");
	Tcl_DStringFree(&ds);
	if (RandInt(2)) {
	    Tcl_Obj **objv;
	    int objc;

	    /* Drop the list's own string rep, keep the elements'. */
	    if (Tcl_ListObjGetElements(NULL, v, &objc, &objv) == TCL_OK) {
		Tcl_Obj *c = Tcl_NewListObj(objc, objv);

		FreeObj(v);
		v = c;
	    }
	}
	return v;
    case 5:					/* Scripts. */
	switch (RandInt(8)) {
	case 0:
	    snprintf(script, sizeof(script),
		    "lmap x [lrepeat %d 0] {expr {rand() * 1e%d}}",
		    1 + RandInt(10), RandInt(40) - 20);
	    break;
	case 1:
	    snprintf(script, sizeof(script),
		    "lmap x [lrepeat %d 0] {expr {int(rand() * 1e%d)}}",
		    1 + RandInt(10), RandInt(18));
	    break;
	case 2:
	    snprintf(script, sizeof(script), "expr {%s**%d}",
		    RandInt(2) ? "2" : "-10", RandInt(80));
	    break;
	case 3:
	    snprintf(script, sizeof(script),
		    "dict create a [expr {rand()}] b {x y} %d [list 1 2]",
		    RandInt(100));
	    break;
	case 4:
	    snprintf(script, sizeof(script),
		    "list [expr {%d.5 * 2}] [expr {%d / 3.0}]", RandInt(100),
		    RandInt(100));
	    break;
	case 5:
	    snprintf(script, sizeof(script),
		    "lsort -real {%s %s %s}", numberForms[RandInt(12)],
		    numberForms[RandInt(12)], numberForms[RandInt(12)]);
	    break;
	case 6:
	    snprintf(script, sizeof(script),
		    "binary scan [binary format w %lld] q x; list $x $x",
		    (long long) Rand64());
	    break;
	default:
	    snprintf(script, sizeof(script),
		    "string repeat \\u%04x%c %d", 1 + RandInt(0xfffe),
		    'a' + RandInt(26), RandInt(5));
	    break;
	}
	if (Tcl_EvalEx(interp, script, -1, 0) != TCL_OK) {
	    return Tcl_NewStringObj(Tcl_GetStringResult(interp), -1);
	}
	v = Tcl_GetObjResult(interp);
	Tcl_IncrRefCount(v);
	Tcl_ResetResult(interp);
	v->refCount--;				/* See Eval. */
	return v;
    case 6:					/* Doubles and ints. */
	l = Tcl_NewListObj(0, NULL);
	n = 1 + RandInt(6);
	for (i = 0; i < n; i++) {
	    Tcl_ListObjAppendElement(NULL, l, RandInt(2)
		    ? Tcl_NewDoubleObj(RandomDouble())
		    : Tcl_NewWideIntObj((Tcl_WideInt) RandInt(1000)));
	}
	return l;
    case 7: {					/* Bignum list. */
	Tcl_Obj *objv[2];

	objv[0] = Tcl_NewWideIntObj(RandInt(100));
	Tcl_EvalEx(interp, "expr {3**50}", -1, 0);
	objv[1] = Tcl_GetObjResult(interp);
	l = Tcl_NewListObj(2, objv);
	Tcl_ResetResult(interp);
	return l;
    }
    case 8:					/* Dict. */
	l = Tcl_NewDictObj();
	n = RandInt(4);
	for (i = 0; i < n; i++) {
	    Tcl_DictObjPut(NULL, l, RandomValue(depth + 1),
		    RandomValue(depth + 1));
	}
	return l;
    default:					/* Nested list. */
	l = Tcl_NewListObj(0, NULL);
	n = RandInt(5);
	for (i = 0; i < n; i++) {
	    Tcl_ListObjAppendElement(NULL, l, RandomValue(depth + 1));
	}
	return l;
    }
}

static void
TestProperty(
    int count)
{
    int i, kinds[5] = {0, 0, 0, 0, 0};
    char name[64];

    for (i = 0; i < count; i++) {
	int kind;

	snprintf(name, sizeof(name), "codec-11.%d random value", i + 1);
	kind = RoundTrip(name, RandomValue(0), 0, RandInt(10) == 0);
	if (kind >= 1 && kind <= 4) {
	    kinds[kind]++;
	}
    }
    printf("property test: %d values: %d STRING, %d BYTES, %d DOUBLES, "
	    "%d WIDES\n", count, kinds[1], kinds[2], kinds[3], kinds[4]);
    Check("codec-11.0 property test covers every kind", kinds[1] && kinds[2]
	    && kinds[3] && kinds[4], "a kind never came up");
}

int
main(
    int argc,
    char **argv)
{
    unsigned long long seed = 1;
    int count = 2000;

    if (argc > 1) {
	seed = strtoull(argv[1], NULL, 0);
    }
    if (argc > 2) {
	count = atoi(argv[2]);
    }
    rngState = seed ? seed : 1;

    Tcl_FindExecutable(argv[0]);
    interp = Tcl_CreateInterp();

    TestKinds();
    TestMalformed();
    TestPackNumbers();
    TestProperty(count);

    Tcl_DeleteInterp(interp);
    Tcl_Finalize();
    printf("codec_test.c:\tTotal\t%d\tPassed\t%d\tSkipped\t0\tFailed\t%d\n",
	    numTotal, numPassed, numFailed);
    return numFailed ? 1 : 0;
}
