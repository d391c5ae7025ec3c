/*
 * pmap.c --
 *
 *	pmap ?-dynamic? ?-chunk N? ?-targets RANKS? CMDPREFIX LIST: the
 *	results of {*}CMDPREFIX $item for every item of LIST, in LIST's
 *	order, computed on the targets.
 *
 *	One engine serves every form: a master (rank 0 at the prompt; the
 *	lowest rank of the group in px code and SPMD scripts) hands out
 *	chunks of items and collects their results; workers compute chunks
 *	and send back their results. By default each computing rank gets one
 *	contiguous block (sizes differ by at most one, the larger first, as
 *	scatter cuts them); with -dynamic the master hands chunks of -chunk
 *	items (default 1) to whichever worker is free. The master computes
 *	too when it is one of the targets -- under -dynamic only when it has
 *	a single worker -- one item at a time between looks at its mailbox,
 *	so that it keeps the others fed.
 *
 *	Messages go on a communicator of pmap's own (a dup of the group's,
 *	made on the first pmap over that group and kept), so user traffic
 *	(mpi:: calls inside CMDPREFIX) can never match them. Each message
 *	carries the run's number; what an interrupted run leaves behind is
 *	dropped by the next. Every wait is the wait loop's (PtclWait,
 *	PtclRecvValue), so Ctrl-C and a failed rank release it.
 *
 *	An error on an item stops the handing out; the master waits for the
 *	chunks in flight, tells every worker to stop, and fails with a
 *	message naming the item (its index and value) and the rank.
 *
 *	At the prompt on a terminal (rank 0, tcl_interactive true), a pmap
 *	that runs longer than PROGRESS_AFTER seconds shows a progress bar
 *	(items done / total, rate, ETA) on the terminal, erased at the end.
 *	It is written to /dev/tty, the terminal the prompt reads, because
 *	rank 0's stderr is captured while px code runs; with no terminal
 *	there is no bar.
 *
 *	Leans on: px.c (PtclPxRun, payloads), transfer.h (value messages).
 */

#include "engine/engine.h"
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#define PMAP_USAGE \
    "pmap ?-dynamic? ?-chunk N? ?-targets RANKS? CMDPREFIX LIST"

#define TAG_TO_WORKER	1
#define TAG_TO_MASTER	2

#define PROGRESS_AFTER	2.0	/* Seconds before the bar shows. */
#define PROGRESS_EVERY	0.1	/* Seconds between redraws. */
#define NOTE_EVERY	0.25	/* Seconds between a worker's notes. */
#define MESSAGE_CHARS	40	/* An item's value in messages. */

int	PtclCommWorldRanks(MPI_Comm comm, int **ranksPtr);

/*
 * pmap's own communicators: group communicator -> private dup, and the
 * number of the last run over it.
 */

typedef struct Private {
    MPI_Comm comm;
    int64_t runs;
} Private;

static Tcl_HashTable privates;
static int privatesReady = 0;

/*
 * One run, as the master sees it.
 */

typedef struct Run {
    Tcl_Interp *interp;
    MPI_Comm comm;		/* Private communicator. */
    int size;			/* Its size; the master is rank 0. */
    int *worldRanks;		/* World rank of each member. */
    int64_t id;
    int cmdc;
    Tcl_Obj **cmdv;		/* CMDPREFIX's words, then the item. */
    int n;			/* Items. */
    Tcl_Obj **items;
    Tcl_Obj **results;		/* One reference each, once done. */
    int dynamic, chunk, self;
    int numComputers;		/* Members that compute. */
    int *next, *end;		/* Static: each member's block, what is
				 * left of it. Dynamic: next[0] is the
				 * common queue. */
    int *busy;			/* Items a worker is computing, or 0. */
    int *noted;			/* Items it has reported done so far. */
    int selfStart, selfEnd;	/* The master's own chunk. */
    int done;
    int errIndex, errRank;	/* The failed item, or -1. */
    Tcl_Obj *errMsg, *errInfo, *errCode;
    PtclValueRecv recv;
    PtclValueSend **sends;
    int numSends, maxSends;
    int progress, ttyFd, drawn;
    double start, lastDraw;
    int acks;			/* Workers that have the error. */
} Run;

/*
 *----------------------------------------------------------------------
 *
 * PrivateComm --
 *
 *	pmap's communicator for a group: made by every member on its first
 *	pmap (collective), kept afterwards.
 *
 *----------------------------------------------------------------------
 */

static int
PrivateComm(
    Tcl_Interp *interp,
    MPI_Comm group,
    Private **privPtr)
{
    Tcl_HashEntry *hPtr;
    Private *priv = NULL;
    MPI_Request req;
    int isNew, code;

    if (!privatesReady) {
	Tcl_InitHashTable(&privates, TCL_ONE_WORD_KEYS);
	privatesReady = 1;
    }
    hPtr = Tcl_CreateHashEntry(&privates,
	    (char *) (intptr_t) MPI_Comm_c2f(group), &isNew);
    if (!isNew) {
	*privPtr = (Private *) Tcl_GetHashValue(hPtr);
	return TCL_OK;
    }
    priv = (Private *) ckalloc(sizeof(Private));
    priv->runs = 0;
    code = MPI_Comm_idup(group, &priv->comm, &req);
    if (code != MPI_SUCCESS) {
	ckfree(priv);
	Tcl_DeleteHashEntry(hPtr);
	return PtclMpiError(interp, code, "making pmap's communicator");
    }
    if (PtclWaitRequests(interp, NULL, 1, &req, NULL, 0) != TCL_OK) {
	ckfree(priv);
	Tcl_DeleteHashEntry(hPtr);
	return TCL_ERROR;
    }
    MPI_Comm_set_errhandler(priv->comm, MPI_ERRORS_RETURN);
    if (PtclCommAdd(interp, priv->comm, "pmap") == NULL) {
	Tcl_DeleteHashEntry(hPtr);
	return TCL_ERROR;	/* The dup is leaked: it may be in use. */
    }
    Tcl_SetHashValue(hPtr, priv);
    *privPtr = priv;
    return TCL_OK;
}

/*
 * Messages are lists: {id kind ...}.
 *	to a worker:	{id work START ITEMS}, {id stop OK VALUE ?INFO CODE?}
 *	to the master:	{id done START RESULTS},
 *			{id fail START INDEX MESSAGE INFO CODE},
 *			{id note START COUNT}
 */

static Tcl_Obj *
Message(
    int64_t id,
    const char *kind,
    int objc,
    Tcl_Obj *const objv[])
{
    Tcl_Obj *list = Tcl_NewListObj(0, NULL);
    int i;

    Tcl_ListObjAppendElement(NULL, list, Tcl_NewWideIntObj(id));
    Tcl_ListObjAppendElement(NULL, list, Tcl_NewStringObj(kind, -1));
    for (i = 0; i < objc; i++) {
	Tcl_ListObjAppendElement(NULL, list, objv[i]);
    }
    return list;
}

/*
 * ItemString --
 *
 *	An item's value for a message, cut after MESSAGE_CHARS characters.
 */

static Tcl_Obj *
ItemString(
    Tcl_Obj *item)
{
    int len;
    const char *s = Tcl_GetStringFromObj(item, &len);

    if (Tcl_GetCharLength(item) <= MESSAGE_CHARS) {
	return Tcl_NewStringObj(s, len);
    }
    {
	Tcl_Obj *head = Tcl_GetRange(item, 0, MESSAGE_CHARS - 1), *cut;

	Tcl_IncrRefCount(head);
	cut = Tcl_ObjPrintf("%s...", Tcl_GetString(head));
	Tcl_DecrRefCount(head);
	return cut;
    }
}

/*
 *----------------------------------------------------------------------
 *
 * EvalItem --
 *
 *	{*}CMDPREFIX ITEM at global level.
 *
 * Results:
 *	TCL_OK with the result in the interp, or TCL_ERROR.
 *
 *----------------------------------------------------------------------
 */

static int
EvalItem(
    Tcl_Interp *interp,
    int cmdc,
    Tcl_Obj **cmdv,
    Tcl_Obj *item)
{
    int code;

    cmdv[cmdc] = item;
    code = Tcl_EvalObjv(interp, cmdc + 1, cmdv, TCL_EVAL_GLOBAL);
    if (code == TCL_RETURN) {
	code = TCL_OK;
    } else if (code == TCL_BREAK || code == TCL_CONTINUE) {
	Tcl_SetObjResult(interp, Tcl_ObjPrintf(
		"invoked \"%s\" outside of a loop",
		code == TCL_BREAK ? "break" : "continue"));
	code = TCL_ERROR;
    }
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * The master.
 *
 *----------------------------------------------------------------------
 */

static void
RecordError(
    Run *run,
    int index,
    int rank,
    Tcl_Obj *msg,
    Tcl_Obj *info,
    Tcl_Obj *code)
{
    if (run->errIndex >= 0 && run->errIndex <= index) {
	return;			/* Keep the first item that failed. */
    }
    if (run->errMsg) {
	Tcl_DecrRefCount(run->errMsg);
	Tcl_DecrRefCount(run->errInfo);
	Tcl_DecrRefCount(run->errCode);
    }
    run->errIndex = index;
    run->errRank = rank;
    run->errMsg = msg;
    run->errInfo = info;
    run->errCode = code;
    Tcl_IncrRefCount(msg);
    Tcl_IncrRefCount(info);
    Tcl_IncrRefCount(code);
}

/*
 * NextChunk --
 *
 *	The next items for member m: its own block's next part (static), or
 *	the common queue's next chunk (dynamic). 0 when there are none.
 */

static int
NextChunk(
    Run *run,
    int m,
    int *startPtr)
{
    int q = run->dynamic ? 0 : m, len;

    if (run->errIndex >= 0 || run->next[q] >= run->end[q]) {
	return 0;
    }
    len = run->dynamic ? run->chunk : run->end[q] - run->next[q];
    if (len > run->end[q] - run->next[q]) {
	len = run->end[q] - run->next[q];
    }
    *startPtr = run->next[q];
    run->next[q] += len;
    return len;
}

static int
StartSend(
    Run *run,
    int dest,
    Tcl_Obj *msg)
{
    PtclValueSend *s = (PtclValueSend *) ckalloc(sizeof(PtclValueSend));
    int code;

    Tcl_IncrRefCount(msg);
    code = PtclValueSendStart(run->interp, s, msg, run->comm, dest,
	    TAG_TO_WORKER, 0);
    Tcl_DecrRefCount(msg);
    if (run->numSends == run->maxSends) {
	run->maxSends = run->maxSends ? 2 * run->maxSends : 8;
	run->sends = (PtclValueSend **) ckrealloc(run->sends,
		sizeof(PtclValueSend *) * (size_t) run->maxSends);
    }
    run->sends[run->numSends++] = s;
    return code;
}

/*
 * ReapSends --
 *
 *	Frees the sends that have completed. Returns 1 when none is left,
 *	-1 on an MPI error.
 */

static int
ReapSends(
    Run *run)
{
    int i, k = 0, t;

    for (i = 0; i < run->numSends; i++) {
	t = PtclValueSendTest(run->interp, run->sends[i]);
	if (t < 0) {
	    return -1;
	}
	if (t) {
	    PtclValueSendFree(run->sends[i]);
	    ckfree(run->sends[i]);
	} else {
	    run->sends[k++] = run->sends[i];
	}
    }
    run->numSends = k;
    return k == 0;
}

static int
PollSends(
    Tcl_Interp *interp,
    void *clientData)
{
    return ReapSends((Run *) clientData);
}

/*
 * PollAcks --
 *
 *	The master's last wait after an error in px code or SPMD: every
 *	stop sent, and every worker's "ack" received. Ctrl-C ends it.
 */

static int
PollAcks(
    Tcl_Interp *interp,
    void *clientData)
{
    Run *run = (Run *) clientData;
    Tcl_Obj **elems;
    Tcl_WideInt id;
    int got, n;

    if (ReapSends(run) < 0) {
	return -1;
    }
    while ((got = PtclValueRecvTest(interp, &run->recv)) == 1) {
	if (Tcl_ListObjGetElements(NULL, run->recv.value, &n, &elems)
		== TCL_OK && n >= 2 && Tcl_GetWideIntFromObj(NULL, elems[0],
		&id) == TCL_OK && id == run->id
		&& strcmp(Tcl_GetString(elems[1]), "ack") == 0) {
	    run->acks++;
	}
	PtclValueRecvFree(&run->recv);
	PtclValueRecvInit(&run->recv, run->comm, MPI_ANY_SOURCE,
		TAG_TO_MASTER);
    }
    if (got < 0) {
	return -1;
    }
    if (PtclSignalPending()) {
	Tcl_SetObjResult(interp, Tcl_NewStringObj("interrupted", -1));
	Tcl_SetErrorCode(interp, "PTCL", "INTERRUPT", NULL);
	return -1;		/* The flag stays for px to see. */
    }
    return run->numSends == 0 && run->acks >= run->size - 1;
}

static void
FreeSends(
    Run *run)
{
    int i;

    for (i = 0; i < run->numSends; i++) {
	PtclValueSendFree(run->sends[i]);	/* Abandoned: see transfer.c. */
	ckfree(run->sends[i]);
    }
    run->numSends = 0;
    if (run->sends) {
	ckfree(run->sends);
	run->sends = NULL;
    }
}

/*
 * Draw --
 *
 *	The progress bar, when due. final: erase it.
 */

static void
Draw(
    Run *run,
    int final)
{
    char line[160], bar[31];
    double now = PtclNow(), elapsed = now - run->start, rate, eta;
    int i, count = run->done, filled, len;

    if (!run->progress) {
	return;
    }
    if (final) {
	if (run->drawn && run->ttyFd >= 0) {
	    len = snprintf(line, sizeof(line), "\r\033[K");
	    if (write(run->ttyFd, line, (size_t) len) < 0) {
		/* Nothing to do: the bar is a courtesy. */
	    }
	}
	return;
    }
    if (elapsed < PROGRESS_AFTER || now - run->lastDraw < PROGRESS_EVERY) {
	return;
    }
    if (run->ttyFd < 0) {
	run->ttyFd = open("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (run->ttyFd < 0) {
	    run->progress = 0;
	    return;
	}
    }
    for (i = 1; i < run->size; i++) {
	count += run->noted[i];
    }
    if (count > run->n) {
	count = run->n;
    }
    run->lastDraw = now;
    rate = count / elapsed;
    eta = rate > 0 ? (run->n - count) / rate : 0;
    filled = run->n > 0 ? (int) (30.0 * count / run->n) : 30;
    for (i = 0; i < 30; i++) {
	bar[i] = i < filled ? '#' : '.';
    }
    bar[30] = '\0';
    len = snprintf(line, sizeof(line),
	    "\r\033[Kpmap [%s] %d/%d  %.1f items/s  ETA %d:%02d", bar, count,
	    run->n, rate, (int) eta / 60, (int) eta % 60);
    if (write(run->ttyFd, line, (size_t) len) >= 0) {
	run->drawn = 1;
    }
}

/*
 * TakeMessage --
 *
 *	The master files one message from a worker.
 */

static void
TakeMessage(
    Run *run,
    Tcl_Obj *msg,
    int source)
{
    Tcl_Obj **elems, **res;
    Tcl_WideInt id;
    int n, start, count, i, index;
    const char *kind;

    if (Tcl_ListObjGetElements(NULL, msg, &n, &elems) != TCL_OK || n < 4
	    || Tcl_GetWideIntFromObj(NULL, elems[0], &id) != TCL_OK
	    || id != run->id || source <= 0 || source >= run->size
	    || Tcl_GetIntFromObj(NULL, elems[2], &start) != TCL_OK) {
	return;			/* Stale or stray. */
    }
    kind = Tcl_GetString(elems[1]);
    if (strcmp(kind, "note") == 0) {
	if (Tcl_GetIntFromObj(NULL, elems[3], &count) == TCL_OK) {
	    run->noted[source] = count;
	}
	return;
    }
    if (run->busy[source] == 0) {
	return;
    }
    if (strcmp(kind, "done") == 0) {
	if (Tcl_ListObjGetElements(NULL, elems[3], &count, &res) == TCL_OK) {
	    for (i = 0; i < count && start + i < run->n; i++) {
		if (run->results[start + i] == NULL) {
		    run->results[start + i] = res[i];
		    Tcl_IncrRefCount(res[i]);
		}
	    }
	    run->done += count;
	}
    } else if (strcmp(kind, "fail") == 0 && n >= 7
	    && Tcl_GetIntFromObj(NULL, elems[3], &index) == TCL_OK) {
	RecordError(run, index, run->worldRanks[source], elems[4], elems[5],
		elems[6]);
    }
    run->busy[source] = 0;
    run->noted[source] = 0;
}

static int
PollMailbox(
    Tcl_Interp *interp,
    void *clientData)
{
    Run *run = (Run *) clientData;
    int got = PtclValueRecvTest(interp, &run->recv);

    if (got == 0) {
	if (ReapSends(run) < 0) {
	    return -1;
	}
	Draw(run, 0);
    }
    return got;
}

/*
 *----------------------------------------------------------------------
 *
 * Master --
 *
 *	Hands out the items, computes its own share, collects the results.
 *
 * Results:
 *	TCL_OK with the list of results in interp, or TCL_ERROR: an item
 *	failed (message naming it and its rank), or the wait was stopped
 *	(interrupt, failed rank).
 *
 *----------------------------------------------------------------------
 */

static int
Master(
    Run *run,
    Tcl_Obj **resultPtr)
{
    Tcl_Interp *interp = run->interp;
    int i, m, start, len, code = TCL_OK, busyCount, self0, got;

    /*
     * The blocks (static) or the queue (dynamic).
     */

    run->next = (int *) ckalloc(sizeof(int) * (size_t) run->size);
    run->end = (int *) ckalloc(sizeof(int) * (size_t) run->size);
    run->busy = (int *) ckalloc(sizeof(int) * (size_t) run->size);
    run->noted = (int *) ckalloc(sizeof(int) * (size_t) run->size);
    memset(run->busy, 0, sizeof(int) * (size_t) run->size);
    memset(run->noted, 0, sizeof(int) * (size_t) run->size);
    self0 = run->self ? 0 : 1;
    run->numComputers = run->size - self0;
    if (run->dynamic) {
	run->next[0] = 0;
	run->end[0] = run->n;
    } else {
	int off = 0, base = run->n / run->numComputers;
	int extra = run->n % run->numComputers;

	run->next[0] = run->end[0] = 0;
	for (m = self0; m < run->size; m++) {
	    int k = m - self0;

	    run->next[m] = off;
	    off += base + (k < extra ? 1 : 0);
	    run->end[m] = off;
	}
    }
    run->selfStart = run->selfEnd = 0;
    PtclValueRecvInit(&run->recv, run->comm, MPI_ANY_SOURCE, TAG_TO_MASTER);

    for (;;) {
	/*
	 * Feed every idle worker.
	 */

	for (m = 1; m < run->size; m++) {
	    Tcl_Obj *words[2];

	    if (run->busy[m] || (len = NextChunk(run, m, &start)) == 0) {
		continue;
	    }
	    words[0] = Tcl_NewIntObj(start);
	    words[1] = Tcl_NewListObj(len, run->items + start);
	    if (StartSend(run, m, Message(run->id, "work", 2, words))
		    != TCL_OK) {
		code = TCL_ERROR;
		goto done;
	    }
	    run->busy[m] = len;
	}

	/*
	 * Take what has come.
	 */

	got = PtclValueRecvTest(interp, &run->recv);
	if (got < 0) {
	    code = TCL_ERROR;
	    goto done;
	}
	if (got > 0) {
	    TakeMessage(run, run->recv.value, run->recv.status.MPI_SOURCE);
	    PtclValueRecvFree(&run->recv);
	    PtclValueRecvInit(&run->recv, run->comm, MPI_ANY_SOURCE,
		    TAG_TO_MASTER);
	    continue;
	}

	/*
	 * Compute one item of our own, or wait.
	 */

	if (run->self && run->errIndex < 0 && run->selfStart >= run->selfEnd
		&& (len = NextChunk(run, 0, &start)) > 0) {
	    run->selfStart = start;
	    run->selfEnd = start + len;
	}
	if (run->self && run->errIndex < 0 && run->selfStart < run->selfEnd) {
	    i = run->selfStart++;
	    if (EvalItem(interp, run->cmdc, run->cmdv, run->items[i])
		    == TCL_OK) {
		run->results[i] = Tcl_GetObjResult(interp);
		Tcl_IncrRefCount(run->results[i]);
		run->done++;
	    } else {
		Tcl_Obj *msg, *info, *ecode;

		if (PtclPxStopping(interp)) {
		    code = TCL_ERROR;	/* Interrupted, not the item. */
		    goto done;
		}
		PtclErrorParts(interp, &msg, &info, &ecode);
		RecordError(run, i, run->worldRanks[0], msg, info, ecode);
		Tcl_DecrRefCount(msg);
		Tcl_DecrRefCount(info);
		Tcl_DecrRefCount(ecode);
	    }
	    Tcl_ResetResult(interp);
	    Draw(run, 0);
	    continue;
	}
	busyCount = 0;
	for (m = 1; m < run->size; m++) {
	    busyCount += run->busy[m] > 0;
	}
	if (busyCount == 0) {
	    break;		/* Everything handed out has come back. */
	}
	if (PtclWait(interp, NULL, PollMailbox, run, 0) != TCL_OK) {
	    code = TCL_ERROR;
	    goto done;
	}
	TakeMessage(run, run->recv.value, run->recv.status.MPI_SOURCE);
	PtclValueRecvFree(&run->recv);
	PtclValueRecvInit(&run->recv, run->comm, MPI_ANY_SOURCE,
		TAG_TO_MASTER);
	Draw(run, 0);
    }

    /*
     * The answer, and the workers' release.
     */

    if (run->errIndex >= 0) {
	Tcl_Obj *item = ItemString(run->items[run->errIndex]);
	Tcl_Obj *msg, *ecode, *info;

	Tcl_IncrRefCount(item);
	msg = Tcl_ObjPrintf("pmap: item %d (\"%s\") failed on rank %d: %s",
		run->errIndex, Tcl_GetString(item), run->errRank,
		Tcl_GetString(run->errMsg));
	Tcl_DecrRefCount(item);
	ecode = Tcl_NewListObj(0, NULL);
	Tcl_ListObjAppendElement(NULL, ecode, Tcl_NewStringObj("PTCL", -1));
	Tcl_ListObjAppendElement(NULL, ecode, Tcl_NewStringObj("PMAP", -1));
	Tcl_ListObjAppendElement(NULL, ecode, Tcl_NewIntObj(run->errIndex));
	Tcl_ListObjAppendElement(NULL, ecode, Tcl_NewIntObj(run->errRank));
	Tcl_ListObjAppendElement(NULL, ecode, run->errCode);
	info = Tcl_DuplicateObj(msg);
	Tcl_AppendPrintfToObj(info, "\n    (pmap item %d on rank %d)\n%s",
		run->errIndex, run->errRank, Tcl_GetString(run->errInfo));
	*resultPtr = Message(run->id, "stop", 0, NULL);
	Tcl_ListObjAppendElement(NULL, *resultPtr, Tcl_NewIntObj(0));
	Tcl_ListObjAppendElement(NULL, *resultPtr, msg);
	Tcl_ListObjAppendElement(NULL, *resultPtr, info);
	Tcl_ListObjAppendElement(NULL, *resultPtr, ecode);
    } else {
	*resultPtr = Message(run->id, "stop", 0, NULL);
	Tcl_ListObjAppendElement(NULL, *resultPtr, Tcl_NewIntObj(1));
	Tcl_ListObjAppendElement(NULL, *resultPtr,
		Tcl_NewListObj(run->n, run->results));
    }

  done:
    Draw(run, 1);
    PtclValueRecvFree(&run->recv);
    ckfree(run->next);
    ckfree(run->end);
    ckfree(run->busy);
    ckfree(run->noted);
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * Worker --
 *
 *	Computes the chunks the master sends until told to stop.
 *
 * Results:
 *	TCL_OK with the stop message in *stopPtr (one reference), or
 *	TCL_ERROR (the wait was stopped).
 *
 *----------------------------------------------------------------------
 */

static int
Worker(
    Tcl_Interp *interp,
    MPI_Comm comm,
    int64_t id,
    int cmdc,
    Tcl_Obj **cmdv,
    Tcl_Obj **stopPtr)
{
    Tcl_Obj *msg, **elems, **items, *words[5];
    Tcl_WideInt got;
    int n, numItems, i, code;
    double lastNote;

    for (;;) {
	if (PtclRecvValue(interp, comm, 0, TAG_TO_WORKER, &msg, NULL, 0)
		!= TCL_OK) {
	    return TCL_ERROR;
	}
	if (Tcl_ListObjGetElements(NULL, msg, &n, &elems) != TCL_OK || n < 3
		|| Tcl_GetWideIntFromObj(NULL, elems[0], &got) != TCL_OK
		|| got != id) {
	    Tcl_DecrRefCount(msg);
	    continue;		/* Stale: an interrupted run's. */
	}
	if (strcmp(Tcl_GetString(elems[1]), "stop") == 0) {
	    int ok = 1;

	    if (n < 3 || Tcl_GetBooleanFromObj(NULL, elems[2], &ok) != TCL_OK
		    || !ok) {
		/* An error: say we have it (see RunPmap). */
		Tcl_Obj *ack = Message(id, "ack", 0, NULL);

		Tcl_IncrRefCount(ack);
		code = PtclSendValue(interp, comm, 0, TAG_TO_MASTER, ack, 0);
		Tcl_DecrRefCount(ack);
		if (code != TCL_OK) {
		    Tcl_DecrRefCount(msg);
		    return TCL_ERROR;
		}
	    }
	    *stopPtr = msg;
	    return TCL_OK;
	}
	if (n < 4 || Tcl_ListObjGetElements(NULL, elems[3], &numItems,
		&items) != TCL_OK) {
	    Tcl_DecrRefCount(msg);
	    continue;
	}
	words[0] = elems[2];		/* START */
	words[1] = Tcl_NewListObj(0, NULL);
	lastNote = PtclNow();
	for (i = 0; i < numItems; i++) {
	    if (EvalItem(interp, cmdc, cmdv, items[i]) != TCL_OK) {
		Tcl_Obj *emsg, *info, *ecode, *reply;
		int start;

		if (PtclPxStopping(interp)) {
		    Tcl_DecrRefCount(words[1]);
		    Tcl_DecrRefCount(msg);
		    return TCL_ERROR;	/* Interrupted. */
		}
		Tcl_DecrRefCount(words[1]);
		Tcl_GetIntFromObj(NULL, elems[2], &start);
		PtclErrorParts(interp, &emsg, &info, &ecode);
		words[1] = Tcl_NewIntObj(start + i);
		words[2] = emsg;
		words[3] = info;
		words[4] = ecode;
		reply = Message(id, "fail", 5, words);
		Tcl_IncrRefCount(reply);
		Tcl_DecrRefCount(emsg);
		Tcl_DecrRefCount(info);
		Tcl_DecrRefCount(ecode);
		Tcl_ResetResult(interp);
		code = PtclSendValue(interp, comm, 0, TAG_TO_MASTER, reply, 0);
		Tcl_DecrRefCount(reply);
		Tcl_DecrRefCount(msg);
		if (code != TCL_OK) {
		    return TCL_ERROR;
		}
		goto next;
	    }
	    Tcl_ListObjAppendElement(NULL, words[1], Tcl_GetObjResult(interp));
	    Tcl_ResetResult(interp);
	    if (i + 1 < numItems && PtclNow() - lastNote > NOTE_EVERY) {
		Tcl_Obj *note[2], *reply;

		note[0] = elems[2];
		note[1] = Tcl_NewIntObj(i + 1);
		reply = Message(id, "note", 2, note);
		Tcl_IncrRefCount(reply);
		code = PtclSendValue(interp, comm, 0, TAG_TO_MASTER, reply, 0);
		Tcl_DecrRefCount(reply);
		if (code != TCL_OK) {
		    Tcl_DecrRefCount(msg);
		    return TCL_ERROR;
		}
		lastNote = PtclNow();
	    }
	}
	{
	    Tcl_Obj *reply = Message(id, "done", 2, words);

	    Tcl_IncrRefCount(reply);
	    code = PtclSendValue(interp, comm, 0, TAG_TO_MASTER, reply, 0);
	    Tcl_DecrRefCount(reply);
	    Tcl_DecrRefCount(msg);
	    if (code != TCL_OK) {
		return TCL_ERROR;
	    }
	}
      next:
	;
    }
}

/*
 * StopResult --
 *
 *	Turns a stop message {id stop OK VALUE ?INFO CODE?} into the
 *	result of pmap: VALUE, or the error it describes.
 */

static int
StopResult(
    Tcl_Interp *interp,
    Tcl_Obj *stop)
{
    Tcl_Obj **elems, *options;
    int n, ok = 0;

    if (Tcl_ListObjGetElements(NULL, stop, &n, &elems) != TCL_OK || n < 4
	    || Tcl_GetBooleanFromObj(NULL, elems[2], &ok) != TCL_OK) {
	Tcl_SetObjResult(interp, Tcl_NewStringObj(
		"pmap: malformed answer from the master", -1));
	Tcl_SetErrorCode(interp, "PTCL", "PROTOCOL", NULL);
	return TCL_ERROR;
    }
    Tcl_SetObjResult(interp, elems[3]);
    if (ok) {
	return TCL_OK;
    }
    if (n >= 6) {
	options = Tcl_NewListObj(0, NULL);
	Tcl_ListObjAppendElement(NULL, options,
		Tcl_NewStringObj("-code", -1));
	Tcl_ListObjAppendElement(NULL, options, Tcl_NewIntObj(1));
	Tcl_ListObjAppendElement(NULL, options,
		Tcl_NewStringObj("-level", -1));
	Tcl_ListObjAppendElement(NULL, options, Tcl_NewIntObj(0));
	Tcl_ListObjAppendElement(NULL, options,
		Tcl_NewStringObj("-errorinfo", -1));
	Tcl_ListObjAppendElement(NULL, options, elems[4]);
	Tcl_ListObjAppendElement(NULL, options,
		Tcl_NewStringObj("-errorcode", -1));
	Tcl_ListObjAppendElement(NULL, options, elems[5]);
	return Tcl_SetReturnOptions(interp, options);
    }
    return TCL_ERROR;
}

/*
 *----------------------------------------------------------------------
 *
 * RunPmap --
 *
 *	One pmap over a group communicator, on one of its members. The
 *	member of rank 0 is the master and uses list; self says whether it
 *	computes too; toAll whether every member gets the result.
 *
 * Results:
 *	The master: the results or the error. A worker: the results
 *	(toAll) or the empty string.
 *
 *----------------------------------------------------------------------
 */

static int
RunPmap(
    Tcl_Interp *interp,
    MPI_Comm group,
    Tcl_Obj *cmdPrefix,
    Tcl_Obj *list,
    int dynamic,
    int chunk,
    int self,
    int progress,
    int toAll)
{
    Private *priv = NULL;
    Run run;
    Tcl_Obj **words, *stop = NULL;
    int numWords, rank, i, code;

    if (PrivateComm(interp, group, &priv) != TCL_OK) {
	return TCL_ERROR;
    }
    priv->runs++;
    if (Tcl_ListObjGetElements(interp, cmdPrefix, &numWords, &words)
	    != TCL_OK) {
	return TCL_ERROR;
    }
    memset(&run, 0, sizeof(run));
    run.interp = interp;
    run.comm = priv->comm;
    run.id = priv->runs;
    run.cmdc = numWords;
    run.cmdv = (Tcl_Obj **) ckalloc(sizeof(Tcl_Obj *)
	    * (size_t) (numWords + 1));
    for (i = 0; i < numWords; i++) {
	run.cmdv[i] = words[i];
    }
    Tcl_IncrRefCount(cmdPrefix);	/* Keeps the words alive. */
    MPI_Comm_rank(priv->comm, &rank);
    MPI_Comm_size(priv->comm, &run.size);

    if (rank != 0) {
	code = Worker(interp, priv->comm, run.id, run.cmdc, run.cmdv, &stop);
	if (code == TCL_OK) {
	    if (toAll) {
		code = StopResult(interp, stop);
	    } else {
		Tcl_ResetResult(interp);
	    }
	    Tcl_DecrRefCount(stop);
	}
	ckfree(run.cmdv);
	Tcl_DecrRefCount(cmdPrefix);
	return code;
    }

    Tcl_IncrRefCount(list);
    if (Tcl_ListObjGetElements(interp, list, &run.n, &run.items) != TCL_OK) {
	Tcl_DecrRefCount(list);
	ckfree(run.cmdv);
	Tcl_DecrRefCount(cmdPrefix);
	return TCL_ERROR;
    }
    run.results = (Tcl_Obj **) ckalloc(sizeof(Tcl_Obj *)
	    * (size_t) (run.n + 1));
    memset(run.results, 0, sizeof(Tcl_Obj *) * (size_t) (run.n + 1));
    run.dynamic = dynamic;
    run.chunk = chunk;
    /*
     * Under -dynamic the master computes only when it has a single worker:
     * while it runs an item of its own it hands out nothing, and workers
     * that finish sit idle (an uneven workload then took as long as with
     * static blocks). With two or more workers it only deals.
     */

    run.self = (self && !(dynamic && run.size > 2)) || run.size == 1;
    run.errIndex = -1;
    run.progress = progress;
    run.ttyFd = -1;
    run.start = PtclNow();
    PtclCommWorldRanks(priv->comm, &run.worldRanks);

    code = Master(&run, &stop);
    if (code == TCL_OK) {
	Tcl_IncrRefCount(stop);

	/*
	 * Release the workers, and wait until they have their answer: a
	 * send left behind could never complete.
	 */

	for (i = 1; i < run.size && code == TCL_OK; i++) {
	    code = StartSend(&run, i, stop);
	}
	if (code == TCL_OK && toAll && run.errIndex >= 0 && run.size > 1) {
	    /*
	     * Every rank is about to fail alike. In px code the first rank
	     * to fail releases those still waiting, so none may fail before
	     * all have their answer: wait for each worker's word that it
	     * has it, without the px checks (only Ctrl-C ends this wait).
	     */

	    run.acks = 0;
	    PtclValueRecvInit(&run.recv, run.comm, MPI_ANY_SOURCE,
		    TAG_TO_MASTER);
	    code = PtclWait(interp, NULL, PollAcks, &run, PTCL_WAIT_IDLE);
	    PtclValueRecvFree(&run.recv);
	} else if (code == TCL_OK) {
	    code = PtclWait(interp, NULL, PollSends, &run, 0);
	}
	if (code == TCL_OK) {
	    code = StopResult(interp, stop);
	}
	Tcl_DecrRefCount(stop);
    }
    FreeSends(&run);
    for (i = 0; i < run.n; i++) {
	if (run.results[i]) {
	    Tcl_DecrRefCount(run.results[i]);
	}
    }
    if (run.errMsg) {
	Tcl_DecrRefCount(run.errMsg);
	Tcl_DecrRefCount(run.errInfo);
	Tcl_DecrRefCount(run.errCode);
    }
    if (run.ttyFd >= 0) {
	close(run.ttyFd);
    }
    ckfree(run.results);
    ckfree(run.worldRanks);
    ckfree(run.cmdv);
    Tcl_DecrRefCount(list);
    Tcl_DecrRefCount(cmdPrefix);
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * PmapObjCmd --
 *
 *	pmap ?-dynamic? ?-chunk N? ?-targets RANKS? CMDPREFIX LIST
 *
 *	At the prompt: a px over the targets and rank 0, which is the
 *	master (and computes only when it is a target). In px code and
 *	SPMD scripts: every rank of the group calls it with the same
 *	arguments; the lowest rank is the master; every rank gets the
 *	results (ranks of the group outside -targets return "" at once).
 *
 *----------------------------------------------------------------------
 */

static int
PmapObjCmd(
    ClientData clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    static const char *const options[] = {
	"-dynamic", "-chunk", "-targets", NULL
    };
    enum { OPT_DYNAMIC, OPT_CHUNK, OPT_TARGETS };
    int *targets = NULL, numTargets = 0, dynamic = 0, chunk = 1, i, index;
    int len, code, atPrompt;
    Tcl_Obj *cmdPrefix, *list;

    (void) clientData;
    for (i = 1; i < objc - 2; i++) {
	const char *arg = Tcl_GetString(objv[i]);

	if (arg[0] != '-') {
	    break;
	}
	if (Tcl_GetIndexFromObj(interp, objv[i], options, "option", 0,
		&index) != TCL_OK) {
	    Tcl_AppendResult(interp, ": should be \"" PMAP_USAGE "\"", NULL);
	    goto usageCode;
	}
	if (index == OPT_DYNAMIC) {
	    dynamic = 1;
	    continue;
	}
	if (i + 1 >= objc - 2) {
	    Tcl_SetObjResult(interp, Tcl_ObjPrintf(
		    "option \"%s\" needs a value: should be \"%s\"", arg,
		    PMAP_USAGE));
	    goto usageCode;
	}
	i++;
	if (index == OPT_CHUNK) {
	    if (Tcl_GetIntFromObj(NULL, objv[i], &chunk) != TCL_OK
		    || chunk < 1) {
		Tcl_SetObjResult(interp, Tcl_ObjPrintf(
			"bad chunk \"%s\": must be an integer of 1 or more",
			Tcl_GetString(objv[i])));
		goto usageCode;
	    }
	} else {
	    if (targets) {
		ckfree(targets);
		targets = NULL;
	    }
	    if (PtclParseTargets(interp, objv[i], &numTargets, &targets)
		    != TCL_OK) {
		return TCL_ERROR;
	    }
	}
    }
    if (i != objc - 2) {
	Tcl_SetObjResult(interp, Tcl_ObjPrintf(
		"wrong # args: should be \"%s\"", PMAP_USAGE));
	goto usageCode;
    }
    cmdPrefix = objv[objc - 2];
    list = objv[objc - 1];
    if (Tcl_ListObjLength(NULL, cmdPrefix, &len) != TCL_OK || len == 0) {
	Tcl_SetObjResult(interp, Tcl_ObjPrintf(
		"bad command prefix \"%s\": must be a non-empty list",
		Tcl_GetString(cmdPrefix)));
	goto usageCode;
    }
    if (Tcl_ListObjLength(interp, list, &len) != TCL_OK) {
	goto usageCode;
    }

    atPrompt = PtclWhereAmI(interp) == PTCL_AT_PROMPT;
    if (atPrompt) {
	/*
	 * Rank 0 and the targets run the engine as px code; rank 0's
	 * payload is the list.
	 */

	int *group, numGroup = 0, self = 0, which;
	Tcl_Obj *words[7], *script, **payloads;
	PtclReply *replies;
	const char *interactive;

	if (targets == NULL) {
	    numTargets = PtclAllTargets(&targets);
	}
	group = (int *) ckalloc(sizeof(int) * (size_t) (numTargets + 1));
	if (targets[0] != 0) {
	    group[numGroup++] = 0;
	} else {
	    self = 1;
	}
	for (i = 0; i < numTargets; i++) {
	    group[numGroup++] = targets[i];
	}
	interactive = Tcl_GetVar2(interp, "tcl_interactive", NULL,
		TCL_GLOBAL_ONLY);
	words[0] = Tcl_NewStringObj("::ptcl::PmapServe", -1);
	words[1] = Tcl_NewIntObj(dynamic);
	words[2] = Tcl_NewIntObj(chunk);
	words[3] = Tcl_NewIntObj(self);
	words[4] = Tcl_NewIntObj(interactive && strcmp(interactive, "0")
		&& *interactive);
	words[5] = cmdPrefix;
	script = Tcl_NewListObj(6, words);
	Tcl_IncrRefCount(script);
	payloads = (Tcl_Obj **) ckalloc(sizeof(Tcl_Obj *) * (size_t) numGroup);
	memset(payloads, 0, sizeof(Tcl_Obj *) * (size_t) numGroup);
	payloads[0] = list;
	replies = (PtclReply *) ckalloc(sizeof(PtclReply) * (size_t) numGroup);
	code = PtclPxRun(interp, numGroup, group, script, payloads, 0, 0.0,
		replies);
	Tcl_DecrRefCount(script);
	ckfree(payloads);
	if (code == TCL_OK) {
	    int othersOk = 1;

	    for (which = 1; which < numGroup; which++) {
		if (replies[which].code != TCL_OK) {
		    othersOk = 0;
		}
	    }
	    if (replies[0].code == TCL_OK) {
		if (othersOk) {
		    Tcl_SetObjResult(interp, replies[0].result);
		} else {
		    code = PtclPxReport(interp, numGroup, replies);
		}
	    } else if (othersOk || (replies[0].errorCode && strncmp(
		    Tcl_GetString(replies[0].errorCode), "PTCL PMAP", 9)
		    == 0)) {
		Tcl_Obj *opts = Tcl_NewListObj(0, NULL);

		Tcl_SetObjResult(interp, replies[0].result);
		Tcl_ListObjAppendElement(NULL, opts,
			Tcl_NewStringObj("-code", -1));
		Tcl_ListObjAppendElement(NULL, opts, Tcl_NewIntObj(1));
		Tcl_ListObjAppendElement(NULL, opts,
			Tcl_NewStringObj("-level", -1));
		Tcl_ListObjAppendElement(NULL, opts, Tcl_NewIntObj(0));
		Tcl_ListObjAppendElement(NULL, opts,
			Tcl_NewStringObj("-errorinfo", -1));
		Tcl_ListObjAppendElement(NULL, opts, replies[0].errorInfo
			? replies[0].errorInfo : replies[0].result);
		Tcl_ListObjAppendElement(NULL, opts,
			Tcl_NewStringObj("-errorcode", -1));
		Tcl_ListObjAppendElement(NULL, opts, replies[0].errorCode
			? replies[0].errorCode : Tcl_NewStringObj("NONE", -1));
		code = Tcl_SetReturnOptions(interp, opts);
	    } else {
		code = PtclPxReport(interp, numGroup, replies);
	    }
	}
	for (i = 0; i < numGroup; i++) {
	    PtclReplyClear(&replies[i]);
	}
	ckfree(replies);
	ckfree(group);
	ckfree(targets);
	return code;
    } else {
	/*
	 * px code or SPMD: every rank of the group is here.
	 */

	MPI_Comm comm = PtclDefaultComm(interp);
	int *members, numMembers, inSet = 1;

	if (targets) {
	    numMembers = PtclCommWorldRanks(comm, &members);
	    for (i = 0; i < numTargets; i++) {
		int j, found = 0;

		for (j = 0; j < numMembers; j++) {
		    found |= (members[j] == targets[i]);
		}
		if (!found) {
		    Tcl_SetObjResult(interp, Tcl_ObjPrintf(
			    "rank %d in -targets is not in this px group",
			    targets[i]));
		    ckfree(members);
		    goto usageCode;
		}
	    }
	    ckfree(members);
	    inSet = 0;
	    for (i = 0; i < numTargets; i++) {
		inSet |= (targets[i] == ptclWorld.rank);
	    }
	    if (!inSet) {
		ckfree(targets);
		Tcl_ResetResult(interp);
		return TCL_OK;
	    }
	    if (PtclGroupComm(interp, numTargets, targets, &comm)
		    != TCL_OK) {
		ckfree(targets);
		return TCL_ERROR;
	    }
	    ckfree(targets);
	}
	return RunPmap(interp, comm, cmdPrefix, list, dynamic, chunk, 1, 0,
		1);
    }

  usageCode:
    Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
    if (targets) {
	ckfree(targets);
    }
    return TCL_ERROR;
}

/*
 * PmapServeObjCmd --
 *
 *	::ptcl::PmapServe DYNAMIC CHUNK SELF PROGRESS CMDPREFIX: the px code
 *	that pmap at the prompt sends; rank 0's payload is the list.
 *	Internal.
 */

static int
PmapServeObjCmd(
    ClientData clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    int dynamic, chunk, self, progress;
    Tcl_Obj *list = PtclPxPayload(interp);

    (void) clientData;
    if (objc != 6 || PtclWhereAmI(interp) != PTCL_IN_PX
	    || Tcl_GetIntFromObj(interp, objv[1], &dynamic) != TCL_OK
	    || Tcl_GetIntFromObj(interp, objv[2], &chunk) != TCL_OK
	    || Tcl_GetIntFromObj(interp, objv[3], &self) != TCL_OK
	    || Tcl_GetIntFromObj(interp, objv[4], &progress) != TCL_OK) {
	return PtclUsage(interp,
		"::ptcl::PmapServe DYNAMIC CHUNK SELF PROGRESS CMDPREFIX");
    }
    return RunPmap(interp, PtclDefaultComm(interp), objv[5],
	    list ? list : Tcl_NewObj(), dynamic, chunk, self, progress, 0);
}

int
PtclPmapInit(
    Tcl_Interp *interp)
{
    Tcl_CreateObjCommand(interp, "::ptcl::pmap", PmapObjCmd, NULL, NULL);
    Tcl_CreateObjCommand(interp, "::ptcl::PmapServe", PmapServeObjCmd, NULL,
	    NULL);
    return TCL_OK;
}
