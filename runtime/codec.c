/*
 * codec.c --
 *
 *	Tcl values on the wire (DESIGN.md, "Values on the wire"). A value
 *	must arrive equal as a string; its internal representation only
 *	decides how cheaply that can be done:
 *
 *	PTCL_VAL_BYTES		A pure bytearray (no string rep): its bytes,
 *				sent straight from the internal rep.
 *	PTCL_VAL_DOUBLES	A list whose every element is a double whose
 *				string form (present or not) is the canonical
 *				one: packed double[], rebuilt as a list of
 *				pure doubles without parsing.
 *	PTCL_VAL_WIDES		The same for integers: packed int64[].
 *	PTCL_VAL_STRING		Anything else: Tcl's own string bytes (modified
 *				UTF-8, so NUL is C0 80), sent as they are and
 *				rebuilt with Tcl_NewStringObj.
 *
 *	On the wire a value is: int32 kind, int64 payload length, payload
 *	(the layout of PtclBufPutBytes). Numbers go in native byte order:
 *	ptcl assumes a homogeneous cluster, as MPI_BYTE transfers do.
 *
 *	The canonical string of a double is what Tcl_PrintDouble makes of it,
 *	which is what the receiver's Tcl_NewDoubleObj will print. That holds
 *	for Inf, -Inf, -0.0 and every NaN too (Tcl prints NaN, -NaN or
 *	NaN(payload) from the bits, which travel unchanged), so lists holding
 *	them are packed like any other. It depends on tcl_precision, which is
 *	assumed to be the same on every rank.
 *
 *	Leans on: buffer.c (PtclBuf, PtclReader) and Tcl 8.6's public object
 *	API. The only internal rep touched directly is a double's doubleValue:
 *	read, because Tcl_GetDoubleFromObj refuses NaN; and written in an
 *	unshared pure double that PtclUnpackInto reuses, which is all that
 *	Tcl_SetDoubleObj would do to it.
 */

#include "codec.h"
#include <string.h>
#include <limits.h>
#include <math.h>

/*
 * The most numbers a packed list may hold: the temporary Tcl_Obj* array of
 * the decoder and the packed array itself must stay within what ckalloc
 * (an unsigned int size in 8.6) and Tcl_NewListObj (an int count) accept.
 * The encoder sends longer lists as strings, so both sides agree.
 */

#define PACK_LIST_MAX	((uint64_t) (INT_MAX / sizeof(Tcl_Obj *)))

/*
 * Error message values are cut after this many characters.
 */

#define MESSAGE_VALUE_CHARS	50

/*
 * The loops over a long list's element objects are bound by memory
 * latency (each element is its own allocation); asking for the object
 * PREFETCH_AHEAD places ahead keeps several misses in flight.
 */

#define PREFETCH_AHEAD	16
#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(p)	__builtin_prefetch(p)
#else
#define PREFETCH(p)	((void) 0)
#endif

/*
 * The object types the fast paths recognise, found once (see InitTypes).
 * Writing them from two threads at once is harmless: both write the same
 * values.
 */

static int typesKnown = 0;
static const Tcl_ObjType *byteArrayTypePtr;
static const Tcl_ObjType *listTypePtr;
static const Tcl_ObjType *doubleTypePtr;
static const Tcl_ObjType *intTypePtr;
static const Tcl_ObjType *wideIntTypePtr;	/* NULL where 8.6 does not
						 * register "wideInt" (LP64). */

/*
 *----------------------------------------------------------------------
 *
 * InitTypes --
 *
 *	Finds the Tcl_ObjTypes of bytearrays, lists, doubles and integers.
 *	The bytearray, double and int types are taken from freshly made
 *	values rather than from the registry, since a Tcl may register a
 *	"bytearray" type other than the one Tcl_NewByteArrayObj makes.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Sets the static type pointers above.
 *
 *----------------------------------------------------------------------
 */

static void
InitTypes(void)
{
    Tcl_Obj *objPtr;
    unsigned char byte = 0;

    if (typesKnown) {
	return;
    }

    objPtr = Tcl_NewByteArrayObj(&byte, 1);
    Tcl_IncrRefCount(objPtr);
    byteArrayTypePtr = objPtr->typePtr;
    Tcl_DecrRefCount(objPtr);

    objPtr = Tcl_NewDoubleObj(0.5);
    Tcl_IncrRefCount(objPtr);
    doubleTypePtr = objPtr->typePtr;
    Tcl_DecrRefCount(objPtr);

    objPtr = Tcl_NewWideIntObj(1);
    Tcl_IncrRefCount(objPtr);
    intTypePtr = objPtr->typePtr;
    Tcl_DecrRefCount(objPtr);

    listTypePtr = Tcl_GetObjType("list");
    wideIntTypePtr = Tcl_GetObjType("wideInt");
    if (wideIntTypePtr == intTypePtr) {
	wideIntTypePtr = NULL;
    }
    typesKnown = 1;
}

/*
 *----------------------------------------------------------------------
 *
 * IsInteger --
 *
 *	Says whether a value's internal rep is a machine integer (Tcl 8.6's
 *	"int", or "wideInt" where it exists). Bignums are not.
 *
 *----------------------------------------------------------------------
 */

static inline int
IsInteger(
    Tcl_Obj *objPtr)
{
    return objPtr->typePtr != NULL && (objPtr->typePtr == intTypePtr
	    || objPtr->typePtr == wideIntTypePtr);
}

/*
 *----------------------------------------------------------------------
 *
 * CanonicalString --
 *
 *	Writes the string the receiver's Tcl_NewDoubleObj/Tcl_NewWideIntObj
 *	will produce for a number element.
 *
 * Results:
 *	The length of the string written into buf, which must hold
 *	TCL_DOUBLE_SPACE bytes.
 *
 * Side effects:
 *	None: the element's internal rep is read, not changed.
 *
 *----------------------------------------------------------------------
 */

static int
CanonicalString(
    Tcl_Obj *objPtr,
    int kind,
    char *buf)
{
    if (kind == PTCL_VAL_DOUBLES) {
	Tcl_PrintDouble(NULL, objPtr->internalRep.doubleValue, buf);
    } else {
	Tcl_WideInt w = 0;

	/*
	 * On an "int" or "wideInt" value this reads the internal rep.
	 */

	(void) Tcl_GetWideIntFromObj(NULL, objPtr, &w);
	snprintf(buf, TCL_DOUBLE_SPACE, "%" TCL_LL_MODIFIER "d", w);
    }
    return (int) strlen(buf);
}

/*
 *----------------------------------------------------------------------
 *
 * PackNumbers --
 *
 *	Decides whether a list's elements may travel packed, and packs them
 *	in the same pass (one walk over the element objects, which for a
 *	long list do not fit in the cache): every element must be a double
 *	(or every one an integer), each element that has a string rep must
 *	hold the canonical one, and if the list has a string rep (listStr,
 *	or NULL) it must be those canonical strings joined by single spaces,
 *	which is what the receiver's list will print. Anything else is sent
 *	as a string: when in doubt, string.
 *
 * Results:
 *	PTCL_VAL_DOUBLES or PTCL_VAL_WIDES with the objc numbers written at
 *	dst (8 bytes each, dst need not be aligned), or PTCL_VAL_STRING
 *	(then dst holds garbage).
 *
 * Side effects:
 *	None on the values: no string rep is made, no internal rep changed.
 *
 *----------------------------------------------------------------------
 */

static int
PackNumbers(
    int objc,
    Tcl_Obj *const objv[],
    const char *listStr,
    size_t listLen,
    unsigned char *dst)
{
    int i, kind, n;
    size_t pos = 0;
    char buf[TCL_DOUBLE_SPACE];

    if (objc <= 0 || (uint64_t) objc > PACK_LIST_MAX) {
	return PTCL_VAL_STRING;
    }
    if (objv[0]->typePtr == doubleTypePtr) {
	kind = PTCL_VAL_DOUBLES;
    } else if (IsInteger(objv[0])) {
	kind = PTCL_VAL_WIDES;
    } else {
	return PTCL_VAL_STRING;
    }

    for (i = 0; i < objc; i++) {
	Tcl_Obj *elemPtr = objv[i];
	const char *s;

	if (i + PREFETCH_AHEAD < objc) {
	    PREFETCH(objv[i + PREFETCH_AHEAD]);
	}
	if (kind == PTCL_VAL_DOUBLES) {
	    double d;

	    if (elemPtr->typePtr != doubleTypePtr) {
		return PTCL_VAL_STRING;
	    }
	    d = elemPtr->internalRep.doubleValue;
	    memcpy(dst + 8 * (size_t) i, &d, 8);
	} else {
	    Tcl_WideInt w = 0;
	    int64_t v;

	    if (!IsInteger(elemPtr)) {
		return PTCL_VAL_STRING;
	    }
	    (void) Tcl_GetWideIntFromObj(NULL, elemPtr, &w);
	    v = (int64_t) w;
	    memcpy(dst + 8 * (size_t) i, &v, 8);
	}
	if (elemPtr->bytes == NULL && listStr == NULL) {
	    continue;			/* Pure, and nothing to compare. */
	}

	n = CanonicalString(elemPtr, kind, buf);
	if (elemPtr->bytes != NULL && (elemPtr->length != n
		|| memcmp(elemPtr->bytes, buf, (size_t) n) != 0)) {
	    return PTCL_VAL_STRING;
	}
	if (listStr != NULL) {
	    s = listStr + pos;
	    if (listLen - pos < (size_t) n || memcmp(s, buf, (size_t) n)) {
		return PTCL_VAL_STRING;
	    }
	    pos += (size_t) n;
	    if (i < objc - 1) {
		if (pos >= listLen || listStr[pos] != ' ') {
		    return PTCL_VAL_STRING;
		}
		pos++;
	    }
	}
    }
    if (listStr != NULL && pos != listLen) {
	return PTCL_VAL_STRING;
    }
    return kind;
}

/*
 *----------------------------------------------------------------------
 *
 * NumberList --
 *
 *	The cheap first look of the packed path: whether a value is a list
 *	(internal rep, never parsed) whose first element is a number, which
 *	is when PackNumbers is worth a buffer.
 *
 * Results:
 *	1 with *objcPtr and *objvPtr the list's elements, or 0.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static int
NumberList(
    Tcl_Obj *listPtr,
    int *objcPtr,
    Tcl_Obj ***objvPtr)
{
    if (listTypePtr == NULL || listPtr->typePtr != listTypePtr
	    || Tcl_ListObjGetElements(NULL, listPtr, objcPtr, objvPtr)
		!= TCL_OK
	    || *objcPtr <= 0 || (uint64_t) *objcPtr > PACK_LIST_MAX) {
	return 0;
    }
    return (*objvPtr)[0]->typePtr == doubleTypePtr
	    || IsInteger((*objvPtr)[0]);
}

/*
 *----------------------------------------------------------------------
 *
 * PtclPackValue --
 *
 *	Readies a value for sending: finds its kind and a pointer to its
 *	payload. Bytearrays and strings are not copied; a packed list is
 *	built into p->owned.
 *
 * Results:
 *	The kind (PTCL_VAL_*), also left in p->kind. Never fails.
 *
 * Side effects:
 *	Holds a reference to valuePtr until PtclPackedFree (so a value
 *	passed with refcount 0 is freed there). May create the value's
 *	string rep (STRING kind only). A zero-copy payload stays valid only
 *	as long as nobody changes the value's internal rep: do not let a
 *	script shimmer a bytearray while it is being sent.
 *
 *----------------------------------------------------------------------
 */

int
PtclPackValue(
    Tcl_Obj *valuePtr,
    PtclPacked *p)
{
    int objc, n, kind;
    Tcl_Obj **objv;

    InitTypes();
    memset(p, 0, sizeof(*p));
    p->obj = valuePtr;
    Tcl_IncrRefCount(valuePtr);		/* Released by PtclPackedFree. */

    if (valuePtr->typePtr == byteArrayTypePtr && valuePtr->bytes == NULL) {
	p->kind = PTCL_VAL_BYTES;
	p->data = Tcl_GetByteArrayFromObj(valuePtr, &n);
	p->len = p->count = (uint64_t) n;
	return p->kind;
    }

    if (NumberList(valuePtr, &objc, &objv)) {
	p->owned = ckalloc((unsigned) (8 * (size_t) objc));
	kind = PackNumbers(objc, objv, valuePtr->bytes,
		valuePtr->bytes ? (size_t) valuePtr->length : 0,
		(unsigned char *) p->owned);
	if (kind != PTCL_VAL_STRING) {
	    p->kind = kind;
	    p->count = (uint64_t) objc;
	    p->len = 8 * (uint64_t) objc;
	    p->data = p->owned;
	    return p->kind;
	}
	ckfree(p->owned);
	p->owned = NULL;
    }

    p->kind = PTCL_VAL_STRING;
    p->data = Tcl_GetStringFromObj(valuePtr, &n);
    p->len = p->count = (uint64_t) n;
    return p->kind;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclPackedFree --
 *
 *	Releases what PtclPackValue or PtclPackNumbers took.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Frees p->owned, drops the reference to p->obj, clears *p. Safe on a
 *	cleared or already freed PtclPacked.
 *
 *----------------------------------------------------------------------
 */

void
PtclPackedFree(
    PtclPacked *p)
{
    if (p->owned != NULL) {
	ckfree(p->owned);
    }
    if (p->obj != NULL) {
	Tcl_DecrRefCount(p->obj);
    }
    memset(p, 0, sizeof(*p));
}

/*
 *----------------------------------------------------------------------
 *
 * PtclUnpackValue --
 *
 *	Rebuilds a value from its kind and payload. Numbers become a list
 *	of pure doubles or integers without any parsing.
 *
 * Results:
 *	A new value with refcount 0, or NULL if the payload is malformed
 *	(unknown kind, numeric payload not a multiple of 8, more than Tcl
 *	can hold, or data missing).
 *
 * Side effects:
 *	Allocates the value.
 *
 *----------------------------------------------------------------------
 */

Tcl_Obj *
PtclUnpackValue(
    int kind,
    const void *data,
    uint64_t len)
{
    const unsigned char *bytes = (const unsigned char *) data;
    Tcl_Obj **objv, *listPtr;
    uint64_t count, i;

    if (data == NULL) {
	if (len != 0) {
	    return NULL;
	}
	bytes = (const unsigned char *) "";
    }

    switch (kind) {
    case PTCL_VAL_STRING:
	if (len > (uint64_t) INT_MAX) {
	    return NULL;
	}
	return Tcl_NewStringObj((const char *) bytes, (int) len);

    case PTCL_VAL_BYTES:
	if (len > (uint64_t) INT_MAX) {
	    return NULL;
	}
	return Tcl_NewByteArrayObj(bytes, (int) len);

    case PTCL_VAL_DOUBLES:
    case PTCL_VAL_WIDES:
	if (len % 8 != 0 || len / 8 > PACK_LIST_MAX) {
	    return NULL;
	}
	count = len / 8;
	if (count == 0) {
	    return Tcl_NewObj();
	}
	objv = (Tcl_Obj **) attemptckalloc(
		(unsigned) (count * sizeof(Tcl_Obj *)));
	if (objv == NULL) {
	    return NULL;
	}
	for (i = 0; i < count; i++) {
	    if (kind == PTCL_VAL_DOUBLES) {
		double d;

		memcpy(&d, bytes + 8 * i, 8);
		objv[i] = Tcl_NewDoubleObj(d);
	    } else {
		int64_t v;

		memcpy(&v, bytes + 8 * i, 8);
		objv[i] = Tcl_NewWideIntObj((Tcl_WideInt) v);
	    }
	}
	listPtr = Tcl_NewListObj((int) count, objv);
	ckfree((char *) objv);
	return listPtr;

    default:
	return NULL;
    }
}

/*
 *----------------------------------------------------------------------
 *
 * PtclPackElements --
 *
 *	PtclPackValue of the list Tcl_NewListObj(objc, objv) would make,
 *	without making it when the elements are numbers: a scatter cuts a
 *	long list into pieces, and a sublist of a million elements costs a
 *	million reference count changes to make and as many to free.
 *
 * Results:
 *	The kind, as PtclPackValue.
 *
 * Side effects:
 *	As PtclPackValue; p->obj is NULL when no list was made.
 *
 *----------------------------------------------------------------------
 */

int
PtclPackElements(
    int objc,
    Tcl_Obj *const objv[],
    PtclPacked *p)
{
    int kind;

    InitTypes();
    memset(p, 0, sizeof(*p));
    if (objc > 0 && (uint64_t) objc <= PACK_LIST_MAX
	    && (objv[0]->typePtr == doubleTypePtr || IsInteger(objv[0]))) {
	p->owned = ckalloc((unsigned) (8 * (size_t) objc));
	kind = PackNumbers(objc, objv, NULL, 0, (unsigned char *) p->owned);
	if (kind != PTCL_VAL_STRING) {
	    p->kind = kind;
	    p->count = (uint64_t) objc;
	    p->len = 8 * (uint64_t) objc;
	    p->data = p->owned;
	    return kind;
	}
	ckfree(p->owned);
	p->owned = NULL;
    }
    return PtclPackValue(Tcl_NewListObj(objc, objv), p);
}

/*
 * NumberObj --
 *
 *	A new Tcl number from 8 packed bytes of kind PTCL_VAL_DOUBLES or
 *	PTCL_VAL_WIDES.
 */

static Tcl_Obj *
NumberObj(
    int kind,
    const unsigned char *src)
{
    if (kind == PTCL_VAL_DOUBLES) {
	double d;

	memcpy(&d, src, 8);
	return Tcl_NewDoubleObj(d);
    } else {
	int64_t v;

	memcpy(&v, src, 8);
	return Tcl_NewWideIntObj((Tcl_WideInt) v);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * PtclUnpackInto --
 *
 *	PtclUnpackValue that may rebuild an old value in place instead of
 *	making a new one: when the payload is a packed list and reuse is an
 *	unshared list (typically the value of the variable about to be set
 *	to the result, held by nothing else), its elements that are unshared
 *	too are given the new numbers (Tcl_SetDoubleObj, Tcl_SetWideIntObj)
 *	and the others replaced, and the list is cut or extended to the new
 *	length. A million numbers then cost no allocation and no freeing:
 *	what an iterative code that receives into the same variable again
 *	and again would otherwise pay most of its time for.
 *
 * Results:
 *	reuse itself (refcount unchanged), or a new value with refcount 0
 *	(as PtclUnpackValue; reuse untouched), or NULL if the payload is
 *	malformed (reuse untouched).
 *
 * Side effects:
 *	May change reuse's value: the caller must hold the only reference
 *	to it and mean to replace it with the result.
 *
 *----------------------------------------------------------------------
 */

Tcl_Obj *
PtclUnpackInto(
    int kind,
    const void *data,
    uint64_t len,
    Tcl_Obj *reuse)
{
    const unsigned char *bytes = (const unsigned char *) data;
    Tcl_Obj **objv, *block[256];
    int objc, i, m, count, k;

    InitTypes();
    if (reuse == NULL || Tcl_IsShared(reuse) || data == NULL
	    || (kind != PTCL_VAL_DOUBLES && kind != PTCL_VAL_WIDES)
	    || len == 0 || len % 8 != 0 || len / 8 > PACK_LIST_MAX
	    || listTypePtr == NULL || reuse->typePtr != listTypePtr) {
	return PtclUnpackValue(kind, data, len);
    }
    count = (int) (len / 8);

    /*
     * Tcl_DuplicateObj shares a list's internal rep between values; a
     * replace of nothing gives reuse a rep of its own (copying the element
     * pointers and taking references if the rep was shared), so that an
     * element with refcount 1 is seen by nothing but reuse.
     */

    Tcl_ListObjReplace(NULL, reuse, 0, 0, 0, NULL);
    Tcl_ListObjGetElements(NULL, reuse, &objc, &objv);
    m = objc < count ? objc : count;
    PtclUnpackRange(reuse, 0, kind, bytes, m);
    if (objc > count) {
	Tcl_ListObjReplace(NULL, reuse, count, objc - count, 0, NULL);
    }
    for (i = m; i < count; i += k) {
	for (k = 0; k < 256 && i + k < count; k++) {
	    const unsigned char *src = bytes + 8 * (size_t) (i + k);

	    block[k] = NumberObj(kind, src);
	}
	Tcl_ListObjReplace(NULL, reuse, i, 0, k, block);
    }
    Tcl_InvalidateStringRep(reuse);
    return reuse;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclReuseList --
 *
 *	Whether reuse can take count numbers in place, chunk by chunk
 *	(PtclUnpackRange): an unshared list of exactly count elements. If
 *	so, gives it an internal rep of its own (see PtclUnpackInto).
 *
 * Results:
 *	1 or 0.
 *
 * Side effects:
 *	Invalidates reuse's string rep when 1.
 *
 *----------------------------------------------------------------------
 */

int
PtclReuseList(
    Tcl_Obj *reuse,
    int count)
{
    int objc;

    InitTypes();
    if (reuse == NULL || Tcl_IsShared(reuse) || count <= 0
	    || listTypePtr == NULL || reuse->typePtr != listTypePtr
	    || Tcl_ListObjLength(NULL, reuse, &objc) != TCL_OK
	    || objc != count) {
	return 0;
    }
    Tcl_ListObjReplace(NULL, reuse, 0, 0, 0, NULL);
    return 1;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclUnpackRange --
 *
 *	Gives elements first .. first+n-1 of a list the n packed numbers at
 *	data: an unshared element (refcount 1) takes its number in place,
 *	any other is replaced by a new one. The list must be unshared with
 *	an internal rep of its own (PtclReuseList) and hold those elements.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Changes the list's elements; the caller invalidates its string rep
 *	(PtclReuseList or a replace has).
 *
 *----------------------------------------------------------------------
 */

void
PtclUnpackRange(
    Tcl_Obj *listPtr,
    int first,
    int kind,
    const void *data,
    int n)
{
    const unsigned char *bytes = (const unsigned char *) data;
    Tcl_Obj **objv;
    int objc, i;

    InitTypes();
    Tcl_ListObjGetElements(NULL, listPtr, &objc, &objv);
    objv += first;
    for (i = 0; i < n; i++) {
	Tcl_Obj *elemPtr = objv[i];
	double d;
	int64_t v;

	if (i + PREFETCH_AHEAD < n) {
	    PREFETCH(objv[i + PREFETCH_AHEAD]);
	}
	if (elemPtr->refCount == 1) {
	    if (kind == PTCL_VAL_DOUBLES) {
		memcpy(&d, bytes + 8 * (size_t) i, 8);
		if (elemPtr->typePtr == doubleTypePtr
			&& elemPtr->bytes == NULL) {
		    /*
		     * A pure double already: what Tcl_SetDoubleObj would
		     * leave, without the call.
		     */

		    elemPtr->internalRep.doubleValue = d;
		} else {
		    Tcl_SetDoubleObj(elemPtr, d);
		}
	    } else {
		memcpy(&v, bytes + 8 * (size_t) i, 8);
		Tcl_SetWideIntObj(elemPtr, (Tcl_WideInt) v);
	    }
	    continue;
	}
	if (kind == PTCL_VAL_DOUBLES) {
	    memcpy(&d, bytes + 8 * (size_t) i, 8);
	    elemPtr = Tcl_NewDoubleObj(d);
	} else {
	    memcpy(&v, bytes + 8 * (size_t) i, 8);
	    elemPtr = Tcl_NewWideIntObj((Tcl_WideInt) v);
	}

	/*
	 * Replacing one element by one in an unshared rep neither moves
	 * nor reallocates the element array; objv is fetched again anyway.
	 */

	Tcl_ListObjReplace(NULL, listPtr, first + i, 1, 1, &elemPtr);
	Tcl_ListObjGetElements(NULL, listPtr, &objc, &objv);
	objv += first;
    }
}

/*
 *----------------------------------------------------------------------
 *
 * PtclStreamKind, PtclPackRange --
 *
 *	For a sender that packs a long list piece by piece, sending each
 *	piece as soon as it is packed. PtclStreamKind: the kind a list
 *	without a string rep will travel as if every element is like its
 *	first (PTCL_VAL_DOUBLES or PTCL_VAL_WIDES, with its elements), else
 *	PTCL_VAL_STRING. PtclPackRange: packs n elements as that kind at
 *	dst (8 bytes each).
 *
 * Results:
 *	PtclStreamKind: a kind. PtclPackRange: 1, or 0 if some element is
 *	not a pure number of the kind (the list must then travel as a
 *	string).
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
PtclStreamKind(
    Tcl_Obj *valuePtr,
    int *objcPtr,
    Tcl_Obj ***objvPtr)
{
    InitTypes();
    if (valuePtr->bytes != NULL || !NumberList(valuePtr, objcPtr, objvPtr)) {
	return PTCL_VAL_STRING;
    }
    return (*objvPtr)[0]->typePtr == doubleTypePtr ? PTCL_VAL_DOUBLES
	    : PTCL_VAL_WIDES;
}

int
PtclPackRange(
    int kind,
    int n,
    Tcl_Obj *const objv[],
    unsigned char *dst)
{
    return n > 0 && PackNumbers(n, objv, NULL, 0, dst) == kind;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclUnpackAppend --
 *
 *	Appends the numbers of a packed list to an unshared list as new
 *	elements, without making the list of them first (a gather joins
 *	the ranks' lists).
 *
 * Results:
 *	TCL_OK, or TCL_ERROR if the payload is malformed (nothing
 *	appended).
 *
 * Side effects:
 *	Grows listPtr.
 *
 *----------------------------------------------------------------------
 */

int
PtclUnpackAppend(
    Tcl_Obj *listPtr,
    int kind,
    const void *data,
    uint64_t len)
{
    const unsigned char *bytes = (const unsigned char *) data;
    Tcl_Obj *block[256];
    uint64_t count, i;
    int k;

    if ((kind != PTCL_VAL_DOUBLES && kind != PTCL_VAL_WIDES)
	    || len % 8 != 0 || len / 8 > PACK_LIST_MAX
	    || (data == NULL && len != 0)) {
	return TCL_ERROR;
    }
    count = len / 8;
    for (i = 0; i < count; i += (uint64_t) k) {
	for (k = 0; k < 256 && i + (uint64_t) k < count; k++) {
	    const unsigned char *src = bytes + 8 * (i + (uint64_t) k);

	    block[k] = NumberObj(kind, src);
	}
	if (Tcl_ListObjReplace(NULL, listPtr, INT_MAX, 0, k, block)
		!= TCL_OK) {
	    return TCL_ERROR;	/* Not reached: listPtr is a list. */
	}
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclEncodeValue --
 *
 *	Appends a value to a buffer: int32 kind, int64 length, payload. A
 *	packed list is written straight into the buffer.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Grows buf. May create the value's string rep. The value's refcount
 *	is not touched.
 *
 *----------------------------------------------------------------------
 */

void
PtclEncodeValue(
    PtclBuf *buf,
    Tcl_Obj *valuePtr)
{
    int objc, n, kind;
    Tcl_Obj **objv;
    const char *s;

    InitTypes();
    if (valuePtr->typePtr == byteArrayTypePtr && valuePtr->bytes == NULL) {
	const unsigned char *b = Tcl_GetByteArrayFromObj(valuePtr, &n);

	PtclBufPutInt32(buf, PTCL_VAL_BYTES);
	PtclBufPutBytes(buf, b, (size_t) n);
	return;
    }

    if (NumberList(valuePtr, &objc, &objv)) {
	size_t len = 8 * (size_t) objc, start = buf->len;

	/*
	 * Packed straight into the buffer; if the list turns out not to
	 * qualify, the header and numbers written are taken back.
	 */

	PtclBufPutInt32(buf, PTCL_VAL_DOUBLES);
	PtclBufPutInt64(buf, (int64_t) len);
	PtclBufReserve(buf, len);
	kind = PackNumbers(objc, objv, valuePtr->bytes,
		valuePtr->bytes ? (size_t) valuePtr->length : 0,
		buf->bytes + buf->len);
	if (kind != PTCL_VAL_STRING) {
	    int32_t k = kind;

	    memcpy(buf->bytes + start, &k, 4);
	    buf->len += len;
	    return;
	}
	buf->len = start;
    }

    s = Tcl_GetStringFromObj(valuePtr, &n);
    PtclBufPutInt32(buf, PTCL_VAL_STRING);
    PtclBufPutBytes(buf, s, (size_t) n);
}

/*
 *----------------------------------------------------------------------
 *
 * PtclDecodeValue --
 *
 *	Reads one value written by PtclEncodeValue.
 *
 * Results:
 *	A new value with refcount 0, or NULL if the data is short or
 *	malformed.
 *
 * Side effects:
 *	Advances the reader past the value; on failure sets r->bad.
 *
 *----------------------------------------------------------------------
 */

Tcl_Obj *
PtclDecodeValue(
    PtclReader *r)
{
    int32_t kind;
    const unsigned char *data;
    size_t len;
    Tcl_Obj *objPtr;

    kind = PtclGetInt32(r);
    data = PtclGetBytes(r, &len);
    if (r->bad) {
	return NULL;
    }
    objPtr = PtclUnpackValue(kind, data, (uint64_t) len);
    if (objPtr == NULL) {
	r->bad = 1;
    }
    return objPtr;
}

/*
 *----------------------------------------------------------------------
 *
 * NotNumbersError --
 *
 *	Leaves the error of PtclPackNumbers in interp, quoting at most
 *	MESSAGE_VALUE_CHARS characters of the value.
 *
 *----------------------------------------------------------------------
 */

static void
NotNumbersError(
    Tcl_Interp *interp,
    Tcl_Obj *valuePtr,
    const char *why)
{
    int len, i;
    const char *s, *q, *end;

    if (interp == NULL) {
	return;
    }
    s = Tcl_GetStringFromObj(valuePtr, &len);
    end = s + len;
    for (q = s, i = 0; q < end && i < MESSAGE_VALUE_CHARS; i++) {
	q = Tcl_UtfNext(q);
    }
    if (q > end) {
	q = end;
    }
    Tcl_SetObjResult(interp, Tcl_ObjPrintf(
	    "expected a number or a list of numbers but got \"%.*s%s\"%s",
	    (int) (q - s), s, (q < end ? "..." : ""), why));
    Tcl_SetErrorCode(interp, "TCL", "VALUE", "NUMBER", NULL);
}

/*
 *----------------------------------------------------------------------
 *
 * NumberAsDouble --
 *
 *	Reads a number (integer, bignum or double, NaN included) as a
 *	double.
 *
 * Results:
 *	1 and *dPtr set, or 0 if the value is not a number.
 *
 * Side effects:
 *	May give the value a numeric internal rep.
 *
 *----------------------------------------------------------------------
 */

static int
NumberAsDouble(
    Tcl_Obj *objPtr,
    double *dPtr)
{
    if (Tcl_GetDoubleFromObj(NULL, objPtr, dPtr) == TCL_OK) {
	return 1;
    }

    /*
     * Tcl_GetDoubleFromObj refuses NaN, but leaves it parsed as a double.
     */

    if (objPtr->typePtr == doubleTypePtr
	    && isnan(objPtr->internalRep.doubleValue)) {
	*dPtr = objPtr->internalRep.doubleValue;
	return 1;
    }
    return 0;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclPackNumbers --
 *
 *	Readies a number or list of numbers as the input of a reduction:
 *	int64[] (PTCL_VAL_WIDES) if every element is an integer that fits
 *	in 64 bits, else double[] (PTCL_VAL_DOUBLES). Any form Tcl accepts
 *	as a number is taken ("0x10", "1.50", " 7", "NaN"); the string form
 *	is not kept. An empty list gives WIDES with count 0.
 *
 * Results:
 *	TCL_OK with *kindPtr and *p filled, or TCL_ERROR with a message and
 *	the error code {TCL VALUE NUMBER} in interp (if not NULL); then *p
 *	holds nothing (PtclPackedFree on it is harmless) and the value's
 *	refcount is as it was.
 *
 * Side effects:
 *	May shimmer the value to a list and its elements to numbers. On
 *	success holds a reference to valuePtr until PtclPackedFree.
 *
 *----------------------------------------------------------------------
 */

int
PtclPackNumbers(
    Tcl_Interp *interp,
    Tcl_Obj *valuePtr,
    int *kindPtr,
    PtclPacked *p)
{
    int objc, i, j, kind = PTCL_VAL_WIDES;
    Tcl_Obj **objv;
    unsigned char *dst;

    InitTypes();
    memset(p, 0, sizeof(*p));
    if (Tcl_ListObjGetElements(NULL, valuePtr, &objc, &objv) != TCL_OK) {
	NotNumbersError(interp, valuePtr, "");
	return TCL_ERROR;
    }
    if ((uint64_t) objc > PACK_LIST_MAX) {
	NotNumbersError(interp, valuePtr, " (too many numbers)");
	return TCL_ERROR;
    }

    dst = (unsigned char *) ckalloc((unsigned) (8 * (size_t) objc + 8));
    for (i = 0; i < objc; i++) {
	Tcl_WideInt w;
	double d;

	if (kind == PTCL_VAL_WIDES) {
	    if (Tcl_GetWideIntFromObj(NULL, objv[i], &w) == TCL_OK) {
		int64_t v = (int64_t) w;

		memcpy(dst + 8 * (size_t) i, &v, 8);
		continue;
	    }

	    /*
	     * Not a 64-bit integer: the whole list goes as doubles, so turn
	     * the integers read so far into doubles in place.
	     */

	    kind = PTCL_VAL_DOUBLES;
	    for (j = 0; j < i; j++) {
		int64_t v;

		memcpy(&v, dst + 8 * (size_t) j, 8);
		d = (double) v;
		memcpy(dst + 8 * (size_t) j, &d, 8);
	    }
	}
	if (!NumberAsDouble(objv[i], &d)) {
	    ckfree((char *) dst);
	    NotNumbersError(interp, valuePtr, "");
	    return TCL_ERROR;
	}
	memcpy(dst + 8 * (size_t) i, &d, 8);
    }

    p->kind = kind;
    p->owned = dst;
    p->data = dst;
    p->count = (uint64_t) objc;
    p->len = 8 * (uint64_t) objc;
    p->obj = valuePtr;
    Tcl_IncrRefCount(valuePtr);		/* Released by PtclPackedFree. */
    if (kindPtr != NULL) {
	*kindPtr = kind;
    }
    return TCL_OK;
}
