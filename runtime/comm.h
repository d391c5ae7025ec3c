/*
 * comm.h --
 *
 *	The life of every communicator ptcl makes: the user (world)
 *	communicator, the px groups, pmap's, those of mpi::comm and of
 *	windows. Each is registered here with its data pair (a dup that
 *	carries large payloads and the quiesce's own collectives) and a
 *	record of what was started on it:
 *
 *	  - per peer, the value messages this rank sent to it and took from
 *	    it (transfer.c counts them), so that the members can work out
 *	    which messages nobody received;
 *	  - the number of agreements (collectives) this rank started.
 *
 *	After a stopped px every registered communicator is quiesced on
 *	every member (quiesce.c): the members exchange their counts on the
 *	data pair, a rank that started fewer agreements than another posts
 *	"abandoned" ones until all have the same number, the detached ops on
 *	it finish, and every rank drains the value messages sent to it that
 *	it never took. Then the communicator is clean: no stale message can
 *	match a new receive, no pending collective a new one. A new operation
 *	on a communicator whose quiesce runs waits for it (PtclCommEnter).
 *	A communicator released (PtclCommRelease) is quiesced, then freed.
 *
 *	The control communicator is registered too (for its data pair); its
 *	messages are ptcl's own and carry px ids, so it is never quiesced.
 */

#ifndef PTCL_COMM_H
#define PTCL_COMM_H

#include "op.h"

struct PtclCommRec {
    MPI_Comm comm;		/* The communicator. */
    MPI_Comm data;		/* Its data pair. */
    int rank, size;		/* This rank in it; its size. */
    const char *what;		/* "world", "px group", "pmap", "mpi::comm",
				 * "window", "control": for messages. */
    int64_t collSeq;		/* Agreements this rank started on comm. */
    int64_t *sent;		/* [size]: value messages sent to each. */
    int64_t *taken;		/* [size]: value messages taken from each. */
    int64_t quiescedSeq;	/* collSeq after the last quiesce. */
    PtclOp *quiesce;		/* The running quiesce, or NULL. */
    int released;		/* Free it once quiet. */
    int noQuiesce;		/* Never quiesced (the control comm). */
    PtclCommRec *next;		/* All records, newest first. */
};

MODULE_SCOPE PtclCommRec *PtclCommAdd(Tcl_Interp *interp, MPI_Comm comm,
		    const char *what);
MODULE_SCOPE PtclCommRec *PtclCommFind(MPI_Comm comm);
MODULE_SCOPE PtclCommRec *PtclCommFirst(void);
MODULE_SCOPE int PtclCommEnter(Tcl_Interp *interp, PtclCommRec *rec,
		    int collective);
MODULE_SCOPE void PtclCommFree(PtclCommRec *rec);
MODULE_SCOPE void PtclCommFreeAll(void);

/*
 * Quiesce and release (quiesce.c): after a stopped px, every registered
 * communicator; a released one is freed once quiet.
 */

MODULE_SCOPE void PtclQuiesceAll(void);
MODULE_SCOPE void PtclQuiesceRelease(PtclCommRec *rec);
MODULE_SCOPE int PtclQuiescing(void);

#endif /* PTCL_COMM_H */
