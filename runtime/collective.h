/*
 * collective.h --
 *
 *	Tcl values in MPI collectives over any communicator. Every function
 *	is a collective call: each member of comm calls it with the same
 *	root (and op), as in MPI. Underneath, every MPI operation is the
 *	nonblocking form (MPI_Ibcast, MPI_Iscatterv, ...) waited for in the
 *	one wait loop, so an interrupt or a failed rank can release it.
 *
 *	Input that only some ranks can check (the root's list in a scatter,
 *	each rank's numbers in a reduction) is agreed on first, so that a bad
 *	value on one rank makes every rank fail with the same message instead
 *	of leaving the others waiting.
 *
 *	Results are handed back holding one reference, which the caller
 *	releases; NULL where the operation gives this rank nothing.
 */

#ifndef PTCL_COLLECTIVE_H
#define PTCL_COLLECTIVE_H

#include "transfer.h"

typedef enum PtclReduceOp {
    PTCL_OP_SUM, PTCL_OP_PROD, PTCL_OP_MIN, PTCL_OP_MAX,
    PTCL_OP_LAND, PTCL_OP_LOR, PTCL_OP_BAND, PTCL_OP_BOR,
    PTCL_OP_LXOR, PTCL_OP_BXOR, PTCL_OP_MINLOC, PTCL_OP_MAXLOC
} PtclReduceOp;

/*
 * The reductions' kinds.
 */

enum {
    PTCL_REDUCE,		/* Result on root. */
    PTCL_ALLREDUCE,		/* Result everywhere. */
    PTCL_SCAN,			/* Inclusive prefix, everywhere. */
    PTCL_EXSCAN			/* Exclusive prefix; nothing on rank 0. */
};

/*
 * Flags of PtclCollGather.
 */

#define PTCL_GATHER_ALL		1	/* Allgather: result everywhere. */
#define PTCL_GATHER_CONCAT	2	/* Concatenate the values, each taken
					 * as a list, instead of listing
					 * them. */

int	PtclGetOpFromObj(Tcl_Interp *interp, Tcl_Obj *objPtr, PtclReduceOp *opPtr);

int	PtclCollBarrier(Tcl_Interp *interp, MPI_Comm comm);

/*
 * Bcast: value (used on root only) arrives on every rank.
 */

int	PtclCollBcast(Tcl_Interp *interp, MPI_Comm comm, int root,
	    Tcl_Obj *value, Tcl_Obj **resultPtr);

/*
 * Scatter: on root, list holds the items. Without counts (NULL) it must
 * have exactly size items and each rank gets one item; with counts (size
 * non-negative integers summing to the list's length, used on root only)
 * rank r gets the next counts[r] items as a list (Scatterv).
 */

int	PtclCollScatter(Tcl_Interp *interp, MPI_Comm comm, int root,
	    Tcl_Obj *list, const int64_t *counts, Tcl_Obj **resultPtr);

/*
 * Gather: every rank's value, in rank order, on root (or on every rank
 * with PTCL_GATHER_ALL): the list of the values, or with
 * PTCL_GATHER_CONCAT their concatenation as lists (Gatherv; a value that
 * is not a list is an error naming its rank).
 */

void	PtclCollForgetRecycled(void);
int	PtclCollGather(Tcl_Interp *interp, MPI_Comm comm, int root,
	    Tcl_Obj *value, int flags, Tcl_Obj **resultPtr);

/*
 * Alltoall: list holds size values; value i goes to rank i. The result is
 * the list of the size values received, in rank order.
 */

int	PtclCollAlltoall(Tcl_Interp *interp, MPI_Comm comm, Tcl_Obj *list,
	    Tcl_Obj **resultPtr);

/*
 * Reductions: value is a number or a list of numbers, element by element
 * on lists of equal length on every rank; for MINLOC and MAXLOC a
 * {value index} pair (or a list of such pairs), giving {value index}
 * with the lowest index on a tie. Numbers that are all integers reduce
 * as int64, otherwise as double, in MPI on packed data.
 */

int	PtclCollReduce(Tcl_Interp *interp, MPI_Comm comm, int kind,
	    int root, PtclReduceOp op, Tcl_Obj *value, Tcl_Obj **resultPtr);

/*
 * Extended forms, for callers that found an error in their own arguments
 * (a bad -counts, an unknown op) and must make every rank fail with it
 * rather than leave the others waiting: the error (a message, used on
 * the root only for scatter, on any rank otherwise) is announced in the
 * collective's agreement step. GatherEx also takes counts, the number of
 * list items each rank must give (Gatherv; implies PTCL_GATHER_CONCAT);
 * ReduceEx takes op as an int that may be -1 when localError is given.
 * With NULL errors and counts they are the functions above.
 */

int	PtclCollScatterEx(Tcl_Interp *interp, MPI_Comm comm, int root,
	    Tcl_Obj *list, const int64_t *counts, Tcl_Obj *rootError,
	    Tcl_Obj **resultPtr);
int	PtclCollGatherEx(Tcl_Interp *interp, MPI_Comm comm, int root,
	    Tcl_Obj *value, int flags, const int64_t *counts,
	    Tcl_Obj *localError, Tcl_Obj **resultPtr);
int	PtclCollAlltoallEx(Tcl_Interp *interp, MPI_Comm comm, Tcl_Obj *list,
	    Tcl_Obj *localError, Tcl_Obj **resultPtr);

/*
 * Into forms, for a caller that stores the result in a variable: reuse (or
 * NULL) is that variable's value, held by nothing else (refcount 1). When
 * it is a list and the value arriving is a packed list of numbers, it is
 * rebuilt in place (its unshared elements take the new numbers) and
 * returned as the result, so that a receiving rank allocates and frees no
 * objects; otherwise it is left alone. On the root of a scatter with
 * counts, reuse may become the root's own block when it differs from it
 * in few items (only those are replaced). Unused on the root of a bcast,
 * whose result is its own value.
 */

int	PtclCollBcastInto(Tcl_Interp *interp, MPI_Comm comm, int root,
	    Tcl_Obj *value, Tcl_Obj *reuse, Tcl_Obj **resultPtr);
int	PtclCollScatterInto(Tcl_Interp *interp, MPI_Comm comm, int root,
	    Tcl_Obj *list, const int64_t *counts, Tcl_Obj *rootError,
	    Tcl_Obj *reuse, Tcl_Obj **resultPtr);
int	PtclCollReduceEx(Tcl_Interp *interp, MPI_Comm comm, int kind,
	    int root, int op, Tcl_Obj *localError, Tcl_Obj *value,
	    Tcl_Obj **resultPtr);

#endif /* PTCL_COLLECTIVE_H */
