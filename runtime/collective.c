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
 *	Values travel as the codec encodes them (PtclEncodeValue: int32
 *	kind, int64 length, payload), so lists of numbers and byte arrays
 *	move in binary form. A collective of values runs in two or three
 *	steps: a small agreement (lengths, and whether some rank's input is
 *	bad), then the data. An input error found on one rank is announced
 *	in the agreement: the lowest failing rank broadcasts its message and
 *	every rank fails with it, so nobody is left waiting.
 *
 *	Sizes: MPI counts and displacements are C ints. When everything fits
 *	in 2 GiB, data moves as MPI_BYTE. Otherwise (agreed on every rank
 *	from the lengths they all know) each piece is padded to a multiple
 *	of BIG_BLOCK bytes and counts and displacements are given in blocks
 *	of a contiguous datatype of that size, which reaches 2 PiB per call;
 *	a broadcast goes in chunks of at most CHUNK bytes. Reductions count
 *	numbers, and a Tcl 8.6 list holds fewer than 2^31 of them.
 *
 *	Leans on: codec.h (PtclPackValue, PtclEncodeValue, PtclDecodeValue,
 *	PtclPackNumbers), the wait loop (PtclWaitRequests), PtclMpiError.
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

static MPI_Datatype bigBlockType = MPI_DATATYPE_NULL;

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
    PtclOp *opPtr)
{
    int index;

    if (Tcl_GetIndexFromObj(interp, objPtr, opNames, "op", 0, &index)
	    != TCL_OK) {
	Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
	return TCL_ERROR;
    }
    *opPtr = (PtclOp) index;
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
    return PtclWaitRequests(interp, n, reqs, NULL, 0);
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
 * PtclCollBcast --
 *
 *	The root's value on every rank. One MPI_Ibcast of a fixed head
 *	(kind, length, and a payload of up to BCAST_INLINE bytes), then for
 *	a larger payload MPI_Ibcast in chunks of at most CHUNK bytes, landing
 *	in place (a byte array lands in the value itself).
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
    int rank, size, code, i, nchunks;
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
    memset(head, 0, sizeof(head));
    memset(&p, 0, sizeof(p));
    if (rank == root) {
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
    if (Await(interp, 1, &req) != TCL_OK) {
	return TCL_ERROR;	/* Leaks p: MPI may still read it. */
    }
    if (rank == root) {
	if (len > BCAST_INLINE) {
	    data = (unsigned char *) p.data;
	}
    } else {
	memcpy(&kind, head, 8);
	memcpy(&len, head + 8, 8);
	if (len < 0 || len > (int64_t) INT_MAX) {
	    Tcl_SetObjResult(interp, Tcl_NewStringObj(
		    "received a malformed broadcast", -1));
	    Tcl_SetErrorCode(interp, "PTCL", "PROTOCOL", NULL);
	    return TCL_ERROR;
	}
	if (len <= BCAST_INLINE) {
	    result = PtclUnpackValue((int) kind, head + 16, (uint64_t) len);
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
	if (Await(interp, nchunks, reqs) != TCL_OK) {
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
    result = PtclUnpackValue((int) kind, data, (uint64_t) len);
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
 *----------------------------------------------------------------------
 *
 * PtclCollScatter, PtclCollScatterEx --
 *
 *	See collective.h. The root checks its list (and counts) and
 *	encodes one piece per rank; one MPI_Ibcast gives every rank the
 *	outcome (ok, or the root's error message, which every rank then
 *	fails with) and the pieces' lengths; MPI_Iscatterv moves the pieces.
 *	Ex: rootError (used on root only, one reference is taken) is an
 *	error the root's caller found in its arguments (a bad -counts),
 *	announced in the same way.
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
    return PtclCollScatterEx(interp, comm, root, list, counts, NULL,
	    resultPtr);
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
    int rank, size, code, n = 0, i;
    Tcl_Obj **elems = NULL, *errObj = NULL, *value;
    int64_t *hdr, *offs = NULL, block = 1, total, mylen, pos;
    int *scounts = NULL, *sdispls = NULL;
    PtclBuf buf;
    unsigned char *sendbuf = NULL, *recvbuf = NULL, *padded = NULL;
    MPI_Request req;
    MPI_Datatype type;

    if (CommInfo(interp, comm, &rank, &size) != TCL_OK
	    || CheckRoot(interp, root, size) != TCL_OK) {
	return TCL_ERROR;
    }
    hdr = (int64_t *) ckalloc(sizeof(int64_t) * (size_t) (3 + size));
    memset(hdr, 0, sizeof(int64_t) * (size_t) (3 + size));
    PtclBufInit(&buf);

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
	    hdr[2] = (int64_t) strlen(Tcl_GetString(errObj));
	} else {
	    /*
	     * Encode each rank's piece, contiguously.
	     */

	    offs = (int64_t *) ckalloc(sizeof(int64_t) * (size_t) size);
	    pos = 0;
	    for (i = 0; i < size; i++) {
		Tcl_Obj *piece;

		if (counts) {
		    piece = Tcl_NewListObj((int) counts[i], elems + pos);
		    pos += counts[i];
		} else {
		    piece = elems[i];
		}
		Tcl_IncrRefCount(piece);
		offs[i] = (int64_t) buf.len;
		PtclEncodeValue(&buf, piece);
		hdr[3 + i] = (int64_t) buf.len - offs[i];
		Tcl_DecrRefCount(piece);
	    }
	    block = (buf.len > (size_t) INT_MAX) ? BIG_BLOCK : 1;
	    hdr[1] = block;
	    sendbuf = buf.bytes;
	    if (block > 1) {
		padded = Relayout(buf.bytes, size, offs, hdr + 3, block);
		if (padded == NULL) {
		    Tcl_Panic("out of memory in scatter");
		}
		sendbuf = padded;
		PtclBufFree(&buf);
	    }
	}
    }

    code = MPI_Ibcast(hdr, 3 + size, MPI_INT64_T, root, comm, &req);
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

	char *text = (char *) ckalloc((unsigned) hdr[2] + 1);

	if (rank == root) {
	    memcpy(text, Tcl_GetString(errObj), (size_t) hdr[2]);
	    Tcl_DecrRefCount(errObj);
	}
	code = MPI_Ibcast(text, (int) hdr[2], MPI_BYTE, root, comm, &req);
	if (code != MPI_SUCCESS) {
	    return PtclMpiError(interp, code, "scatter");
	}
	if (Await(interp, 1, &req) != TCL_OK) {
	    return TCL_ERROR;		/* Leaks text. */
	}
	Tcl_SetObjResult(interp, Tcl_NewStringObj(text, (int) hdr[2]));
	Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
	ckfree(text);
	ckfree(hdr);
	return TCL_ERROR;
    }

    block = hdr[1];
    type = BlockType(block);
    mylen = hdr[3 + rank];
    if (rank == root) {
	scounts = (int *) ckalloc(sizeof(int) * (size_t) size);
	sdispls = (int *) ckalloc(sizeof(int) * (size_t) size);
	for (i = 0; i < size; i++) {
	    scounts[i] = (int) Blocks(hdr[3 + i], block);
	    sdispls[i] = (int) (offs[i] / block);
	}
	recvbuf = sendbuf + offs[rank];
	code = MPI_Iscatterv(sendbuf, scounts, sdispls, type, MPI_IN_PLACE,
		0, type, root, comm, &req);
    } else {
	total = Blocks(mylen, block) * block;
	recvbuf = (unsigned char *) malloc((size_t) (total ? total : 1));
	if (recvbuf == NULL) {
	    Tcl_Panic("out of memory in scatter");
	}
	code = MPI_Iscatterv(NULL, NULL, NULL, type, recvbuf,
		(int) Blocks(mylen, block), type, root, comm, &req);
    }
    if (code != MPI_SUCCESS) {
	return PtclMpiError(interp, code, "scatter");
    }
    if (Await(interp, 1, &req) != TCL_OK) {
	return TCL_ERROR;		/* Leaks the buffers. */
    }

    value = DecodePiece(interp, recvbuf, mylen);
    if (rank == root) {
	ckfree(scounts);
	ckfree(sdispls);
	ckfree(offs);
	PtclBufFree(&buf);
	if (padded) {
	    free(padded);
	}
    } else {
	free(recvbuf);
    }
    ckfree(hdr);
    if (value == NULL) {
	return TCL_ERROR;
    }
    Tcl_IncrRefCount(value);
    *resultPtr = value;
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclCollGather, PtclCollGatherEx --
 *
 *	See collective.h. Each rank encodes its value; MPI_Iallgather of
 *	{length, items, ok} per rank is the agreement (every rank learns
 *	every length, and which rank, if any, has a bad value); then
 *	MPI_Igatherv or MPI_Iallgatherv moves the values.
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
    int rank, size, code, i, items = 0, bad;
    int all = (flags & PTCL_GATHER_ALL) != 0;
    int concat = (flags & PTCL_GATHER_CONCAT) || counts != NULL;
    LocalError le = {NULL, NULL};
    int64_t mine[3], *info, total, block, myBlocks;
    int *rcounts = NULL, *rdispls = NULL;
    int64_t *offs;
    PtclBuf buf;
    unsigned char *recvbuf = NULL;
    MPI_Request req;
    MPI_Datatype type;
    Tcl_Obj *result;

    if (CommInfo(interp, comm, &rank, &size) != TCL_OK
	    || (!all && CheckRoot(interp, root, size) != TCL_OK)) {
	return TCL_ERROR;
    }
    PtclBufInit(&buf);
    if (localError) {
	SetLocalError(&le, localError, "PTCL USAGE");
    } else if (concat && Tcl_ListObjLength(NULL, value, &items) != TCL_OK) {
	SetLocalError(&le, Tcl_ObjPrintf("cannot gather \"%.50s\" as a "
		"list: not a list", Tcl_GetString(value)), "PTCL USAGE");
    } else {
	PtclEncodeValue(&buf, value);
    }
    mine[0] = le.msg ? -1 : (int64_t) buf.len;
    mine[1] = items;
    mine[2] = 0;

    info = (int64_t *) ckalloc(sizeof(int64_t) * 3 * (size_t) size);
    code = MPI_Iallgather(mine, 3, MPI_INT64_T, info, 3, MPI_INT64_T, comm,
	    &req);
    if (code != MPI_SUCCESS) {
	ClearError(&le);
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
	PtclBufFree(&buf);
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
		PtclBufFree(&buf);
		return TCL_ERROR;
	    }
	}
    }

    /*
     * Every rank now knows every length: the same layout everywhere.
     */

    total = 0;
    for (i = 0; i < size; i++) {
	total += info[3 * i];
    }
    block = (total > (int64_t) INT_MAX) ? BIG_BLOCK : 1;
    type = BlockType(block);
    offs = (int64_t *) ckalloc(sizeof(int64_t) * (size_t) size);
    rcounts = (int *) ckalloc(sizeof(int) * (size_t) size);
    rdispls = (int *) ckalloc(sizeof(int) * (size_t) size);
    total = 0;
    for (i = 0; i < size; i++) {
	offs[i] = total;
	rcounts[i] = (int) Blocks(info[3 * i], block);
	rdispls[i] = (int) (total / block);
	total += Blocks(info[3 * i], block) * block;
    }
    myBlocks = Blocks((int64_t) buf.len, block);
    if (block > 1) {
	size_t pad = (size_t) (myBlocks * block) - buf.len;

	PtclBufReserve(&buf, pad);
	memset(buf.bytes + buf.len, 0, pad);
    }
    if (buf.bytes == NULL) {
	PtclBufReserve(&buf, 1);
    }
    if (all || rank == root) {
	recvbuf = (unsigned char *) malloc((size_t) (total ? total : 1));
	if (recvbuf == NULL) {
	    Tcl_Panic("out of memory in gather");
	}
    }
    if (all) {
	code = MPI_Iallgatherv(buf.bytes, (int) myBlocks, type, recvbuf,
		rcounts, rdispls, type, comm, &req);
    } else {
	code = MPI_Igatherv(buf.bytes, (int) myBlocks, type, recvbuf,
		rcounts, rdispls, type, root, comm, &req);
    }
    if (code != MPI_SUCCESS) {
	return PtclMpiError(interp, code, "gather");
    }
    if (Await(interp, 1, &req) != TCL_OK) {
	return TCL_ERROR;		/* Leaks the buffers. */
    }

    result = NULL;
    code = TCL_OK;
    if (recvbuf) {
	result = Tcl_NewListObj(0, NULL);
	Tcl_IncrRefCount(result);
	for (i = 0; i < size; i++) {
	    Tcl_Obj *piece = DecodePiece(interp, recvbuf + offs[i],
		    info[3 * i]);
	    int objc;
	    Tcl_Obj **objv;

	    if (piece == NULL) {
		code = TCL_ERROR;
		break;
	    }
	    if (concat) {
		Tcl_IncrRefCount(piece);
		if (Tcl_ListObjGetElements(NULL, piece, &objc, &objv)
			== TCL_OK) {
		    Tcl_ListObjReplace(NULL, result, INT_MAX, 0, objc, objv);
		}
		Tcl_DecrRefCount(piece);
	    } else {
		Tcl_ListObjAppendElement(NULL, result, piece);
	    }
	}
	free(recvbuf);
	if (code != TCL_OK) {
	    Tcl_DecrRefCount(result);
	    result = NULL;
	}
    }
    ckfree(offs);
    ckfree(rcounts);
    ckfree(rdispls);
    ckfree(info);
    PtclBufFree(&buf);
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
    PtclOp op)
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
    PtclOp op,
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
