/*
 * agree.h --
 *
 *	The one agreement primitive: "every rank checks its input, the group
 *	agrees, then acts". Every collective ptcl runs on a registered
 *	communicator (comm.h) -- the value collectives, mpi::comm split,
 *	window creation and fences, mpi::barrier -- starts with exactly one
 *	agreement, so that bad input on one rank makes every rank fail with
 *	the same error instead of leaving the others waiting, and so that a
 *	communicator can be quiesced after a stopped px.
 *
 *	An agreement is one MPI_Iallgather of a record of PTCL_AGREE_WORDS
 *	int64 words from every rank. The shape is the same for every use, so
 *	that the quiesce can post a matching record for an agreement it knows
 *	nothing about (PtclAgreeDummy). Word 0 is the status of this rank's
 *	record; the other words are the use's own, mapped by a struct of its
 *	own onto PtclAgreeWords (no positional indexing at the call site).
 *
 *	Outcome, the same on every rank:
 *	  - GO: every record is good; the use reads every rank's words and
 *	    acts (its data steps);
 *	  - BAD: some rank found its input bad; the lowest such rank
 *	    broadcasts its message and -errorcode (two MPI_Ibcast steps of
 *	    the agreement itself) and every rank fails with them, "(on rank
 *	    R)" added when the communicator has more than one rank;
 *	  - ABANDONED: some record was posted by a quiesce for an agreement
 *	    its rank never started; nothing follows, every rank stops.
 *
 *	An agreement is embedded in the op of the collective it starts
 *	(op.h), so its buffers live as long as the op.
 */

#ifndef PTCL_AGREE_H
#define PTCL_AGREE_H

#include "comm.h"

#define PTCL_AGREE_WORDS	8	/* int64 words per rank, status
					 * included. */
#define PTCL_AGREE_USER		(PTCL_AGREE_WORDS - 1)
					/* Words a use may fill. */

enum {
    PTCL_AGREE_GOOD = 0,	/* This rank's input is good. */
    PTCL_AGREE_BAD = 1,		/* This rank's input is bad (its error is
				 * announced if it is the lowest). */
    PTCL_AGREE_ABANDONED = 2	/* Posted by a quiesce. */
};

enum { PTCL_AGREED_GO, PTCL_AGREED_BAD, PTCL_AGREED_ABANDONED };

typedef struct PtclAgreement {
    PtclCommRec *rec;
    int rank, size;
    int stage;			/* AGREE_* in agree.c. */
    int64_t mine[PTCL_AGREE_WORDS];
				/* This rank's record. */
    int64_t *all;		/* Every rank's record, [size][WORDS]:
				 * ckalloc'ed, or malloc'ed for a dummy. */
    MPI_Request req;
    int outcome;		/* PTCL_AGREED_*, once done. */
    int badRank;		/* Lowest rank whose input is bad. */
    Tcl_Obj *errMsg, *errCode;	/* This rank's error, then the announced
				 * one. One reference each, or NULL. */
    int64_t lengths[2];		/* Announcement: message and code bytes. */
    char *text;			/* Announcement: message then code. */
} PtclAgreement;

MODULE_SCOPE int PtclAgreeStart(Tcl_Interp *interp, PtclAgreement *a,
		    PtclCommRec *rec, const int64_t *words, int numWords,
		    Tcl_Obj *errMsg, Tcl_Obj *errCode);
MODULE_SCOPE int PtclAgreeAdvance(Tcl_Interp *interp, PtclAgreement *a);
MODULE_SCOPE int PtclAgreeResult(Tcl_Interp *interp, const PtclAgreement *a);
MODULE_SCOPE const int64_t *PtclAgreeWords(const PtclAgreement *a,
		    int rank);
MODULE_SCOPE int PtclAgreePending(const PtclAgreement *a);
MODULE_SCOPE void PtclAgreeFree(PtclAgreement *a);
MODULE_SCOPE int PtclAgreeWait(Tcl_Interp *interp, MPI_Comm comm,
		    const int64_t *words, int numWords, Tcl_Obj *errMsg,
		    Tcl_Obj *errCode, const PtclWaitWhat *what,
		    int64_t **allPtr);
MODULE_SCOPE PtclOp *PtclAgreeDummy(PtclCommRec *rec);

#endif /* PTCL_AGREE_H */
