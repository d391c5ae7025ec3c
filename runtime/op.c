/*
 * op.c --
 *
 *	Operations that own their buffers (op.h): waiting for one, and
 *	finishing the ones whose waiter went, in the background. The wait
 *	loop calls PtclOpsProgress on every turn (a hook registered here),
 *	so a detached op goes on wherever the rank waits next, between
 *	commands included.
 */

#include "op.h"
#include "comm.h"

/*
 * The detached ops of this process, oldest first.
 */

static PtclOp *detachedFirst = NULL, *detachedLast = NULL;
static int hookSet = 0;

/*
 *----------------------------------------------------------------------
 *
 * PtclOpInit --
 *
 *	Fills in the common part of a new op.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Registers the background progress hook with the wait loop the first
 *	time an op is made.
 *
 *----------------------------------------------------------------------
 */

void
PtclOpInit(
    PtclOp *op,
    const PtclOpType *type,
    PtclCommRec *rec)
{
    op->type = type;
    op->rec = rec;
    op->state = PTCL_OP_RUNNING;
    op->detached = 0;
    op->next = op->prev = NULL;
    if (!hookSet) {
	PtclWaitAddTurnProc(PtclOpsProgress);
	hookSet = 1;
    }
}

/*
 *----------------------------------------------------------------------
 *
 * PtclOpTest --
 *
 *	Advances an op once, without waiting.
 *
 * Results:
 *	1 finished, 0 not yet, -1 finished with an error (message in interp
 *	when interp is not NULL). A finished op stays finished.
 *
 * Side effects:
 *	Whatever the op's advance procedure does.
 *
 *----------------------------------------------------------------------
 */

int
PtclOpTest(
    Tcl_Interp *interp,
    PtclOp *op)
{
    int done;

    if (op->state == PTCL_OP_DONE) {
	return 1;
    }
    if (op->state == PTCL_OP_FAILED) {
	return -1;
    }
    done = op->type->advance(op->detached ? NULL : interp, op);
    if (done > 0) {
	op->state = PTCL_OP_DONE;
    } else if (done < 0) {
	op->state = PTCL_OP_FAILED;
    }
    return done;
}

/*
 * PollOp --
 *
 *	PtclWait's poll procedure for PtclOpWait.
 */

static int
PollOp(
    Tcl_Interp *interp,
    void *clientData)
{
    return PtclOpTest(interp, (PtclOp *) clientData);
}

/*
 *----------------------------------------------------------------------
 *
 * Detach --
 *
 *	The op's waiter has gone: the op joins the detached list and is
 *	finished in the background.
 *
 *----------------------------------------------------------------------
 */

static void
Detach(
    PtclOp *op)
{
    op->detached = 1;
    op->next = NULL;
    op->prev = detachedLast;
    if (detachedLast) {
	detachedLast->next = op;
    } else {
	detachedFirst = op;
    }
    detachedLast = op;
}

static void
Unlink(
    PtclOp *op)
{
    if (op->prev) {
	op->prev->next = op->next;
    } else {
	detachedFirst = op->next;
    }
    if (op->next) {
	op->next->prev = op->prev;
    } else {
	detachedLast = op->prev;
    }
    op->next = op->prev = NULL;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclOpWait --
 *
 *	Waits in the wait loop until the op is finished.
 *
 * Results:
 *	TCL_OK: the op finished well and is still the caller's (read its
 *	results, then PtclOpFree). TCL_ERROR: it finished with an error, or
 *	the wait was stopped (the message of either is in interp); in both
 *	cases the op is no longer the caller's: it was freed, or detached to
 *	finish in the background.
 *
 * Side effects:
 *	Sleeps; whatever the op does.
 *
 *----------------------------------------------------------------------
 */

int
PtclOpWait(
    Tcl_Interp *interp,
    PtclOp *op,
    const PtclWaitWhat *what,
    int flags)
{
    if (PtclWait(interp, what, PollOp, op, flags) == TCL_OK) {
	return TCL_OK;
    }
    PtclOpRelease(op);
    return TCL_ERROR;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclOpFree, PtclOpRelease --
 *
 *	Free a finished op (or one never started); release an op whatever
 *	its state: freed when finished, detached when not.
 *
 *----------------------------------------------------------------------
 */

void
PtclOpFree(
    PtclOp *op)
{
    op->type->free(op);
}

void
PtclOpRelease(
    PtclOp *op)
{
    if (op->state != PTCL_OP_RUNNING) {
	PtclOpFree(op);
    } else if (!op->detached) {
	Detach(op);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * PtclOpsProgress --
 *
 *	Advances every detached op once; frees the ones that finished. Run
 *	by the wait loop on each turn.
 *
 * Results:
 *	The number of detached ops still running.
 *
 * Side effects:
 *	MPI tests; frees ops.
 *
 *----------------------------------------------------------------------
 */

int
PtclOpsProgress(void)
{
    PtclOp *op = detachedFirst, *next;
    int running = 0;

    while (op) {
	next = op->next;
	if (PtclOpTest(NULL, op) != 0) {
	    Unlink(op);
	    PtclOpFree(op);
	} else {
	    running++;
	}
	op = next;
    }
    return running;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclOpsDetached --
 *
 *	How many detached ops run on a communicator (on any when rec is
 *	NULL), or how many detached collectives.
 *
 *----------------------------------------------------------------------
 */

int
PtclOpsDetached(
    const PtclCommRec *rec,
    int collective)		/* Count only collectives. */
{
    PtclOp *op;
    int n = 0;

    for (op = detachedFirst; op; op = op->next) {
	if ((rec == NULL || op->rec == rec)
		&& (!collective || op->type->collective)) {
	    n++;
	}
    }
    return n;
}
