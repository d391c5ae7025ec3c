/*
 * px.c --
 *
 *	px and targets: the parallel execution engine of ptclsh.
 *
 *	At the prompt, `px SCRIPT` on rank 0:
 *	  1. sends one PX command (script, targets, px id) to each worker
 *	     target on the control communicator (runtime/control.c);
 *	  2. runs SCRIPT itself if rank 0 is a target, in its own interp,
 *	     with output captured (RunPx);
 *	  3. waits in the wait loop for one reply per worker target
 *	     (CollectReplies), watching for Ctrl-C and failed ranks;
 *	  4. prints each target's output as "[stdout:R] line", grouped by
 *	     rank in rank order, and returns the list of results, or fails
 *	     with "[error:R] message" for each failed target (PtclPxReport).
 *
 *	On a worker, interp/worker.c receives the PX and calls
 *	PtclServeCommand (pxexec.c), which runs it the same way (PtclRunPx)
 *	and sends the reply back. One code path runs px code on every rank.
 *
 *	Stopping a px: Ctrl-C (SIGINT on rank 0) or -timeout sends INTERRUPT
 *	to every target still running; a failed reply sends ABORT, which
 *	releases the others' waits; a second Ctrl-C stops waiting for
 *	targets that do not answer. After any of these, every rank takes a
 *	fresh user communicator (::ptcl::renewcomm), so that messages of
 *	abandoned operations can never match new ones.
 */

#include "engine/engine.h"
#include <stdlib.h>
#include <string.h>

/*
 * Rank 0's view of one px while it runs.
 */

typedef struct PxRun {
    PtclState *state;
    int64_t pxId;
    int flags;			/* PTCL_PX_* */
    int numTargets;
    const int *targets;
    PtclReply *replies;		/* One per target, in target order. */
    char *replied;		/* Has target i replied? */
    int pending;		/* Worker replies still to come. */
    double deadline;		/* PtclNow() limit, or 0. */
    double timeout;
    int interruptSent;		/* INTERRUPT sent to the targets. */
    int abortSent;		/* ABORT sent to the targets. */
    int abandoned;		/* Second Ctrl-C: stop waiting. */
    int failedRank;		/* First rank whose reply failed, or -1. */
    MPI_Request *sends;		/* Signal sends, kept until complete. */
    int numSends, maxSends;
    PtclBuf signalBufs[2];	/* ABORT, INTERRUPT messages. */
} PxRun;

/*
 *----------------------------------------------------------------------
 *
 * PtclGroupComm --
 *
 *	The default communicator of px code for a set of targets: the user
 *	communicator when every rank is a target, otherwise a communicator
 *	over just those ranks, made once (MPI_Comm_create_group, collective
 *	over the targets only, which all call it as the px starts) and kept.
 *
 * Results:
 *	TCL_OK with *commPtr set, or TCL_ERROR (MPI failed).
 *
 * Side effects:
 *	May create and cache a communicator.
 *
 *----------------------------------------------------------------------
 */

int
PtclGroupComm(
    Tcl_Interp *interp,
    int numTargets,
    const int *targets,
    MPI_Comm *commPtr)
{
    PtclState *state = PtclGetState(interp);
    Tcl_DString key;
    Tcl_HashEntry *hPtr;
    MPI_Group world, group;
    MPI_Comm *slot;
    int i, isNew, code;
    char num[16];

    if (numTargets == ptclWorld.size) {
	*commPtr = ptclWorld.user;
	return TCL_OK;
    }
    Tcl_DStringInit(&key);
    for (i = 0; i < numTargets; i++) {
	snprintf(num, sizeof(num), "%d ", targets[i]);
	Tcl_DStringAppend(&key, num, -1);
    }
    hPtr = Tcl_CreateHashEntry(&state->groupComms, Tcl_DStringValue(&key),
	    &isNew);
    Tcl_DStringFree(&key);
    if (!isNew) {
	*commPtr = *(MPI_Comm *) Tcl_GetHashValue(hPtr);
	return TCL_OK;
    }
    slot = (MPI_Comm *) ckalloc(sizeof(MPI_Comm));
    MPI_Comm_group(ptclWorld.user, &world);
    MPI_Group_incl(world, numTargets, (int *) targets, &group);
    code = MPI_Comm_create_group(ptclWorld.user, group, 0, slot);
    MPI_Group_free(&group);
    MPI_Group_free(&world);
    if (code != MPI_SUCCESS) {
	ckfree(slot);
	Tcl_DeleteHashEntry(hPtr);
	return PtclMpiError(interp, code, "making the px group");
    }
    if (PtclCommAdd(interp, *slot, "px group") == NULL) {
	MPI_Comm_free(slot);
	ckfree(slot);
	Tcl_DeleteHashEntry(hPtr);
	return TCL_ERROR;
    }
    Tcl_SetHashValue(hPtr, slot);
    *commPtr = *slot;
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * SendSignal --
 *
 *	Rank 0 tells every worker target that has not replied yet to stop
 *	the current px: INTERRUPT (with the reason) or ABORT (failedRank
 *	failed). Each kind is sent at most once per px.
 *
 *----------------------------------------------------------------------
 */

static void
SendSignal(
    PxRun *run,
    int kind,
    int failedRank,
    const char *reason)
{
    PtclBuf *buf = &run->signalBufs[kind == PTCL_MSG_INTERRUPT];
    int i;

    if (kind == PTCL_MSG_INTERRUPT) {
	if (run->interruptSent) {
	    return;
	}
	run->interruptSent = 1;
    } else {
	if (run->abortSent || run->interruptSent) {
	    return;
	}
	run->abortSent = 1;
    }
    PtclEncodeCommand(buf, kind, 0, run->pxId, failedRank, 0, NULL, reason,
	    strlen(reason));
    for (i = 0; i < run->numTargets; i++) {
	if (run->targets[i] == 0 || run->replied[i]) {
	    continue;
	}
	if (run->numSends == run->maxSends) {
	    run->maxSends = run->maxSends ? 2 * run->maxSends : 8;
	    run->sends = (MPI_Request *) ckrealloc(run->sends,
		    sizeof(MPI_Request) * (size_t) run->maxSends);
	}
	if (MPI_Isend(buf->bytes, (int) buf->len, MPI_BYTE, run->targets[i],
		PTCL_TAG_SIGNAL, ptclWorld.control,
		&run->sends[run->numSends]) == MPI_SUCCESS) {
	    run->numSends++;
	}
    }
}

/*
 * TakeReply --
 *
 *	Files one reply message under its target; drops strays (an earlier
 *	px's, or a duplicate). A failed reply makes rank 0 release the others.
 */

static void
TakeReply(
    PxRun *run,
    const PtclBuf *buf)
{
    PtclReply reply;
    int i;

    if (PtclDecodeReply(buf, &reply) != TCL_OK) {
	return;
    }
    if (reply.pxId != run->pxId) {
	PtclReplyClear(&reply);
	return;
    }
    for (i = 0; i < run->numTargets; i++) {
	if (run->targets[i] == reply.rank) {
	    break;
	}
    }
    if (i == run->numTargets || run->replied[i] || reply.rank == 0) {
	PtclReplyClear(&reply);
	return;
    }
    run->replies[i] = reply;
    run->replied[i] = 1;
    run->pending--;
    if (reply.code == TCL_ERROR && run->failedRank < 0
	    && !run->interruptSent) {
	run->failedRank = reply.rank;
	SendSignal(run, PTCL_MSG_ABORT, reply.rank, "");
    }
}

/*
 * PrintStreamed --
 *
 *	One line that a target streamed (px -stream), printed at once as
 *	"[stdout:R] line", past rank 0's own capture.
 */

static void
PrintStreamed(
    int rank,
    int stream,
    const char *line,
    size_t len)
{
    char prefix[40];

    snprintf(prefix, sizeof(prefix), "[%s:%d] ",
	    stream == 1 ? "stdout" : "stderr", rank);
    PtclCaptureWriteThrough(stream, prefix, strlen(prefix));
    PtclCaptureWriteThrough(stream, line, len);
    PtclCaptureWriteThrough(stream, "\n", 1);
}

static void
LocalLine(
    void *clientData,
    int stream,
    const char *line,
    size_t len)
{
    (void) clientData;
    PrintStreamed(0, stream, line, len);
}

/*
 *----------------------------------------------------------------------
 *
 * RootCheck --
 *
 *	Rank 0's check while a px runs (its own part, and the wait for the
 *	replies): takes the workers' messages (replies, streamed lines),
 *	and turns Ctrl-C or the deadline into an INTERRUPT of every target.
 *
 * Results:
 *	TCL_ERROR (with the reason) when rank 0's own part must stop;
 *	TCL_OK otherwise.
 *
 * Side effects:
 *	Consumes messages; may send signals; prints streamed lines.
 *
 *----------------------------------------------------------------------
 */

static int
RootCheck(
    Tcl_Interp *interp,
    void *clientData)
{
    PxRun *run = (PxRun *) clientData;
    PtclState *state = run->state;
    MPI_Status status;
    PtclBuf buf;
    PtclReader r;
    int got, stream;

    PtclBufInit(&buf);
    while ((got = PtclProbeMessage(interp, ptclWorld.control,
	    MPI_ANY_SOURCE, MPI_ANY_TAG, &buf, &status)) == 1) {
	if (status.MPI_TAG == PTCL_TAG_REPLY) {
	    TakeReply(run, &buf);
	} else if (status.MPI_TAG == PTCL_TAG_OUTPUT) {
	    PtclReaderInit(&r, buf.bytes, buf.len);
	    stream = PtclGetInt32(&r);
	    if (!r.bad) {
		PrintStreamed(status.MPI_SOURCE, stream,
			(const char *) r.p, (size_t) (r.end - r.p));
	    }
	}
    }
    PtclBufFree(&buf);

    if (PtclSignalPending()) {
	PtclSignalClear();
	PtclCaptureWriteThrough(1, "\n", 1);	/* After the terminal's ^C. */
	if (!run->interruptSent) {
	    SendSignal(run, PTCL_MSG_INTERRUPT, -1, "interrupted");
	    PtclStopPx(state, PTCL_MSG_INTERRUPT,
		    Tcl_NewStringObj("interrupted", -1));
	} else if (!state->inPx) {
	    run->abandoned = 1;		/* Ctrl-C again: stop waiting. */
	}
    }
    if (run->deadline > 0.0 && !run->interruptSent
	    && PtclNow() >= run->deadline) {
	Tcl_Obj *msg = Tcl_ObjPrintf("interrupted: timed out after %g s",
		run->timeout);

	Tcl_IncrRefCount(msg);
	SendSignal(run, PTCL_MSG_INTERRUPT, -1, Tcl_GetString(msg));
	PtclStopPx(state, PTCL_MSG_INTERRUPT, msg);
	Tcl_DecrRefCount(msg);
    }
    if (state->inPx && run->failedRank >= 0) {
	PtclStopPx(state, PTCL_MSG_ABORT, Tcl_ObjPrintf(
		"released: px failed on rank %d", run->failedRank));
    }
    if (state->inPx) {
	return PtclStoppedError(interp, state);
    }
    return TCL_OK;
}

static int
PollReplies(
    Tcl_Interp *interp,
    void *clientData)
{
    PxRun *run = (PxRun *) clientData;

    if (RootCheck(interp, run) != TCL_OK) {
	return -1;
    }
    return run->pending == 0 || run->abandoned;
}

/*
 * Abandon --
 *
 *	After a second Ctrl-C: the targets that never answered get an error
 *	reply of rank 0's making.
 */

static void
Abandon(
    PxRun *run)
{
    int i;

    for (i = 0; i < run->numTargets; i++) {
	PtclReply *r = &run->replies[i];

	if (run->replied[i]) {
	    continue;
	}
	r->rank = run->targets[i];
	r->code = TCL_ERROR;
	r->pxId = run->pxId;
	r->result = Tcl_NewStringObj("interrupted: no answer (the rank may "
		"still be busy in a command that cannot be interrupted)", -1);
	Tcl_IncrRefCount(r->result);
	r->errorCode = Tcl_NewStringObj("PTCL INTERRUPT NOANSWER", -1);
	Tcl_IncrRefCount(r->errorCode);
    }
}

/*
 * RenewEverywhere --
 *
 *	Runs ::ptcl::renewcomm as px code on every rank, quietly.
 */

static void
RenewEverywhere(
    Tcl_Interp *interp)
{
    static int renewing = 0;
    Tcl_InterpState saved;
    Tcl_Obj *script;
    PtclReply *replies;
    int *targets, n, i;

    if (renewing) {
	return;			/* The renewal itself was stopped: leave it. */
    }
    renewing = 1;
    saved = Tcl_SaveInterpState(interp, TCL_OK);
    script = Tcl_NewStringObj("::ptcl::renewcomm", -1);
    Tcl_IncrRefCount(script);
    n = PtclAllTargets(&targets);
    replies = (PtclReply *) ckalloc(sizeof(PtclReply) * (size_t) n);
    if (PtclPxRun(interp, n, targets, script, NULL, 0, 0.0, replies)
	    == TCL_OK) {
	for (i = 0; i < n; i++) {
	    PtclReplyClear(&replies[i]);
	}
    }
    ckfree(replies);
    ckfree(targets);
    Tcl_DecrRefCount(script);
    Tcl_RestoreInterpState(interp, saved);
    renewing = 0;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclPxRun --
 *
 *	Rank 0 runs SCRIPT on the targets (sorted, distinct ranks) and
 *	collects one reply per target, in target order, into replies[]
 *	(which the caller clears with PtclReplyClear). Prints each target's
 *	output, grouped by rank in rank order.
 *
 * Results:
 *	TCL_OK when every target answered (each reply says how its script
 *	went); TCL_ERROR if the px could not be run (MPI failed).
 *
 * Side effects:
 *	Everything the script does on every target.
 *
 *----------------------------------------------------------------------
 */

static void
PrintOutput(
    Tcl_Interp *interp,
    int rank,
    Tcl_Obj *bytesObj,
    int stream)
{
    Tcl_Channel chan = Tcl_GetStdChannel(stream == 1 ? TCL_STDOUT
	    : TCL_STDERR);
    int len;
    const char *p = (const char *) Tcl_GetByteArrayFromObj(bytesObj, &len);
    const char *end = p + len, *nl;
    char prefix[40];

    (void) interp;
    if (chan == NULL || len == 0) {
	return;
    }
    snprintf(prefix, sizeof(prefix), "[%s:%d] ",
	    stream == 1 ? "stdout" : "stderr", rank);
    while (p < end) {
	nl = memchr(p, '\n', (size_t) (end - p));
	if (nl == NULL) {
	    nl = end;
	}
	Tcl_WriteChars(chan, prefix, -1);
	Tcl_Write(chan, p, (int) (nl - p));
	Tcl_WriteChars(chan, "\n", 1);
	p = nl + 1;
    }
    Tcl_Flush(chan);
}

int
PtclPxRun(
    Tcl_Interp *interp,
    int numTargets,
    const int *targets,
    Tcl_Obj *scriptObj,
    Tcl_Obj *const *payloads,
    int flags,
    double timeout,
    PtclReply *replies)
{
    PtclState *state = PtclGetState(interp);
    PxRun run;
    PtclBuf msg;
    MPI_Request *reqs;
    PtclValueSend *payloadSends = NULL;
    Tcl_Obj *empty = NULL;
    int numPayloads = 0;
    PtclCheckProc *oldProc;
    void *oldData;
    int i, numReqs = 0, code = TCL_OK, len, localIndex = -1;
    const char *script = Tcl_GetStringFromObj(scriptObj, &len);

    memset(&run, 0, sizeof(run));
    memset(replies, 0, sizeof(PtclReply) * (size_t) numTargets);
    run.state = state;
    run.pxId = ++state->nextPxId;
    run.flags = flags;
    run.numTargets = numTargets;
    run.targets = targets;
    run.replies = replies;
    run.replied = ckalloc((size_t) numTargets);
    memset(run.replied, 0, (size_t) numTargets);
    run.failedRank = -1;
    run.timeout = timeout;
    run.deadline = timeout > 0.0 ? PtclNow() + timeout : 0.0;
    PtclBufInit(&run.signalBufs[0]);
    PtclBufInit(&run.signalBufs[1]);
    PtclSignalClear();
    PtclNoteActivity();		/* A px starts: spin, don't nap, for replies. */

    /*
     * 1. Send the script (and the payloads) to every worker target.
     */

    if (payloads) {
	flags |= PTCL_PX_PAYLOAD;
	payloadSends = (PtclValueSend *) ckalloc(sizeof(PtclValueSend)
		* (size_t) numTargets);
	empty = Tcl_NewObj();
	Tcl_IncrRefCount(empty);
    }
    PtclBufInit(&msg);
    PtclEncodeCommand(&msg, PTCL_MSG_PX, flags, run.pxId, 0, numTargets,
	    targets, script, (size_t) len);
    reqs = (MPI_Request *) ckalloc(sizeof(MPI_Request) * (size_t) numTargets);
    for (i = 0; i < numTargets; i++) {
	if (targets[i] == 0) {
	    localIndex = i;
	    continue;
	}
	code = MPI_Isend(msg.bytes, (int) msg.len, MPI_BYTE, targets[i],
		PTCL_TAG_COMMAND, ptclWorld.control, &reqs[numReqs]);
	if (code != MPI_SUCCESS) {
	    code = PtclMpiError(interp, code, "sending px");
	    break;
	}
	numReqs++;
	run.pending++;
	if (payloads) {
	    code = PtclValueSendStart(interp, &payloadSends[numPayloads],
		    payloads[i] ? payloads[i] : empty, ptclWorld.control,
		    targets[i], PTCL_TAG_PAYLOAD, 0);
	    numPayloads++;
	    if (code != TCL_OK) {
		break;
	    }
	}
    }

    /*
     * 2. Run rank 0's own part; 3. wait for the workers' replies.
     */

    PtclPushCheck(RootCheck, &run, &oldProc, &oldData);
    if (code == TCL_OK && localIndex >= 0) {
	PtclRunPx(interp, state, run.pxId, numTargets, targets, scriptObj,
		payloads ? payloads[localIndex] : NULL,
		(flags & PTCL_PX_STREAM) ? LocalLine : NULL, NULL,
		&replies[localIndex]);
	run.replied[localIndex] = 1;
	if (replies[localIndex].code == TCL_ERROR && run.failedRank < 0
		&& !run.interruptSent) {
	    run.failedRank = 0;
	    SendSignal(&run, PTCL_MSG_ABORT, 0, "");
	}
    }
    if (code == TCL_OK || numReqs > 0) {
	if (PtclWait(interp, NULL, PollReplies, &run, PTCL_WAIT_IDLE) != TCL_OK) {
	    code = TCL_ERROR;
	}
    }
    PtclPopCheck(oldProc, oldData);
    if (run.abandoned) {
	Abandon(&run);
    }
    if (PtclForgetRequests(numReqs, reqs) > 0) {
	msg.bytes = NULL;	/* Still read by MPI: leaked, not freed. */
    }
    if (PtclForgetRequests(run.numSends, run.sends) > 0) {
	run.signalBufs[0].bytes = run.signalBufs[1].bytes = NULL;
    }
    for (i = 0; i < numPayloads; i++) {
	PtclValueSendFree(&payloadSends[i]);
    }
    if (payloadSends) {
	ckfree(payloadSends);
	Tcl_DecrRefCount(empty);
    }
    if (run.sends) {
	ckfree(run.sends);
    }
    if (state->cancelMsg) {
	Tcl_DecrRefCount(state->cancelMsg);
	state->cancelMsg = NULL;
    }
    state->cancelKind = 0;
    PtclSignalClear();
    PtclBufFree(&run.signalBufs[0]);
    PtclBufFree(&run.signalBufs[1]);
    PtclBufFree(&msg);
    ckfree(reqs);
    ckfree(run.replied);

    /*
     * 4. Show the output, grouped by rank in rank order (with -stream,
     *    only unfinished last lines are left).
     */

    for (i = 0; i < numTargets; i++) {
	if (replies[i].out) {
	    PrintOutput(interp, targets[i], replies[i].out, 1);
	}
	if (replies[i].err) {
	    PrintOutput(interp, targets[i], replies[i].err, 2);
	}
    }

    /*
     * 5. After a stopped px, fresh communicators on every rank (see
     *    ::ptcl::renewcomm in pxexec.c) -- unless some rank is still busy.
     */

    if ((run.interruptSent || run.abortSent) && !run.abandoned
	    && code == TCL_OK) {
	RenewEverywhere(interp);
    }
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclPxReport --
 *
 *	Turns the replies of a px into px's result: the list of results in
 *	rank order (the empty string when all are empty), or an error that
 *	lists "[error:R] message" for each failed rank, with -errorcode
 *	{PTCL REMOTE RANKS ERRORCODES} and, in -errorinfo, the message
 *	followed by each remote traceback under "(remote traceback of rank
 *	R)".
 *
 * Results:
 *	TCL_OK or TCL_ERROR, with the interp's result and options set.
 *
 *----------------------------------------------------------------------
 */

/*
 * IsEmpty --
 *
 *	Is a value the empty string? Without asking for its string when it
 *	has none: the string of a list of byte arrays or numbers can cost
 *	more than the px that made it.
 */

static int
IsEmpty(
    Tcl_Obj *objPtr)
{
    static const Tcl_ObjType *listType = NULL, *bytesType = NULL;
    int n;

    if (objPtr == NULL) {
	return 1;
    }
    if (objPtr->bytes != NULL) {
	return objPtr->length == 0;
    }
    if (listType == NULL) {
	listType = Tcl_GetObjType("list");
	bytesType = Tcl_GetObjType("bytearray");
    }
    if (objPtr->typePtr == listType
	    && Tcl_ListObjLength(NULL, objPtr, &n) == TCL_OK) {
	return n == 0;
    }
    if (objPtr->typePtr == bytesType) {
	Tcl_GetByteArrayFromObj(objPtr, &n);
	return n == 0;
    }
    return Tcl_GetCharLength(objPtr) == 0;
}

int
PtclPxReport(
    Tcl_Interp *interp,
    int numTargets,
    PtclReply *replies)
{
    Tcl_Obj *message, *info, *ranks, *codes, *list;
    int i, anyError = 0, allEmpty = 1;

    for (i = 0; i < numTargets; i++) {
	if (replies[i].code != TCL_OK) {
	    anyError = 1;
	}
	if (!IsEmpty(replies[i].result)) {
	    allEmpty = 0;
	}
    }
    if (!anyError) {
	if (allEmpty) {
	    Tcl_ResetResult(interp);
	    return TCL_OK;
	}
	list = Tcl_NewListObj(0, NULL);
	for (i = 0; i < numTargets; i++) {
	    Tcl_ListObjAppendElement(NULL, list, replies[i].result
		    ? replies[i].result : Tcl_NewObj());
	}
	Tcl_SetObjResult(interp, list);
	return TCL_OK;
    }

    message = Tcl_NewObj();
    info = Tcl_NewObj();
    ranks = Tcl_NewListObj(0, NULL);
    codes = Tcl_NewListObj(0, NULL);
    for (i = 0; i < numTargets; i++) {
	PtclReply *r = &replies[i];

	if (r->code == TCL_OK) {
	    continue;
	}
	if (Tcl_GetCharLength(message) > 0) {
	    Tcl_AppendToObj(message, "\n", 1);
	}
	Tcl_AppendPrintfToObj(message, "[error:%d] %s", r->rank,
		r->result ? Tcl_GetString(r->result) : "no reply");
	Tcl_AppendPrintfToObj(info, "\n    (remote traceback of rank %d)\n%s",
		r->rank, r->errorInfo ? Tcl_GetString(r->errorInfo)
		: (r->result ? Tcl_GetString(r->result) : "no reply"));
	Tcl_ListObjAppendElement(NULL, ranks, Tcl_NewIntObj(r->rank));
	Tcl_ListObjAppendElement(NULL, codes, r->errorCode
		? r->errorCode : Tcl_NewStringObj("NONE", -1));
    }
    list = Tcl_NewListObj(0, NULL);
    Tcl_ListObjAppendElement(NULL, list, Tcl_NewStringObj("PTCL", -1));
    Tcl_ListObjAppendElement(NULL, list, Tcl_NewStringObj("REMOTE", -1));
    Tcl_ListObjAppendElement(NULL, list, ranks);
    Tcl_ListObjAppendElement(NULL, list, codes);

    /*
     * The traceback starts with the message, then each remote one; Tcl
     * goes on adding "while executing" lines as the error rises here.
     */

    Tcl_SetObjResult(interp, message);
    Tcl_SetObjErrorCode(interp, list);
    Tcl_AppendObjToErrorInfo(interp, info);
    return TCL_ERROR;
}

/*
 *----------------------------------------------------------------------
 *
 * PxObjCmd --
 *
 *	px ?-targets RANKS? ?-timeout SECONDS? ?-stream? ?--? SCRIPT
 *
 * Results:
 *	See PtclPxReport.
 *
 * Side effects:
 *	Runs SCRIPT on every target.
 *
 *----------------------------------------------------------------------
 */

#define PX_USAGE \
    "px ?-targets RANKS? ?-timeout SECONDS? ?-stream? ?--? SCRIPT"

static const PtclOptSpec pxOptions[] = {
    {"-targets", PTCL_OPT_TARGETS},
    {"-timeout", PTCL_OPT_SECONDS},
    {"-stream", PTCL_OPT_FLAG},
    {"--", PTCL_OPT_FLAG},
    {NULL, PTCL_OPT_FLAG}
};
enum { PX_TARGETS, PX_TIMEOUT, PX_STREAM, PX_END, PX_NUM_OPTIONS };

static int
PxObjCmd(
    ClientData clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    PtclOptValue opt[PX_NUM_OPTIONS];
    PtclReply *replies;
    int *targets = NULL, numTargets, i, code, first, flags = 0;

    (void) clientData;
    if (!ptclWorld.shell) {
	Tcl_SetObjResult(interp, Tcl_NewStringObj(
		"px needs ptclsh: start the job with \"mpiexec -n N ptclsh\"; "
		"in an SPMD script every rank already runs every line", -1));
	Tcl_SetErrorCode(interp, "PTCL", "USAGE", "SHELL", NULL);
	return TCL_ERROR;
    }
    if (PtclWhereAmI(interp) != PTCL_AT_PROMPT) {
	Tcl_SetObjResult(interp, Tcl_NewStringObj(
		"px cannot be used inside px code: it runs at the prompt", -1));
	Tcl_SetErrorCode(interp, "PTCL", "USAGE", "NESTED", NULL);
	return TCL_ERROR;
    }
    if (PtclParseLeadingOptions(interp, objc, objv, 1, pxOptions, opt,
	    PX_USAGE, &first) != TCL_OK) {
	PtclFreeOptions(pxOptions, opt);
	return TCL_ERROR;
    }
    if (opt[PX_STREAM].given) {
	flags |= PTCL_PX_STREAM;
    }
    if (opt[PX_TARGETS].given) {
	targets = opt[PX_TARGETS].targets;
	numTargets = opt[PX_TARGETS].numTargets;
	opt[PX_TARGETS].targets = NULL;
    } else {
	numTargets = PtclAllTargets(&targets);
    }

    replies = (PtclReply *) ckalloc(sizeof(PtclReply) * (size_t) numTargets);
    code = PtclPxRun(interp, numTargets, targets, objv[first], NULL,
	    flags, opt[PX_TIMEOUT].given ? opt[PX_TIMEOUT].seconds : 0.0,
	    replies);
    if (code == TCL_OK) {
	code = PtclPxReport(interp, numTargets, replies);
    }
    for (i = 0; i < numTargets; i++) {
	PtclReplyClear(&replies[i]);
    }
    ckfree(replies);
    ckfree(targets);
    return code;
}

/*
 * TargetsObjCmd --
 *
 *	targets: every rank, 0 to N-1.
 */

static int
TargetsObjCmd(
    ClientData clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    Tcl_Obj *list;
    int i;

    (void) clientData;
    if (objc != 1) {
	Tcl_WrongNumArgs(interp, 1, objv, NULL);
	Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
	return TCL_ERROR;
    }
    list = Tcl_NewListObj(0, NULL);
    for (i = 0; i < ptclWorld.size; i++) {
	Tcl_ListObjAppendElement(NULL, list, Tcl_NewIntObj(i));
    }
    Tcl_SetObjResult(interp, list);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * ExitObjCmd --
 *
 *	ptclsh's exit: at the prompt it ends every rank (through Tcl_Exit
 *	and the shell's exit procedure); inside px code it is an error,
 *	since one rank leaving would strand the others.
 *
 *----------------------------------------------------------------------
 */

static int
ExitObjCmd(
    ClientData clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    int status = 0;

    (void) clientData;
    if (objc > 2) {
	Tcl_WrongNumArgs(interp, 1, objv, "?returnCode?");
	Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
	return TCL_ERROR;
    }
    if (objc == 2 && Tcl_GetIntFromObj(interp, objv[1], &status) != TCL_OK) {
	return TCL_ERROR;
    }
    if (PtclWhereAmI(interp) != PTCL_AT_PROMPT) {
	Tcl_SetObjResult(interp, Tcl_NewStringObj(
		"exit is not allowed in px code: use it at the prompt, "
		"where it ends every rank", -1));
	Tcl_SetErrorCode(interp, "PTCL", "USAGE", "EXIT", NULL);
	return TCL_ERROR;
    }
    Tcl_Exit(status);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclShellExit --
 *
 *	The end of a ptclsh job: rank 0 tells every worker to exit with the
 *	same status, then every rank finalizes Tcl and MPI and exits.
 *
 * Results:
 *	Does not return.
 *
 *----------------------------------------------------------------------
 */

int
PtclShellExit(
    int status)
{
    if (ptclWorld.initialized && !ptclWorld.finalized
	    && ptclWorld.rank == 0 && ptclWorld.size > 1) {
	PtclBuf msg;
	MPI_Request *reqs = (MPI_Request *) ckalloc(sizeof(MPI_Request)
		* (size_t) ptclWorld.size);
	int i, n = 0;

	PtclBufInit(&msg);
	PtclEncodeCommand(&msg, PTCL_MSG_EXIT, 0, 0, status, 0, NULL, "", 0);
	for (i = 1; i < ptclWorld.size; i++) {
	    if (MPI_Isend(msg.bytes, (int) msg.len, MPI_BYTE, i,
		    PTCL_TAG_COMMAND, ptclWorld.control, &reqs[n])
		    == MPI_SUCCESS) {
		n++;
	    }
	}
	PtclWaitRequests(NULL, NULL, n, reqs, NULL, PTCL_WAIT_IDLE);
	ckfree(reqs);
	PtclBufFree(&msg);
    }
    Tcl_Finalize();		/* Flushes channels; finalizes MPI. */
    exit(status);
    return status;
}

int
PtclPxInit(
    Tcl_Interp *interp)
{
    PtclPxExecInit(interp);
    Tcl_CreateObjCommand(interp, "::ptcl::px", PxObjCmd, NULL, NULL);
    Tcl_CreateObjCommand(interp, "::ptcl::targets", TargetsObjCmd, NULL,
	    NULL);
    if (ptclWorld.shell) {
	Tcl_CreateObjCommand(interp, "::exit", ExitObjCmd, NULL, NULL);
	PtclInterruptAfterInit(interp);
    }
    return TCL_OK;
}
