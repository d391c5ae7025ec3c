/*
 * interrupt.c --
 *
 *	How a running px is stopped. Two halves:
 *
 *	- Rank 0's SIGINT handler only sets a flag (PtclSignalPending) and
 *	  marks a Tcl async handler. The wait loop's px check on rank 0 sees
 *	  the flag and sends INTERRUPT to every target (px.c, RootCheck).
 *
 *	- Tcl code that never waits (`while 1 {}`, `after 100000`, `vwait
 *	  forever`) never enters the wait loop, so it is reached through the
 *	  interpreter's async handlers, which Tcl runs at its safe points:
 *	  every few dozen bytecodes, in the event loop, between the slices
 *	  of `after`. While px code runs, a watchdog thread marks the handler
 *	  every POLL_MS (Tcl_AsyncMark is meant for other threads and signal
 *	  handlers; the thread makes no MPI call). The handler, on the main
 *	  thread, runs the px check and, when that says stop, stops the code
 *	  (see PollAsync for how, on rank 0 and on the workers).
 *
 *	An earlier version used a time limit (Tcl_LimitSetTime); an active
 *	limit cost 5% on a command-heavy loop whatever its granularity,
 *	measured in instructions with callgrind. Async handlers cost nothing
 *	until marked: Tcl checks for them anyway.
 */

#include "engine/engine.h"
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#define POLL_MS		50
#define IDLE_MS		400

static volatile sig_atomic_t signalFlag = 0;
static Tcl_AsyncHandler pollToken = NULL;
static Tcl_Interp *pollInterp = NULL;
static volatile int watching = 0;	/* px code runs: mark every POLL_MS. */
static int inPoll = 0;

/*
 * OnSigint --
 *
 *	Rank 0's SIGINT handler: note it, and have Tcl look at once.
 */

static void
OnSigint(
    int sig)
{
    (void) sig;
    signalFlag = 1;
    if (pollToken) {
	Tcl_AsyncMark(pollToken);
    }
}

/*
 * PtclSignalInstall --
 *
 *	Makes SIGINT set the flag instead of killing the process (rank 0 of
 *	an interactive ptclsh; the terminal sends Ctrl-C to rank 0 alone).
 *	No SA_RESTART: a read or poll it interrupts returns EINTR.
 */

void
PtclSignalInstall(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = OnSigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    sigaction(SIGINT, &sa, NULL);
}

int
PtclSignalPending(void)
{
    return signalFlag != 0;
}

void
PtclSignalClear(void)
{
    signalFlag = 0;
}

/*
 *----------------------------------------------------------------------
 *
 * PollAsync --
 *
 *	The async handler, on the main thread at a Tcl safe point: runs the
 *	px check and stops px code that must stop.
 *
 *	- A worker runs px code at level 0: Tcl_CancelEval with
 *	  TCL_CANCEL_UNWIND stops it, `catch` cannot swallow it, and
 *	  Tcl_EvalObjEx clears it when it returns to level 0.
 *	- Rank 0 runs its part of a px inside the prompt's command, where an
 *	  unwinding cancel would also end that command (a whole script file).
 *	  Instead a command-count limit of 0 is set and checked at once: an
 *	  exceeded limit lets no further command run and is what `catch` and
 *	  `try` refuse to catch and `vwait` looks for. PtclRunPx lifts it
 *	  when the px code has returned (PtclInterruptLift). A cancel without
 *	  unwinding goes with it, to wake `vwait` at once.
 *	- An INTERRUPT stops busy code; an ABORT (another rank failed) only
 *	  releases waits, so work that needs no other rank can finish.
 *	- Rank 0 running a long command at the prompt (no px): Ctrl-C
 *	  cancels it, unwinding to the prompt.
 *
 * Results:
 *	code, unchanged.
 *
 * Side effects:
 *	MPI probes (through the check); may stop the evaluation.
 *
 *----------------------------------------------------------------------
 */

static int
PollAsync(
    ClientData clientData,
    Tcl_Interp *interp,
    int code)
{
    PtclState *state;
    Tcl_InterpState saved;
    Tcl_Obj *msg = NULL;

    (void) clientData; (void) interp;
    if (pollInterp == NULL || inPoll) {
	return code;
    }
    interp = pollInterp;
    state = PtclGetState(interp);
    if (!state->inPx && !PtclSignalPending()) {
	return code;
    }
    inPoll = 1;
    saved = Tcl_SaveInterpState(interp, TCL_OK);
    if (state->inPx) {
	PtclRunChecks(interp);
	if (state->cancelMsg && state->cancelKind == PTCL_MSG_INTERRUPT) {
	    msg = Tcl_DuplicateObj(state->cancelMsg);
	}
    } else if (ptclWorld.rank == 0) {
	PtclSignalClear();
	msg = Tcl_NewStringObj("interrupted", -1);
    }
    Tcl_RestoreInterpState(interp, saved);
    inPoll = 0;
    if (msg == NULL) {
	return code;
    }

    Tcl_IncrRefCount(msg);	/* Tcl_CancelEval releases it. */
    if (ptclWorld.rank == 0 && state->inPx) {
	if (!state->limitTripped) {
	    state->limitTripped = 1;
	    saved = Tcl_SaveInterpState(interp, TCL_OK);
	    Tcl_LimitSetCommands(interp, 0);
	    Tcl_LimitTypeSet(interp, TCL_LIMIT_COMMANDS);
	    Tcl_LimitCheck(interp);
	    Tcl_RestoreInterpState(interp, saved);
	}
	Tcl_CancelEval(interp, msg, NULL, 0);
    } else {
	Tcl_CancelEval(interp, msg, NULL, TCL_CANCEL_UNWIND);
    }
    return code;
}

/*
 * Watchdog --
 *
 *	The thread that marks the async handler every POLL_MS while px code
 *	runs. It touches nothing but the flag and Tcl_AsyncMark.
 */

static void *
Watchdog(
    void *arg)
{
    struct timespec ts;
    int quiet = 0;

    (void) arg;
    ts.tv_sec = 0;
    for (;;) {
	/*
	 * Every POLL_MS while px code runs; between px, a nap that grows to
	 * IDLE_MS, so that an idle job costs next to nothing (the first
	 * mark of a px that starts after a long idle comes IDLE_MS late at
	 * most; Ctrl-C marks the handler itself).
	 */

	ts.tv_nsec = (quiet < 20 ? POLL_MS : IDLE_MS) * 1000000L;
	nanosleep(&ts, NULL);
	if (watching && pollToken) {
	    Tcl_AsyncMark(pollToken);
	    quiet = 0;
	} else if (quiet < 20) {
	    quiet++;
	}
    }
    return NULL;
}

/*
 * PtclInterruptWatch --
 *
 *	px code starts (on = 1) or ends (0) on this rank.
 */

void
PtclInterruptWatch(
    int on)
{
    watching = on;
}

/*
 * PtclInterruptLift --
 *
 *	Lifts the command-count limit that stopped rank 0's px code.
 */

void
PtclInterruptLift(
    Tcl_Interp *interp)
{
    Tcl_LimitTypeReset(interp, TCL_LIMIT_COMMANDS);
}

/*
 *----------------------------------------------------------------------
 *
 * AfterObjCmd --
 *
 *	ptclsh's `after`: the sleeping form `after MS` naps in slices of at
 *	most POLL_MS and looks for a stop between them (Tcl's own sleeps in
 *	slices of up to 500 ms, too long for Ctrl-C to feel immediate).
 *	Every other form goes to Tcl's after, renamed ::ptcl::TclAfter.
 *
 * Results:
 *	As after; TCL_ERROR when the sleep was stopped.
 *
 *----------------------------------------------------------------------
 */

static int
AfterObjCmd(
    ClientData clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    Tcl_WideInt ms;
    Tcl_Time now, end;
    Tcl_Obj **args;
    int i, code;

    (void) clientData;
    if (objc != 2 || Tcl_GetWideIntFromObj(NULL, objv[1], &ms) != TCL_OK) {
	args = (Tcl_Obj **) ckalloc(sizeof(Tcl_Obj *) * (size_t) objc);
	args[0] = Tcl_NewStringObj("::ptcl::TclAfter", -1);
	Tcl_IncrRefCount(args[0]);
	for (i = 1; i < objc; i++) {
	    args[i] = objv[i];
	}
	code = Tcl_EvalObjv(interp, objc, args, 0);
	Tcl_DecrRefCount(args[0]);
	ckfree(args);
	return code;
    }
    Tcl_GetTime(&end);
    if (ms > 0) {
	end.sec += (long) (ms / 1000);
	end.usec += (long) ((ms % 1000) * 1000);
	end.sec += end.usec / 1000000;
	end.usec %= 1000000;
    }
    for (;;) {
	Tcl_WideInt left;

	if (Tcl_AsyncReady()) {
	    code = Tcl_AsyncInvoke(interp, TCL_OK);
	    if (code != TCL_OK) {
		return code;
	    }
	}
	if (Tcl_Canceled(interp, TCL_LEAVE_ERR_MSG) == TCL_ERROR) {
	    return TCL_ERROR;
	}
	if (Tcl_LimitExceeded(interp)) {
	    Tcl_SetObjResult(interp, Tcl_NewStringObj("limit exceeded", -1));
	    return TCL_ERROR;
	}
	Tcl_GetTime(&now);
	left = ((Tcl_WideInt) end.sec - now.sec) * 1000
		+ (end.usec - now.usec) / 1000;
	if (left <= 0) {
	    break;
	}
	Tcl_Sleep((int) (left < POLL_MS / 2 ? left : POLL_MS / 2));
    }
    Tcl_ResetResult(interp);
    return TCL_OK;
}

/*
 * PtclInterruptAfterInit --
 *
 *	Puts the interruptible `after` in place (ptclsh only: a stock tclsh
 *	keeps its own).
 */

int
PtclInterruptAfterInit(
    Tcl_Interp *interp)
{
    if (Tcl_FindCommand(interp, "::ptcl::TclAfter", NULL, TCL_GLOBAL_ONLY)) {
	return TCL_OK;
    }
    if (Tcl_Eval(interp, "rename ::after ::ptcl::TclAfter") != TCL_OK) {
	return TCL_ERROR;
    }
    Tcl_CreateObjCommand(interp, "::after", AfterObjCmd, NULL, NULL);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclInterruptInstall --
 *
 *	Creates the async handler and starts the watchdog, once per process
 *	(for the first interp that loads ptcl).
 *
 *----------------------------------------------------------------------
 */

void
PtclInterruptInstall(
    Tcl_Interp *interp)
{
    pthread_t thread;
    pthread_attr_t attr;
    sigset_t all, old;

    if (pollToken != NULL) {
	return;
    }
    pollInterp = interp;
    pollToken = Tcl_AsyncCreate(PollAsync, NULL);

    /*
     * The watchdog must never take a signal meant for the main thread
     * (SIGINT on rank 0): it blocks them all.
     */

    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_create(&thread, &attr, Watchdog, NULL);
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}
