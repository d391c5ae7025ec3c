/*
 * pxexec.c --
 *
 *	px code running on one rank, the same way on rank 0 and on a worker
 *	(PtclRunPx), and the worker's side of the control protocol
 *	(PtclServeCommand): receive a PX, run it, stream or capture its
 *	output, reply. Also how a running px is stopped on a rank: an
 *	INTERRUPT (Ctrl-C, -timeout) stops its code wherever it is, busy or
 *	waiting; an ABORT (another rank failed) releases its waits only, so
 *	that independent work is not thrown away.
 *
 *	Rank 0's side -- sending the PX, collecting the replies -- is px.c.
 */

#include "engine/engine.h"
#include <string.h>

/*
 *----------------------------------------------------------------------
 *
 * PtclStopPx --
 *
 *	Records why the px running on this rank must stop. An INTERRUPT
 *	replaces an ABORT; otherwise the first reason stays.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Sets state->cancelMsg (one reference) and state->cancelKind. The
 *	wait loop's checks then fail every wait; the interp's time limit
 *	(interrupt.c) cancels busy code for an INTERRUPT.
 *
 *----------------------------------------------------------------------
 */

void
PtclStopPx(
    PtclState *state,
    int kind,
    Tcl_Obj *msgObj)
{
    Tcl_IncrRefCount(msgObj);
    if (state->cancelMsg == NULL || (kind == PTCL_MSG_INTERRUPT
	    && state->cancelKind != PTCL_MSG_INTERRUPT)) {
	if (state->cancelMsg) {
	    Tcl_DecrRefCount(state->cancelMsg);
	}
	state->cancelMsg = msgObj;
	state->cancelKind = kind;
	return;
    }
    Tcl_DecrRefCount(msgObj);
}

/*
 * PtclStoppedError --
 *
 *	The error that a wait gives when the px was stopped: TCL_ERROR with
 *	the reason, errorcode {PTCL INTERRUPT} or {PTCL RELEASED}. TCL_OK
 *	when nothing stopped it.
 */

int
PtclStoppedError(
    Tcl_Interp *interp,
    PtclState *state)
{
    if (state->cancelMsg == NULL) {
	return TCL_OK;
    }
    Tcl_SetObjResult(interp, state->cancelMsg);
    Tcl_SetErrorCode(interp, "PTCL", state->cancelKind == PTCL_MSG_INTERRUPT
	    ? "INTERRUPT" : "RELEASED", NULL);
    return TCL_ERROR;
}

/*
 * StoppedHere --
 *
 *	Did the px code fail because it was stopped? Yes for an INTERRUPT
 *	(busy code was cancelled), and for an ABORT when the error is the
 *	release of a wait; a rank's own error under a pending ABORT stays.
 */

static int
StoppedHere(
    Tcl_Interp *interp,
    PtclState *state)
{
    Tcl_Obj *msg, *info, *code;
    const char *s;
    int stopped;

    if (state->cancelKind == PTCL_MSG_INTERRUPT) {
	return 1;
    }
    PtclErrorParts(interp, &msg, &info, &code);
    s = Tcl_GetString(code);
    stopped = (strncmp(s, "PTCL RELEASED", 13) == 0
	    || strncmp(s, "PTCL INTERRUPT", 14) == 0
	    || strncmp(s, "TCL CANCEL", 10) == 0);
    Tcl_DecrRefCount(msg);
    Tcl_DecrRefCount(info);
    Tcl_DecrRefCount(code);
    return stopped;
}

/*
 * PtclErrorParts --
 *
 *	The message, -errorinfo and -errorcode of the error in interp, each
 *	with one reference that the caller releases.
 */

void
PtclErrorParts(
    Tcl_Interp *interp,
    Tcl_Obj **msgPtr,
    Tcl_Obj **infoPtr,
    Tcl_Obj **codePtr)
{
    Tcl_Obj *options = Tcl_GetReturnOptions(interp, TCL_ERROR);
    Tcl_Obj *key, *value;

    Tcl_IncrRefCount(options);
    *msgPtr = Tcl_GetObjResult(interp);
    key = Tcl_NewStringObj("-errorinfo", -1);
    Tcl_DictObjGet(NULL, options, key, &value);
    Tcl_DecrRefCount(key);
    *infoPtr = value ? value : Tcl_NewObj();
    key = Tcl_NewStringObj("-errorcode", -1);
    Tcl_DictObjGet(NULL, options, key, &value);
    Tcl_DecrRefCount(key);
    *codePtr = value ? value : Tcl_NewStringObj("NONE", -1);
    Tcl_IncrRefCount(*msgPtr);
    Tcl_IncrRefCount(*infoPtr);
    Tcl_IncrRefCount(*codePtr);
    Tcl_DecrRefCount(options);
}

/*
 *----------------------------------------------------------------------
 *
 * PtclRunPx --
 *
 *	Runs px code in this rank's interp: at global level (Tcl_EvalObjEx
 *	with TCL_EVAL_GLOBAL, which also clears a cancellation when it
 *	returns to level 0), with stdout and stderr captured (or, with a line
 *	procedure, streamed line by line), the px group as default
 *	communicator and payload as what ::ptcl::payload gives.
 *
 * Results:
 *	Fills *reply (the caller clears it with PtclReplyClear).
 *
 * Side effects:
 *	Whatever the script does.
 *
 *----------------------------------------------------------------------
 */

void
PtclRunPx(
    Tcl_Interp *interp,
    PtclState *state,
    int64_t pxId,
    int numTargets,
    const int *targets,
    Tcl_Obj *scriptObj,
    Tcl_Obj *payload,
    PtclLineProc *lineProc,
    void *lineData,
    PtclReply *reply)
{
    Tcl_DString out, err;
    MPI_Comm savedComm = state->pxComm;
    Tcl_Obj *savedPayload = state->payload;
    int64_t savedId = state->pxId;
    int code;

    memset(reply, 0, sizeof(*reply));
    reply->rank = ptclWorld.rank;
    reply->pxId = pxId;
    Tcl_DStringInit(&out);
    Tcl_DStringInit(&err);

    state->pxId = pxId;
    code = PtclGroupComm(interp, numTargets, targets, &state->pxComm);
    if (code == TCL_OK) {
	state->inPx++;
	state->payload = payload;
	PtclCaptureBegin(lineProc, lineData);
	Tcl_IncrRefCount(scriptObj);
	PtclInterruptWatch(1);
	code = Tcl_EvalObjEx(interp, scriptObj, TCL_EVAL_GLOBAL);
	PtclInterruptWatch(0);
	Tcl_DecrRefCount(scriptObj);
	if (state->limitTripped) {
	    state->limitTripped = 0;
	    PtclInterruptLift(interp);
	}
	if (code == TCL_ERROR) {
	    /*
	     * Failed or stopped here: let go of every window lock this rank
	     * holds, so that no other rank waits for a holder that is gone.
	     */

	    PtclRunHooks(interp, PTCL_HOOK_PX_FAILED);
	}
	if (code == TCL_ERROR && state->cancelMsg
		&& StoppedHere(interp, state)) {
	    /*
	     * Stopped by an interrupt or released by a failed rank: the same
	     * message and error code on every rank, whatever Tcl said when
	     * the code was cancelled.
	     */

	    PtclStoppedError(interp, state);
	}
	PtclCaptureEnd(&out, &err);
	state->payload = savedPayload;
	state->inPx--;
    }
    code = PtclPxResultCode(interp, code);

    reply->code = code;
    if (code == TCL_ERROR) {
	PtclErrorParts(interp, &reply->result, &reply->errorInfo,
		&reply->errorCode);
    } else {
	reply->result = Tcl_GetObjResult(interp);
	Tcl_IncrRefCount(reply->result);
    }
    reply->out = Tcl_NewByteArrayObj((unsigned char *) Tcl_DStringValue(&out),
	    Tcl_DStringLength(&out));
    Tcl_IncrRefCount(reply->out);
    reply->err = Tcl_NewByteArrayObj((unsigned char *) Tcl_DStringValue(&err),
	    Tcl_DStringLength(&err));
    Tcl_IncrRefCount(reply->err);
    Tcl_DStringFree(&out);
    Tcl_DStringFree(&err);
    Tcl_ResetResult(interp);
    state->pxComm = savedComm;
    state->pxId = savedId;
    if (state->inPx == 0 && !(ptclWorld.shell && ptclWorld.rank == 0)) {
	/*
	 * Kept gather results (collective.c) go when a worker's px ends;
	 * rank 0 of the shell keeps them until its prompt takes the next
	 * command (prompt.c), so that gathers typed at the prompt, each a
	 * px of its own, can recycle within one command line.
	 */

	PtclRunHooks(interp, PTCL_HOOK_PX_END);
    }
    if (state->cancelMsg) {
	Tcl_DecrRefCount(state->cancelMsg);
	state->cancelMsg = NULL;
    }
    state->cancelKind = 0;
}

/*
 *----------------------------------------------------------------------
 *
 * WorkerCheck --
 *
 *	The wait-loop check of a worker while its px runs: takes INTERRUPT
 *	and ABORT messages from rank 0, dropping stale ones (of an earlier
 *	px).
 *
 * Results:
 *	TCL_OK to go on, TCL_ERROR with the reason in interp.
 *
 * Side effects:
 *	Consumes signal messages; may stop the px (PtclStopPx).
 *
 *----------------------------------------------------------------------
 */

static int
WorkerCheck(
    Tcl_Interp *interp,
    void *clientData)
{
    PtclState *state = (PtclState *) clientData;
    PtclBuf buf;
    PtclCommand cmd;
    int got;

    PtclBufInit(&buf);
    while ((got = PtclProbeMessage(interp, ptclWorld.control, 0,
	    PTCL_TAG_SIGNAL, &buf, NULL)) == 1) {
	if (PtclDecodeCommand(&buf, &cmd) != TCL_OK
		|| cmd.pxId != state->pxId) {
	    continue;		/* Stale: meant for an earlier px. */
	}
	if (cmd.kind == PTCL_MSG_INTERRUPT) {
	    PtclStopPx(state, PTCL_MSG_INTERRUPT,
		    Tcl_NewStringObj(cmd.script, (int) cmd.scriptLen));
	} else if (cmd.kind == PTCL_MSG_ABORT) {
	    PtclStopPx(state, PTCL_MSG_ABORT, Tcl_ObjPrintf(
		    "released: px failed on rank %d", cmd.exitCode));
	}
    }
    PtclBufFree(&buf);
    if (got < 0) {
	return TCL_ERROR;
    }
    return PtclStoppedError(interp, state);
}

/*
 * Streaming (px -stream): each line the px code completes goes to rank 0
 * at once, as a message {int32 stream, bytes line} on PTCL_TAG_OUTPUT.
 * The sends are kept until they complete; the reply goes after them, on
 * the same communicator, so rank 0 (which takes worker messages with any
 * tag, in order) prints every line before it sees the reply.
 */

typedef struct OutputSend {
    PtclBuf buf;
    MPI_Request req;
} OutputSend;

typedef struct Stream {
    OutputSend *sends;
    int num, max;
} Stream;

static void
StreamLine(
    void *clientData,
    int stream,
    const char *line,
    size_t len)
{
    Stream *s = (Stream *) clientData;
    OutputSend *o;

    if (s->num == s->max) {
	s->max = s->max ? 2 * s->max : 16;
	s->sends = (OutputSend *) ckrealloc(s->sends,
		sizeof(OutputSend) * (size_t) s->max);
    }
    o = &s->sends[s->num];
    PtclBufInit(&o->buf);
    PtclBufPutInt32(&o->buf, stream);
    PtclBufAppend(&o->buf, line, len);
    if (MPI_Isend(o->buf.bytes, (int) o->buf.len, MPI_BYTE, 0,
	    PTCL_TAG_OUTPUT, ptclWorld.control, &o->req) != MPI_SUCCESS) {
	PtclBufFree(&o->buf);
	return;
    }
    s->num++;
}

static void
StreamFinish(
    Stream *s)
{
    int i;

    for (i = 0; i < s->num; i++) {
	PtclWaitRequests(NULL, NULL, 1, &s->sends[i].req, NULL, PTCL_WAIT_NOCHECK);
	PtclBufFree(&s->sends[i].buf);
    }
    if (s->sends) {
	ckfree(s->sends);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * PtclServeCommand --
 *
 *	A worker's answer to one command from rank 0: run a PX and reply,
 *	or exit.
 *
 * Results:
 *	TCL_OK; TCL_ERROR only if the reply could not be sent.
 *
 * Side effects:
 *	Runs px code; sends output and a reply; EXIT does not return.
 *
 *----------------------------------------------------------------------
 */

int
PtclServeCommand(
    Tcl_Interp *interp,
    const PtclBuf *msg)
{
    PtclState *state = PtclGetState(interp);
    PtclCommand cmd;
    PtclReply reply;
    PtclBuf out;
    MPI_Request req;
    PtclCheckProc *oldProc;
    void *oldData;
    Tcl_Obj *scriptObj, *payload = NULL;
    Stream stream;
    int code, *targets, i, outLen, errLen;
    const unsigned char *o, *e;

    if (PtclDecodeCommand(msg, &cmd) != TCL_OK) {
	return TCL_OK;		/* Not ours to answer: ignore. */
    }
    switch (cmd.kind) {
    case PTCL_MSG_EXIT:
	Tcl_Exit(cmd.exitCode);
	return TCL_OK;
    case PTCL_MSG_PX:
	break;
    default:
	return TCL_OK;
    }

    if (cmd.flags & PTCL_PX_PAYLOAD) {
	if (PtclRecvPayload(interp, ptclWorld.control, 0, PTCL_TAG_PAYLOAD,
		&payload, &state->payloadKind, PTCL_WAIT_NOCHECK) != TCL_OK) {
	    payload = NULL;
	    state->payloadKind = 0;
	}
    }
    scriptObj = Tcl_NewStringObj(cmd.script, (int) cmd.scriptLen);
    Tcl_IncrRefCount(scriptObj);
    targets = (int *) ckalloc(sizeof(int) * (size_t) (cmd.numTargets + 1));
    for (i = 0; i < cmd.numTargets; i++) {
	targets[i] = cmd.targets[i];
    }
    memset(&stream, 0, sizeof(stream));

    PtclPushCheck(WorkerCheck, state, &oldProc, &oldData);
    state->pxId = cmd.pxId;
    PtclRunPx(interp, state, cmd.pxId, cmd.numTargets, targets, scriptObj,
	    payload, (cmd.flags & PTCL_PX_STREAM) ? StreamLine : NULL, &stream,
	    &reply);
    PtclPopCheck(oldProc, oldData);
    StreamFinish(&stream);

    ckfree(targets);
    Tcl_DecrRefCount(scriptObj);
    if (payload) {
	Tcl_DecrRefCount(payload);
    }
    state->payloadKind = 0;
    if (state->payloadDecoded) {
	Tcl_DecrRefCount(state->payloadDecoded);
	state->payloadDecoded = NULL;
    }

    PtclBufInit(&out);
    o = Tcl_GetByteArrayFromObj(reply.out, &outLen);
    e = Tcl_GetByteArrayFromObj(reply.err, &errLen);
    PtclEncodeReply(&out, reply.rank, reply.code, reply.pxId, reply.result,
	    reply.errorInfo, reply.errorCode, (const char *) o,
	    (size_t) outLen, (const char *) e, (size_t) errLen);
    PtclReplyClear(&reply);
    code = MPI_Isend(out.bytes, (int) out.len, MPI_BYTE, 0, PTCL_TAG_REPLY,
	    ptclWorld.control, &req);
    if (code == MPI_SUCCESS) {
	code = PtclWaitRequests(interp, NULL, 1, &req, NULL, PTCL_WAIT_NOCHECK);
    } else {
	code = PtclMpiError(interp, code, "sending a px reply");
    }
    PtclBufFree(&out);
    return code;
}

/*
 * PtclPxPayload --
 *
 *	The value rank 0 sent along with the running px (PtclPxRun's
 *	payloads), or NULL. The data commands at the prompt use it to carry
 *	each target its share without a string round trip.
 */

Tcl_Obj *
PtclPxPayload(
    Tcl_Interp *interp)
{
    PtclState *state = PtclGetState(interp);

    if (state->payload && state->payloadKind) {
	/* Still packed (PtclRecvPayload): unpack it now, once. */
	int len;
	unsigned char *bytes = Tcl_GetByteArrayFromObj(state->payload, &len);
	Tcl_Obj *value = PtclUnpackValue(state->payloadKind, bytes,
		(uint64_t) len);

	if (value == NULL) {
	    return NULL;
	}
	Tcl_IncrRefCount(value);
	state->payloadDecoded = value;
	state->payload = value;
	state->payloadKind = 0;
    }
    return state->payload;
}

/*
 * PtclPxRawPayload --
 *
 *	The payload of the running px while it is still packed numbers (a
 *	bytearray of them; *kindPtr says doubles or wides), so that the
 *	data commands at the prompt can rebuild the target variable's old
 *	list in place (PtclUnpackInto); NULL when it is not.
 */

Tcl_Obj *
PtclPxRawPayload(
    Tcl_Interp *interp,
    int *kindPtr)
{
    PtclState *state = PtclGetState(interp);

    *kindPtr = state->payloadKind;
    return state->payloadKind ? state->payload : NULL;
}

/*
 * PayloadObjCmd --
 *
 *	::ptcl::payload: inside px code that the data commands sent, the
 *	value that came with it for this rank. Internal to ptcl's commands.
 */

static int
PayloadObjCmd(
    ClientData clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    Tcl_Obj *payload = PtclPxPayload(interp);

    (void) clientData;
    if (objc != 1) {
	Tcl_WrongNumArgs(interp, 1, objv, NULL);
	Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
	return TCL_ERROR;
    }
    if (payload == NULL) {
	Tcl_SetObjResult(interp, Tcl_NewStringObj(
		"no payload: ::ptcl::payload is for px code sent with a value",
		-1));
	Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
	return TCL_ERROR;
    }
    Tcl_SetObjResult(interp, payload);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * RenewObjCmd --
 *
 *	::ptcl::renewcomm: after a px was interrupted or released, requests
 *	may still be pending on the user communicator and on the px groups'
 *	communicators, and their messages could match new receives. Every
 *	rank (rank 0 runs this as px code on all ranks) retires those
 *	communicators -- leaks them on purpose: freeing one with pending
 *	operations is not allowed -- and takes a fresh dup of MPI_COMM_WORLD,
 *	on which ptcl starts nothing else, as its user communicator.
 *
 * Results:
 *	TCL_OK, or an MPI error.
 *
 * Side effects:
 *	Replaces ptclWorld.user; forgets the cached group communicators.
 *
 *----------------------------------------------------------------------
 */

static int
RenewObjCmd(
    ClientData clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    PtclState *state = PtclGetState(interp);
    MPI_Comm fresh;
    MPI_Request req;
    Tcl_HashSearch search;
    Tcl_HashEntry *hPtr;
    int code;

    (void) clientData;
    if (objc != 1) {
	Tcl_WrongNumArgs(interp, 1, objv, NULL);
	return TCL_ERROR;
    }
    code = MPI_Comm_idup(MPI_COMM_WORLD, &fresh, &req);
    if (code != MPI_SUCCESS) {
	return PtclMpiError(interp, code, "renewing the user communicator");
    }
    if (PtclWaitRequests(interp, NULL, 1, &req, NULL, PTCL_WAIT_NOCHECK) != TCL_OK) {
	return TCL_ERROR;
    }
    if (PtclCommAdd(interp, fresh, "world") == NULL) {
	return TCL_ERROR;
    }
    ptclWorld.user = fresh;	/* The old one is retired: never freed. */
    for (hPtr = Tcl_FirstHashEntry(&state->groupComms, &search); hPtr;
	    hPtr = Tcl_NextHashEntry(&search)) {
	ckfree(Tcl_GetHashValue(hPtr));	/* The communicator is retired. */
    }
    Tcl_DeleteHashTable(&state->groupComms);
    Tcl_InitHashTable(&state->groupComms, TCL_STRING_KEYS);
    if (state->inPx) {
	state->pxComm = ptclWorld.user;
    }
    return PtclRunHooks(interp, PTCL_HOOK_COMMS_RENEWED);
}

int
PtclPxExecInit(
    Tcl_Interp *interp)
{
    Tcl_CreateObjCommand(interp, "::ptcl::payload", PayloadObjCmd, NULL,
	    NULL);
    Tcl_CreateObjCommand(interp, "::ptcl::renewcomm", RenewObjCmd, NULL,
	    NULL);
    return TCL_OK;
}
