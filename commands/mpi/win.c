/*
 * mpi_win.c --
 *
 *	The window layer and mpi::win (doc/windows.md): MPI one-sided
 *	communication on int64, double and byte elements. window.h explains
 *	how a window works underneath (one permanent passive epoch,
 *	request-based operations in the wait loop, fences as flush + barrier,
 *	locks as guard words taken with compare-and-swap); this file does it.
 *
 *	Every window of an interp is on its list, in the order they were
 *	made (PtclWinReleaseAll and PtclWinRenew walk it). A window's
 *	collectives (fence, free) synchronise on the px group communicator
 *	of its members (PtclGroupComm), which is renewed on every rank after
 *	a stopped px, so a fence abandoned by an interrupt cannot put later
 *	fences out of step.
 */

#include "mpi/window.h"
#include <string.h>
#include <limits.h>
#include <unistd.h>

#define GUARD_BYTES	8	/* The guard word in front of the data. */
#define SETTLE_SECONDS	0.1	/* PtclSettle after an abandoned agreement. */

/*
 * The interp's windows: a list in the order they were made, and the
 * number for the next handle (per process, like the communicator
 * handles).
 */

typedef struct WinList {
    PtclWin *first;
} WinList;

static int nextWinId = 1;

static WinList *
GetList(
    Tcl_Interp *interp)
{
    WinList *list = (WinList *) Tcl_GetAssocData(interp, "ptcl::win", NULL);

    if (list == NULL) {
	list = (WinList *) ckalloc(sizeof(WinList));
	list->first = NULL;
	Tcl_SetAssocData(interp, "ptcl::win", NULL, list);
    }
    return list;
}

/*
 *----------------------------------------------------------------------
 *
 * Element types and ops --
 *
 *	Names, MPI datatypes, sizes, and the conversion between Tcl values
 *	and elements, with range checks.
 *
 *----------------------------------------------------------------------
 */

static const char *const typeNames[] = {"int64", "double", "byte", NULL};

static const char *const opNames[] = {
    "sum", "prod", "min", "max", "land", "lor", "lxor", "band", "bor",
    "bxor", "replace", "no_op", NULL
};

static MPI_Datatype
ElemDatatype(
    int type)
{
    switch (type) {
    case PTCL_ELEM_INT64:
	return MPI_INT64_T;
    case PTCL_ELEM_DOUBLE:
	return MPI_DOUBLE;
    default:
	return MPI_UINT8_T;
    }
}

static size_t
ElemSize(
    int type)
{
    return type == PTCL_ELEM_BYTE ? 1 : 8;
}

static MPI_Op
OpOf(
    int op)
{
    static MPI_Op ops[12];
    static int ready = 0;

    if (!ready) {
	ops[PTCL_WOP_SUM] = MPI_SUM;
	ops[PTCL_WOP_PROD] = MPI_PROD;
	ops[PTCL_WOP_MIN] = MPI_MIN;
	ops[PTCL_WOP_MAX] = MPI_MAX;
	ops[PTCL_WOP_LAND] = MPI_LAND;
	ops[PTCL_WOP_LOR] = MPI_LOR;
	ops[PTCL_WOP_LXOR] = MPI_LXOR;
	ops[PTCL_WOP_BAND] = MPI_BAND;
	ops[PTCL_WOP_BOR] = MPI_BOR;
	ops[PTCL_WOP_BXOR] = MPI_BXOR;
	ops[PTCL_WOP_REPLACE] = MPI_REPLACE;
	ops[PTCL_WOP_NO_OP] = MPI_NO_OP;
	ready = 1;
    }
    return ops[op];
}

int
PtclWinGetType(
    Tcl_Interp *interp,
    Tcl_Obj *objPtr,
    int *typePtr)
{
    if (Tcl_GetIndexFromObj(interp, objPtr, typeNames, "type", 0, typePtr)
	    != TCL_OK) {
	Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
	return TCL_ERROR;
    }
    return TCL_OK;
}

const char *
PtclWinTypeName(
    int type)
{
    return typeNames[type];
}

/*
 * PtclWinGetOp --
 *
 *	An op by name. Bitwise and logical ops refuse doubles (MPI defines
 *	them on integers only); no_op only where allowNoOp (fetch_and_op).
 */

int
PtclWinGetOp(
    Tcl_Interp *interp,
    Tcl_Obj *objPtr,
    int type,
    int allowNoOp,
    int *opPtr)
{
    if (Tcl_GetIndexFromObj(interp, objPtr, opNames, "op", 0, opPtr)
	    != TCL_OK) {
	Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
	return TCL_ERROR;
    }
    if (*opPtr == PTCL_WOP_NO_OP && !allowNoOp) {
	return PtclMpiUsageError(interp, "op \"no_op\" only works with "
		"fetch_and_op");
    }
    if (type == PTCL_ELEM_DOUBLE && *opPtr >= PTCL_WOP_LAND
	    && *opPtr <= PTCL_WOP_BXOR) {
	return PtclMpiUsageError(interp, "op \"%s\" needs integer elements, "
		"not double", opNames[*opPtr]);
    }
    return TCL_OK;
}

/*
 * PtclWinGetElem --
 *
 *	A Tcl value as an element of type: a 64-bit integer (not a bignum,
 *	which Tcl_GetWideIntFromObj would wrap), a byte 0..255, a double.
 */

int
PtclWinGetElem(
    Tcl_Interp *interp,
    int type,
    Tcl_Obj *objPtr,
    PtclElem *elemPtr)
{
    Tcl_WideInt w;

    if (type == PTCL_ELEM_DOUBLE) {
	if (Tcl_GetDoubleFromObj(NULL, objPtr, &elemPtr->d) != TCL_OK) {
	    return PtclMpiUsageError(interp, "expected a number but got "
		    "\"%.50s\"", Tcl_GetString(objPtr));
	}
	return TCL_OK;
    }
    /*
     * Tcl 8.6 gives a wrapped value for integers up to 2**64-1, which stay
     * bignums: refuse those.
     */

    if (Tcl_GetWideIntFromObj(NULL, objPtr, &w) != TCL_OK
	    || (objPtr->typePtr != NULL
	    && strcmp(objPtr->typePtr->name, "bignum") == 0)) {
	return PtclMpiUsageError(interp, type == PTCL_ELEM_BYTE
		? "expected a byte (an integer from 0 to 255) but got "
		"\"%.50s\"" : "expected a 64-bit integer but got \"%.50s\"",
		Tcl_GetString(objPtr));
    }
    if (type == PTCL_ELEM_BYTE) {
	if (w < 0 || w > 255) {
	    return PtclMpiUsageError(interp, "expected a byte (an integer "
		    "from 0 to 255) but got \"%.50s\"", Tcl_GetString(objPtr));
	}
	elemPtr->b = (uint8_t) w;
    } else {
	elemPtr->i = (int64_t) w;
    }
    return TCL_OK;
}

Tcl_Obj *
PtclWinElemObj(
    int type,
    const void *p)
{
    switch (type) {
    case PTCL_ELEM_INT64: {
	int64_t v;

	memcpy(&v, p, sizeof(v));
	return Tcl_NewWideIntObj((Tcl_WideInt) v);
    }
    case PTCL_ELEM_DOUBLE: {
	double v;

	memcpy(&v, p, sizeof(v));
	return Tcl_NewDoubleObj(v);
    }
    default:
	return Tcl_NewIntObj(*(const uint8_t *) p);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * WaitRequest --
 *
 *	Waits for one RMA request in the wait loop (interruptible; Ctrl-C at
 *	the prompt).
 *
 * Results:
 *	TCL_OK, or TCL_ERROR with a message. On an error the request is
 *	forgotten and *leakPtr set: MPI may still use the buffers.
 *
 *----------------------------------------------------------------------
 */

static int
PollRequest(
    Tcl_Interp *interp,
    void *clientData)
{
    int flag = 0;
    int code = MPI_Test((MPI_Request *) clientData, &flag,
	    MPI_STATUS_IGNORE);

    if (code != MPI_SUCCESS) {
	PtclMpiError(interp, code, "one-sided operation");
	return -1;
    }
    return flag;
}

static int
WaitRequest(
    Tcl_Interp *interp,
    MPI_Request *req,
    int *leakPtr)
{
    *leakPtr = 0;
    if (PtclMpiWait(interp, PollRequest, req) != TCL_OK) {
	*leakPtr = PtclForgetRequests(1, req) > 0;
	return TCL_ERROR;
    }
    return TCL_OK;
}

/*
 * AwaitOp --
 *
 *	After an RMA call that returned code and started *req: waits for
 *	it. On a failure buf is freed, or leaked while MPI may still use it.
 */

static int
AwaitOp(
    Tcl_Interp *interp,
    int code,
    MPI_Request *req,
    void *buf,
    const char *what)
{
    int leak;

    if (code != MPI_SUCCESS) {
	ckfree(buf);
	return PtclMpiError(interp, code, what);
    }
    if (WaitRequest(interp, req, &leak) != TCL_OK) {
	if (!leak) {
	    ckfree(buf);
	}
	return TCL_ERROR;
    }
    return TCL_OK;
}

/*
 * WaitAgreed --
 *
 *	Waits for a collective request that the ranks of a window agree on
 *	(an allgather, a barrier), settling (PtclSettle) if the wait is
 *	abandoned.
 */

static int
WaitAgreed(
    Tcl_Interp *interp,
    MPI_Request *req)
{
    if (PtclMpiWait(interp, PollRequest, req) == TCL_OK) {
	return TCL_OK;
    }
    if (PtclSettle(1, req, SETTLE_SECONDS)) {
	Tcl_ResetResult(interp);
	return TCL_OK;
    }
    PtclForgetRequests(1, req);
    return TCL_ERROR;
}

/*
 * SyncComm --
 *
 *	The communicator a window's collectives synchronise on: the px
 *	group of its members (see the head of the file).
 */

static int
SyncComm(
    Tcl_Interp *interp,
    PtclWin *w,
    MPI_Comm *commPtr)
{
    return PtclGroupComm(interp, w->size, w->members,
	    commPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * PtclWinCreate --
 *
 *	Makes a window: COUNT elements of TYPE on this rank, over comm.
 *	Every rank of comm calls it. They first meet in an allgather of
 *	{bad, type, count, node} waited for in the wait loop: a bad argument
 *	on any rank (countOk 0: this rank's message is already in interp),
 *	types that differ, or (allocate_shared) ranks on different nodes,
 *	make every rank fail alike. Then the short blocking calls
 *	(MPI_Comm_split_type, MPI_Win_allocate[_shared]); the memory is
 *	zeroed, the permanent epoch opened, and a last barrier makes sure
 *	nobody writes into a rank's memory before it is zeroed.
 *
 *	how: "allocate" (MPI_Win_allocate), "allocate_shared" (comm must be
 *	on one node), "node" (allocate_shared on the part of comm on this
 *	node), "shared" (a shared array: every rank gives the same COUNT,
 *	which rank 0 of comm holds and the others expose none of;
 *	allocate_shared when all of comm is on one node, else allocate).
 *
 * Results:
 *	TCL_OK with *winPtr, or TCL_ERROR with a message.
 *
 * Side effects:
 *	The window goes on the interp's list.
 *
 *----------------------------------------------------------------------
 */

static int64_t
NodeHash(void)
{
    char name[MPI_MAX_PROCESSOR_NAME + 1];
    int len = 0, i;
    uint64_t h = 1469598103934665603ULL;

    MPI_Get_processor_name(name, &len);
    for (i = 0; i < len; i++) {
	h = (h ^ (unsigned char) name[i]) * 1099511628211ULL;
    }
    return (int64_t) (h >> 1);
}

static int64_t
MaxCount(
    int type)
{
    long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
    int64_t max = (int64_t) INT_MAX - GUARD_BYTES;

    if (pages > 0 && pageSize > 0) {
	int64_t half = (int64_t) pages * pageSize / 2
		/ (int64_t) ElemSize(type);

	if (half < max) {
	    max = half;
	}
    }
    return max;
}

int
PtclWinCreate(
    Tcl_Interp *interp,
    MPI_Comm comm,
    const char *cmd,
    int64_t count,
    int countOk,
    int type,
    const char *how,
    PtclWin **winPtr)
{
    int64_t mine[4], *all;
    MPI_Request req;
    MPI_Comm winComm = comm, nodeComm = MPI_COMM_NULL;
    MPI_Group worldGroup, winGroup, commGroup;
    MPI_Win win;
    PtclWin *w, **tail;
    void *base = NULL;
    int size, rank, i, code, bad, mixed = 0, sameNode = 1, useShared;
    int hosted = (strcmp(how, "shared") == 0), uneven = 0;
    int *commRanks, *winRanks;
    MPI_Aint bytes;

    if (countOk && (count < 0 || count > MaxCount(type))) {
	PtclMpiUsageError(interp, "%s: bad %s %" PRId64 ": must be from "
		"%d to %" PRId64, cmd, hosted ? "length" : "count", count,
		hosted, MaxCount(type));
	countOk = 0;
    }
    MPI_Comm_size(comm, &size);
    MPI_Comm_rank(comm, &rank);
    mine[0] = countOk ? 0 : 1;
    mine[1] = type;
    mine[2] = count;
    mine[3] = NodeHash();
    all = (int64_t *) ckalloc(sizeof(int64_t) * 4 * (size_t) size);
    code = MPI_Iallgather(mine, 4, MPI_INT64_T, all, 4, MPI_INT64_T, comm,
	    &req);
    if (code != MPI_SUCCESS) {
	ckfree(all);
	return PtclMpiError(interp, code, cmd);
    }
    if (WaitAgreed(interp, &req) != TCL_OK) {
	return TCL_ERROR;		/* Leaks all: MPI may still write. */
    }
    for (bad = 0; bad < size && all[4 * bad] == 0; bad++) {
	/* The lowest rank with a bad argument. */
    }
    for (i = 0; i < size; i++) {
	mixed |= (all[4 * i + 1] != all[1]);
	uneven |= (all[4 * i + 2] != all[2]);
	sameNode &= (all[4 * i + 3] == all[3]);
    }
    if (!countOk) {
	ckfree(all);
	return TCL_ERROR;		/* Our own message is in interp. */
    }
    if (bad < size) {
	ckfree(all);
	return PtclMpiUsageError(interp, "%s: bad arguments on rank %d",
		cmd, bad);
    }
    if (mixed) {
	ckfree(all);
	return PtclMpiUsageError(interp, "%s: the element type differs "
		"between ranks", cmd);
    }
    if (hosted && uneven) {
	ckfree(all);
	return PtclMpiUsageError(interp, "%s: the length differs between "
		"ranks", cmd);
    }
    if (hosted) {
	for (i = 1; i < size; i++) {
	    all[4 * i + 2] = 0;		/* Only rank 0 holds elements. */
	}
	if (rank != 0) {
	    count = 0;
	}
    }
    if (strcmp(how, "allocate_shared") == 0 && !sameNode) {
	ckfree(all);
	return PtclMpiUsageError(interp, "%s: the ranks of the communicator "
		"are on more than one node (leave out -comm to use this "
		"node's ranks)", cmd);
    }

    /*
     * Everyone agreed: the blocking calls below are short.
     */

    useShared = strcmp(how, "allocate") != 0
	    && (strcmp(how, "shared") != 0 || sameNode);
    if (strcmp(how, "node") == 0 && !sameNode) {
	/* BLOCKING: every rank of comm is here already. */
	code = MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, rank,
		MPI_INFO_NULL, &nodeComm);
	if (code != MPI_SUCCESS) {
	    ckfree(all);
	    return PtclMpiError(interp, code, cmd);
	}
	winComm = nodeComm;
    }
    bytes = (MPI_Aint) (GUARD_BYTES + (size_t) count * ElemSize(type));
    /* BLOCKING: every member is here already. */
    if (useShared) {
	code = MPI_Win_allocate_shared(bytes, 1, MPI_INFO_NULL, winComm,
		&base, &win);
    } else {
	code = MPI_Win_allocate(bytes, 1, MPI_INFO_NULL, winComm, &base,
		&win);
    }
    if (code != MPI_SUCCESS) {
	if (nodeComm != MPI_COMM_NULL) {
	    MPI_Comm_free(&nodeComm);
	}
	ckfree(all);
	return PtclMpiError(interp, code, cmd);
    }
    MPI_Win_set_errhandler(win, MPI_ERRORS_RETURN);
    memset(base, 0, (size_t) bytes);

    w = (PtclWin *) ckalloc(sizeof(PtclWin));
    memset(w, 0, sizeof(*w));
    w->interp = interp;
    w->win = win;
    w->type = type;
    w->shared = useShared;
    MPI_Comm_size(winComm, &w->size);
    MPI_Comm_rank(winComm, &w->rank);
    w->counts = (int64_t *) ckalloc(sizeof(int64_t) * (size_t) w->size);
    w->members = (int *) ckalloc(sizeof(int) * (size_t) w->size);
    w->locks = (unsigned char *) ckalloc((size_t) w->size);
    memset(w->locks, 0, (size_t) w->size);

    /*
     * Each member's count (the allgather was over comm, the window may be
     * over its node part) and world rank.
     */

    winRanks = (int *) ckalloc(sizeof(int) * (size_t) w->size);
    commRanks = (int *) ckalloc(sizeof(int) * (size_t) w->size);
    for (i = 0; i < w->size; i++) {
	winRanks[i] = i;
    }
    MPI_Comm_group(winComm, &winGroup);
    MPI_Comm_group(comm, &commGroup);
    MPI_Comm_group(MPI_COMM_WORLD, &worldGroup);
    MPI_Group_translate_ranks(winGroup, w->size, winRanks, commGroup,
	    commRanks);
    MPI_Group_translate_ranks(winGroup, w->size, winRanks, worldGroup,
	    w->members);
    for (i = 0; i < w->size; i++) {
	w->counts[i] = all[4 * commRanks[i] + 2];
    }
    MPI_Group_free(&winGroup);
    MPI_Group_free(&commGroup);
    MPI_Group_free(&worldGroup);
    ckfree(winRanks);
    ckfree(commRanks);
    ckfree(all);
    if (nodeComm != MPI_COMM_NULL) {
	MPI_Comm_free(&nodeComm);	/* The window has its own copy. */
    }
    for (i = 1; i < w->size; i++) {	/* Insertion sort: ascending. */
	int v = w->members[i], j = i;

	while (j > 0 && w->members[j - 1] > v) {
	    w->members[j] = w->members[j - 1];
	    j--;
	}
	w->members[j] = v;
    }

    MPI_Win_lock_all(MPI_MODE_NOCHECK, win);
    MPI_Win_sync(win);
    for (tail = &GetList(interp)->first; *tail; tail = &(*tail)->next) {
	/* To the end: the list keeps the order windows were made in. */
    }
    *tail = w;

    /*
     * The members' px group communicator (made now, while every member
     * is here: MPI_Comm_create_group blocks), and the barrier after the
     * zeroing.
     */

    code = SyncComm(interp, w, &winComm);
    if (code == TCL_OK) {
	code = MPI_Ibarrier(winComm, &req);
	code = (code == MPI_SUCCESS) ? WaitAgreed(interp, &req)
		: PtclMpiError(interp, code, cmd);
    }
    if (code != TCL_OK) {
	return TCL_ERROR;	/* The window stays on the list, unnamed. */
    }
    *winPtr = w;
    return TCL_OK;
}

/*
 * PtclWinForget --
 *
 *	Takes a window off its interp's list and frees the memory ptcl keeps
 *	for it; the MPI window is not freed (MPI_Finalize does that).
 */

void
PtclWinForget(
    PtclWin *w)
{
    PtclWin **pp;

    for (pp = &GetList(w->interp)->first; *pp; pp = &(*pp)->next) {
	if (*pp == w) {
	    *pp = w->next;
	    break;
	}
    }
    ckfree(w->counts);
    ckfree(w->members);
    ckfree(w->locks);
    ckfree(w);
}

/*
 *----------------------------------------------------------------------
 *
 * PtclWinFree --
 *
 *	Frees a window, collectively: releases this rank's locks, meets the
 *	other members in a barrier in the wait loop, then ends the permanent
 *	epoch and calls MPI_Win_free (short: everyone is here).
 *
 * Results:
 *	TCL_OK (w is gone), or TCL_ERROR with a message (w is untouched and
 *	can be freed again later).
 *
 *----------------------------------------------------------------------
 */

int
PtclWinFree(
    Tcl_Interp *interp,
    PtclWin *w,
    const char *cmd)
{
    MPI_Comm comm;
    MPI_Request req;
    int code, i;

    if (PtclMpiAtPrompt(interp, w->size > 1 ? MPI_COMM_WORLD
	    : MPI_COMM_SELF, cmd) != TCL_OK
	    || SyncComm(interp, w, &comm) != TCL_OK) {
	return TCL_ERROR;
    }
    code = MPI_Ibarrier(comm, &req);
    if (code != MPI_SUCCESS) {
	return PtclMpiError(interp, code, cmd);
    }
    if (WaitAgreed(interp, &req) != TCL_OK) {
	return TCL_ERROR;
    }
    if (w->lockAll) {
	for (i = 0; i < w->size; i++) {
	    PtclWinRelease(w, i, 0);
	}
    }
    for (i = 0; i < w->size; i++) {
	if (w->locks[i]) {
	    PtclWinRelease(w, i, w->locks[i] == PTCL_LOCK_EXCLUSIVE);
	}
    }
    MPI_Win_unlock_all(w->win);
    /* BLOCKING: every member passed the barrier. */
    MPI_Win_free(&w->win);
    PtclWinForget(w);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * CheckRange, CheckAccess --
 *
 *	A target and a range of elements within its memory; an access
 *	epoch to the target.
 *
 *----------------------------------------------------------------------
 */

static int
CheckRange(
    Tcl_Interp *interp,
    PtclWin *w,
    int target,
    int64_t offset,
    int64_t count)
{
    if (target < 0 || target >= w->size) {
	return PtclMpiUsageError(interp, "bad target %d: must be a rank "
		"from 0 to %d of the window", target, w->size - 1);
    }
    if (offset < 0 || count < 0 || offset > w->counts[target]
	    || count > w->counts[target] - offset) {
	return PtclMpiUsageError(interp, "elements %" PRId64 " to %" PRId64
		" are out of range: rank %d has %" PRId64 " element%s",
		offset, offset + count - 1, target, w->counts[target],
		w->counts[target] == 1 ? "" : "s");
    }
    return TCL_OK;
}

static int
CheckAccess(
    Tcl_Interp *interp,
    PtclWin *w,
    int target,
    int needEpoch)
{
    if (!needEpoch || w->fenceActive || w->lockAll || w->locks[target]) {
	return TCL_OK;
    }
    return PtclMpiUsageError(interp, "no access epoch to rank %d: open one "
	    "with fence, lock or lock_all first", target);
}

static MPI_Aint
Disp(
    PtclWin *w,
    int64_t offset)
{
    return (MPI_Aint) (GUARD_BYTES + (size_t) offset * ElemSize(w->type));
}

/*
 * Complete --
 *
 *	After an operation of ptcl::shared (needEpoch 0, which has no epoch
 *	of its own to close): completes it at the target, so that the next
 *	operation of any rank sees it. (MPI_Win_flush is a short call: the
 *	target takes no part.)
 */

static int
Complete(
    Tcl_Interp *interp,
    PtclWin *w,
    int target,
    int needEpoch)
{
    int code;

    if (needEpoch) {
	return TCL_OK;
    }
    code = MPI_Win_flush(target, w->win);
    return code == MPI_SUCCESS ? TCL_OK
	    : PtclMpiError(interp, code, "completing an operation");
}

/*
 *----------------------------------------------------------------------
 *
 * PtclWinPut --
 *
 *	Writes the list valuesObj at offset of target: MPI_Rput (op < 0) or
 *	MPI_Raccumulate with op, waited for locally.
 *
 *----------------------------------------------------------------------
 */

int
PtclWinPut(
    Tcl_Interp *interp,
    PtclWin *w,
    int target,
    int64_t offset,
    Tcl_Obj *valuesObj,
    int op,
    int needEpoch)
{
    Tcl_Obj **elems;
    int n, i, code;
    size_t es = ElemSize(w->type);
    unsigned char *buf;
    MPI_Request req;
    PtclElem e;

    if (Tcl_ListObjGetElements(interp, valuesObj, &n, &elems) != TCL_OK) {
	Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
	return TCL_ERROR;
    }
    if (CheckRange(interp, w, target, offset, n) != TCL_OK
	    || CheckAccess(interp, w, target, needEpoch) != TCL_OK) {
	return TCL_ERROR;
    }
    if (n == 0) {
	return TCL_OK;
    }
    buf = (unsigned char *) ckalloc(es * (size_t) n);
    for (i = 0; i < n; i++) {
	if (PtclWinGetElem(interp, w->type, elems[i], &e) != TCL_OK) {
	    ckfree(buf);
	    return TCL_ERROR;
	}
	memcpy(buf + es * (size_t) i, &e, es);
    }
    if (op < 0) {
	code = MPI_Rput(buf, n, ElemDatatype(w->type), target,
		Disp(w, offset), n, ElemDatatype(w->type), w->win, &req);
    } else {
	code = MPI_Raccumulate(buf, n, ElemDatatype(w->type), target,
		Disp(w, offset), n, ElemDatatype(w->type), OpOf(op), w->win,
		&req);
    }
    if (AwaitOp(interp, code, &req, buf, op < 0 ? "put" : "accumulate")
	    != TCL_OK) {
	return TCL_ERROR;
    }
    ckfree(buf);
    return Complete(interp, w, target, needEpoch);
}

/*
 * PtclWinGet --
 *
 *	The list of count elements at offset of target (MPI_Rget).
 */

int
PtclWinGet(
    Tcl_Interp *interp,
    PtclWin *w,
    int target,
    int64_t offset,
    int64_t count,
    int needEpoch,
    Tcl_Obj **resultPtr)
{
    size_t es = ElemSize(w->type);
    unsigned char *buf;
    MPI_Request req;
    Tcl_Obj *list, **elems;
    int64_t i;
    int code;

    if (CheckRange(interp, w, target, offset, count) != TCL_OK
	    || CheckAccess(interp, w, target, needEpoch) != TCL_OK) {
	return TCL_ERROR;
    }
    if (count == 0) {
	*resultPtr = Tcl_NewObj();
	return TCL_OK;
    }
    buf = (unsigned char *) ckalloc(es * (size_t) count);
    code = MPI_Rget(buf, (int) count, ElemDatatype(w->type), target,
	    Disp(w, offset), (int) count, ElemDatatype(w->type), w->win, &req);
    if (AwaitOp(interp, code, &req, buf, "get") != TCL_OK) {
	return TCL_ERROR;
    }
    elems = (Tcl_Obj **) ckalloc(sizeof(Tcl_Obj *) * (size_t) count);
    for (i = 0; i < count; i++) {
	elems[i] = PtclWinElemObj(w->type, buf + es * (size_t) i);
    }
    list = Tcl_NewListObj((int) count, elems);
    ckfree(elems);
    ckfree(buf);
    *resultPtr = list;
    return TCL_OK;
}

/*
 * PtclWinFetchOp --
 *
 *	Applies op with value to one element atomically; gives the old
 *	value (MPI_Rget_accumulate, the request form of MPI_Fetch_and_op).
 */

int
PtclWinFetchOp(
    Tcl_Interp *interp,
    PtclWin *w,
    int target,
    int64_t offset,
    int op,
    const PtclElem *value,
    int needEpoch,
    PtclElem *oldPtr)
{
    MPI_Request req;
    int code;
    PtclElem *origin, *result;

    if (CheckRange(interp, w, target, offset, 1) != TCL_OK
	    || CheckAccess(interp, w, target, needEpoch) != TCL_OK) {
	return TCL_ERROR;
    }
    origin = (PtclElem *) ckalloc(2 * sizeof(PtclElem));
    result = origin + 1;
    *origin = *value;
    code = MPI_Rget_accumulate(origin, 1, ElemDatatype(w->type), result, 1,
	    ElemDatatype(w->type), target, Disp(w, offset), 1,
	    ElemDatatype(w->type), OpOf(op), w->win, &req);
    if (AwaitOp(interp, code, &req, origin, "fetch_and_op") != TCL_OK) {
	return TCL_ERROR;
    }
    *oldPtr = *result;
    ckfree(origin);
    return Complete(interp, w, target, needEpoch);
}

/*
 * RawCas --
 *
 *	MPI_Compare_and_swap at a byte displacement, completed locally
 *	(MPI has no request form; the flush is short: the target takes no
 *	part).
 */

static int
RawCas(
    PtclWin *w,
    MPI_Datatype dt,
    int target,
    MPI_Aint disp,
    const void *compare,
    const void *value,
    void *old)
{
    int code = MPI_Compare_and_swap(value, compare, old, dt, target, disp,
	    w->win);

    if (code == MPI_SUCCESS) {
	code = MPI_Win_flush_local(target, w->win);
    }
    return code;
}

int
PtclWinCas(
    Tcl_Interp *interp,
    PtclWin *w,
    int target,
    int64_t offset,
    const PtclElem *compare,
    const PtclElem *value,
    int needEpoch,
    PtclElem *oldPtr)
{
    int code;

    if (CheckRange(interp, w, target, offset, 1) != TCL_OK
	    || CheckAccess(interp, w, target, needEpoch) != TCL_OK) {
	return TCL_ERROR;
    }
    code = RawCas(w, ElemDatatype(w->type), target, Disp(w, offset),
	    compare, value, oldPtr);
    if (code != MPI_SUCCESS) {
	return PtclMpiError(interp, code, "compare_and_swap");
    }
    return Complete(interp, w, target, needEpoch);
}

/*
 *----------------------------------------------------------------------
 *
 * PtclWinAcquire, PtclWinRelease --
 *
 *	The guard lock of a target (window.h): taken with compare-and-swap
 *	on its guard word, retried in the wait loop, so that a waiter sleeps
 *	and can be interrupted. Release flushes this rank's operations to
 *	the target first, so the next holder sees them.
 *
 * Results:
 *	Acquire: TCL_OK holding the lock, or TCL_ERROR (interrupted, a
 *	stopped px, an MPI error) not holding it.
 *
 *----------------------------------------------------------------------
 */

typedef struct Acquire {
    PtclWin *w;
    int target, exclusive;
} Acquire;

/*
 * TryGuard --
 *
 *	One attempt: 1 taken, 0 not, -1 an MPI error.
 */

static int
TryGuard(
    PtclWin *w,
    int target,
    int exclusive)
{
    int64_t compare, value, old;

    if (exclusive) {
	compare = 0;
	value = -(int64_t) w->rank - 1;
    } else {
	int64_t zero = 0;

	/* Read the word atomically, then try to add one holder. */
	if (MPI_Fetch_and_op(&zero, &old, MPI_INT64_T, target, 0, MPI_NO_OP,
		w->win) != MPI_SUCCESS
		|| MPI_Win_flush_local(target, w->win) != MPI_SUCCESS) {
	    return -1;
	}
	if (old < 0) {
	    return 0;
	}
	compare = old;
	value = old + 1;
    }
    if (RawCas(w, MPI_INT64_T, target, 0, &compare, &value, &old)
	    != MPI_SUCCESS) {
	return -1;
    }
    return old == compare;
}

static int
PollGuard(
    Tcl_Interp *interp,
    void *clientData)
{
    Acquire *a = (Acquire *) clientData;
    int got = TryGuard(a->w, a->target, a->exclusive);

    if (got < 0) {
	Tcl_SetObjResult(interp, Tcl_NewStringObj(
		"lock: MPI error on the lock word", -1));
	Tcl_SetErrorCode(interp, "MPI", "RMA", NULL);
    }
    return got;
}

int
PtclWinAcquire(
    Tcl_Interp *interp,
    PtclWin *w,
    int target,
    int exclusive)
{
    Acquire a;

    a.w = w;
    a.target = target;
    a.exclusive = exclusive;
    return PtclMpiWait(interp, PollGuard, &a);
}

void
PtclWinRelease(
    PtclWin *w,
    int target,
    int exclusive)
{
    int64_t value, old, compare;

    MPI_Win_flush(target, w->win);
    if (exclusive) {
	compare = -(int64_t) w->rank - 1;
	value = 0;
	RawCas(w, MPI_INT64_T, target, 0, &compare, &value, &old);
    } else {
	value = -1;
	MPI_Accumulate(&value, 1, MPI_INT64_T, target, 0, 1, MPI_INT64_T,
		MPI_SUM, w->win);
    }
    MPI_Win_flush(target, w->win);
}

/*
 * PtclWinReleaseAll --
 *
 *	Releases every lock this interp's scripts hold (lock, lock_all): px
 *	code failed or was stopped on this rank, and nobody must wait for a
 *	holder that has gone.
 */

int
PtclWinReleaseAll(
    Tcl_Interp *interp,
    void *clientData)
{
    WinList *list = (WinList *) Tcl_GetAssocData(interp, "ptcl::win", NULL);
    PtclWin *w;
    int i;

    for (w = list ? list->first : NULL; w; w = w->next) {
	if (w->lockAll) {
	    for (i = 0; i < w->size; i++) {
		PtclWinRelease(w, i, 0);
	    }
	    w->lockAll = 0;
	}
	for (i = 0; w->numLocks > 0 && i < w->size; i++) {
	    if (w->locks[i]) {
		PtclWinRelease(w, i, w->locks[i] == PTCL_LOCK_EXCLUSIVE);
		w->locks[i] = PTCL_LOCK_NONE;
		w->numLocks--;
	    }
	}
    }
    (void) clientData;
    return TCL_OK;
}

/*
 * PtclWinRenew --
 *
 *	After a stopped px (::ptcl::renewcomm, on every rank at once): the px
 *	group communicators were renewed; make each window's again now,
 *	while every member is here, in the order the windows were made
 *	(the same on every member).
 */

int
PtclWinRenew(
    Tcl_Interp *interp,
    void *clientData)
{
    WinList *list = (WinList *) Tcl_GetAssocData(interp, "ptcl::win", NULL);
    PtclWin *w;
    MPI_Comm comm;

    for (w = list ? list->first : NULL; w; w = w->next) {
	if (SyncComm(interp, w, &comm) != TCL_OK) {
	    return TCL_ERROR;
	}
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * The handle command --
 *
 *	$w put|get|accumulate|fetch_and_op|compare_and_swap|fence|lock|
 *	   unlock|lock_all|unlock_all|flush|free|size|type ...
 *
 *----------------------------------------------------------------------
 */

/* A handle's subcommands and what each takes. */
static const char *const subcommands[] = {
    "accumulate", "compare_and_swap", "fence", "fetch_and_op", "flush",
    "free", "get", "lock", "lock_all", "put", "size", "type", "unlock",
    "unlock_all", NULL
};
static const char *const usages[] = {
    "accumulate OP TARGET OFFSET VALUES",
    "compare_and_swap TARGET OFFSET COMPARE VALUE", "fence ?-nosucceed?",
    "fetch_and_op OP TARGET OFFSET VALUE", "flush ?TARGET?", "free",
    "get TARGET OFFSET ?COUNT?", "lock ?-exclusive? TARGET", "lock_all",
    "put TARGET OFFSET VALUES", "size ?TARGET?", "type", "unlock TARGET",
    "unlock_all"
};

typedef struct Handle {
    PtclWin *w;			/* NULL once freed. */
    Tcl_Command token;
} Handle;

static int
HandleUsage(
    Tcl_Interp *interp,
    Tcl_Obj *cmdObj,
    const char *args)
{
    return PtclMpiUsageError(interp, "wrong # args: should be \"%s %s\"",
	    Tcl_GetString(cmdObj), args);
}

static int
GetTarget(
    Tcl_Interp *interp,
    PtclWin *w,
    Tcl_Obj *objPtr,
    int *targetPtr)
{
    if (Tcl_GetIntFromObj(NULL, objPtr, targetPtr) != TCL_OK
	    || *targetPtr < 0 || *targetPtr >= w->size) {
	return PtclMpiUsageError(interp, "bad target \"%.50s\": must be a "
		"rank from 0 to %d of the window", Tcl_GetString(objPtr),
		w->size - 1);
    }
    return TCL_OK;
}

static int
GetOffset(
    Tcl_Interp *interp,
    Tcl_Obj *objPtr,
    const char *what,
    int64_t *offsetPtr)
{
    Tcl_WideInt v;

    if (Tcl_GetWideIntFromObj(NULL, objPtr, &v) != TCL_OK || v < 0) {
	return PtclMpiUsageError(interp, "bad %s \"%.50s\": must be a "
		"non-negative integer", what, Tcl_GetString(objPtr));
    }
    *offsetPtr = (int64_t) v;
    return TCL_OK;
}

/*
 * Fence --
 *
 *	$w fence ?-nosucceed?: completes this rank's operations, meets every
 *	member in a barrier (in the wait loop), and opens (or, with
 *	-nosucceed, ends) fence epochs.
 */

static int
Fence(
    Tcl_Interp *interp,
    PtclWin *w,
    int nosucceed)
{
    MPI_Comm comm;
    MPI_Request req;
    int code;

    if (w->lockAll || w->numLocks > 0) {
	return PtclMpiUsageError(interp, "fence: this rank holds a lock on "
		"the window: unlock first");
    }
    if (PtclMpiAtPrompt(interp, w->size > 1 ? MPI_COMM_WORLD
	    : MPI_COMM_SELF, "fence") != TCL_OK
	    || SyncComm(interp, w, &comm) != TCL_OK) {
	return TCL_ERROR;
    }
    code = MPI_Win_flush_all(w->win);
    if (code != MPI_SUCCESS) {
	return PtclMpiError(interp, code, "fence");
    }
    MPI_Win_sync(w->win);
    code = MPI_Ibarrier(comm, &req);
    if (code != MPI_SUCCESS) {
	return PtclMpiError(interp, code, "fence");
    }
    if (PtclMpiWait(interp, PollRequest, &req) != TCL_OK) {
	PtclForgetRequests(1, &req);
	return TCL_ERROR;
    }
    MPI_Win_sync(w->win);
    w->fenceActive = !nosucceed;
    return TCL_OK;
}

static int
Lock(
    Tcl_Interp *interp,
    PtclWin *w,
    int target,
    int exclusive)
{
    if (w->fenceActive) {
	return PtclMpiUsageError(interp, "lock: the window is in fence "
		"epochs: end them with \"fence -nosucceed\" first");
    }
    if (w->lockAll) {
	return PtclMpiUsageError(interp, "lock: this rank holds lock_all "
		"on the window");
    }
    if (w->locks[target]) {
	return PtclMpiUsageError(interp, "lock: this rank already holds a "
		"lock on rank %d", target);
    }
    if (PtclWinAcquire(interp, w, target, exclusive) != TCL_OK) {
	return TCL_ERROR;
    }
    w->locks[target] = exclusive ? PTCL_LOCK_EXCLUSIVE : PTCL_LOCK_SHARED;
    w->numLocks++;
    return TCL_OK;
}

static int
LockAll(
    Tcl_Interp *interp,
    PtclWin *w)
{
    int i;

    if (w->fenceActive) {
	return PtclMpiUsageError(interp, "lock_all: the window is in fence "
		"epochs: end them with \"fence -nosucceed\" first");
    }
    if (w->lockAll || w->numLocks > 0) {
	return PtclMpiUsageError(interp, "lock_all: this rank already holds "
		"a lock on the window");
    }
    for (i = 0; i < w->size; i++) {	/* Rank order: no deadlock. */
	if (PtclWinAcquire(interp, w, i, 0) != TCL_OK) {
	    while (--i >= 0) {
		PtclWinRelease(w, i, 0);
	    }
	    return TCL_ERROR;
	}
    }
    w->lockAll = 1;
    return TCL_OK;
}

static void
HandleDeleted(
    ClientData clientData)
{
    Handle *h = (Handle *) clientData;

    if (h->w) {
	PtclWinForget(h->w);	/* Renamed away: MPI_Finalize frees it. */
    }
    ckfree(h);
}

static int
HandleDispatch(
    ClientData clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    enum {
	SUB_ACCUMULATE, SUB_CAS, SUB_FENCE, SUB_FETCH_AND_OP, SUB_FLUSH,
	SUB_FREE, SUB_GET, SUB_LOCK, SUB_LOCK_ALL, SUB_PUT, SUB_SIZE,
	SUB_TYPE, SUB_UNLOCK, SUB_UNLOCK_ALL
    };
    Handle *h = (Handle *) clientData;
    PtclWin *w = h->w;
    int index, target, op, code, i;
    int64_t offset, count;
    PtclElem value, compare, old;
    Tcl_Obj *result;

    if (objc < 2) {
	return HandleUsage(interp, objv[0], "subcommand ?arg ...?");
    }
    if (Tcl_GetIndexFromObj(interp, objv[1], subcommands, "subcommand", 0,
	    &index) != TCL_OK) {
	Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
	return TCL_ERROR;
    }
    switch (index) {
    case SUB_PUT:
	if (objc != 5) {
	    return HandleUsage(interp, objv[0], "put TARGET OFFSET VALUES");
	}
	if (GetTarget(interp, w, objv[2], &target) != TCL_OK
		|| GetOffset(interp, objv[3], "offset", &offset) != TCL_OK) {
	    return TCL_ERROR;
	}
	return PtclWinPut(interp, w, target, offset, objv[4], -1, 1);

    case SUB_ACCUMULATE:
	if (objc != 6) {
	    return HandleUsage(interp, objv[0],
		    "accumulate OP TARGET OFFSET VALUES");
	}
	if (PtclWinGetOp(interp, objv[2], w->type, 0, &op) != TCL_OK
		|| GetTarget(interp, w, objv[3], &target) != TCL_OK
		|| GetOffset(interp, objv[4], "offset", &offset) != TCL_OK) {
	    return TCL_ERROR;
	}
	return PtclWinPut(interp, w, target, offset, objv[5], op, 1);

    case SUB_GET:
	if (objc != 4 && objc != 5) {
	    return HandleUsage(interp, objv[0], "get TARGET OFFSET ?COUNT?");
	}
	count = 1;
	if (GetTarget(interp, w, objv[2], &target) != TCL_OK
		|| GetOffset(interp, objv[3], "offset", &offset) != TCL_OK
		|| (objc == 5 && GetOffset(interp, objv[4], "count", &count)
		!= TCL_OK)
		|| PtclWinGet(interp, w, target, offset, count, 1, &result)
		!= TCL_OK) {
	    return TCL_ERROR;
	}
	Tcl_SetObjResult(interp, result);
	return TCL_OK;

    case SUB_FETCH_AND_OP:
	if (objc != 6) {
	    return HandleUsage(interp, objv[0],
		    "fetch_and_op OP TARGET OFFSET VALUE");
	}
	if (PtclWinGetOp(interp, objv[2], w->type, 1, &op) != TCL_OK
		|| GetTarget(interp, w, objv[3], &target) != TCL_OK
		|| GetOffset(interp, objv[4], "offset", &offset) != TCL_OK
		|| PtclWinGetElem(interp, w->type, objv[5], &value) != TCL_OK
		|| PtclWinFetchOp(interp, w, target, offset, op, &value, 1,
		&old) != TCL_OK) {
	    return TCL_ERROR;
	}
	Tcl_SetObjResult(interp, PtclWinElemObj(w->type, &old));
	return TCL_OK;

    case SUB_CAS:
	if (objc != 6) {
	    return HandleUsage(interp, objv[0],
		    "compare_and_swap TARGET OFFSET COMPARE VALUE");
	}
	if (GetTarget(interp, w, objv[2], &target) != TCL_OK
		|| GetOffset(interp, objv[3], "offset", &offset) != TCL_OK
		|| PtclWinGetElem(interp, w->type, objv[4], &compare) != TCL_OK
		|| PtclWinGetElem(interp, w->type, objv[5], &value) != TCL_OK
		|| PtclWinCas(interp, w, target, offset, &compare, &value, 1,
		&old) != TCL_OK) {
	    return TCL_ERROR;
	}
	Tcl_SetObjResult(interp, PtclWinElemObj(w->type, &old));
	return TCL_OK;

    case SUB_FENCE:
	if (objc == 3 && strcmp(Tcl_GetString(objv[2]), "-nosucceed") == 0) {
	    return Fence(interp, w, 1);
	}
	if (objc != 2) {
	    return HandleUsage(interp, objv[0], "fence ?-nosucceed?");
	}
	return Fence(interp, w, 0);

    case SUB_LOCK: {
	int exclusive = 0;

	if (objc == 4 && strcmp(Tcl_GetString(objv[2]), "-exclusive") == 0) {
	    exclusive = 1;
	} else if (objc != 3) {
	    return HandleUsage(interp, objv[0], "lock ?-exclusive? TARGET");
	}
	if (GetTarget(interp, w, objv[objc - 1], &target) != TCL_OK) {
	    return TCL_ERROR;
	}
	return Lock(interp, w, target, exclusive);
    }

    case SUB_UNLOCK:
	if (objc != 3) {
	    return HandleUsage(interp, objv[0], "unlock TARGET");
	}
	if (GetTarget(interp, w, objv[2], &target) != TCL_OK) {
	    return TCL_ERROR;
	}
	if (!w->locks[target]) {
	    return PtclMpiUsageError(interp, "unlock: this rank holds no lock "
		    "on rank %d", target);
	}
	PtclWinRelease(w, target, w->locks[target] == PTCL_LOCK_EXCLUSIVE);
	w->locks[target] = PTCL_LOCK_NONE;
	w->numLocks--;
	return TCL_OK;

    case SUB_LOCK_ALL:
	if (objc != 2) {
	    return HandleUsage(interp, objv[0], "lock_all");
	}
	return LockAll(interp, w);

    case SUB_UNLOCK_ALL:
	if (objc != 2) {
	    return HandleUsage(interp, objv[0], "unlock_all");
	}
	if (!w->lockAll) {
	    return PtclMpiUsageError(interp, "unlock_all: this rank holds no "
		    "lock_all on the window");
	}
	for (i = 0; i < w->size; i++) {
	    PtclWinRelease(w, i, 0);
	}
	w->lockAll = 0;
	return TCL_OK;

    case SUB_FLUSH:
	if (objc != 2 && objc != 3) {
	    return HandleUsage(interp, objv[0], "flush ?TARGET?");
	}
	if (objc == 3) {
	    if (GetTarget(interp, w, objv[2], &target) != TCL_OK) {
		return TCL_ERROR;
	    }
	    code = MPI_Win_flush(target, w->win);
	} else {
	    code = MPI_Win_flush_all(w->win);
	}
	return code == MPI_SUCCESS ? TCL_OK
		: PtclMpiError(interp, code, "flush");

    case SUB_FREE:
	if (objc != 2) {
	    return HandleUsage(interp, objv[0], "free");
	}
	if (PtclWinFree(interp, w, "free") != TCL_OK) {
	    return TCL_ERROR;
	}
	h->w = NULL;
	Tcl_DeleteCommandFromToken(interp, h->token);
	return TCL_OK;

    case SUB_SIZE:
	if (objc == 2) {
	    target = w->rank;
	} else if (objc != 3) {
	    return HandleUsage(interp, objv[0], "size ?TARGET?");
	} else if (GetTarget(interp, w, objv[2], &target) != TCL_OK) {
	    return TCL_ERROR;
	}
	Tcl_SetObjResult(interp, Tcl_NewWideIntObj(w->counts[target]));
	return TCL_OK;

    default:
	if (objc != 2) {
	    return HandleUsage(interp, objv[0], "type");
	}
	Tcl_SetObjResult(interp, Tcl_NewStringObj(typeNames[w->type], -1));
	return TCL_OK;
    }
}

/*
 * PtclWinAppendUsage --
 *
 *	Ends a usage error (errorcode PTCL USAGE) that does not show the
 *	call's usage yet with it: ': should be "CMD ARGS"'.
 */

void
PtclWinAppendUsage(
    Tcl_Interp *interp,
    Tcl_Obj *cmdObj,
    const char *args)
{
    Tcl_Obj *msg, *info, *code;

    PtclErrorParts(interp, &msg, &info, &code);
    if (strncmp(Tcl_GetString(code), "PTCL USAGE", 10) == 0
	    && strstr(Tcl_GetString(msg), "should be") == NULL) {
	Tcl_Obj *longer = Tcl_DuplicateObj(msg);

	Tcl_AppendPrintfToObj(longer, ": should be \"%s %s\"",
		Tcl_GetString(cmdObj), args);
	Tcl_SetObjResult(interp, longer);
    }
    Tcl_DecrRefCount(msg);
    Tcl_DecrRefCount(info);
    Tcl_DecrRefCount(code);
}

/*
 * HandleObjCmd --
 *
 *	A window's command: HandleDispatch, with the subcommand's usage at
 *	the end of its usage errors.
 */

static int
HandleObjCmd(
    ClientData clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    int index, code = HandleDispatch(clientData, interp, objc, objv);

    if (code == TCL_ERROR && objc >= 2 && Tcl_GetIndexFromObj(NULL, objv[1],
	    subcommands, "subcommand", 0, &index) == TCL_OK) {
	PtclWinAppendUsage(interp, objv[0], usages[index]);
    }
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * WinObjCmd --
 *
 *	mpi::win allocate|allocate_shared COUNT TYPE ?-comm C?
 *
 * Results:
 *	The new window's handle, a command.
 *
 *----------------------------------------------------------------------
 */

static int
WinObjCmd(
    ClientData clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    static const char *const subcommands[] = {
	"allocate", "allocate_shared", NULL
    };
    static const char *const options[] = {"-comm", NULL};
    Tcl_Obj *values[1] = {NULL};
    const char *usage;
    MPI_Comm comm;
    Tcl_WideInt count = 0;
    int index, type = 0, countOk = 1;
    PtclWin *w;
    Handle *h;
    char name[40];

    (void) clientData;
    if (objc < 2) {
	return PtclUsage(interp,
		"mpi::win allocate|allocate_shared COUNT TYPE ?-comm C?");
    }
    if (Tcl_GetIndexFromObj(interp, objv[1], subcommands, "subcommand", 0,
	    &index) != TCL_OK) {
	Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
	return TCL_ERROR;
    }
    usage = index == 0 ? "mpi::win allocate COUNT TYPE ?-comm C?"
	    : "mpi::win allocate_shared COUNT TYPE ?-comm C?";
    if (PtclMpiGetComm(interp, NULL, &comm) != TCL_OK
	    || PtclMpiAtPrompt(interp, comm, index == 0 ? "mpi::win allocate"
	    : "mpi::win allocate_shared") != TCL_OK) {
	return TCL_ERROR;
    }

    /*
     * A bad option, COUNT or TYPE: this rank still meets the others (on
     * the communicator it could read, else the default one), who would
     * otherwise wait for it; then every rank fails.
     */

    if (objc < 4) {
	PtclUsage(interp, usage);
	countOk = 0;
    } else if (PtclMpiOptions(interp, objc, objv, 4, options, values, usage)
	    != TCL_OK) {
	countOk = 0;
	values[0] = NULL;
    } else if (values[0] && PtclMpiGetComm(interp, values[0], &comm)
	    != TCL_OK) {
	return TCL_ERROR;		/* No communicator to meet on. */
    } else if (Tcl_GetWideIntFromObj(NULL, objv[2], &count) != TCL_OK) {
	PtclMpiUsageError(interp, "bad count \"%.50s\": must be a "
		"non-negative integer: should be \"%s\"",
		Tcl_GetString(objv[2]), usage);
	countOk = 0;
    } else if (PtclWinGetType(interp, objv[3], &type) != TCL_OK) {
	Tcl_AppendResult(interp, ": should be \"", usage, "\"", NULL);
	countOk = 0;
    }
    if (PtclWinCreate(interp, comm, index == 0 ? "mpi::win allocate"
	    : "mpi::win allocate_shared", (int64_t) count, countOk, type,
	    index == 0 ? "allocate" : (values[0] ? "allocate_shared"
	    : "node"), &w) != TCL_OK) {
	return TCL_ERROR;
    }
    h = (Handle *) ckalloc(sizeof(Handle));
    h->w = w;
    snprintf(name, sizeof(name), "::mpi::win%d", nextWinId++);
    h->token = Tcl_CreateObjCommand(interp, name, HandleObjCmd, h,
	    HandleDeleted);
    Tcl_SetObjResult(interp, Tcl_NewStringObj(name, -1));
    return TCL_OK;
}

int
PtclWinInit(
    Tcl_Interp *interp)
{
    Tcl_CreateObjCommand(interp, "::mpi::win", WinObjCmd, NULL, NULL);
    PtclAddHook(PTCL_HOOK_PX_FAILED, PtclWinReleaseAll, NULL);
    PtclAddHook(PTCL_HOOK_COMMS_RENEWED, PtclWinRenew, NULL);
    return PtclSharedInit(interp);
}
