/*
 * op.h --
 *
 *	Operations that own their buffers. Every nonblocking MPI operation
 *	ptcl starts -- the steps of a collective, a value sent or received,
 *	a one-sided access -- lives in a heap object that embeds a PtclOp as
 *	its first member, together with every buffer and datatype MPI may
 *	touch while a request of the op is pending. Nothing MPI may still
 *	touch lives on a stack frame that returns, and nothing is freed while
 *	MPI may still use it.
 *
 *	The life of an op:
 *
 *	  1. its starter allocates it (ckalloc), PtclOpInit, starts the MPI
 *	     calls of its first step;
 *	  2. PtclOpWait waits for it in the wait loop, calling the type's
 *	     advance procedure, which tests the pending requests and starts
 *	     the next step until the op is finished;
 *	  3. finished, the starter reads its results and calls PtclOpFree.
 *
 *	If the wait is stopped (Ctrl-C, -timeout, a released px) while the op
 *	is not finished, the op is detached: its waiter has gone, but the op
 *	goes on in the background -- the wait loop advances every detached op
 *	on each turn -- until MPI is done with it, and is then freed. A
 *	detached op finishes quietly: its advance procedure gets a NULL
 *	interp and must touch no Tcl object it does not hold a reference on
 *	(never a user's variable). Communicator quiesce (comm.h) waits for
 *	the detached ops of a communicator.
 *
 *	An advance procedure returns 1 (finished) or -1 (finished with an
 *	error, message in interp when interp is not NULL) only when none of
 *	the op's requests is pending any more; 0 while something is.
 */

#ifndef PTCL_OP_H
#define PTCL_OP_H

#include "ptclRuntime.h"

typedef struct PtclOp PtclOp;
typedef struct PtclCommRec PtclCommRec;

typedef int (PtclOpAdvanceProc)(Tcl_Interp *interp, PtclOp *op);
typedef void (PtclOpFreeProc)(PtclOp *op);

typedef struct PtclOpType {
    const char *name;		/* For messages and debugging. */
    PtclOpAdvanceProc *advance;	/* Tests and continues the op. */
    PtclOpFreeProc *free;	/* Releases everything the op owns and the
				 * op itself (ckfree); called only once the
				 * op is finished or was never started. */
    int collective;		/* 1: a collective (it holds its place in
				 * the communicator's order of collectives
				 * while detached); 0: point to point. */
} PtclOpType;

struct PtclOp {
    const PtclOpType *type;
    PtclCommRec *rec;		/* The communicator it runs on, or NULL. */
    int state;			/* PTCL_OP_RUNNING, _DONE, _FAILED. */
    int detached;		/* Its waiter has gone. */
    PtclOp *next, *prev;	/* Among the detached ops. */
};

enum { PTCL_OP_RUNNING, PTCL_OP_DONE, PTCL_OP_FAILED };

MODULE_SCOPE void PtclOpInit(PtclOp *op, const PtclOpType *type,
		    PtclCommRec *rec);
MODULE_SCOPE int PtclOpTest(Tcl_Interp *interp, PtclOp *op);
MODULE_SCOPE int PtclOpWait(Tcl_Interp *interp, PtclOp *op,
		    const PtclWaitWhat *what, int flags);
MODULE_SCOPE void PtclOpFree(PtclOp *op);
MODULE_SCOPE void PtclOpRelease(PtclOp *op);
MODULE_SCOPE int PtclOpsProgress(void);
MODULE_SCOPE int PtclOpsDetached(const PtclCommRec *rec, int collective);

#endif /* PTCL_OP_H */
