/*
 * interrupt.c --
 *
 *	How a running px is stopped. Two halves:
 *
 *	- Rank 0's SIGINT handler only sets a flag (PtclSignalPending). The
 *	  wait loop's px check on rank 0 sees it and sends INTERRUPT to every
 *	  target (px.c, RootCheck).
 *
 *	- Tcl code that never waits (`while 1 {}`) never enters the wait
 *	  loop, so it is reached through the interpreter: a time limit
 *	  (Tcl_LimitSetTime) fires every POLL_MS while code runs; its
 *	  handler re-arms it, runs the px check, and when that says stop,
 *	  stops the evaluation (see LimitHandler for how on rank 0 and on
 *	  the workers). Granularity 100 keeps the cost of the limit within
 *	  noise on command-heavy loops.
 */

#include "ptclInt.h"
#include <signal.h>
#include <string.h>

#define POLL_MS		50
#define GRANULARITY	100

static volatile sig_atomic_t signalFlag = 0;

static void
OnSigint(
    int sig)
{
    (void) sig;
    signalFlag = 1;
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

static void
ArmLimit(
    Tcl_Interp *interp)
{
    Tcl_Time t;

    Tcl_GetTime(&t);
    t.usec += POLL_MS * 1000;
    t.sec += t.usec / 1000000;
    t.usec %= 1000000;
    Tcl_LimitSetTime(interp, &t);
}

/*
 *----------------------------------------------------------------------
 *
 * LimitHandler --
 *
 *	Called by Tcl when the time limit expires during evaluation: re-arm
 *	and run the px check; on "stop", cancel the evaluation.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	May call Tcl_CancelEval. The interp's result and options are kept.
 *
 *----------------------------------------------------------------------
 */

static void
LimitHandler(
    ClientData clientData,
    Tcl_Interp *interp)
{
    PtclState *state = PtclGetState(interp);
    Tcl_InterpState saved;
    Tcl_Obj *msg = NULL;

    (void) clientData;
    if (!state->inPx && !PtclSignalPending()) {
	ArmLimit(interp);
	return;
    }
    saved = Tcl_SaveInterpState(interp, TCL_OK);
    if (state->inPx) {
	/*
	 * An INTERRUPT stops busy code; an ABORT (another rank failed) only
	 * releases waits, so work that needs no other rank can finish.
	 */

	PtclRunChecks(interp);
	if (state->cancelMsg && state->cancelKind == PTCL_MSG_INTERRUPT) {
	    msg = Tcl_DuplicateObj(state->cancelMsg);
	}
    } else if (ptclWorld.rank == 0) {
	/* Rank 0 running a long command at the prompt: Ctrl-C stops it. */
	PtclSignalClear();
	msg = Tcl_NewStringObj("interrupted", -1);
    }
    Tcl_RestoreInterpState(interp, saved);
    if (msg && ptclWorld.rank == 0 && state->inPx) {
	/*
	 * Rank 0 runs its part of a px inside the prompt's command, so an
	 * unwinding cancel would end that whole command (a whole script
	 * file) too. Instead the limit is left exceeded: no further command
	 * can run, `catch` or not, until PtclRunPx re-arms it when the px
	 * code has returned.
	 */

	Tcl_DecrRefCount(msg);
	state->limitTripped = 1;
	return;
    }
    ArmLimit(interp);
    if (msg) {
	/*
	 * A worker runs px code at level 0: TCL_CANCEL_UNWIND stops it,
	 * `catch` cannot swallow it, and Tcl_EvalObjEx clears it when it
	 * returns to level 0. The same for a command at rank 0's prompt.
	 * Tcl_CancelEval copies the message and releases the reference.
	 */

	Tcl_IncrRefCount(msg);
	Tcl_CancelEval(interp, msg, NULL, TCL_CANCEL_UNWIND);
    }
}

/*
 * PtclInterruptRearm --
 *
 *	Makes the time limit fire again POLL_MS from now (after rank 0 left
 *	it exceeded to stop its px code).
 */

void
PtclInterruptRearm(
    Tcl_Interp *interp)
{
    ArmLimit(interp);
}

/*
 * PtclInterruptInstall --
 *
 *	Arms the interp's time limit and its handler (once per interp).
 */

void
PtclInterruptInstall(
    Tcl_Interp *interp)
{
    Tcl_LimitSetGranularity(interp, TCL_LIMIT_TIME, GRANULARITY);
    ArmLimit(interp);
    Tcl_LimitAddHandler(interp, TCL_LIMIT_TIME, LimitHandler, NULL, NULL);
    Tcl_LimitTypeSet(interp, TCL_LIMIT_TIME);
}
