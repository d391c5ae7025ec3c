/*
 * collective.c --
 *
 *	Tcl values in MPI collectives over any communicator (the contract is
 *	collective.h). Every MPI operation here is the nonblocking form
 *	(MPI_Ibcast, MPI_Iscatterv, MPI_Igatherv, MPI_Iallgatherv,
 *	MPI_Ialltoallv, MPI_Ireduce, MPI_Iallreduce, MPI_Iscan, MPI_Iexscan,
 *	MPI_Ibarrier) waited for in the one wait loop with the px check, so an
 *	interrupt or a failed rank can release it. Blocking and nonblocking
 *	collectives do not match each other in MPI: nothing in ptcl may call
 *	a blocking one.
 *
 *	Values travel in the codec's kinds (codec.h), so lists of numbers
 *	and byte arrays move in binary form. A collective of values runs in
 *	two or three steps: a small agreement (kinds and lengths, and whether
 *	some rank's input is bad), then the data. An input error found on
 *	one rank is announced in the agreement: the lowest failing rank
 *	broadcasts its message and every rank fails with it, so nobody is
 *	left waiting.
 *
 *	Copies are avoided where the data is large: scatter and gather move
 *	each piece from the object that holds it (a byte array's storage, a
 *	string's bytes, numbers packed from the list's elements) into the
 *	object it lands in, with one MPI_Ialltoallw whose datatypes are made
 *	over those addresses (ExchangeStart); a rank's own piece is its own
 *	value, never copied; a received byte array lands in its Tcl value. A
 *	list of numbers arriving in a variable that already holds a list of
 *	as many (the Into forms) is rebuilt in place, its element objects
 *	reused (PtclUnpackInto): allocating and freeing a million Tcl_Objs
 *	is what otherwise costs most. A long list of numbers is broadcast
 *	as a stream of pieces, so that the root's packing and the others'
 *	unpacking overlap (BcastStreamRoot).
 *
 *	Sizes: MPI counts and displacements are C ints. Scatter and gather
 *	pieces are datatypes of blocks of at most CHUNK bytes, so any length
 *	goes; a broadcast goes in chunks of at most CHUNK bytes. Alltoall
 *	moves MPI_BYTE when everything fits in 2 GiB, otherwise (agreed on
 *	every rank from the lengths they all know) each piece is padded to a
 *	multiple of BIG_BLOCK bytes and counts and displacements are given
 *	in blocks of a contiguous datatype of that size, which reaches 2 PiB
 *	per call. Reductions count numbers, and a Tcl 8.6 list holds fewer
 *	than 2^31 of them.
 *
 *	Leans on: codec.h (PtclPackValue, PtclPackElements, PtclUnpackInto,
 *	PtclEncodeValue, PtclDecodeValue, PtclPackNumbers and the stream
 *	helpers), the wait loop (PtclWaitRequests), PtclMpiError.
 */

#include "collective.h"
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <math.h>

#define BIG_BLOCK	((int64_t) 1 << 20)
#define CHUNK		((int64_t) 1 << 30)

/*
 * A broadcast's first message: kind and length, and the payload itself
 * when it is small, so that a small value costs one collective.
 */

#define BCAST_INLINE	240
#define BCAST_HEAD	(16 + BCAST_INLINE)

/*
 * Broadcasts of long lists of numbers are streamed (BcastStreamRoot): the
 * head's kind carries BCAST_STREAM, and the numbers follow in pieces.
 * BCAST_PLAIN (a flag of BcastValue) forbids streaming.
 */

#define BCAST_STREAM	0x200
#define BCAST_PLAIN	0x10000
#define STREAM_NUMBERS	65536
#define STREAM_MIN	(2 * STREAM_NUMBERS)

static MPI_Datatype bigBlockType = MPI_DATATYPE_NULL;

static int	BcastValue(Tcl_Interp *interp, MPI_Comm comm, int root,
		    Tcl_Obj *value, Tcl_Obj *reuse, int flags,
		    Tcl_Obj **resultPtr);
static int	BcastStreamRoot(Tcl_Interp *interp, MPI_Comm comm, int root,
		    Tcl_Obj *value, int kind, int objc, Tcl_Obj **objv,
		    int waitFlags, Tcl_Obj **resultPtr);
static int	BcastStreamRecv(Tcl_Interp *interp, MPI_Comm comm, int root,
		    int kind, int64_t len, Tcl_Obj *reuse, int waitFlags,
		    Tcl_Obj **resultPtr);

static const char *const opNames[] = {
    "sum", "prod", "min", "max", "land", "lor", "band", "bor", "lxor",
    "bxor", "minloc", "maxloc", NULL
};

/*
 * An error found on this rank before the agreement: its message and
 * error code, one reference each (NULL when there is none).
 */

typedef struct LocalError {
    Tcl_Obj *msg, *code;
} LocalError;

/*
 *----------------------------------------------------------------------
 *
 * PtclGetOpFromObj --
 *
 *	Reads a reduction op: sum prod min max land lor band bor lxor bxor
 *	minloc maxloc.
 *
 * Results:
 *	TCL_OK with *opPtr, or TCL_ERROR listing the valid ops, with the
 *	error code {PTCL USAGE}.
 *
 *----------------------------------------------------------------------
 */

int
PtclGetOpFromObj(
    Tcl_Interp *interp,
    Tcl_Obj *objPtr,
    PtclReduceOp *opPtr)
{
    int index;

    if (Tcl_GetIndexFromObj(interp, objPtr, opNames, "op", 0, &index)
	    != TCL_OK) {
	Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
	return TCL_ERROR;
    }
    *opPtr = (PtclReduceOp) index;
    return TCL_OK;
}

/*
 * Await --
 *
 *	Waits for nonblocking collectives in the wait loop, px check on (the
 *	loop spins while data is on its way, then backs off).
 *	On TCL_ERROR the requests may still be running: the caller must then
 *	leave every buffer they use alive (leak it), never free it.
 */

static int
Await(
    Tcl_Interp *interp,
    int n,
    MPI_Request *reqs)
{
    return PtclWaitRequests(interp, NULL, n, reqs, NULL, 0);
}

static int
AwaitFlags(
    Tcl_Interp *interp,
    int n,
    MPI_Request *reqs,
    int flags)
{
    return PtclWaitRequests(interp, NULL, n, reqs, NULL, flags);
}

static int
CommInfo(
    Tcl_Interp *interp,
    MPI_Comm comm,
    int *rankPtr,
    int *sizePtr)
{
    int code = MPI_Comm_rank(comm, rankPtr);

    if (code == MPI_SUCCESS) {
	code = MPI_Comm_size(comm, sizePtr);
    }
    if (code != MPI_SUCCESS) {
	return PtclMpiError(interp, code, "using the communicator");
    }
    return TCL_OK;
}

static int
CheckRoot(
    Tcl_Interp *interp,
    int root,
    int size)
{
    if (root < 0 || root >= size) {
	Tcl_SetObjResult(interp, Tcl_ObjPrintf(
		"bad root %d: must be a rank from 0 to %d", root, size - 1));
	Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
	return TCL_ERROR;
    }
    return TCL_OK;
}

static MPI_Datatype
BlockType(
    int64_t block)
{
    if (block == 1) {
	return MPI_BYTE;
    }
    if (bigBlockType == MPI_DATATYPE_NULL) {
	MPI_Type_contiguous((int) BIG_BLOCK, MPI_BYTE, &bigBlockType);
	MPI_Type_commit(&bigBlockType);
    }
    return bigBlockType;
}

static int64_t
Blocks(
    int64_t len,
    int64_t block)
{
    return (len + block - 1) / block;
}

/*
 * CaptureError, ClearError --
 *
 *	Keeps the interp's error as this rank's LocalError.
 */

static void
CaptureError(
    Tcl_Interp *interp,
    LocalError *le)
{
    Tcl_Obj *options = Tcl_GetReturnOptions(interp, TCL_ERROR);
    Tcl_Obj *key = Tcl_NewStringObj("-errorcode", -1), *code = NULL;

    Tcl_IncrRefCount(options);
    Tcl_IncrRefCount(key);
    Tcl_DictObjGet(NULL, options, key, &code);
    le->code = code ? code : Tcl_NewStringObj("PTCL USAGE", -1);
    Tcl_IncrRefCount(le->code);
    le->msg = Tcl_GetObjResult(interp);
    Tcl_IncrRefCount(le->msg);
    Tcl_DecrRefCount(key);
    Tcl_DecrRefCount(options);
    Tcl_ResetResult(interp);
}

static void
SetLocalError(
    LocalError *le,
    Tcl_Obj *msg,
    const char *code)
{
    le->msg = msg;
    Tcl_IncrRefCount(le->msg);
    le->code = Tcl_NewStringObj(code, -1);
    Tcl_IncrRefCount(le->code);
}

static void
ClearError(
    LocalError *le)
{
    if (le->msg) {
	Tcl_DecrRefCount(le->msg);
	Tcl_DecrRefCount(le->code);
	le->msg = le->code = NULL;
    }
}

/*
 *----------------------------------------------------------------------
 *
 * AnnounceError --
 *
 *	The error path of an agreement: rank 'bad' (the lowest failing one,
 *	known to all) broadcasts its message and error code, and every rank
 *	fails with them. "(on rank R)" is added when the communicator has
 *	more than one rank.
 *
 * Results:
 *	TCL_ERROR, always.
 *
 * Side effects:
 *	Two broadcasts on comm. Clears *le.
 *
 *----------------------------------------------------------------------
 */

static int
AnnounceError(
    Tcl_Interp *interp,
    MPI_Comm comm,
    int bad,
    int rank,
    int size,
    LocalError *le)
{
    int64_t hdr[2] = {0, 0};
    MPI_Request req;
    char *bytes = NULL;
    const char *m = "", *c = "";
    int mlen = 0, clen = 0, code;
    Tcl_Obj *msg;

    if (rank == bad && le->msg) {
	m = Tcl_GetStringFromObj(le->msg, &mlen);
	c = Tcl_GetStringFromObj(le->code, &clen);
	hdr[0] = mlen;
	hdr[1] = clen;
    }
    code = MPI_Ibcast(hdr, 2, MPI_INT64_T, bad, comm, &req);
    if (code != MPI_SUCCESS) {
	ClearError(le);
	return PtclMpiError(interp, code, "announcing an error");
    }
    if (Await(interp, 1, &req) != TCL_OK) {
	return TCL_ERROR;		/* hdr is on our stack: see below. */
    }
    bytes = (char *) ckalloc((unsigned) (hdr[0] + hdr[1] + 1));
    if (rank == bad) {
	memcpy(bytes, m, (size_t) mlen);
	memcpy(bytes + mlen, c, (size_t) clen);
    }
    ClearError(le);
    code = MPI_Ibcast(bytes, (int) (hdr[0] + hdr[1]), MPI_BYTE, bad, comm,
	    &req);
    if (code != MPI_SUCCESS) {
	ckfree(bytes);
	return PtclMpiError(interp, code, "announcing an error");
    }
    if (Await(interp, 1, &req) != TCL_OK) {
	return TCL_ERROR;		/* Leaks bytes: MPI may still write. */
    }
    msg = Tcl_NewStringObj(bytes, (int) hdr[0]);
    if (size > 1) {
	Tcl_AppendPrintfToObj(msg, " (on rank %d)", bad);
    }
    Tcl_SetObjResult(interp, msg);
    Tcl_SetObjErrorCode(interp, Tcl_NewStringObj(bytes + hdr[0],
	    (int) hdr[1]));
    ckfree(bytes);
    return TCL_ERROR;
}

/*
 * The agreement's error path above waits on a request whose buffer (hdr)
 * lives on the stack. That is safe: an Ibcast of 16 bytes that this rank
 * was released from can only still be running if the wait was abandoned
 * (interrupt), and the caller's px then ends; a released px retires its
 * communicator (DESIGN.md), so no later message lands in it.
 */

/*
 *----------------------------------------------------------------------
 *
 * PtclCollBarrier --
 *
 *	MPI_Ibarrier in the wait loop.
 *
 *----------------------------------------------------------------------
 */

int
PtclCollBarrier(
    Tcl_Interp *interp,
    MPI_Comm comm)
{
    MPI_Request req;
    int code = MPI_Ibarrier(comm, &req);

    if (code != MPI_SUCCESS) {
	return PtclMpiError(interp, code, "barrier");
    }
    return Await(interp, 1, &req);
}

/*
 *----------------------------------------------------------------------
 *
 * PtclCollBcast, PtclCollBcastInto --
 *
 *	The root's value on every rank. One MPI_Ibcast of a fixed head
 *	(kind, length, and a payload of up to BCAST_INLINE bytes), then for
 *	a larger payload MPI_Ibcast in chunks of at most CHUNK bytes, landing
 *	in place (a byte array lands in the value itself). Into: reuse (or
 *	NULL) is the value a rank's result replaces, which a packed list may
 *	be rebuilt in (PtclUnpackInto); the caller holds its only reference.
 *
 * Results:
 *	TCL_OK with *resultPtr (one reference; the root gets its own value
 *	back), or TCL_ERROR.
 *
 *----------------------------------------------------------------------
 */

int
PtclCollBcast(
    Tcl_Interp *interp,
    MPI_Comm comm,
    int root,
    Tcl_Obj *value,
    Tcl_Obj **resultPtr)
{
    return PtclCollBcastInto(interp, comm, root, value, NULL, resultPtr);
}

static int
BcastValue(
    Tcl_Interp *interp,
    MPI_Comm comm,
    int root,
    Tcl_Obj *value,
    Tcl_Obj *reuse,
    int flags,			/* Wait loop flags, and BCAST_PLAIN. */
    Tcl_Obj **resultPtr)
{
    int rank, size, code, i, nchunks, objc = 0, waitFlags;
    Tcl_Obj **objv = NULL;
    unsigned char head[BCAST_HEAD];
    int64_t kind = 0, len = 0;
    PtclPacked p;
    MPI_Request req, *reqs;
    unsigned char *data = NULL;
    Tcl_Obj *landing = NULL, *result;

    if (CommInfo(interp, comm, &rank, &size) != TCL_OK
	    || CheckRoot(interp, root, size) != TCL_OK) {
	return TCL_ERROR;
    }
    waitFlags = flags & ~BCAST_PLAIN;
    memset(head, 0, sizeof(head));
    memset(&p, 0, sizeof(p));
    if (rank == root && size > 1 && !(flags & BCAST_PLAIN)
	    && (kind = PtclStreamKind(value, &objc, &objv)) != PTCL_VAL_STRING
	    && objc >= STREAM_MIN) {
	/*
	 * A long list of numbers: streamed (see BcastStreamRoot).
	 */

	len = 8 * (int64_t) objc;
	kind |= BCAST_STREAM;
	memcpy(head, &kind, 8);
	memcpy(head + 8, &len, 8);
    } else if (rank == root) {
	kind = 0;
	PtclPackValue(value, &p);
	kind = p.kind;
	len = (int64_t) p.len;
	memcpy(head, &kind, 8);
	memcpy(head + 8, &len, 8);
	if (len <= BCAST_INLINE && len > 0) {
	    memcpy(head + 16, p.data, (size_t) len);
	}
    }
    code = MPI_Ibcast(head, BCAST_HEAD, MPI_BYTE, root, comm, &req);
    if (code != MPI_SUCCESS) {
	PtclPackedFree(&p);
	return PtclMpiError(interp, code, "broadcasting a value");
    }
    if (AwaitFlags(interp, 1, &req, waitFlags) != TCL_OK) {
	return TCL_ERROR;	/* Leaks p: MPI may still read it. */
    }
    if (rank == root && (kind & BCAST_STREAM)) {
	return BcastStreamRoot(interp, comm, root, value, (int) (kind
		& ~BCAST_STREAM), objc, objv, waitFlags, resultPtr);
    }
    if (rank == root) {
	if (len > BCAST_INLINE) {
	    data = (unsigned char *) p.data;
	}
    } else {
	memcpy(&kind, head, 8);
	memcpy(&len, head + 8, 8);
	if (len < 0 || len > (int64_t) INT_MAX || ((kind & BCAST_STREAM)
		&& (len % 8 != 0 || len < 8 * (int64_t) STREAM_MIN))) {
	    Tcl_SetObjResult(interp, Tcl_NewStringObj(
		    "received a malformed broadcast", -1));
	    Tcl_SetErrorCode(interp, "PTCL", "PROTOCOL", NULL);
	    return TCL_ERROR;
	}
	if (kind & BCAST_STREAM) {
	    return BcastStreamRecv(interp, comm, root, (int) (kind
		    & ~BCAST_STREAM), len, reuse, waitFlags, resultPtr);
	}
	if (len <= BCAST_INLINE) {
	    result = PtclUnpackInto((int) kind, head + 16, (uint64_t) len,
		    reuse);
	    goto unpacked;
	}
	if (kind == PTCL_VAL_BYTES) {
	    landing = Tcl_NewByteArrayObj(NULL, 0);
	    Tcl_IncrRefCount(landing);
	    data = Tcl_SetByteArrayLength(landing, (int) len);
	} else {
	    data = (unsigned char *) malloc((size_t) len);
	    if (data == NULL) {
		Tcl_SetObjResult(interp, Tcl_NewStringObj(
			"not enough memory for the broadcast value", -1));
		return TCL_ERROR;
	    }
	}
    }

    if (len > BCAST_INLINE) {
	nchunks = (int) Blocks(len, CHUNK);
	reqs = (MPI_Request *) ckalloc(sizeof(MPI_Request) * nchunks);
	for (i = 0; i < nchunks; i++) {
	    int64_t off = (int64_t) i * CHUNK;
	    int64_t n = len - off < CHUNK ? len - off : CHUNK;

	    code = MPI_Ibcast(data + off, (int) n, MPI_BYTE, root, comm,
		    &reqs[i]);
	    if (code != MPI_SUCCESS) {
		/* Earlier chunks may be running: leak, as on interrupt. */
		return PtclMpiError(interp, code, "broadcasting a value");
	    }
	}
	if (AwaitFlags(interp, nchunks, reqs, waitFlags) != TCL_OK) {
	    return TCL_ERROR;	/* Leaks data: MPI may still use it. */
	}
	ckfree(reqs);
    }

    if (rank == root) {
	PtclPackedFree(&p);
	*resultPtr = value;
	Tcl_IncrRefCount(value);
	return TCL_OK;
    }
    if (landing) {
	*resultPtr = landing;		/* Its reference moves out. */
	return TCL_OK;
    }
    result = PtclUnpackInto((int) kind, data, (uint64_t) len, reuse);
    free(data);

  unpacked:
    if (result == NULL) {
	Tcl_SetObjResult(interp, Tcl_NewStringObj(
		"received a malformed broadcast", -1));
	Tcl_SetErrorCode(interp, "PTCL", "PROTOCOL", NULL);
	return TCL_ERROR;
    }
    Tcl_IncrRefCount(result);
    *resultPtr = result;
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * BcastStreamRoot, BcastStreamRecv --
 *
 *	A long list of numbers is broadcast in pieces of STREAM_NUMBERS
 *	numbers, each an MPI_Ibcast of {status, numbers} posted as soon as
 *	the root has packed it, so that the root packs piece k+1 while the
 *	others take in piece k: packing (on the root) and unpacking (on the
 *	others) each touch every element object, the slow part, and now
 *	overlap instead of adding up. A receiving rank that offers a list of
 *	as many elements (reuse) unpacks each piece into it in place; once
 *	it has, it waits for the rest without the px check, so that an
 *	interrupt never leaves the variable half updated (the root posts
 *	every piece without waiting, so the rest is on its way).
 *
 *	The root packs on the guess that every element is like the first;
 *	if one is not, that piece and the rest carry status 1, and the value
 *	follows as an ordinary (string) broadcast.
 *
 * Results:
 *	As PtclCollBcastInto.
 *
 *----------------------------------------------------------------------
 */

static int
BcastStreamRoot(
    Tcl_Interp *interp,
    MPI_Comm comm,
    int root,
    Tcl_Obj *value,
    int kind,
    int objc,
    Tcl_Obj **objv,
    int waitFlags,
    Tcl_Obj **resultPtr)
{
    int npieces = (objc + STREAM_NUMBERS - 1) / STREAM_NUMBERS, j, code;
    int failed = 0;
    unsigned char *buf = (unsigned char *) malloc(8 * (size_t) npieces
	    + 8 * (size_t) objc);
    MPI_Request *reqs = (MPI_Request *) ckalloc(sizeof(MPI_Request)
	    * (size_t) npieces);

    if (buf == NULL) {
	Tcl_Panic("out of memory in a broadcast");
    }
    for (j = 0; j < npieces; j++) {
	int first = j * STREAM_NUMBERS;
	int n = objc - first < STREAM_NUMBERS ? objc - first : STREAM_NUMBERS;
	unsigned char *piece = buf + (size_t) j * (8 + 8 * STREAM_NUMBERS);
	int64_t status;

	if (!failed && !PtclPackRange(kind, n, objv + first, piece + 8)) {
	    failed = 1;
	}
	status = failed;
	memcpy(piece, &status, 8);
	code = MPI_Ibcast(piece, 8 + 8 * n, MPI_BYTE, root, comm, &reqs[j]);
	if (code != MPI_SUCCESS) {
	    /* Earlier pieces may be running: leak, as on interrupt. */
	    return PtclMpiError(interp, code, "broadcasting a value");
	}
    }
    if (AwaitFlags(interp, npieces, reqs, waitFlags) != TCL_OK) {
	return TCL_ERROR;		/* Leaks buf: MPI may still read it. */
    }
    free(buf);
    ckfree(reqs);
    if (failed) {
	return BcastValue(interp, comm, root, value, NULL,
		waitFlags | BCAST_PLAIN, resultPtr);
    }
    *resultPtr = value;
    Tcl_IncrRefCount(value);
    return TCL_OK;
}

static int
BcastStreamRecv(
    Tcl_Interp *interp,
    MPI_Comm comm,
    int root,
    int kind,
    int64_t len,
    Tcl_Obj *reuse,
    int waitFlags,
    Tcl_Obj **resultPtr)
{
    int count = (int) (len / 8), j, code, inplace, committed = 0;
    int failed = 0;
    int npieces = (count + STREAM_NUMBERS - 1) / STREAM_NUMBERS;
    unsigned char *buf;
    MPI_Request *reqs;
    Tcl_Obj *result;

    if (kind != PTCL_VAL_DOUBLES && kind != PTCL_VAL_WIDES) {
	Tcl_SetObjResult(interp, Tcl_NewStringObj(
		"received a malformed broadcast", -1));
	Tcl_SetErrorCode(interp, "PTCL", "PROTOCOL", NULL);
	return TCL_ERROR;
    }
    buf = (unsigned char *) malloc(8 * (size_t) npieces + (size_t) len);
    if (buf == NULL) {
	Tcl_Panic("out of memory in a broadcast");
    }
    reqs = (MPI_Request *) ckalloc(sizeof(MPI_Request) * (size_t) npieces);
    for (j = 0; j < npieces; j++) {
	int n = count - j * STREAM_NUMBERS < STREAM_NUMBERS
		? count - j * STREAM_NUMBERS : STREAM_NUMBERS;

	code = MPI_Ibcast(buf + (size_t) j * (8 + 8 * STREAM_NUMBERS),
		8 + 8 * n, MPI_BYTE, root, comm, &reqs[j]);
	if (code != MPI_SUCCESS) {
	    return PtclMpiError(interp, code, "broadcasting a value");
	}
    }

    inplace = PtclReuseList(reuse, count);
    if (inplace) {
	result = reuse;
    } else {
	result = Tcl_NewListObj(count, NULL);	/* Room for count. */
    }
    Tcl_IncrRefCount(result);
    for (j = 0; j < npieces; j++) {
	int first = j * STREAM_NUMBERS;
	int n = count - first < STREAM_NUMBERS ? count - first
		: STREAM_NUMBERS;
	unsigned char *piece = buf + (size_t) j * (8 + 8 * STREAM_NUMBERS);
	int64_t status;

	if (AwaitFlags(interp, 1, &reqs[j], committed
		? (waitFlags | PTCL_WAIT_NOCHECK) : waitFlags) != TCL_OK) {
	    Tcl_DecrRefCount(result);	/* Not touched: we did not commit. */
	    return TCL_ERROR;		/* Leaks buf: MPI may still write. */
	}
	memcpy(&status, piece, 8);
	if (status || failed) {
	    failed = 1;
	    continue;
	}
	if (inplace) {
	    PtclUnpackRange(reuse, first, kind, piece + 8, n);
	    committed = 1;
	} else {
	    PtclUnpackAppend(result, kind, piece + 8, 8 * (uint64_t) n);
	}
    }
    free(buf);
    ckfree(reqs);
    if (failed) {
	Tcl_DecrRefCount(result);
	return BcastValue(interp, comm, root, NULL, NULL, (committed
		? (waitFlags | PTCL_WAIT_NOCHECK) : waitFlags) | BCAST_PLAIN,
		resultPtr);
    }
    *resultPtr = result;		/* Its reference moves out. */
    return TCL_OK;
}

int
PtclCollBcastInto(
    Tcl_Interp *interp,
    MPI_Comm comm,
    int root,
    Tcl_Obj *value,
    Tcl_Obj *reuse,
    Tcl_Obj **resultPtr)
{
    return BcastValue(interp, comm, root, value, reuse, 0, resultPtr);
}

/*
 * DecodePiece --
 *
 *	One encoded value out of a received buffer.
 */

static Tcl_Obj *
DecodePiece(
    Tcl_Interp *interp,
    const unsigned char *data,
    int64_t len)
{
    PtclReader rd;
    Tcl_Obj *value;

    PtclReaderInit(&rd, data, (size_t) len);
    value = PtclDecodeValue(&rd);
    if (value == NULL) {
	Tcl_SetObjResult(interp, Tcl_NewStringObj(
		"received a malformed value in a collective", -1));
	Tcl_SetErrorCode(interp, "PTCL", "PROTOCOL", NULL);
    }
    return value;
}

/*
 * Relayout --
 *
 *	Copies n pieces (offs, lens) of src into a new malloc'ed buffer in
 *	which each starts at a multiple of block; fills offs with the new
 *	offsets. Returns the buffer, NULL when memory is out.
 */

static unsigned char *
Relayout(
    const unsigned char *src,
    int n,
    int64_t *offs,
    const int64_t *lens,
    int64_t block)
{
    int64_t total = 0;
    unsigned char *dst;
    int i;

    for (i = 0; i < n; i++) {
	total += Blocks(lens[i], block) * block;
    }
    dst = (unsigned char *) malloc((size_t) (total ? total : 1));
    if (dst == NULL) {
	return NULL;
    }
    total = 0;
    for (i = 0; i < n; i++) {
	memcpy(dst + total, src + offs[i], (size_t) lens[i]);
	offs[i] = total;
	total += Blocks(lens[i], block) * block;
    }
    return dst;
}

/*
 * The data step of scatter and gather.
 *
 * Each piece moves from the object that holds it (a byte array's storage,
 * a string's bytes, the numbers packed from a list) straight into the
 * object or buffer it lands in: one MPI_Ialltoallw in which every piece
 * has a datatype of its own, made over its address (MPI_BOTTOM-relative,
 * in blocks of at most CHUNK bytes, so any length goes), and no rank
 * sends to itself: a rank's own piece is its own value, never copied.
 * A received byte array lands in the Tcl value that will hold it;
 * numbers and strings land in a scratch buffer and are unpacked from it.
 *
 * A piece's kind on the wire, as agreed before the data step, is a codec
 * kind, with PIECE_WRAP when the piece is the one item of a block: it is
 * sent as itself (so a byte array or a list of numbers keeps its fast
 * path) and made a one-item list on arrival.
 */

#define PIECE_WRAP	0x100

typedef struct Landing {
    int kind;			/* PTCL_VAL_*, maybe with PIECE_WRAP. */
    int64_t len;		/* Payload bytes. */
    Tcl_Obj *obj;		/* A byte array: the value it lands in (one
				 * reference), else NULL. */
    unsigned char *buf;		/* Where the payload lands: obj's storage,
				 * or a malloc'ed scratch buffer. */
} Landing;

/*
 * LandingInit --
 *
 *	Readies the landing place of a piece of the given (agreed) kind and
 *	length. A kind or length this rank cannot take lands in a scratch
 *	buffer all the same, so that the data step still matches the
 *	sender's, and fails in LandingValue.
 */

static void
LandingInit(
    Landing *l,
    int64_t kind,
    int64_t len)
{
    l->kind = (int) kind;
    l->len = len < 0 ? 0 : len;
    l->obj = NULL;
    if ((kind & ~(int64_t) PIECE_WRAP) == PTCL_VAL_BYTES
	    && len <= (int64_t) INT_MAX) {
	l->obj = Tcl_NewByteArrayObj(NULL, 0);
	Tcl_IncrRefCount(l->obj);
	l->buf = Tcl_SetByteArrayLength(l->obj, (int) l->len);
	return;
    }
    l->buf = (unsigned char *) malloc((size_t) (l->len ? l->len : 1));
    if (l->buf == NULL) {
	Tcl_Panic("out of memory for a value of %" TCL_LL_MODIFIER "d bytes "
		"in a collective", (Tcl_WideInt) l->len);
    }
}

/*
 * LandingFree --
 *
 *	Releases a landing place whose piece is not wanted (an error). Never
 *	on one MPI may still write into.
 */

static void
LandingFree(
    Landing *l)
{
    if (l->obj) {
	Tcl_DecrRefCount(l->obj);
    } else if (l->buf) {
	free(l->buf);
    }
    l->obj = NULL;
    l->buf = NULL;
}

/*
 * LandingValue --
 *
 *	The value of a piece that has landed, holding one reference; reuse
 *	(or NULL) is what PtclUnpackInto may rebuild in place. Releases the
 *	landing place. NULL with an error in interp if the piece is
 *	malformed.
 */

static Tcl_Obj *
LandingValue(
    Tcl_Interp *interp,
    Landing *l,
    Tcl_Obj *reuse)
{
    int wrap = (l->kind & PIECE_WRAP) != 0;
    Tcl_Obj *value;

    if (l->obj) {
	value = l->obj;			/* Its reference moves out. */
	l->obj = NULL;
    } else {
	value = PtclUnpackInto(l->kind & ~PIECE_WRAP, l->buf,
		(uint64_t) l->len, wrap ? NULL : reuse);
	free(l->buf);
	if (value == NULL) {
	    l->buf = NULL;
	    Tcl_SetObjResult(interp, Tcl_NewStringObj(
		    "received a malformed value in a collective", -1));
	    Tcl_SetErrorCode(interp, "PTCL", "PROTOCOL", NULL);
	    return NULL;
	}
	Tcl_IncrRefCount(value);
    }
    l->buf = NULL;
    if (wrap) {
	Tcl_Obj *list = Tcl_NewListObj(1, &value);

	Tcl_DecrRefCount(value);	/* The list holds it now. */
	value = list;
	Tcl_IncrRefCount(value);
    }
    return value;
}

/*
 * PieceType --
 *
 *	A datatype that is the len bytes at addr (absolute: used with
 *	MPI_BOTTOM), in blocks of at most CHUNK bytes.
 */

static int
PieceType(
    const void *addr,
    int64_t len,
    MPI_Datatype *typePtr)
{
    int n = (int) Blocks(len, CHUNK), i, code = MPI_SUCCESS;
    int *blens = (int *) ckalloc(sizeof(int) * (size_t) n);
    MPI_Aint *displs = (MPI_Aint *) ckalloc(sizeof(MPI_Aint) * (size_t) n);

    for (i = 0; i < n && code == MPI_SUCCESS; i++) {
	int64_t off = (int64_t) i * CHUNK;

	blens[i] = (int) (len - off < CHUNK ? len - off : CHUNK);
	code = MPI_Get_address((const char *) addr + off, &displs[i]);
    }
    if (code == MPI_SUCCESS) {
	code = MPI_Type_create_hindexed(n, blens, displs, MPI_BYTE, typePtr);
    }
    if (code == MPI_SUCCESS) {
	code = MPI_Type_commit(typePtr);
    }
    ckfree(blens);
    ckfree(displs);
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * ExchangeStart, ExchangeFinish --
 *
 *	The data step: this rank sends slen[i] bytes at saddr[i] to each
 *	rank i and receives rlen[i] bytes from rank i at raddr[i] (zero
 *	lengths, or NULL arrays: nothing), in one MPI_Ialltoallw. Start
 *	posts it (OpenMPI posts every send and receive of it at once, so
 *	the others' data moves while this rank does other work); Finish
 *	waits for it in the wait loop and frees the datatypes. Every rank
 *	of comm must call it, with lengths that match pairwise.
 *
 * Results:
 *	A standard Tcl result. On Start's TCL_ERROR nothing was started;
 *	on Finish's TCL_ERROR the transfers may still be running: the
 *	caller must leave every buffer alive (leak it).
 *
 *----------------------------------------------------------------------
 */

typedef struct Exchange {
    MPI_Request req;
    int size;
    int *ints;			/* Counts and displacements. */
    MPI_Datatype *types;	/* The pieces' datatypes, 2 * size. */
} Exchange;

static void
ExchangeFreeTypes(
    Exchange *ex)
{
    int i;

    for (i = 0; i < 2 * ex->size; i++) {
	if (ex->types[i] != MPI_BYTE) {
	    MPI_Type_free(&ex->types[i]);
	}
    }
    ckfree(ex->types);
    ckfree(ex->ints);
}

static int
ExchangeStart(
    Tcl_Interp *interp,
    MPI_Comm comm,
    int size,
    const void *const *saddr,
    const int64_t *slen,
    void *const *raddr,
    const int64_t *rlen,
    const char *what,
    Exchange *ex)
{
    int *scounts, *sdispls, *rcounts, *rdispls;
    MPI_Datatype *stypes, *rtypes;
    int i, code = MPI_SUCCESS;

    ex->size = size;
    ex->ints = (int *) ckalloc(sizeof(int) * 4 * (size_t) size);
    ex->types = (MPI_Datatype *) ckalloc(sizeof(MPI_Datatype) * 2
	    * (size_t) size);
    scounts = ex->ints;
    sdispls = scounts + size;
    rcounts = sdispls + size;
    rdispls = rcounts + size;
    stypes = ex->types;
    rtypes = stypes + size;
    for (i = 0; i < size; i++) {
	scounts[i] = sdispls[i] = rcounts[i] = rdispls[i] = 0;
	stypes[i] = rtypes[i] = MPI_BYTE;
    }
    for (i = 0; i < size && code == MPI_SUCCESS; i++) {
	if (slen && slen[i] > 0) {
	    code = PieceType(saddr[i], slen[i], &stypes[i]);
	    scounts[i] = 1;
	}
	if (code == MPI_SUCCESS && rlen && rlen[i] > 0) {
	    code = PieceType(raddr[i], rlen[i], &rtypes[i]);
	    rcounts[i] = 1;
	}
    }
    if (code == MPI_SUCCESS) {
	code = MPI_Ialltoallw(MPI_BOTTOM, scounts, sdispls, stypes,
		MPI_BOTTOM, rcounts, rdispls, rtypes, comm, &ex->req);
    }
    if (code != MPI_SUCCESS) {
	ExchangeFreeTypes(ex);		/* Nothing was started. */
	return PtclMpiError(interp, code, what);
    }
    return TCL_OK;
}

static int
ExchangeFinish(
    Tcl_Interp *interp,
    Exchange *ex)
{
    if (Await(interp, 1, &ex->req) != TCL_OK) {
	return TCL_ERROR;		/* Leaks the types and arrays. */
    }
    ExchangeFreeTypes(ex);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * OwnBlockReuses, OwnBlock --
 *
 *	The root's own block of a scatter: its items first[0..count-1] as a
 *	list. When reuse (the value the block replaces, held by nothing
 *	else) is a list of as many items that differs from them in few
 *	places, OwnBlockReuses says so, and OwnBlock replaces those items in
 *	it and gives reuse as the block: an iterative code that scatters a
 *	list it changes little (or not at all) then pays for the changed
 *	items only, instead of a reference taken on every item of the new
 *	block and one dropped on every item of the old. Otherwise OwnBlock
 *	makes a new list.
 *
 * Results:
 *	OwnBlockReuses: 1 or 0. OwnBlock: the block, refcount 0 if new
 *	(reuse's refcount is left alone).
 *
 * Side effects:
 *	OwnBlock may change reuse: call it only once nothing can fail.
 *
 *----------------------------------------------------------------------
 */

static int
OwnBlockReuses(
    int count,
    Tcl_Obj *const first[],
    Tcl_Obj *reuse)
{
    static const Tcl_ObjType *listTypePtr = NULL;
    Tcl_Obj **objv;
    int objc, i, differ = 0;

    if (listTypePtr == NULL) {
	listTypePtr = Tcl_GetObjType("list");
    }
    if (reuse == NULL || Tcl_IsShared(reuse) || count == 0
	    || listTypePtr == NULL || reuse->typePtr != listTypePtr
	    || Tcl_ListObjGetElements(NULL, reuse, &objc, &objv) != TCL_OK
	    || objc != count) {
	return 0;
    }
    for (i = 0; i < count; i++) {
	differ += (objv[i] != first[i]);
    }
    return differ <= count / 4;
}

static Tcl_Obj *
OwnBlock(
    int count,
    Tcl_Obj *const first[],
    Tcl_Obj *reuse,
    int reuses)			/* OwnBlockReuses' answer, or -1. */
{
    Tcl_Obj **objv;
    int objc, i;

    if (reuses < 0) {
	reuses = OwnBlockReuses(count, first, reuse);
    }
    if (!reuses) {
	return Tcl_NewListObj(count, first);
    }

    /*
     * A replace of nothing gives reuse an internal rep of its own (see
     * PtclUnpackInto); replacing one item by one then moves nothing.
     */

    Tcl_ListObjReplace(NULL, reuse, 0, 0, 0, NULL);
    Tcl_ListObjGetElements(NULL, reuse, &objc, &objv);
    for (i = 0; i < count; i++) {
	if (objv[i] != first[i]) {
	    Tcl_ListObjReplace(NULL, reuse, i, 1, 1, &first[i]);
	    Tcl_ListObjGetElements(NULL, reuse, &objc, &objv);
	}
    }
    return reuse;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclCollScatter, PtclCollScatterEx, PtclCollScatterInto --
 *
 *	See collective.h. The root checks its list (and counts) and packs
 *	one piece per other rank, each straight from its items (PtclPack-
 *	Value, PtclPackElements: no sublist is made); one MPI_Ibcast gives
 *	every rank the outcome (ok, or the root's error message, which every
 *	rank then fails with) and every piece's kind and length; Exchange
 *	moves the pieces. The root's own piece is its own item (or a list
 *	of its items), never packed. With counts, a block of one item
 *	travels as the item itself (PIECE_WRAP).
 *
 *	Ex: rootError (used on root only, one reference is taken) is an
 *	error the root's caller found in its arguments (a bad -counts),
 *	announced in the same way. Into: reuse (or NULL) is the value this
 *	rank's result replaces, which a packed list may be rebuilt in
 *	(PtclUnpackInto); the caller holds its only reference.
 *
 *----------------------------------------------------------------------
 */

int
PtclCollScatter(
    Tcl_Interp *interp,
    MPI_Comm comm,
    int root,
    Tcl_Obj *list,
    const int64_t *counts,
    Tcl_Obj **resultPtr)
{
    return PtclCollScatterInto(interp, comm, root, list, counts, NULL,
	    NULL, resultPtr);
}

int
PtclCollScatterEx(
    Tcl_Interp *interp,
    MPI_Comm comm,
    int root,
    Tcl_Obj *list,
    const int64_t *counts,
    Tcl_Obj *rootError,
    Tcl_Obj **resultPtr)
{
    return PtclCollScatterInto(interp, comm, root, list, counts, rootError,
	    NULL, resultPtr);
}

int
PtclCollScatterInto(
    Tcl_Interp *interp,
    MPI_Comm comm,
    int root,
    Tcl_Obj *list,
    const int64_t *counts,
    Tcl_Obj *rootError,
    Tcl_Obj *reuse,
    Tcl_Obj **resultPtr)
{
    int rank, size, code, n = 0, i, moving = 0;
    Tcl_Obj **elems = NULL, *errObj = NULL, *value = NULL;
    int64_t *hdr, pos, pos0 = 0;
    int reuses = -1;
    PtclPacked *packed = NULL;
    const void **saddr = NULL;
    int64_t *slen = NULL;
    Landing land;
    MPI_Request req;

    if (CommInfo(interp, comm, &rank, &size) != TCL_OK
	    || CheckRoot(interp, root, size) != TCL_OK) {
	return TCL_ERROR;
    }

    /*
     * hdr: error flag, error length, then kind and length of each piece.
     */

    hdr = (int64_t *) ckalloc(sizeof(int64_t) * (size_t) (2 + 2 * size));
    memset(hdr, 0, sizeof(int64_t) * (size_t) (2 + 2 * size));
    memset(&land, 0, sizeof(land));

    if (rank == root) {
	/*
	 * Check the root's input; the first error found is announced.
	 */

	if (rootError) {
	    errObj = rootError;
	} else if (Tcl_ListObjGetElements(NULL, list, &n, &elems) != TCL_OK) {
	    errObj = Tcl_ObjPrintf("cannot scatter \"%.50s\": not a list",
		    Tcl_GetString(list));
	} else if (counts == NULL && n != size) {
	    errObj = Tcl_ObjPrintf("cannot scatter a list of %d items over "
		    "%d ranks: it needs one item per rank (or -counts)", n,
		    size);
	} else if (counts) {
	    int64_t sum = 0;

	    for (i = 0; i < size; i++) {
		if (counts[i] < 0) {
		    errObj = Tcl_ObjPrintf("bad count %" TCL_LL_MODIFIER
			    "d for rank %d: counts must not be negative",
			    (Tcl_WideInt) counts[i], i);
		    break;
		}
		sum += counts[i];
	    }
	    if (errObj == NULL && sum != n) {
		errObj = Tcl_ObjPrintf("counts add up to %" TCL_LL_MODIFIER
			"d but the list has %d items", (Tcl_WideInt) sum, n);
	    }
	}
	if (errObj) {
	    Tcl_IncrRefCount(errObj);
	    hdr[0] = 1;
	    hdr[1] = (int64_t) strlen(Tcl_GetString(errObj));
	} else {
	    /*
	     * Pack each other rank's piece where it lies; keep our own.
	     */

	    packed = (PtclPacked *) ckalloc(sizeof(PtclPacked)
		    * (size_t) size);
	    memset(packed, 0, sizeof(PtclPacked) * (size_t) size);
	    pos = 0;
	    for (i = 0; i < size; i++) {
		int64_t c = counts ? counts[i] : 1;
		Tcl_Obj *const *first = counts ? elems + pos : elems + i;
		int kind;

		pos += c;
		if (i == root) {
		    pos0 = pos - c;
		    hdr[2 + 2 * i] = PTCL_VAL_STRING;	/* Not sent. */
		    continue;
		}
		if (counts && c != 1) {
		    kind = PtclPackElements((int) c, first, &packed[i]);
		} else {
		    kind = PtclPackValue(*first, &packed[i])
			    | (counts ? PIECE_WRAP : 0);
		}
		hdr[2 + 2 * i] = kind;
		hdr[3 + 2 * i] = (int64_t) packed[i].len;
	    }
	}
    }

    code = MPI_Ibcast(hdr, 2 + 2 * size, MPI_INT64_T, root, comm, &req);
    if (code != MPI_SUCCESS) {
	return PtclMpiError(interp, code, "scatter");
    }
    if (Await(interp, 1, &req) != TCL_OK) {
	return TCL_ERROR;		/* Leaks hdr and the pieces. */
    }

    if (hdr[0]) {
	/*
	 * The root's error, on every rank.
	 */

	char *text = (char *) ckalloc((unsigned) hdr[1] + 1);

	if (rank == root) {
	    memcpy(text, Tcl_GetString(errObj), (size_t) hdr[1]);
	    Tcl_DecrRefCount(errObj);
	}
	code = MPI_Ibcast(text, (int) hdr[1], MPI_BYTE, root, comm, &req);
	if (code != MPI_SUCCESS) {
	    return PtclMpiError(interp, code, "scatter");
	}
	if (Await(interp, 1, &req) != TCL_OK) {
	    return TCL_ERROR;		/* Leaks text. */
	}
	Tcl_SetObjResult(interp, Tcl_NewStringObj(text, (int) hdr[1]));
	Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
	ckfree(text);
	ckfree(hdr);
	return TCL_ERROR;
    }

    /*
     * The data step, if any piece has bytes (every rank knows).
     */

    for (i = 0; i < size; i++) {
	if (i != root && hdr[3 + 2 * i] > 0) {
	    moving = 1;
	}
    }
    if (rank != root) {
	LandingInit(&land, hdr[2 + 2 * rank], hdr[3 + 2 * rank]);
    }
    if (moving) {
	Exchange ex;

	slen = (int64_t *) ckalloc(sizeof(int64_t) * (size_t) size);
	saddr = (const void **) ckalloc(sizeof(void *) * (size_t) size);
	memset(slen, 0, sizeof(int64_t) * (size_t) size);
	memset(saddr, 0, sizeof(void *) * (size_t) size);
	if (rank == root) {
	    for (i = 0; i < size; i++) {
		saddr[i] = packed[i].data;
		slen[i] = i == root ? 0 : (int64_t) packed[i].len;
	    }
	    code = ExchangeStart(interp, comm, size, saddr, slen, NULL, NULL,
		    "scatter", &ex);
	} else {
	    slen[root] = land.len;
	    saddr[root] = land.buf;
	    code = ExchangeStart(interp, comm, size, NULL, NULL,
		    (void *const *) saddr, slen, "scatter", &ex);
	}
	if (code != TCL_OK) {
	    return TCL_ERROR;		/* Leaks the pieces and landing. */
	}
	if (rank == root && counts && !(reuses = OwnBlockReuses(
		(int) counts[root], elems + pos0, reuse))) {
	    /*
	     * Our own block, while the others' move (a block that reuses
	     * the old value waits: a failed scatter must leave it alone).
	     */

	    value = Tcl_NewListObj((int) counts[root], elems + pos0);
	    Tcl_IncrRefCount(value);
	}
	if (ExchangeFinish(interp, &ex) != TCL_OK) {
	    if (value) {
		Tcl_DecrRefCount(value);
	    }
	    return TCL_ERROR;		/* Leaks the pieces and landing. */
	}
    }
    if (rank == root && value == NULL) {
	value = counts ? OwnBlock((int) counts[root], elems + pos0, reuse,
		reuses) : elems[root];
	Tcl_IncrRefCount(value);
    }

    if (rank == root) {
	for (i = 0; i < size; i++) {
	    PtclPackedFree(&packed[i]);
	}
	ckfree(packed);
    } else {
	value = LandingValue(interp, &land, reuse);
    }
    if (saddr) {
	ckfree(saddr);
	ckfree(slen);
    }
    ckfree(hdr);
    if (value == NULL) {
	return TCL_ERROR;
    }
    *resultPtr = value;			/* Its reference moves out. */
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclCollGather, PtclCollGatherEx --
 *
 *	See collective.h. MPI_Iallgather of {length, items, kind} per rank
 *	(length -1 from a rank whose value is bad) is the agreement: every
 *	rank learns every piece's size and which rank, if any, failed. Then
 *	Exchange moves each value, packed where it lies (PtclPackValue:
 *	a byte array or a string is sent from its own storage), to the
 *	ranks that gather it. A rank's own value goes into its result as it
 *	is; with PTCL_GATHER_CONCAT the numbers of the others are appended
 *	to the result as they are unpacked, with no list of them made.
 *
 *	Ex: counts (size entries, or NULL) is the number of list items each
 *	rank must give (Gatherv's recvcounts; implies PTCL_GATHER_CONCAT);
 *	a rank that gives counts checks every rank's item count against it,
 *	from the agreement, so all ranks that give the same counts fail
 *	alike. localError (or NULL) is an error this rank's caller found in
 *	its arguments, announced to every rank.
 *
 *----------------------------------------------------------------------
 */

int
PtclCollGather(
    Tcl_Interp *interp,
    MPI_Comm comm,
    int root,
    Tcl_Obj *value,
    int flags,
    Tcl_Obj **resultPtr)
{
    return PtclCollGatherEx(interp, comm, root, value, flags, NULL, NULL,
	    resultPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * Recycled gather results --
 *
 *	A gather of numbers makes a new list of new number objects on its
 *	root, and dropping the previous result frees as many: for a million
 *	numbers that is most of the gather's time (Tcl 8.6 allocates each
 *	object on its own). So the root keeps its last two large results
 *	(RECYCLE_MIN numbers or more; two, so that `set r [gather x]` in a
 *	loop, where r still holds the last one, finds the one before). When
 *	a later gather of as many numbers finds one that nobody else holds
 *	any more (refcount 1: only this cache), it fills that list in place
 *	(PtclReuseList, PtclUnpackRange: element objects that are still
 *	unshared take the new numbers, shared ones are replaced). Nothing
 *	anyone can see changes. PtclCollForgetRecycled lets them go: on a
 *	worker when its px ends, on ptclsh's rank 0 when the prompt takes
 *	its next command; in a script file or an SPMD script they stay
 *	until the next gather.
 *
 *----------------------------------------------------------------------
 */

#define RECYCLE_MIN 65536

static Tcl_Obj *recycled[2];

static Tcl_Obj *
TakeRecycled(
    int64_t total)
{
    int s;
    Tcl_Obj *list;

    if (total < RECYCLE_MIN || total > INT_MAX) {
	return NULL;
    }
    for (s = 0; s < 2; s++) {
	list = recycled[s];
	if (list && !Tcl_IsShared(list) && PtclReuseList(list, (int) total)) {
	    recycled[s] = NULL;
	    return list;		/* Its reference moves to the caller. */
	}
    }
    return NULL;
}

static void
KeepRecycled(
    Tcl_Obj *result,
    int64_t total)
{
    if (total < RECYCLE_MIN) {
	return;
    }
    if (recycled[1]) {
	Tcl_DecrRefCount(recycled[1]);
    }
    recycled[1] = recycled[0];
    recycled[0] = result;
    Tcl_IncrRefCount(result);
}

void
PtclCollForgetRecycled(void)
{
    int s;

    for (s = 0; s < 2; s++) {
	if (recycled[s]) {
	    Tcl_DecrRefCount(recycled[s]);
	    recycled[s] = NULL;
	}
    }
}

/*
 * RefillResult --
 *
 *	A concatenating gather whose pieces from the others are all numbers,
 *	into a recycled list of total elements (see above): this rank's own
 *	items by pointer, the others' numbers in place.
 */

static void
RefillResult(
    Tcl_Obj *result,
    int rank,
    int size,
    Tcl_Obj *value,
    const int64_t *info,
    Landing *lands)
{
    int64_t off = 0;
    int i, objc;
    Tcl_Obj **objv;

    for (i = 0; i < size; i++) {
	if (i == rank) {
	    Tcl_Obj **have;
	    int haveObjc, j, k;

	    /*
	     * Own items by pointer. Mostly the list already holds these very
	     * objects (the same variable gathered again): replace only the
	     * runs that differ, which saves touching every object twice.
	     */

	    if (Tcl_ListObjGetElements(NULL, value, &objc, &objv) != TCL_OK) {
		objc = 0;
	    }
	    for (j = 0; j < objc; j = k) {
		Tcl_ListObjGetElements(NULL, result, &haveObjc, &have);
		have += off;
		while (j < objc && have[j] == objv[j]) {
		    j++;
		}
		for (k = j; k < objc && have[k] != objv[k]; k++) {
		    /* The run that differs. */
		}
		if (k > j) {
		    Tcl_ListObjReplace(NULL, result, (int) off + j, k - j,
			    k - j, objv + j);
		}
	    }
	} else if (info[3 * i + 1] > 0) {
	    PtclUnpackRange(result, (int) off, lands[i].kind, lands[i].buf,
		    (int) (lands[i].len / 8));
	}
	if (i != rank) {
	    free(lands[i].buf);
	    lands[i].buf = NULL;
	}
	off += info[3 * i + 1];
    }
}

/*
 * GatherResult --
 *
 *	Builds a gather's result from this rank's own value and the pieces
 *	landed from the others (releasing those). One reference held; NULL
 *	with an error in interp if a piece is malformed.
 */

static Tcl_Obj *
GatherResult(
    Tcl_Interp *interp,
    int rank,
    int size,
    Tcl_Obj *value,
    int concat,
    const int64_t *info,
    Landing *lands)
{
    Tcl_Obj *result, *piece, **objv;
    int64_t total = 0;
    int i, objc, bad = 0;

    if (!concat) {
	Tcl_Obj **values = (Tcl_Obj **) ckalloc(sizeof(Tcl_Obj *)
		* (size_t) size);

	for (i = 0; i < size; i++) {
	    if (i == rank) {
		values[i] = value;
		Tcl_IncrRefCount(value);
	    } else if (bad) {
		LandingFree(&lands[i]);
		values[i] = NULL;
	    } else if ((values[i] = LandingValue(interp, &lands[i], NULL))
		    == NULL) {
		bad = 1;
	    }
	}
	result = bad ? NULL : Tcl_NewListObj(size, values);
	if (result) {
	    Tcl_IncrRefCount(result);
	}
	for (i = 0; i < size; i++) {
	    if (values[i]) {
		Tcl_DecrRefCount(values[i]);
	    }
	}
	ckfree(values);
	return result;
    }

    /*
     * Concatenation: one list, made with room for every item.
     */

    for (i = 0; i < size; i++) {
	total += info[3 * i + 1];
    }
    for (i = 0; i < size; i++) {
	if (i != rank && info[3 * i + 1] > 0 && (lands[i].obj != NULL
		|| (lands[i].kind != PTCL_VAL_DOUBLES
		&& lands[i].kind != PTCL_VAL_WIDES)
		|| lands[i].len != 8 * info[3 * i + 1])) {
	    break;			/* Not all numbers: no recycling. */
	}
    }
    if (i == size && (result = TakeRecycled(total)) != NULL) {
	RefillResult(result, rank, size, value, info, lands);
	KeepRecycled(result, total);
	return result;
    }
    result = Tcl_NewListObj(total > 0 && total <= (int64_t) (INT_MAX
	    / sizeof(Tcl_Obj *)) ? (int) total : 0, NULL);
    Tcl_IncrRefCount(result);
    for (i = 0; i < size; i++) {
	if (bad) {
	    if (i != rank) {
		LandingFree(&lands[i]);
	    }
	    continue;
	}
	if (i != rank && lands[i].obj == NULL
		&& (lands[i].kind == PTCL_VAL_DOUBLES
		    || lands[i].kind == PTCL_VAL_WIDES)) {
	    /*
	     * Numbers: appended as they are unpacked.
	     */

	    if (PtclUnpackAppend(result, lands[i].kind, lands[i].buf,
		    (uint64_t) lands[i].len) != TCL_OK) {
		Tcl_SetObjResult(interp, Tcl_NewStringObj(
			"received a malformed value in a collective", -1));
		Tcl_SetErrorCode(interp, "PTCL", "PROTOCOL", NULL);
		bad = 1;
	    }
	    free(lands[i].buf);
	    lands[i].buf = NULL;
	    continue;
	}
	if (i == rank) {
	    piece = value;
	    Tcl_IncrRefCount(piece);
	} else if ((piece = LandingValue(interp, &lands[i], NULL)) == NULL) {
	    bad = 1;
	    continue;
	}
	if (Tcl_ListObjGetElements(NULL, piece, &objc, &objv) == TCL_OK) {
	    Tcl_ListObjReplace(NULL, result, INT_MAX, 0, objc, objv);
	}
	Tcl_DecrRefCount(piece);
    }
    if (bad) {
	Tcl_DecrRefCount(result);
	return NULL;
    }
    KeepRecycled(result, total);
    return result;
}

int
PtclCollGatherEx(
    Tcl_Interp *interp,
    MPI_Comm comm,
    int root,
    Tcl_Obj *value,
    int flags,
    const int64_t *counts,
    Tcl_Obj *localError,
    Tcl_Obj **resultPtr)
{
    int rank, size, code, i, items = 0, bad, moving = 0;
    int all = (flags & PTCL_GATHER_ALL) != 0;
    int concat = (flags & PTCL_GATHER_CONCAT) || counts != NULL;
    int receiving, sending;
    LocalError le = {NULL, NULL};
    int64_t mine[3], *info, *slen = NULL, *rlen = NULL;
    const void **saddr = NULL;
    void **raddr = NULL;
    PtclPacked packed;
    Landing *lands = NULL;
    MPI_Request req;
    Tcl_Obj *result = NULL;

    if (CommInfo(interp, comm, &rank, &size) != TCL_OK
	    || (!all && CheckRoot(interp, root, size) != TCL_OK)) {
	return TCL_ERROR;
    }
    receiving = all || rank == root;
    sending = size > 1 && (all || rank != root);
    memset(&packed, 0, sizeof(packed));
    if (localError) {
	SetLocalError(&le, localError, "PTCL USAGE");
    } else if (concat && Tcl_ListObjLength(NULL, value, &items) != TCL_OK) {
	SetLocalError(&le, Tcl_ObjPrintf("cannot gather \"%.50s\" as a "
		"list: not a list", Tcl_GetString(value)), "PTCL USAGE");
    } else if (sending) {
	PtclPackValue(value, &packed);
    }
    mine[0] = le.msg ? -1 : (int64_t) packed.len;
    mine[1] = items;
    mine[2] = packed.kind;

    info = (int64_t *) ckalloc(sizeof(int64_t) * 3 * (size_t) size);
    code = MPI_Iallgather(mine, 3, MPI_INT64_T, info, 3, MPI_INT64_T, comm,
	    &req);
    if (code != MPI_SUCCESS) {
	ClearError(&le);
	PtclPackedFree(&packed);
	return PtclMpiError(interp, code, "gather");
    }
    if (Await(interp, 1, &req) != TCL_OK) {
	ClearError(&le);
	return TCL_ERROR;		/* Leaks info; mine is reported. */
    }
    for (bad = 0; bad < size && info[3 * bad] >= 0; bad++) {
	/* Find the lowest failing rank. */
    }
    if (bad < size) {
	ckfree(info);
	PtclPackedFree(&packed);
	return AnnounceError(interp, comm, bad, rank, size, &le);
    }
    if (counts) {
	for (i = 0; i < size; i++) {
	    if (info[3 * i + 1] != counts[i]) {
		Tcl_SetObjResult(interp, Tcl_ObjPrintf(
			"counts give %" TCL_LL_MODIFIER "d items for rank %d "
			"but it has %" TCL_LL_MODIFIER "d",
			(Tcl_WideInt) counts[i], i,
			(Tcl_WideInt) info[3 * i + 1]));
		Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
		ckfree(info);
		PtclPackedFree(&packed);
		return TCL_ERROR;
	    }
	}
    }

    /*
     * Every rank now knows every length, so all agree whether anything
     * moves: a piece with bytes that some other rank gathers.
     */

    for (i = 0; i < size; i++) {
	if (info[3 * i] > 0 && size > 1 && (all || i != root)) {
	    moving = 1;
	}
    }
    if (receiving) {
	lands = (Landing *) ckalloc(sizeof(Landing) * (size_t) size);
	memset(lands, 0, sizeof(Landing) * (size_t) size);
	for (i = 0; i < size; i++) {
	    if (i != rank) {
		LandingInit(&lands[i], info[3 * i + 2], info[3 * i]);
	    }
	}
    }
    if (moving) {
	saddr = (const void **) ckalloc(sizeof(void *) * (size_t) size);
	raddr = (void **) ckalloc(sizeof(void *) * (size_t) size);
	slen = (int64_t *) ckalloc(sizeof(int64_t) * 2 * (size_t) size);
	rlen = slen + size;
	for (i = 0; i < size; i++) {
	    saddr[i] = packed.data;
	    slen[i] = (sending && i != rank && (all || i == root))
		    ? (int64_t) packed.len : 0;
	    raddr[i] = receiving && i != rank ? lands[i].buf : NULL;
	    rlen[i] = receiving && i != rank ? lands[i].len : 0;
	}
	Exchange ex;

	if (ExchangeStart(interp, comm, size, saddr, slen, raddr, rlen,
		"gather", &ex) != TCL_OK) {
	    return TCL_ERROR;		/* Leaks the buffers. */
	}
	if (ExchangeFinish(interp, &ex) != TCL_OK) {
	    return TCL_ERROR;		/* Leaks the buffers. */
	}
	ckfree(saddr);
	ckfree(raddr);
	ckfree(slen);
    }
    PtclPackedFree(&packed);

    code = TCL_OK;
    if (receiving) {
	result = GatherResult(interp, rank, size, value, concat, info, lands);
	ckfree(lands);
	if (result == NULL) {
	    code = TCL_ERROR;
	}
    }
    ckfree(info);
    if (code == TCL_OK) {
	*resultPtr = result;
    }
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclCollAlltoall, PtclCollAlltoallEx --
 *
 *	See collective.h. Each rank encodes its size pieces; MPI_Ialltoall
 *	of their lengths (-1 from a rank whose list is bad) is the
 *	agreement, MPI_Iallreduce of the largest total picks the layout,
 *	and MPI_Ialltoallv moves the pieces. Ex: localError as in gather.
 *
 *----------------------------------------------------------------------
 */

int
PtclCollAlltoall(
    Tcl_Interp *interp,
    MPI_Comm comm,
    Tcl_Obj *list,
    Tcl_Obj **resultPtr)
{
    return PtclCollAlltoallEx(interp, comm, list, NULL, resultPtr);
}

int
PtclCollAlltoallEx(
    Tcl_Interp *interp,
    MPI_Comm comm,
    Tcl_Obj *list,
    Tcl_Obj *localError,
    Tcl_Obj **resultPtr)
{
    int rank, size, code, n = 0, i, bad;
    Tcl_Obj **elems = NULL, *result;
    LocalError le = {NULL, NULL};
    int64_t *slens, *rlens, *soffs, *roffs, stotal = 0, rtotal = 0, most,
	    block;
    int *scounts, *sdispls, *rcounts, *rdispls;
    PtclBuf buf;
    unsigned char *sendbuf, *recvbuf, *padded = NULL;
    MPI_Request req;
    MPI_Datatype type;

    if (CommInfo(interp, comm, &rank, &size) != TCL_OK) {
	return TCL_ERROR;
    }
    PtclBufInit(&buf);
    slens = (int64_t *) ckalloc(sizeof(int64_t) * 4 * (size_t) size);
    rlens = slens + size;
    soffs = rlens + size;
    roffs = soffs + size;
    if (localError) {
	SetLocalError(&le, localError, "PTCL USAGE");
    } else if (Tcl_ListObjGetElements(NULL, list, &n, &elems) != TCL_OK) {
	SetLocalError(&le, Tcl_ObjPrintf("cannot send \"%.50s\" to all: "
		"not a list", Tcl_GetString(list)), "PTCL USAGE");
    } else if (n != size) {
	SetLocalError(&le, Tcl_ObjPrintf("the list has %d items but "
		"alltoall needs one per rank: %d", n, size), "PTCL USAGE");
    }
    for (i = 0; i < size; i++) {
	if (le.msg) {
	    slens[i] = -1;
	    soffs[i] = 0;
	    continue;
	}
	soffs[i] = (int64_t) buf.len;
	PtclEncodeValue(&buf, elems[i]);
	slens[i] = (int64_t) buf.len - soffs[i];
	stotal += slens[i];
    }

    code = MPI_Ialltoall(slens, 1, MPI_INT64_T, rlens, 1, MPI_INT64_T, comm,
	    &req);
    if (code != MPI_SUCCESS) {
	ClearError(&le);
	return PtclMpiError(interp, code, "alltoall");
    }
    if (Await(interp, 1, &req) != TCL_OK) {
	ClearError(&le);
	return TCL_ERROR;		/* Leaks the lengths. */
    }
    for (bad = 0; bad < size && rlens[bad] >= 0; bad++) {
	/* The lowest failing rank. */
    }
    if (bad < size) {
	ckfree(slens);
	PtclBufFree(&buf);
	return AnnounceError(interp, comm, bad, rank, size, &le);
    }
    for (i = 0; i < size; i++) {
	rtotal += rlens[i];
    }
    most = stotal > rtotal ? stotal : rtotal;
    code = MPI_Iallreduce(MPI_IN_PLACE, &most, 1, MPI_INT64_T, MPI_MAX, comm,
	    &req);
    if (code != MPI_SUCCESS) {
	return PtclMpiError(interp, code, "alltoall");
    }
    if (Await(interp, 1, &req) != TCL_OK) {
	return TCL_ERROR;
    }
    block = most > (int64_t) INT_MAX ? BIG_BLOCK : 1;
    type = BlockType(block);
    sendbuf = buf.bytes ? buf.bytes : (unsigned char *) "";
    if (block > 1) {
	padded = Relayout(buf.bytes, size, soffs, slens, block);
	if (padded == NULL) {
	    Tcl_Panic("out of memory in alltoall");
	}
	sendbuf = padded;
    }
    scounts = (int *) ckalloc(sizeof(int) * 4 * (size_t) size);
    sdispls = scounts + size;
    rcounts = sdispls + size;
    rdispls = rcounts + size;
    rtotal = 0;
    for (i = 0; i < size; i++) {
	scounts[i] = (int) Blocks(slens[i], block);
	sdispls[i] = (int) (soffs[i] / block);
	roffs[i] = rtotal;
	rcounts[i] = (int) Blocks(rlens[i], block);
	rdispls[i] = (int) (rtotal / block);
	rtotal += Blocks(rlens[i], block) * block;
    }
    recvbuf = (unsigned char *) malloc((size_t) (rtotal ? rtotal : 1));
    if (recvbuf == NULL) {
	Tcl_Panic("out of memory in alltoall");
    }
    code = MPI_Ialltoallv(sendbuf, scounts, sdispls, type, recvbuf, rcounts,
	    rdispls, type, comm, &req);
    if (code != MPI_SUCCESS) {
	return PtclMpiError(interp, code, "alltoall");
    }
    if (Await(interp, 1, &req) != TCL_OK) {
	return TCL_ERROR;		/* Leaks the buffers. */
    }

    result = Tcl_NewListObj(0, NULL);
    Tcl_IncrRefCount(result);
    code = TCL_OK;
    for (i = 0; i < size; i++) {
	Tcl_Obj *piece = DecodePiece(interp, recvbuf + roffs[i], rlens[i]);

	if (piece == NULL) {
	    code = TCL_ERROR;
	    break;
	}
	Tcl_ListObjAppendElement(NULL, result, piece);
    }
    free(recvbuf);
    if (padded) {
	free(padded);
    }
    ckfree(scounts);
    ckfree(slens);
    PtclBufFree(&buf);
    if (code != TCL_OK) {
	Tcl_DecrRefCount(result);
	return TCL_ERROR;
    }
    *resultPtr = result;
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * Reductions.
 *
 *	The input becomes packed int64 or double numbers (PtclPackNumbers),
 *	or for minloc and maxloc {value, index} structs (MPI_LONG_INT,
 *	MPI_DOUBLE_INT). One MPI_Iallreduce(MPI_MIN) of a few integers is the
 *	agreement: the lowest rank whose input is bad, the smallest and
 *	largest count, whether any rank has doubles, and the op (so that
 *	ranks giving different ops fail alike). Integers reduce as int64
 *	(wrapping on overflow, as in C), anything else as double; land,
 *	lor and lxor work on truth values (non-zero is true) and give 0 or
 *	1; band, bor and bxor need integers.
 *
 *----------------------------------------------------------------------
 */

typedef struct DoubleInt {
    double v;
    int i;
} DoubleInt;

typedef struct LongInt {
    long v;
    int i;
} LongInt;

static MPI_Op
MpiOp(
    PtclReduceOp op)
{
    switch (op) {
    case PTCL_OP_SUM:	 return MPI_SUM;
    case PTCL_OP_PROD:	 return MPI_PROD;
    case PTCL_OP_MIN:	 return MPI_MIN;
    case PTCL_OP_MAX:	 return MPI_MAX;
    case PTCL_OP_LAND:	 return MPI_LAND;
    case PTCL_OP_LOR:	 return MPI_LOR;
    case PTCL_OP_BAND:	 return MPI_BAND;
    case PTCL_OP_BOR:	 return MPI_BOR;
    case PTCL_OP_LXOR:	 return MPI_LXOR;
    case PTCL_OP_BXOR:	 return MPI_BXOR;
    case PTCL_OP_MINLOC: return MPI_MINLOC;
    case PTCL_OP_MAXLOC: return MPI_MAXLOC;
    }
    return MPI_OP_NULL;
}

/*
 * Number --
 *
 *	Reads one number: 1 with *wPtr (an integer that fits in 64 bits),
 *	2 with *dPtr (any other number, NaN included), 0 if not a number.
 */

static int
Number(
    Tcl_Obj *objPtr,
    Tcl_WideInt *wPtr,
    double *dPtr)
{
    if (Tcl_GetWideIntFromObj(NULL, objPtr, wPtr) == TCL_OK) {
	return 1;
    }
    if (Tcl_GetDoubleFromObj(NULL, objPtr, dPtr) == TCL_OK) {
	return 2;
    }
    if (strcmp(Tcl_GetString(objPtr), "NaN") == 0) {
	*dPtr = NAN;
	return 2;
    }
    return 0;
}

/*
 * ParsePairs --
 *
 *	The operand of minloc/maxloc: a {value index} pair, or a list of
 *	them (a list whose every item is a 2-item list). Fills *valuesPtr
 *	(int64 or double bits, 8 bytes each, ckalloc'ed), *indexPtr (ints),
 *	*countPtr, *isDoublePtr and *singlePtr.
 */

static int
ParsePairs(
    Tcl_Interp *interp,
    Tcl_Obj *value,
    int64_t **valuesPtr,
    int **indexPtr,
    int *countPtr,
    int *isDoublePtr,
    int *singlePtr)
{
    Tcl_Obj **elems, **pair, *single[1];
    int n, i, m, isDouble = 0, isPairList = 1, kind;
    int64_t *values;
    int *index;

    if (Tcl_ListObjGetElements(NULL, value, &n, &elems) != TCL_OK) {
	goto bad;
    }
    for (i = 0; i < n; i++) {
	if (Tcl_ListObjLength(NULL, elems[i], &m) != TCL_OK || m != 2) {
	    isPairList = 0;
	    break;
	}
    }
    if (!isPairList || n == 0) {
	if (n != 2 && n != 0) {
	    goto bad;
	}
	if (n == 2) {
	    single[0] = value;
	    elems = single;
	    n = 1;
	    *singlePtr = 1;
	} else {
	    *singlePtr = 0;
	}
    } else {
	*singlePtr = 0;
    }
    values = (int64_t *) ckalloc(8 * (size_t) n + 8);
    index = (int *) ckalloc(sizeof(int) * (size_t) n + 8);
    for (i = 0; i < n; i++) {
	Tcl_WideInt w;
	double d;

	Tcl_ListObjGetElements(NULL, elems[i], &m, &pair);
	kind = Number(pair[0], &w, &d);
	if (kind == 0 || Tcl_GetIntFromObj(NULL, pair[1], &index[i])
		!= TCL_OK) {
	    ckfree(values);
	    ckfree(index);
	    goto bad;
	}
	if (kind == 2 && !isDouble) {
	    int j;

	    /* Turn the integers read so far into doubles. */
	    for (j = 0; j < i; j++) {
		double x = (double) values[j];

		memcpy(&values[j], &x, 8);
	    }
	    isDouble = 1;
	}
	if (isDouble) {
	    if (kind == 1) {
		d = (double) w;
	    }
	    memcpy(&values[i], &d, 8);
	} else {
	    values[i] = (int64_t) w;
	}
    }
    *valuesPtr = values;
    *indexPtr = index;
    *countPtr = n;
    *isDoublePtr = isDouble;
    return TCL_OK;

  bad:
    Tcl_SetObjResult(interp, Tcl_ObjPrintf("expected a {value index} pair "
	    "or a list of pairs but got \"%.50s%s\"", Tcl_GetString(value),
	    strlen(Tcl_GetString(value)) > 50 ? "..." : ""));
    Tcl_SetErrorCode(interp, "TCL", "VALUE", "NUMBER", NULL);
    return TCL_ERROR;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclCollReduce, PtclCollReduceEx --
 *
 *	See collective.h. Ex: op may be -1 with localError saying why (an
 *	unknown op), so that a bad op on one rank fails every rank.
 *
 *----------------------------------------------------------------------
 */

int
PtclCollReduce(
    Tcl_Interp *interp,
    MPI_Comm comm,
    int kind,
    int root,
    PtclReduceOp op,
    Tcl_Obj *value,
    Tcl_Obj **resultPtr)
{
    return PtclCollReduceEx(interp, comm, kind, root, (int) op, NULL, value,
	    resultPtr);
}

int
PtclCollReduceEx(
    Tcl_Interp *interp,
    MPI_Comm comm,
    int kind,
    int root,
    int op,
    Tcl_Obj *localError,
    Tcl_Obj *value,
    Tcl_Obj **resultPtr)
{
    int rank, size, code, i, count = 0, isDouble = 0, single = 0;
    int loc = (op == PTCL_OP_MINLOC || op == PTCL_OP_MAXLOC);
    int logical = (op == PTCL_OP_LAND || op == PTCL_OP_LOR
	    || op == PTCL_OP_LXOR);
    int bitwise = (op == PTCL_OP_BAND || op == PTCL_OP_BOR
	    || op == PTCL_OP_BXOR);
    int64_t agree[6], *values = NULL;
    int *index = NULL;
    LocalError le = {NULL, NULL};
    PtclPacked packed;
    void *sendbuf = NULL, *recvbuf = NULL;
    MPI_Datatype type;
    MPI_Request req;
    size_t elemSize;
    Tcl_Obj *result;
    int haveResult;

    if (CommInfo(interp, comm, &rank, &size) != TCL_OK
	    || (kind == PTCL_REDUCE && CheckRoot(interp, root, size)
		!= TCL_OK)) {
	return TCL_ERROR;
    }
    memset(&packed, 0, sizeof(packed));
    if (localError) {
	SetLocalError(&le, localError, "PTCL USAGE");
    } else if (loc) {
	if (ParsePairs(interp, value, &values, &index, &count, &isDouble,
		&single) != TCL_OK) {
	    CaptureError(interp, &le);
	}
    } else {
	int pk;

	if (PtclPackNumbers(interp, value, &pk, &packed) != TCL_OK) {
	    CaptureError(interp, &le);
	} else {
	    count = (int) packed.count;
	    isDouble = (pk == PTCL_VAL_DOUBLES);
	}
    }

    /*
     * The agreement: MIN of {bad rank, count, -count, -isDouble, op, -op}.
     */

    agree[0] = le.msg ? rank : size;
    agree[1] = count;
    agree[2] = -(int64_t) count;
    agree[3] = -(int64_t) isDouble;
    agree[4] = op;
    agree[5] = -(int64_t) op;
    code = MPI_Iallreduce(MPI_IN_PLACE, agree, 6, MPI_INT64_T, MPI_MIN,
	    comm, &req);
    if (code != MPI_SUCCESS) {
	ClearError(&le);
	PtclPackedFree(&packed);
	return PtclMpiError(interp, code, "reduction");
    }
    if (Await(interp, 1, &req) != TCL_OK) {
	ClearError(&le);
	return TCL_ERROR;		/* Leaks the inputs. */
    }
    if (agree[0] < size) {
	PtclPackedFree(&packed);
	if (values) {
	    ckfree(values);
	    ckfree(index);
	}
	return AnnounceError(interp, comm, (int) agree[0], rank, size, &le);
    }
    code = TCL_ERROR;
    if (agree[4] != -agree[5]) {
	Tcl_SetObjResult(interp, Tcl_ObjPrintf(
		"the ranks gave different ops: %s and %s",
		opNames[agree[4]], opNames[-agree[5]]));
	Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
	goto done;
    }
    if (agree[1] != -agree[2]) {
	Tcl_SetObjResult(interp, Tcl_ObjPrintf(
		"cannot reduce lists of different lengths: the ranks gave "
		"from %" TCL_LL_MODIFIER "d to %" TCL_LL_MODIFIER "d numbers",
		(Tcl_WideInt) agree[1], (Tcl_WideInt) -agree[2]));
	Tcl_SetErrorCode(interp, "PTCL", "VALUE", "LENGTH", NULL);
	goto done;
    }
    if (bitwise && agree[3] < 0) {
	Tcl_SetObjResult(interp, Tcl_ObjPrintf(
		"op %s needs integers, but some rank gave a number that is "
		"not an integer of at most 64 bits", opNames[op]));
	Tcl_SetErrorCode(interp, "TCL", "VALUE", "NUMBER", NULL);
	goto done;
    }

    /*
     * Bring this rank's numbers to the agreed type.
     */

    if (loc) {
	if (agree[3] < 0) {
	    DoubleInt *di = (DoubleInt *) ckalloc(sizeof(DoubleInt)
		    * (size_t) count + 1);

	    for (i = 0; i < count; i++) {
		double d;

		if (isDouble) {
		    memcpy(&d, &values[i], 8);
		} else {
		    d = (double) values[i];
		}
		di[i].v = d;
		di[i].i = index[i];
	    }
	    sendbuf = di;
	    type = MPI_DOUBLE_INT;
	    elemSize = sizeof(DoubleInt);
	    isDouble = 1;
	} else {
	    LongInt *li = (LongInt *) ckalloc(sizeof(LongInt)
		    * (size_t) count + 1);

	    for (i = 0; i < count; i++) {
		li[i].v = (long) values[i];
		li[i].i = index[i];
	    }
	    sendbuf = li;
	    type = MPI_LONG_INT;
	    elemSize = sizeof(LongInt);
	}
    } else {
	int64_t *nums = (int64_t *) ckalloc(8 * (size_t) count + 8);

	if (count > 0) {
	    memcpy(nums, packed.data, 8 * (size_t) count);
	}
	if (agree[3] < 0 && !isDouble) {
	    for (i = 0; i < count; i++) {
		double d = (double) nums[i];

		memcpy(&nums[i], &d, 8);
	    }
	    isDouble = 1;
	}
	if (logical) {
	    /*
	     * Truth values 0 and 1, also on one rank, where MPI hands the
	     * input back untouched.
	     */

	    for (i = 0; i < count; i++) {
		double d;

		if (isDouble) {
		    memcpy(&d, &nums[i], 8);
		    nums[i] = (d != 0.0);
		} else {
		    nums[i] = (nums[i] != 0);
		}
	    }
	    isDouble = 0;
	}
	sendbuf = nums;
	type = isDouble ? MPI_DOUBLE : MPI_INT64_T;
	elemSize = 8;
    }
    recvbuf = ckalloc(elemSize * (size_t) count + 8);
    memset(recvbuf, 0, elemSize * (size_t) count + 8);

    switch (kind) {
    case PTCL_REDUCE:
	code = MPI_Ireduce(sendbuf, recvbuf, count, type, MpiOp(op), root,
		comm, &req);
	break;
    case PTCL_ALLREDUCE:
	code = MPI_Iallreduce(sendbuf, recvbuf, count, type, MpiOp(op), comm,
		&req);
	break;
    case PTCL_SCAN:
	code = MPI_Iscan(sendbuf, recvbuf, count, type, MpiOp(op), comm,
		&req);
	break;
    default:
	code = MPI_Iexscan(sendbuf, recvbuf, count, type, MpiOp(op), comm,
		&req);
	break;
    }
    if (code != MPI_SUCCESS) {
	PtclMpiError(interp, code, "reduction");
	code = TCL_ERROR;
	goto done;
    }
    if (Await(interp, 1, &req) != TCL_OK) {
	return TCL_ERROR;		/* Leaks the buffers. */
    }

    haveResult = (kind == PTCL_ALLREDUCE || kind == PTCL_SCAN
	    || (kind == PTCL_REDUCE && rank == root)
	    || (kind == PTCL_EXSCAN && rank != 0));
    result = NULL;
    if (haveResult) {
	result = (loc && single) ? NULL : Tcl_NewListObj(0, NULL);
	for (i = 0; i < count; i++) {
	    Tcl_Obj *num;

	    if (loc) {
		Tcl_Obj *pair[2];

		if (isDouble) {
		    pair[0] = Tcl_NewDoubleObj(((DoubleInt *) recvbuf)[i].v);
		    pair[1] = Tcl_NewIntObj(((DoubleInt *) recvbuf)[i].i);
		} else {
		    pair[0] = Tcl_NewWideIntObj(((LongInt *) recvbuf)[i].v);
		    pair[1] = Tcl_NewIntObj(((LongInt *) recvbuf)[i].i);
		}
		num = Tcl_NewListObj(2, pair);
		if (single) {
		    result = num;
		    break;
		}
	    } else if (isDouble) {
		num = Tcl_NewDoubleObj(((double *) recvbuf)[i]);
	    } else {
		num = Tcl_NewWideIntObj(((int64_t *) recvbuf)[i]);
	    }
	    Tcl_ListObjAppendElement(NULL, result, num);
	}
	if (result == NULL) {
	    result = Tcl_NewObj();	/* A single pair on no ranks' data. */
	}
	Tcl_IncrRefCount(result);
    }
    *resultPtr = result;
    code = TCL_OK;

  done:
    PtclPackedFree(&packed);
    if (values) {
	ckfree(values);
	ckfree(index);
    }
    if (sendbuf) {
	ckfree(sendbuf);
    }
    if (recvbuf) {
	ckfree(recvbuf);
    }
    return code;
}
