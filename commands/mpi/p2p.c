/*
 * mpi_p2p.c --
 *
 *	The blocking point-to-point commands of the mpi:: layer (SPEC 4):
 *	mpi::send, mpi::recv, mpi::sendrecv, mpi::probe and mpi::iprobe; the
 *	per-interpreter state of the layer (request handles, communicators
 *	made here), its cleanup at exit, the argument helpers every mpi_*.c
 *	file uses, and PtclMpiInit, which registers the whole layer.
 *
 *	Values travel as value messages (runtime/transfer.c): any Tcl value,
 *	numbers and byte arrays in binary form. Every wait is the one wait
 *	loop with the px check (not PTCL_WAIT_IDLE), so an interrupt or a
 *	failed rank releases a blocked mpi::recv inside px code; at ptclsh's
 *	prompt, Ctrl-C does.
 *
 *	The status dict of a receive is {source S tag T count N}: N is the
 *	number of bytes of the value's payload as it travelled (8 per number
 *	of a packed list of numbers, the bytes of a byte array, the UTF-8
 *	bytes of a string).
 */

#include "mpi/mpi.h"
#include <stdarg.h>
#include <string.h>

#define STATE_KEY	"ptcl-mpi"

/*
 * A value message's header (transfer.c): int32 kind, int32 flags, int64
 * length, int64 sequence. A payload of up to PTCL_INLINE_MAX bytes
 * follows it in the same message.
 */

#define VALUE_HEADER_SIZE 24

static int tagUb = 0;

/*
 *----------------------------------------------------------------------
 *
 * Cleanup, DeleteState, ExitCleanup --
 *
 *	The end of an interpreter's mpi:: state: its requests are finished or
 *	abandoned and its communicators freed. Runs from an exit handler
 *	(before MPI_Finalize, since exit handlers run in reverse order of
 *	creation and ptcl's finalize handler was made first) or when the
 *	interp is deleted, whichever comes first. When MPI is already
 *	finalized only memory is released.
 *
 *----------------------------------------------------------------------
 */

static void
Cleanup(
    PtclMpiState *statePtr)
{
    if (statePtr->exiting) {
	return;
    }
    statePtr->exiting = 1;
    PtclMpiFreeAllRequests(statePtr);
    PtclMpiFreeAllComms(statePtr);
}

static void
ExitCleanup(
    ClientData clientData)
{
    Cleanup((PtclMpiState *) clientData);
}

static void
DeleteState(
    ClientData clientData,
    Tcl_Interp *interp)
{
    PtclMpiState *statePtr = (PtclMpiState *) clientData;

    (void) interp;
    Tcl_DeleteExitHandler(ExitCleanup, statePtr);
    Cleanup(statePtr);
    Tcl_DeleteHashTable(&statePtr->requests);
    Tcl_DeleteHashTable(&statePtr->comms);
    ckfree(statePtr);
}

/*
 * PtclMpiGetState --
 *
 *	The interp's mpi:: state, made on first use.
 */

PtclMpiState *
PtclMpiGetState(
    Tcl_Interp *interp)
{
    PtclMpiState *statePtr = (PtclMpiState *) Tcl_GetAssocData(interp,
	    STATE_KEY, NULL);

    if (statePtr == NULL) {
	statePtr = (PtclMpiState *) ckalloc(sizeof(PtclMpiState));
	memset(statePtr, 0, sizeof(*statePtr));
	statePtr->interp = interp;
	Tcl_InitHashTable(&statePtr->requests, TCL_STRING_KEYS);
	Tcl_InitHashTable(&statePtr->comms, TCL_STRING_KEYS);
	Tcl_SetAssocData(interp, STATE_KEY, DeleteState, statePtr);
	Tcl_CreateExitHandler(ExitCleanup, statePtr);
    }
    return statePtr;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclMpiUsageError --
 *
 *	Leaves a formatted message and the error code {PTCL USAGE}.
 *
 * Results:
 *	TCL_ERROR.
 *
 *----------------------------------------------------------------------
 */

int
PtclMpiUsageError(
    Tcl_Interp *interp,
    const char *fmt,
    ...)
{
    va_list ap;
    Tcl_Obj *msg;

    char buf[1024];

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    msg = Tcl_NewStringObj(buf, -1);
    Tcl_SetObjResult(interp, msg);
    Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
    return TCL_ERROR;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclMpiOptions --
 *
 *	Reads "-option value" pairs from objv[first..objc-1]. options is a
 *	NULL-terminated table; values[i] is set to the value of options[i]
 *	(the last one given wins) and left alone when it is not given.
 *
 * Results:
 *	TCL_OK, or TCL_ERROR with a usage error: an unknown option (the
 *	message lists the valid ones), or an option without its value.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
PtclMpiOptions(
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[],
    int first,
    const char *const *options,
    Tcl_Obj **values,
    const char *usage)
{
    int i, index;

    for (i = first; i < objc; i += 2) {
	if (Tcl_GetIndexFromObj(interp, objv[i], options, "option", 0,
		&index) != TCL_OK) {
	    Tcl_AppendResult(interp, ": should be \"", usage, "\"", NULL);
	    Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
	    return TCL_ERROR;
	}
	if (i + 1 >= objc) {
	    return PtclMpiUsageError(interp,
		    "option \"%s\" needs a value: should be \"%s\"",
		    options[index], usage);
	}
	values[index] = objv[i + 1];
    }
    return TCL_OK;
}

/*
 * PtclMpiGetComm --
 *
 *	The communicator named by objPtr, or the default one (the px group
 *	inside px code, the world elsewhere) when objPtr is NULL.
 */

int
PtclMpiGetComm(
    Tcl_Interp *interp,
    Tcl_Obj *objPtr,
    MPI_Comm *commPtr)
{
    if (objPtr == NULL) {
	*commPtr = PtclDefaultComm(interp);
	return TCL_OK;
    }
    if (PtclGetCommFromObj(interp, objPtr, commPtr) != TCL_OK) {
	Tcl_SetErrorCode(interp, "PTCL", "USAGE", "COMM",
		Tcl_GetString(objPtr), NULL);
	return TCL_ERROR;
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclMpiGetRank --
 *
 *	Reads a rank of comm (a destination, source or root): an integer
 *	from 0 to size-1, or "any" where allowAny (MPI_ANY_SOURCE).
 *
 * Results:
 *	TCL_OK with *rankPtr set, or a usage error naming the bad value and
 *	the valid range.
 *
 *----------------------------------------------------------------------
 */

int
PtclMpiGetRank(
    Tcl_Interp *interp,
    Tcl_Obj *objPtr,
    MPI_Comm comm,
    int allowAny,
    const char *what,
    int *rankPtr)
{
    int size = 1, rank, code;

    if (allowAny && strcmp(Tcl_GetString(objPtr), "any") == 0) {
	*rankPtr = MPI_ANY_SOURCE;
	return TCL_OK;
    }
    code = MPI_Comm_size(comm, &size);
    if (code != MPI_SUCCESS) {
	return PtclMpiError(interp, code, "reading the communicator's size");
    }
    if (Tcl_GetIntFromObj(NULL, objPtr, &rank) != TCL_OK || rank < 0
	    || rank >= size) {
	return PtclMpiUsageError(interp,
		"bad %s \"%.50s\": must be a rank from 0 to %d%s", what,
		Tcl_GetString(objPtr), size - 1, allowAny ? " or \"any\"" : "");
    }
    *rankPtr = rank;
    return TCL_OK;
}

/*
 * PtclMpiGetTag --
 *
 *	Reads a tag: an integer from 0 to MPI_TAG_UB, or "any" where allowed.
 */

/*
 * PtclMpiSendArgs --
 *
 *	The arguments of the send commands (mpi::send, mpi::isend,
 *	mpi::send_init): VALUE DEST ?-tag T? ?-comm C?. Sets the
 *	communicator, the destination (a rank of it) and the tag (0 unless
 *	given).
 */

int
PtclMpiSendArgs(
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[],
    const char *usage,
    MPI_Comm *commPtr,
    int *destPtr,
    int *tagPtr)
{
    static const char *const options[] = {"-tag", "-comm", NULL};
    Tcl_Obj *values[2] = {NULL, NULL};

    *tagPtr = 0;
    if (objc < 3) {
	return PtclUsage(interp, usage);
    }
    if (PtclMpiOptions(interp, objc, objv, 3, options, values, usage)
	    != TCL_OK
	    || PtclMpiGetComm(interp, values[1], commPtr) != TCL_OK
	    || PtclMpiGetRank(interp, objv[2], *commPtr, 0, "destination",
		destPtr) != TCL_OK
	    || (values[0] && PtclMpiGetTag(interp, values[0], 0, tagPtr)
		!= TCL_OK)) {
	return TCL_ERROR;
    }
    return TCL_OK;
}

int
PtclMpiGetTag(
    Tcl_Interp *interp,
    Tcl_Obj *objPtr,
    int allowAny,
    int *tagPtr)
{
    int tag;

    if (allowAny && strcmp(Tcl_GetString(objPtr), "any") == 0) {
	*tagPtr = MPI_ANY_TAG;
	return TCL_OK;
    }
    if (Tcl_GetIntFromObj(NULL, objPtr, &tag) != TCL_OK || tag < 0
	    || tag > tagUb) {
	return PtclMpiUsageError(interp,
		"bad tag \"%.50s\": must be an integer from 0 to %d%s",
		Tcl_GetString(objPtr), tagUb, allowAny ? " or \"any\"" : "");
    }
    *tagPtr = tag;
    return TCL_OK;
}

/*
 * PtclMpiStatusObj, PtclMpiSetStatusVar --
 *
 *	A status as a dict {source S tag T count N}, with "cancelled 1" added
 *	for a receive that mpi::cancel stopped; and storing it in a variable.
 */

Tcl_Obj *
PtclMpiStatusObj(
    const MPI_Status *status,
    int64_t count,
    int cancelled)
{
    Tcl_Obj *dict = Tcl_NewObj();

    Tcl_DictObjPut(NULL, dict, Tcl_NewStringObj("source", -1),
	    Tcl_NewIntObj(cancelled ? -1 : status->MPI_SOURCE));
    Tcl_DictObjPut(NULL, dict, Tcl_NewStringObj("tag", -1),
	    Tcl_NewIntObj(cancelled ? -1 : status->MPI_TAG));
    Tcl_DictObjPut(NULL, dict, Tcl_NewStringObj("count", -1),
	    Tcl_NewWideIntObj((Tcl_WideInt) count));
    if (cancelled) {
	Tcl_DictObjPut(NULL, dict, Tcl_NewStringObj("cancelled", -1),
		Tcl_NewIntObj(1));
    }
    return dict;
}

int
PtclMpiSetStatusVar(
    Tcl_Interp *interp,
    Tcl_Obj *varName,
    const MPI_Status *status,
    int64_t count,
    int cancelled)
{
    if (varName == NULL) {
	return TCL_OK;
    }
    if (Tcl_ObjSetVar2(interp, varName, NULL, PtclMpiStatusObj(status,
	    count, cancelled), TCL_LEAVE_ERR_MSG) == NULL) {
	return TCL_ERROR;
    }
    return TCL_OK;
}

/*
 * PtclMpiRecvCount --
 *
 *	The payload bytes of a received value message.
 */

int64_t
PtclMpiRecvCount(
    const PtclValueRecv *r)
{
    return r->len;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclMpiAtPrompt --
 *
 *	A collective called at ptclsh's prompt (rank 0, outside px code) on
 *	a communicator with other ranks could never complete: the others
 *	only take part in px code. Say so instead of waiting forever.
 *
 * Results:
 *	TCL_OK where the call can work; TCL_ERROR with a usage error.
 *
 *----------------------------------------------------------------------
 */

int
PtclMpiAtPrompt(
    Tcl_Interp *interp,
    MPI_Comm comm,
    const char *cmd)
{
    int size = 1;

    if (PtclWhereAmI(interp) != PTCL_AT_PROMPT) {
	return TCL_OK;
    }
    MPI_Comm_size(comm, &size);
    if (size <= 1) {
	return TCL_OK;
    }
    Tcl_SetObjResult(interp, Tcl_ObjPrintf(
	    "%s at the prompt would wait forever: the other ranks take part "
	    "only in px code, so use it inside px", cmd));
    Tcl_SetErrorCode(interp, "PTCL", "USAGE", "PROMPT", NULL);
    return TCL_ERROR;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclMpiWait --
 *
 *	PtclWait with the px check on (an interrupt or a failed rank of the
 *	px releases the wait), and, at ptclsh's prompt, where no px check
 *	runs, Ctrl-C. (The wait loop itself spins while data is on its way
 *	and backs off after.)
 *
 * Results:
 *	TCL_OK when the poll says done; TCL_ERROR with a message.
 *
 *----------------------------------------------------------------------
 */

typedef struct WaitContext {
    PtclPollProc *proc;
    void *data;
    int atPrompt;
} WaitContext;

static int
PollUser(
    Tcl_Interp *interp,
    void *clientData)
{
    WaitContext *ctx = (WaitContext *) clientData;
    int done = ctx->proc(interp, ctx->data);

    if (done != 0) {
	return done;
    }
    if (ctx->atPrompt && PtclSignalPending()) {
	PtclSignalClear();
	Tcl_SetObjResult(interp, Tcl_NewStringObj("interrupted", -1));
	Tcl_SetErrorCode(interp, "PTCL", "INTERRUPT", NULL);
	return -1;
    }
    return done;
}

int
PtclMpiWait(
    Tcl_Interp *interp,
    PtclPollProc *pollProc,
    void *clientData)
{
    WaitContext ctx;

    ctx.proc = pollProc;
    ctx.data = clientData;
    ctx.atPrompt = PtclWhereAmI(interp) == PTCL_AT_PROMPT;
    return PtclWait(interp, NULL, PollUser, &ctx, 0);
}

/*
 *----------------------------------------------------------------------
 *
 * SendObjCmd --
 *
 *	mpi::send VALUE DEST ?-tag T? ?-comm C?
 *
 * Results:
 *	The empty string once the value has left (standard mode: it may
 *	still be on its way).
 *
 *----------------------------------------------------------------------
 */

#define SEND_USAGE "mpi::send VALUE DEST ?-tag T? ?-comm C?"

static int
PollSend(
    Tcl_Interp *interp,
    void *clientData)
{
    return PtclValueSendTest(interp, (PtclValueSend *) clientData);
}

static int
SendObjCmd(
    ClientData clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    MPI_Comm comm;
    int dest, tag, code;
    PtclValueSend s;

    (void) clientData;
    if (PtclMpiSendArgs(interp, objc, objv, SEND_USAGE, &comm, &dest, &tag)
	    != TCL_OK) {
	return TCL_ERROR;
    }
    code = PtclValueSendStart(interp, &s, objv[1], comm, dest, tag, 0);
    if (code == TCL_OK) {
	code = PtclMpiWait(interp, PollSend, &s);
    }
    PtclValueSendFree(&s);
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * RecvObjCmd --
 *
 *	mpi::recv ?-source S? ?-tag T? ?-comm C? ?-status VAR?
 *
 * Results:
 *	The value received.
 *
 * Side effects:
 *	Sets VAR to the status dict. Receives started earlier with
 *	mpi::irecv or mpi::start are matched first, as in MPI.
 *
 *----------------------------------------------------------------------
 */

#define RECV_USAGE "mpi::recv ?-source S? ?-tag T? ?-comm C? ?-status VAR?"

typedef struct RecvWait {
    PtclMpiState *statePtr;
    PtclValueRecv *recv;
    PtclValueSend *send;	/* sendrecv: the send, else NULL. */
    int sendDone, recvDone;
} RecvWait;

static int
PollRecvWait(
    Tcl_Interp *interp,
    void *clientData)
{
    RecvWait *w = (RecvWait *) clientData;
    int done;

    if (w->send && !w->sendDone) {
	done = PtclValueSendTest(interp, w->send);
	if (done < 0) {
	    return -1;
	}
	w->sendDone = done;
    }
    if (!w->recvDone) {
	PtclMpiAdvanceRecvs(interp, w->statePtr);
	done = PtclValueRecvTest(interp, w->recv);
	if (done < 0) {
	    return -1;
	}
	w->recvDone = done;
    }
    return w->recvDone && (w->send == NULL || w->sendDone);
}

static int
RecvObjCmd(
    ClientData clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    static const char *const options[] = {
	"-source", "-tag", "-comm", "-status", NULL
    };
    Tcl_Obj *values[4] = {NULL, NULL, NULL, NULL};
    MPI_Comm comm;
    int source = MPI_ANY_SOURCE, tag = MPI_ANY_TAG, code;
    PtclValueRecv r;
    RecvWait w;

    (void) clientData;
    if (PtclMpiOptions(interp, objc, objv, 1, options, values, RECV_USAGE)
	    != TCL_OK
	    || PtclMpiGetComm(interp, values[2], &comm) != TCL_OK
	    || (values[0] && PtclMpiGetRank(interp, values[0], comm, 1,
		"source", &source) != TCL_OK)
	    || (values[1] && PtclMpiGetTag(interp, values[1], 1, &tag)
		!= TCL_OK)) {
	return TCL_ERROR;
    }
    PtclValueRecvInit(&r, comm, source, tag);
    memset(&w, 0, sizeof(w));
    w.statePtr = PtclMpiGetState(interp);
    w.recv = &r;
    code = PtclMpiWait(interp, PollRecvWait, &w);
    if (code == TCL_OK) {
	code = PtclMpiSetStatusVar(interp, values[3], &r.status, r.len, 0);
	if (code == TCL_OK) {
	    Tcl_SetObjResult(interp, r.value);
	}
    }
    PtclValueRecvFree(&r);
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * SendrecvObjCmd --
 *
 *	mpi::sendrecv VALUE DEST ?-sendtag T? ?-source S? ?-recvtag T?
 *	    ?-comm C? ?-status VAR?
 *
 *	Both halves run at once, so that a ring of sendrecv never deadlocks.
 *
 * Results:
 *	The value received.
 *
 *----------------------------------------------------------------------
 */

#define SENDRECV_USAGE "mpi::sendrecv VALUE DEST ?-sendtag T? ?-source S? " \
	"?-recvtag T? ?-comm C? ?-status VAR?"

static int
SendrecvObjCmd(
    ClientData clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    static const char *const options[] = {
	"-sendtag", "-source", "-recvtag", "-comm", "-status", NULL
    };
    enum { O_SENDTAG, O_SOURCE, O_RECVTAG, O_COMM, O_STATUS };
    Tcl_Obj *values[5] = {NULL, NULL, NULL, NULL, NULL};
    MPI_Comm comm;
    int dest, sendTag = 0, source = MPI_ANY_SOURCE, recvTag = MPI_ANY_TAG;
    int code;
    PtclValueRecv r;
    PtclValueSend s;
    RecvWait w;

    (void) clientData;
    if (objc < 3) {
	return PtclUsage(interp, SENDRECV_USAGE);
    }
    if (PtclMpiOptions(interp, objc, objv, 3, options, values,
	    SENDRECV_USAGE) != TCL_OK
	    || PtclMpiGetComm(interp, values[O_COMM], &comm) != TCL_OK
	    || PtclMpiGetRank(interp, objv[2], comm, 0, "destination",
		&dest) != TCL_OK
	    || (values[O_SENDTAG] && PtclMpiGetTag(interp, values[O_SENDTAG],
		0, &sendTag) != TCL_OK)
	    || (values[O_SOURCE] && PtclMpiGetRank(interp, values[O_SOURCE],
		comm, 1, "source", &source) != TCL_OK)
	    || (values[O_RECVTAG] && PtclMpiGetTag(interp, values[O_RECVTAG],
		1, &recvTag) != TCL_OK)) {
	return TCL_ERROR;
    }
    PtclValueRecvInit(&r, comm, source, recvTag);
    code = PtclValueSendStart(interp, &s, objv[1], comm, dest, sendTag, 0);
    if (code == TCL_OK) {
	memset(&w, 0, sizeof(w));
	w.statePtr = PtclMpiGetState(interp);
	w.recv = &r;
	w.send = &s;
	code = PtclMpiWait(interp, PollRecvWait, &w);
    }
    PtclValueSendFree(&s);
    if (code == TCL_OK) {
	code = PtclMpiSetStatusVar(interp, values[O_STATUS], &r.status,
		r.len, 0);
	if (code == TCL_OK) {
	    Tcl_SetObjResult(interp, r.value);
	}
    }
    PtclValueRecvFree(&r);
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * ProbeObjCmd --
 *
 *	mpi::probe ?-source S? ?-tag T? ?-comm C? (waits for a message)
 *	mpi::iprobe ?-source S? ?-tag T? ?-comm C? (does not)
 *
 * Results:
 *	The status dict of the first message that a receive with the same
 *	source and tag would take; iprobe: the empty string when there is
 *	none yet. The message stays to be received. Its count is exact for
 *	payloads that travel with the header (up to 64 KiB); a larger one
 *	(or an empty one) cannot be told apart before it is received, and
 *	its count is -1.
 *
 *----------------------------------------------------------------------
 */

typedef struct ProbeWait {
    PtclMpiState *statePtr;
    MPI_Comm comm;
    int source, tag;
    MPI_Status status;
} ProbeWait;

static int
PollProbe(
    Tcl_Interp *interp,
    void *clientData)
{
    ProbeWait *p = (ProbeWait *) clientData;
    int flag = 0, code;

    /*
     * Receives already started get their messages first: a probe must not
     * report one that an earlier mpi::irecv is entitled to.
     */

    PtclMpiAdvanceRecvs(interp, p->statePtr);
    code = MPI_Iprobe(p->source, p->tag, p->comm, &flag, &p->status);
    if (code != MPI_SUCCESS) {
	PtclMpiError(interp, code, "probing for a message");
	return -1;
    }
    return flag ? 1 : 0;
}

static int
ProbeObjCmd(
    ClientData clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    static const char *const options[] = {"-source", "-tag", "-comm", NULL};
    Tcl_Obj *values[3] = {NULL, NULL, NULL};
    int blocking = (clientData != NULL), done, count;
    const char *usage = blocking
	    ? "mpi::probe ?-source S? ?-tag T? ?-comm C?"
	    : "mpi::iprobe ?-source S? ?-tag T? ?-comm C?";
    ProbeWait p;

    memset(&p, 0, sizeof(p));
    p.source = MPI_ANY_SOURCE;
    p.tag = MPI_ANY_TAG;
    if (PtclMpiOptions(interp, objc, objv, 1, options, values, usage)
	    != TCL_OK
	    || PtclMpiGetComm(interp, values[2], &p.comm) != TCL_OK
	    || (values[0] && PtclMpiGetRank(interp, values[0], p.comm, 1,
		"source", &p.source) != TCL_OK)
	    || (values[1] && PtclMpiGetTag(interp, values[1], 1, &p.tag)
		!= TCL_OK)) {
	return TCL_ERROR;
    }
    p.statePtr = PtclMpiGetState(interp);
    if (blocking) {
	if (PtclMpiWait(interp, PollProbe, &p) != TCL_OK) {
	    return TCL_ERROR;
	}
    } else {
	done = PollProbe(interp, &p);
	if (done < 0) {
	    return TCL_ERROR;
	}
	if (done == 0) {
	    Tcl_ResetResult(interp);
	    return TCL_OK;
	}
    }
    MPI_Get_count(&p.status, MPI_BYTE, &count);
    Tcl_SetObjResult(interp, PtclMpiStatusObj(&p.status,
	    count > VALUE_HEADER_SIZE ? count - VALUE_HEADER_SIZE : -1, 0));
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclMpiInit --
 *
 *	Registers the mpi:: layer in interp: the commands of this file and
 *	of mpi_request.c, mpi_coll.c and mpi_comm.c, and the state that
 *	tracks request handles and communicators until exit.
 *
 * Results:
 *	TCL_OK.
 *
 *----------------------------------------------------------------------
 */

int
PtclMpiInit(
    Tcl_Interp *interp)
{
    int *ub, flag = 0;

    if (tagUb == 0) {
	tagUb = 32767;
	if (MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, &ub, &flag)
		== MPI_SUCCESS && flag && *ub > 0) {
	    tagUb = *ub;
	}
    }
    PtclMpiGetState(interp);
    Tcl_CreateObjCommand(interp, "::mpi::send", SendObjCmd, NULL, NULL);
    Tcl_CreateObjCommand(interp, "::mpi::recv", RecvObjCmd, NULL, NULL);
    Tcl_CreateObjCommand(interp, "::mpi::sendrecv", SendrecvObjCmd, NULL,
	    NULL);
    Tcl_CreateObjCommand(interp, "::mpi::probe", ProbeObjCmd,
	    (ClientData) 1, NULL);
    Tcl_CreateObjCommand(interp, "::mpi::iprobe", ProbeObjCmd, NULL, NULL);
    if (PtclFactsInit(interp) != TCL_OK
	    || PtclMpiRequestInit(interp) != TCL_OK
	    || PtclMpiCollInit(interp) != TCL_OK
	    || PtclMpiCommInit(interp) != TCL_OK
	    || PtclWinInit(interp) != TCL_OK) {
	return TCL_ERROR;
    }
    return TCL_OK;
}
