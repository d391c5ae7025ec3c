/*
 * mpi_request.c --
 *
 *	Request handles of the mpi:: layer: mpi::isend, mpi::irecv, the
 *	persistent mpi::send_init, mpi::recv_init, mpi::start, mpi::startall
 *	and mpi::request_free, and what completes them: mpi::wait,
 *	mpi::waitall, mpi::waitany, mpi::test and mpi::cancel.
 *
 *	A handle ("req1", ...) names a PtclMpiRequest in the interp's table
 *	(mpi_layer.h). Its transfer is a value-message machine of
 *	runtime/transfer.c (PtclValueSend, PtclValueRecv) that is advanced
 *	whenever a script tests or waits: a receive takes its message with a
 *	matched probe, so several receives never race for one message.
 *
 *	Order: receives take messages in the order they were started, as in
 *	MPI. Every test or wait of any request, and every blocking
 *	mpi::recv or mpi::probe, first advances all started receives of the
 *	interp oldest first, so that of two receives that match the same
 *	message the older one gets it, whichever one the script waits for.
 *
 *	A completed non-persistent request is freed when wait or test
 *	collects it (its handle is then unknown, as MPI sets it to
 *	MPI_REQUEST_NULL); a persistent one becomes inactive and can be
 *	started again. Unknown and freed handles are errors, never crashes.
 *	Leans on: transfer.h, the wait loop (PtclMpiWait), mpi_p2p.c's
 *	argument helpers.
 */

#include "mpi/mpi.h"
#include <string.h>

/*
 * Where a value-message receive stands: transfer.c's RECV_PROBE is its
 * first stage, in which nothing has been matched and nothing posted.
 */

#define RECV_STAGE_UNMATCHED 0

static const Tcl_ObjType *byteArrayTypePtr = NULL;

/*
 *----------------------------------------------------------------------
 *
 * PrivateValue --
 *
 *	The value a nonblocking send keeps while it runs. A pure byte array
 *	is sent straight from its internal representation, which a script
 *	could shimmer away (llength $bytes) while the send is in flight: it
 *	is copied into a byte array nobody else can reach. Anything else is
 *	safe as it is (strings are sent from the string rep, which a held
 *	reference keeps; lists of numbers are packed into a copy).
 *
 * Results:
 *	A value with refcount 0 or more; the caller takes a reference.
 *
 *----------------------------------------------------------------------
 */

static Tcl_Obj *
PrivateValue(
    Tcl_Obj *valuePtr)
{
    int len;
    unsigned char *bytes;

    if (byteArrayTypePtr == NULL) {
	Tcl_Obj *probe = Tcl_NewByteArrayObj((unsigned char *) "", 1);

	Tcl_IncrRefCount(probe);
	byteArrayTypePtr = probe->typePtr;
	Tcl_DecrRefCount(probe);
    }
    if (valuePtr->typePtr == byteArrayTypePtr && valuePtr->bytes == NULL) {
	bytes = Tcl_GetByteArrayFromObj(valuePtr, &len);
	return Tcl_NewByteArrayObj(bytes, len);
    }
    return valuePtr;
}

/*
 * LinkRecv, UnlinkRecv --
 *
 *	The list of started, unfinished receives, oldest first.
 */

static void
LinkRecv(
    PtclMpiRequest *req)
{
    PtclMpiState *statePtr = req->statePtr;

    req->order = statePtr->nextOrder++;
    req->nextRecv = NULL;
    req->prevRecv = statePtr->lastRecv;
    if (statePtr->lastRecv) {
	statePtr->lastRecv->nextRecv = req;
    } else {
	statePtr->firstRecv = req;
    }
    statePtr->lastRecv = req;
}

static void
UnlinkRecv(
    PtclMpiRequest *req)
{
    PtclMpiState *statePtr = req->statePtr;

    if (req->prevRecv == NULL && statePtr->firstRecv != req) {
	return;				/* Not linked. */
    }
    if (req->prevRecv) {
	req->prevRecv->nextRecv = req->nextRecv;
    } else {
	statePtr->firstRecv = req->nextRecv;
    }
    if (req->nextRecv) {
	req->nextRecv->prevRecv = req->prevRecv;
    } else {
	statePtr->lastRecv = req->prevRecv;
    }
    req->nextRecv = req->prevRecv = NULL;
}

/*
 *----------------------------------------------------------------------
 *
 * NewRequest --
 *
 *	Makes a request and its handle.
 *
 * Results:
 *	The request; its name is the key of req->hPtr.
 *
 *----------------------------------------------------------------------
 */

static PtclMpiRequest *
NewRequest(
    PtclMpiState *statePtr,
    int kind,
    int persistent,
    MPI_Comm comm,
    int peer,
    int tag,
    Tcl_Obj *value)
{
    PtclMpiRequest *req = (PtclMpiRequest *) ckalloc(sizeof(PtclMpiRequest));
    char name[32];
    int isNew;

    memset(req, 0, sizeof(*req));
    req->statePtr = statePtr;
    req->kind = kind;
    req->persistent = persistent;
    req->comm = comm;
    req->peer = peer;
    req->tag = tag;
    if (value) {
	req->value = PrivateValue(value);
	Tcl_IncrRefCount(req->value);	/* Released by FreeRequest. */
    }
    do {
	snprintf(name, sizeof(name), "req%d", ++statePtr->nextRequest);
	req->hPtr = Tcl_CreateHashEntry(&statePtr->requests, name, &isNew);
    } while (!isNew);
    Tcl_SetHashValue(req->hPtr, req);
    return req;
}

static const char *
ReqName(
    PtclMpiRequest *req)
{
    return (const char *) Tcl_GetHashKey(&req->statePtr->requests,
	    req->hPtr);
}

/*
 *----------------------------------------------------------------------
 *
 * FreeRequest --
 *
 *	Forgets a request. One still running is abandoned safely (see
 *	PtclValueSendFree and PtclValueRecvFree); when MPI is finalized,
 *	only memory is released.
 *
 *----------------------------------------------------------------------
 */

static void
FreeRequest(
    PtclMpiRequest *req)
{
    int mpiUp = ptclWorld.initialized && !ptclWorld.finalized;

    UnlinkRecv(req);
    if (req->active && !req->done) {
	if (req->kind == PTCL_REQ_SEND) {
	    if (mpiUp) {
		PtclValueSendFree(&req->send);
	    } else {
		PtclPackedFree(&req->send.packed);
		PtclBufFree(&req->send.head);
		if (req->send.reqs) {
		    ckfree(req->send.reqs);
		}
	    }
	} else {
	    if (mpiUp) {
		PtclValueRecvFree(&req->recv);
	    } else {
		if (req->recv.value) {
		    Tcl_DecrRefCount(req->recv.value);
		}
		if (req->recv.landing) {
		    Tcl_DecrRefCount(req->recv.landing);
		}
		if (req->recv.reqs) {
		    ckfree(req->recv.reqs);
		}
		PtclBufFree(&req->recv.head);
	    }
	}
    }
    if (req->value) {
	Tcl_DecrRefCount(req->value);
    }
    if (req->result) {
	Tcl_DecrRefCount(req->result);
    }
    if (req->errorObj) {
	Tcl_DecrRefCount(req->errorObj);
    }
    if (req->errorCode) {
	Tcl_DecrRefCount(req->errorCode);
    }
    Tcl_DeleteHashEntry(req->hPtr);
    ckfree(req);
}

/*
 * PtclMpiFreeAllRequests --
 *
 *	Frees every request of the interp (at exit or interp deletion).
 */

void
PtclMpiFreeAllRequests(
    PtclMpiState *statePtr)
{
    Tcl_HashSearch search;
    Tcl_HashEntry *hPtr;

    while ((hPtr = Tcl_FirstHashEntry(&statePtr->requests, &search))
	    != NULL) {
	FreeRequest((PtclMpiRequest *) Tcl_GetHashValue(hPtr));
    }
}

/*
 * PtclMpiCommUsers --
 *
 *	How many requests of the interp (running or not) use comm.
 */

int
PtclMpiCommUsers(
    PtclMpiState *statePtr,
    MPI_Comm comm)
{
    Tcl_HashSearch search;
    Tcl_HashEntry *hPtr;
    int n = 0;

    for (hPtr = Tcl_FirstHashEntry(&statePtr->requests, &search); hPtr;
	    hPtr = Tcl_NextHashEntry(&search)) {
	if (((PtclMpiRequest *) Tcl_GetHashValue(hPtr))->comm == comm) {
	    n++;
	}
    }
    return n;
}

/*
 *----------------------------------------------------------------------
 *
 * StartRequest --
 *
 *	Starts a request's transfer (isend, irecv, or start of a persistent
 *	one).
 *
 * Results:
 *	TCL_OK, or TCL_ERROR with MPI's error in interp.
 *
 *----------------------------------------------------------------------
 */

static int
StartRequest(
    Tcl_Interp *interp,
    PtclMpiRequest *req)
{
    req->done = req->failed = req->cancelled = 0;
    req->count = 0;
    memset(&req->status, 0, sizeof(req->status));
    if (req->kind == PTCL_REQ_SEND) {
	if (PtclValueSendStart(interp, &req->send, req->value, req->comm,
		req->peer, req->tag, 0) != TCL_OK) {
	    PtclValueSendFree(&req->send);
	    return TCL_ERROR;
	}
	req->count = (int64_t) req->send.packed.len;
    } else {
	PtclValueRecvInit(&req->recv, req->comm, req->peer, req->tag);
	LinkRecv(req);
    }
    req->active = 1;
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * Advance --
 *
 *	Moves a running request's transfer on as far as it goes without
 *	waiting.
 *
 * Results:
 *	1 when it is done (or was already, or is not running), 0 if not.
 *	A failure also counts as done: it is kept in the request and
 *	reported when the request is collected; the interp's result is
 *	left empty.
 *
 * Side effects:
 *	A finished receive leaves the list of running receives and keeps
 *	its value in req->result.
 *
 *----------------------------------------------------------------------
 */

static void
Fail(
    Tcl_Interp *interp,
    PtclMpiRequest *req)
{
    Tcl_Obj *options = Tcl_GetReturnOptions(interp, TCL_ERROR);
    Tcl_Obj *key = Tcl_NewStringObj("-errorcode", -1), *code = NULL;

    Tcl_IncrRefCount(options);
    Tcl_IncrRefCount(key);
    Tcl_DictObjGet(NULL, options, key, &code);
    req->errorCode = code ? code : Tcl_NewStringObj("NONE", -1);
    Tcl_IncrRefCount(req->errorCode);		/* Released by FreeRequest. */
    req->errorObj = Tcl_GetObjResult(interp);
    Tcl_IncrRefCount(req->errorObj);		/* Released by FreeRequest. */
    Tcl_DecrRefCount(key);
    Tcl_DecrRefCount(options);
    Tcl_ResetResult(interp);
    req->failed = 1;
    req->done = 1;
}

static int
Advance(
    Tcl_Interp *interp,
    PtclMpiRequest *req)
{
    int got;

    if (!req->active || req->done) {
	return 1;
    }
    if (req->kind == PTCL_REQ_SEND) {
	got = PtclValueSendTest(interp, &req->send);
	if (got == 0) {
	    return 0;
	}
	if (got < 0) {
	    Fail(interp, req);
	}
	PtclValueSendFree(&req->send);
	req->done = 1;
	return 1;
    }
    got = PtclValueRecvTest(interp, &req->recv);
    if (got == 0) {
	return 0;
    }
    UnlinkRecv(req);
    if (got < 0) {
	Fail(interp, req);
    } else {
	req->result = req->recv.value;	/* The reference moves here. */
	req->recv.value = NULL;
	req->status = req->recv.status;
	req->count = PtclMpiRecvCount(&req->recv);
    }
    PtclValueRecvFree(&req->recv);
    req->done = 1;
    return 1;
}

/*
 * PtclMpiAdvanceRecvs --
 *
 *	Advances every running receive of the interp, oldest first: the
 *	matching order of MPI (see the head of this file).
 */

void
PtclMpiAdvanceRecvs(
    Tcl_Interp *interp,
    PtclMpiState *statePtr)
{
    PtclMpiRequest *req = statePtr->firstRecv, *next;

    while (req) {
	next = req->nextRecv;
	Advance(interp, req);
	req = next;
    }
}

/*
 *----------------------------------------------------------------------
 *
 * Collect --
 *
 *	What wait and test give for a done (or inactive persistent)
 *	request: its value (empty for a send), or its failure. A
 *	non-persistent request is freed; a persistent one becomes inactive.
 *
 * Results:
 *	TCL_OK with *valuePtr holding one reference, which the caller
 *	releases, and *statusPtr (refcount 0); or TCL_ERROR with the
 *	request's error.
 *
 *----------------------------------------------------------------------
 */

static int
Collect(
    Tcl_Interp *interp,
    PtclMpiRequest *req,
    Tcl_Obj **valuePtr,
    Tcl_Obj **statusPtr)
{
    int code = TCL_OK;
    Tcl_Obj *value = NULL;

    if (req->failed) {
	Tcl_SetObjResult(interp, req->errorObj);
	Tcl_SetObjErrorCode(interp, req->errorCode);
	code = TCL_ERROR;
    } else if (!req->active) {
	MPI_Status empty;

	memset(&empty, 0, sizeof(empty));
	empty.MPI_SOURCE = MPI_ANY_SOURCE;
	empty.MPI_TAG = MPI_ANY_TAG;
	value = Tcl_NewObj();
	if (statusPtr) {
	    *statusPtr = PtclMpiStatusObj(&empty, 0, 0);
	}
    } else {
	value = (req->result ? req->result : Tcl_NewObj());
	if (statusPtr) {
	    if (req->kind == PTCL_REQ_SEND) {
		MPI_Status st;

		memset(&st, 0, sizeof(st));
		MPI_Comm_rank(req->comm, &st.MPI_SOURCE);
		st.MPI_TAG = req->tag;
		*statusPtr = PtclMpiStatusObj(&st, req->count, 0);
	    } else {
		*statusPtr = PtclMpiStatusObj(&req->status, req->count,
			req->cancelled);
	    }
	}
    }
    if (value) {
	Tcl_IncrRefCount(value);	/* The caller's reference. */
    }
    if (req->persistent) {
	req->active = req->done = req->failed = req->cancelled = 0;
	if (req->result) {
	    Tcl_DecrRefCount(req->result);
	    req->result = NULL;
	}
	if (req->errorObj) {
	    Tcl_DecrRefCount(req->errorObj);
	    Tcl_DecrRefCount(req->errorCode);
	    req->errorObj = req->errorCode = NULL;
	}
    } else {
	FreeRequest(req);
    }
    if (value) {
	*valuePtr = value;
    }
    return code;
}

/*
 * GetRequest --
 *
 *	Looks up a request handle of this interp.
 */

static int
GetRequest(
    Tcl_Interp *interp,
    PtclMpiState *statePtr,
    Tcl_Obj *objPtr,
    PtclMpiRequest **reqPtr)
{
    Tcl_HashEntry *hPtr = Tcl_FindHashEntry(&statePtr->requests,
	    Tcl_GetString(objPtr));

    if (hPtr == NULL) {
	Tcl_SetObjResult(interp, Tcl_ObjPrintf(
		"unknown request \"%.50s\": not made by mpi::isend, "
		"mpi::irecv, mpi::send_init or mpi::recv_init, or already "
		"completed or freed", Tcl_GetString(objPtr)));
	Tcl_SetErrorCode(interp, "PTCL", "USAGE", "REQUEST",
		Tcl_GetString(objPtr), NULL);
	return TCL_ERROR;
    }
    *reqPtr = (PtclMpiRequest *) Tcl_GetHashValue(hPtr);
    return TCL_OK;
}

/*
 * GetRequestList --
 *
 *	Looks up a list of request handles, each at most once. *reqsPtr is
 *	ckalloc'ed (the caller frees it), also when the list is empty.
 */

static int
GetRequestList(
    Tcl_Interp *interp,
    PtclMpiState *statePtr,
    Tcl_Obj *listObj,
    int *numPtr,
    PtclMpiRequest ***reqsPtr)
{
    Tcl_Obj **elems;
    int n, i, j;
    PtclMpiRequest **reqs;

    if (Tcl_ListObjGetElements(interp, listObj, &n, &elems) != TCL_OK) {
	Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
	return TCL_ERROR;
    }
    reqs = (PtclMpiRequest **) ckalloc(sizeof(PtclMpiRequest *)
	    * (size_t) (n + 1));
    for (i = 0; i < n; i++) {
	if (GetRequest(interp, statePtr, elems[i], &reqs[i]) != TCL_OK) {
	    ckfree(reqs);
	    return TCL_ERROR;
	}
	for (j = 0; j < i; j++) {
	    if (reqs[j] == reqs[i]) {
		ckfree(reqs);
		return PtclMpiUsageError(interp,
			"request \"%.50s\" appears twice in the list",
			Tcl_GetString(elems[i]));
	    }
	}
    }
    *numPtr = n;
    *reqsPtr = reqs;
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * IsendObjCmd, IrecvObjCmd, SendInitObjCmd, RecvInitObjCmd --
 *
 *	mpi::isend VALUE DEST ?-tag T? ?-comm C?
 *	mpi::irecv ?-source S? ?-tag T? ?-comm C?
 *	mpi::send_init VALUE DEST ?-tag T? ?-comm C?
 *	mpi::recv_init ?-source S? ?-tag T? ?-comm C?
 *
 *	clientData says persistent (init) or started (i...).
 *
 * Results:
 *	A new request handle.
 *
 *----------------------------------------------------------------------
 */

static int
SendRequestObjCmd(
    ClientData clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    int persistent = (clientData != NULL);
    const char *usage = persistent
	    ? "mpi::send_init VALUE DEST ?-tag T? ?-comm C?"
	    : "mpi::isend VALUE DEST ?-tag T? ?-comm C?";
    PtclMpiState *statePtr = PtclMpiGetState(interp);
    PtclMpiRequest *req;
    MPI_Comm comm;
    int dest, tag;

    if (PtclMpiSendArgs(interp, objc, objv, usage, &comm, &dest, &tag)
	    != TCL_OK) {
	return TCL_ERROR;
    }
    req = NewRequest(statePtr, PTCL_REQ_SEND, persistent, comm, dest, tag,
	    objv[1]);
    if (!persistent && StartRequest(interp, req) != TCL_OK) {
	FreeRequest(req);
	return TCL_ERROR;
    }
    Tcl_SetObjResult(interp, Tcl_NewStringObj(ReqName(req), -1));
    return TCL_OK;
}

static int
RecvRequestObjCmd(
    ClientData clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    static const char *const options[] = {"-source", "-tag", "-comm", NULL};
    int persistent = (clientData != NULL);
    const char *usage = persistent
	    ? "mpi::recv_init ?-source S? ?-tag T? ?-comm C?"
	    : "mpi::irecv ?-source S? ?-tag T? ?-comm C?";
    Tcl_Obj *values[3] = {NULL, NULL, NULL};
    PtclMpiState *statePtr = PtclMpiGetState(interp);
    PtclMpiRequest *req;
    MPI_Comm comm;
    int source = MPI_ANY_SOURCE, tag = MPI_ANY_TAG;

    if (PtclMpiOptions(interp, objc, objv, 1, options, values, usage)
	    != TCL_OK
	    || PtclMpiGetComm(interp, values[2], &comm) != TCL_OK
	    || (values[0] && PtclMpiGetRank(interp, values[0], comm, 1,
		"source", &source) != TCL_OK)
	    || (values[1] && PtclMpiGetTag(interp, values[1], 1, &tag)
		!= TCL_OK)) {
	return TCL_ERROR;
    }
    req = NewRequest(statePtr, PTCL_REQ_RECV, persistent, comm, source, tag,
	    NULL);
    if (!persistent) {
	StartRequest(interp, req);	/* A receive cannot fail to start. */
    }
    Tcl_SetObjResult(interp, Tcl_NewStringObj(ReqName(req), -1));
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * StartObjCmd --
 *
 *	mpi::start REQ, mpi::startall REQS: start persistent requests that
 *	are not running. All handles are checked before any is started.
 *
 *----------------------------------------------------------------------
 */

static int
CheckStartable(
    Tcl_Interp *interp,
    PtclMpiRequest *req)
{
    if (!req->persistent) {
	Tcl_SetObjResult(interp, Tcl_ObjPrintf(
		"request \"%s\" is not persistent: only requests of "
		"mpi::send_init and mpi::recv_init can be started",
		ReqName(req)));
    } else if (req->active) {
	Tcl_SetObjResult(interp, Tcl_ObjPrintf(
		"request \"%s\" is already active: wait for it before "
		"starting it again", ReqName(req)));
    } else {
	return TCL_OK;
    }
    Tcl_SetErrorCode(interp, "PTCL", "USAGE", "REQUEST", NULL);
    return TCL_ERROR;
}

static int
StartObjCmd(
    ClientData clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    int all = (clientData != NULL), n, i, code = TCL_OK;
    PtclMpiState *statePtr = PtclMpiGetState(interp);
    PtclMpiRequest **reqs, *one;

    if (objc != 2) {
	return PtclUsage(interp, all ? "mpi::startall REQS" : "mpi::start REQ");
    }
    if (all) {
	if (GetRequestList(interp, statePtr, objv[1], &n, &reqs) != TCL_OK) {
	    return TCL_ERROR;
	}
    } else {
	if (GetRequest(interp, statePtr, objv[1], &one) != TCL_OK) {
	    return TCL_ERROR;
	}
	reqs = (PtclMpiRequest **) ckalloc(sizeof(PtclMpiRequest *));
	reqs[0] = one;
	n = 1;
    }
    for (i = 0; i < n && code == TCL_OK; i++) {
	code = CheckStartable(interp, reqs[i]);
    }
    for (i = 0; i < n && code == TCL_OK; i++) {
	code = StartRequest(interp, reqs[i]);
    }
    ckfree(reqs);
    return code;
}

/*
 * RequestFreeObjCmd --
 *
 *	mpi::request_free REQ: forgets a request; one still running is
 *	abandoned (a send goes on inside MPI, a receive that has not matched
 *	a message yet never will).
 */

static int
RequestFreeObjCmd(
    ClientData clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    PtclMpiRequest *req;

    (void) clientData;
    if (objc != 2) {
	return PtclUsage(interp, "mpi::request_free REQ");
    }
    if (GetRequest(interp, PtclMpiGetState(interp), objv[1], &req)
	    != TCL_OK) {
	return TCL_ERROR;
    }
    FreeRequest(req);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * WaitObjCmd --
 *
 *	mpi::wait REQ ?-status VAR?
 *
 * Results:
 *	The value received (the empty string for a send, or for an inactive
 *	persistent request).
 *
 *----------------------------------------------------------------------
 */

typedef struct WaitSet {
    PtclMpiState *statePtr;
    int n;
    PtclMpiRequest **reqs;
    int any;			/* waitany: done when one is done. */
    int index;			/* waitany: which one, or -1. */
} WaitSet;

static int
PollWaitSet(
    Tcl_Interp *interp,
    void *clientData)
{
    WaitSet *w = (WaitSet *) clientData;
    int i, allDone = 1, anyActive = 0;

    PtclMpiAdvanceRecvs(interp, w->statePtr);
    for (i = 0; i < w->n; i++) {
	PtclMpiRequest *req = w->reqs[i];

	if (!req->active) {
	    continue;
	}
	anyActive = 1;
	if (Advance(interp, req)) {
	    if (w->any) {
		w->index = i;
		return 1;
	    }
	} else {
	    allDone = 0;
	}
    }
    if (w->any) {
	return anyActive ? 0 : 1;	/* None active: MPI_UNDEFINED. */
    }
    return allDone;
}

static int
WaitObjCmd(
    ClientData clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    static const char *const options[] = {"-status", NULL};
    Tcl_Obj *values[1] = {NULL}, *value = NULL, *status = NULL;
    PtclMpiState *statePtr = PtclMpiGetState(interp);
    PtclMpiRequest *req;
    WaitSet w;
    int code;

    (void) clientData;
    if (objc < 2) {
	return PtclUsage(interp, "mpi::wait REQ ?-status VAR?");
    }
    if (PtclMpiOptions(interp, objc, objv, 2, options, values,
	    "mpi::wait REQ ?-status VAR?") != TCL_OK
	    || GetRequest(interp, statePtr, objv[1], &req) != TCL_OK) {
	return TCL_ERROR;
    }
    memset(&w, 0, sizeof(w));
    w.statePtr = statePtr;
    w.n = 1;
    w.reqs = &req;
    if (PtclMpiWait(interp, PollWaitSet, &w) != TCL_OK) {
	return TCL_ERROR;
    }
    code = Collect(interp, req, &value, &status);
    if (code != TCL_OK) {
	return code;
    }
    Tcl_IncrRefCount(status);
    if (values[0]) {
	code = (Tcl_ObjSetVar2(interp, values[0], NULL, status,
		TCL_LEAVE_ERR_MSG) == NULL) ? TCL_ERROR : TCL_OK;
    }
    if (code == TCL_OK) {
	Tcl_SetObjResult(interp, value);
    }
    Tcl_DecrRefCount(status);
    Tcl_DecrRefCount(value);
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * WaitallObjCmd --
 *
 *	mpi::waitall REQS
 *
 * Results:
 *	The list of their values (empty elements for sends). If some
 *	failed, every request is still completed and freed, and the error
 *	is the first failure's.
 *
 *----------------------------------------------------------------------
 */

static int
WaitallObjCmd(
    ClientData clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    PtclMpiState *statePtr = PtclMpiGetState(interp);
    PtclMpiRequest **reqs;
    Tcl_Obj *list, *value, *errorObj = NULL, *errorCode = NULL;
    WaitSet w;
    int n, i;

    (void) clientData;
    if (objc != 2) {
	return PtclUsage(interp, "mpi::waitall REQS");
    }
    if (GetRequestList(interp, statePtr, objv[1], &n, &reqs) != TCL_OK) {
	return TCL_ERROR;
    }
    memset(&w, 0, sizeof(w));
    w.statePtr = statePtr;
    w.n = n;
    w.reqs = reqs;
    if (PtclMpiWait(interp, PollWaitSet, &w) != TCL_OK) {
	ckfree(reqs);
	return TCL_ERROR;
    }
    list = Tcl_NewListObj(0, NULL);
    Tcl_IncrRefCount(list);
    for (i = 0; i < n; i++) {
	value = NULL;
	if (Collect(interp, reqs[i], &value, NULL) != TCL_OK) {
	    if (errorObj == NULL) {
		Tcl_Obj *options = Tcl_GetReturnOptions(interp, TCL_ERROR);
		Tcl_Obj *key = Tcl_NewStringObj("-errorcode", -1);

		Tcl_IncrRefCount(options);
		Tcl_IncrRefCount(key);
		errorObj = Tcl_GetObjResult(interp);
		Tcl_IncrRefCount(errorObj);
		if (Tcl_DictObjGet(NULL, options, key, &errorCode) != TCL_OK
			|| errorCode == NULL) {
		    errorCode = Tcl_NewStringObj("NONE", -1);
		}
		Tcl_IncrRefCount(errorCode);
		Tcl_DecrRefCount(key);
		Tcl_DecrRefCount(options);
	    }
	    Tcl_ListObjAppendElement(NULL, list, Tcl_NewObj());
	    continue;
	}
	Tcl_ListObjAppendElement(NULL, list, value);
	Tcl_DecrRefCount(value);	/* Collect's reference. */
    }
    ckfree(reqs);
    if (errorObj) {
	Tcl_SetObjResult(interp, errorObj);
	Tcl_SetObjErrorCode(interp, errorCode);
	Tcl_DecrRefCount(errorObj);
	Tcl_DecrRefCount(errorCode);
	Tcl_DecrRefCount(list);
	return TCL_ERROR;
    }
    Tcl_SetObjResult(interp, list);
    Tcl_DecrRefCount(list);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * WaitanyObjCmd --
 *
 *	mpi::waitany REQS ?-status VAR?
 *
 * Results:
 *	{INDEX VALUE}: the first request in the list found done, and its
 *	value; {-1 {}} when none of them is active (MPI_UNDEFINED).
 *
 *----------------------------------------------------------------------
 */

static int
WaitanyObjCmd(
    ClientData clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    static const char *const options[] = {"-status", NULL};
    Tcl_Obj *values[1] = {NULL}, *value = NULL, *status = NULL, *pair;
    PtclMpiState *statePtr = PtclMpiGetState(interp);
    PtclMpiRequest **reqs;
    WaitSet w;
    int n, code;

    (void) clientData;
    if (objc < 2) {
	return PtclUsage(interp, "mpi::waitany REQS ?-status VAR?");
    }
    if (PtclMpiOptions(interp, objc, objv, 2, options, values,
	    "mpi::waitany REQS ?-status VAR?") != TCL_OK
	    || GetRequestList(interp, statePtr, objv[1], &n, &reqs)
		!= TCL_OK) {
	return TCL_ERROR;
    }
    memset(&w, 0, sizeof(w));
    w.statePtr = statePtr;
    w.n = n;
    w.reqs = reqs;
    w.any = 1;
    w.index = -1;
    if (PtclMpiWait(interp, PollWaitSet, &w) != TCL_OK) {
	ckfree(reqs);
	return TCL_ERROR;
    }
    if (w.index < 0) {
	MPI_Status empty;

	memset(&empty, 0, sizeof(empty));
	empty.MPI_SOURCE = MPI_ANY_SOURCE;
	empty.MPI_TAG = MPI_ANY_TAG;
	value = Tcl_NewObj();
	Tcl_IncrRefCount(value);
	status = PtclMpiStatusObj(&empty, 0, 0);
	code = TCL_OK;
    } else {
	code = Collect(interp, reqs[w.index], &value, &status);
    }
    ckfree(reqs);
    if (code != TCL_OK) {
	return code;
    }
    pair = Tcl_NewListObj(0, NULL);
    Tcl_ListObjAppendElement(NULL, pair, Tcl_NewIntObj(w.index));
    Tcl_ListObjAppendElement(NULL, pair, value);
    Tcl_DecrRefCount(value);		/* Collect's reference. */
    Tcl_IncrRefCount(pair);
    Tcl_IncrRefCount(status);
    if (values[0] && Tcl_ObjSetVar2(interp, values[0], NULL, status,
	    TCL_LEAVE_ERR_MSG) == NULL) {
	code = TCL_ERROR;
    } else {
	Tcl_SetObjResult(interp, pair);
    }
    Tcl_DecrRefCount(status);
    Tcl_DecrRefCount(pair);
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * TestObjCmd --
 *
 *	mpi::test REQ ?-status VAR?
 *
 * Results:
 *	{1 VALUE} when the request is done (it is then collected, as by
 *	mpi::wait), {0 {}} when not yet.
 *
 *----------------------------------------------------------------------
 */

static int
TestObjCmd(
    ClientData clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    static const char *const options[] = {"-status", NULL};
    Tcl_Obj *values[1] = {NULL}, *value = NULL, *status = NULL, *pair;
    PtclMpiState *statePtr = PtclMpiGetState(interp);
    PtclMpiRequest *req;
    int code = TCL_OK, done;

    (void) clientData;
    if (objc < 2) {
	return PtclUsage(interp, "mpi::test REQ ?-status VAR?");
    }
    if (PtclMpiOptions(interp, objc, objv, 2, options, values,
	    "mpi::test REQ ?-status VAR?") != TCL_OK
	    || GetRequest(interp, statePtr, objv[1], &req) != TCL_OK) {
	return TCL_ERROR;
    }
    PtclMpiAdvanceRecvs(interp, statePtr);
    done = Advance(interp, req);
    pair = Tcl_NewListObj(0, NULL);
    Tcl_IncrRefCount(pair);
    if (done) {
	code = Collect(interp, req, &value, &status);
	if (code != TCL_OK) {
	    Tcl_DecrRefCount(pair);
	    return code;
	}
	Tcl_ListObjAppendElement(NULL, pair, Tcl_NewIntObj(1));
	Tcl_ListObjAppendElement(NULL, pair, value);
	Tcl_DecrRefCount(value);	/* Collect's reference. */
	Tcl_IncrRefCount(status);
	if (values[0] && Tcl_ObjSetVar2(interp, values[0], NULL, status,
		TCL_LEAVE_ERR_MSG) == NULL) {
	    code = TCL_ERROR;
	}
	Tcl_DecrRefCount(status);
    } else {
	Tcl_ListObjAppendElement(NULL, pair, Tcl_NewIntObj(0));
	Tcl_ListObjAppendElement(NULL, pair, Tcl_NewObj());
    }
    if (code == TCL_OK) {
	Tcl_SetObjResult(interp, pair);
    }
    Tcl_DecrRefCount(pair);
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * CancelObjCmd --
 *
 *	mpi::cancel REQ: stops a receive that has not matched a message yet.
 *	The request then completes at once: wait gives the empty string and
 *	a status with "cancelled 1" (source and tag -1). A send, or a
 *	receive whose message has already matched, cannot be cancelled (MPI
 *	libraries do not cancel sends reliably); it completes as usual.
 *
 * Results:
 *	1 if the request was cancelled, 0 if not.
 *
 *----------------------------------------------------------------------
 */

static int
CancelObjCmd(
    ClientData clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    PtclMpiState *statePtr = PtclMpiGetState(interp);
    PtclMpiRequest *req;
    int cancelled = 0;

    (void) clientData;
    if (objc != 2) {
	return PtclUsage(interp, "mpi::cancel REQ");
    }
    if (GetRequest(interp, statePtr, objv[1], &req) != TCL_OK) {
	return TCL_ERROR;
    }
    if (req->kind == PTCL_REQ_RECV && req->active && !req->done
	    && req->recv.stage == RECV_STAGE_UNMATCHED) {
	UnlinkRecv(req);
	PtclValueRecvFree(&req->recv);
	memset(&req->status, 0, sizeof(req->status));
	req->count = 0;
	req->cancelled = 1;
	req->done = 1;
	cancelled = 1;
    }
    Tcl_SetObjResult(interp, Tcl_NewIntObj(cancelled));
    return TCL_OK;
}

int
PtclMpiRequestInit(
    Tcl_Interp *interp)
{
    Tcl_CreateObjCommand(interp, "::mpi::isend", SendRequestObjCmd, NULL,
	    NULL);
    Tcl_CreateObjCommand(interp, "::mpi::send_init", SendRequestObjCmd,
	    (ClientData) 1, NULL);
    Tcl_CreateObjCommand(interp, "::mpi::irecv", RecvRequestObjCmd, NULL,
	    NULL);
    Tcl_CreateObjCommand(interp, "::mpi::recv_init", RecvRequestObjCmd,
	    (ClientData) 1, NULL);
    Tcl_CreateObjCommand(interp, "::mpi::start", StartObjCmd, NULL, NULL);
    Tcl_CreateObjCommand(interp, "::mpi::startall", StartObjCmd,
	    (ClientData) 1, NULL);
    Tcl_CreateObjCommand(interp, "::mpi::request_free", RequestFreeObjCmd,
	    NULL, NULL);
    Tcl_CreateObjCommand(interp, "::mpi::wait", WaitObjCmd, NULL, NULL);
    Tcl_CreateObjCommand(interp, "::mpi::waitall", WaitallObjCmd, NULL,
	    NULL);
    Tcl_CreateObjCommand(interp, "::mpi::waitany", WaitanyObjCmd, NULL,
	    NULL);
    Tcl_CreateObjCommand(interp, "::mpi::test", TestObjCmd, NULL, NULL);
    Tcl_CreateObjCommand(interp, "::mpi::cancel", CancelObjCmd, NULL, NULL);
    return TCL_OK;
}
