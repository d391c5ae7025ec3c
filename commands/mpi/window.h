/*
 * window.h --
 *
 *	One-sided communication (issue 8, doc/windows.md): MPI windows as
 *	Tcl sees them. mpi_win.c holds the window layer (PtclWin: creation,
 *	checked element access, epochs, interruptible locks) and the mpi::win
 *	command; shared.c builds ptcl::shared arrays on the same layer.
 *
 *	How a window works underneath. Every window is opened with
 *	MPI_Win_lock_all(MPI_MODE_NOCHECK) when it is made and stays in that
 *	passive epoch until it is freed. Every data operation is a
 *	request-based RMA call (MPI_Rput, MPI_Rget, MPI_Raccumulate,
 *	MPI_Rget_accumulate) waited for in the wait loop, so none blocks.
 *	The epochs a script sees are built on top:
 *
 *	  - fence: MPI_Win_flush_all, then an MPI_Ibarrier on the window's
 *	    members waited for in the wait loop (interruptible), instead of
 *	    the blocking MPI_Win_fence;
 *	  - lock/unlock: a guard word (int64) in front of each rank's memory,
 *	    taken with MPI_Compare_and_swap in the wait loop (so a waiter
 *	    sleeps, and Ctrl-C or px -timeout stop it), instead of the
 *	    blocking MPI_Win_lock. 0 is free, n > 0 is n shared holders,
 *	    -(r+1) is an exclusive hold by rank r. unlock flushes, then
 *	    releases the guard;
 *	  - lock_all: a shared guard on every rank, taken in rank order.
 *
 *	A script's epochs are still checked as MPI would have them (an
 *	operation outside an epoch, nested locks, lock during fence epochs
 *	are errors), so what runs here is a correct MPI program.
 */

#ifndef PTCL_WINDOW_H
#define PTCL_WINDOW_H

#include "mpi/mpi.h"
#include <inttypes.h>

enum { PTCL_ELEM_INT64, PTCL_ELEM_DOUBLE, PTCL_ELEM_BYTE };

/* One element in C. */
typedef union PtclElem {
    int64_t i;
    double d;
    uint8_t b;
} PtclElem;

/* A lock this rank holds on a target (PtclWin.locks). */
enum { PTCL_LOCK_NONE = 0, PTCL_LOCK_SHARED = 1, PTCL_LOCK_EXCLUSIVE = 2 };

typedef struct PtclWin {
    Tcl_Interp *interp;
    MPI_Win win;
    int type;			/* PTCL_ELEM_*. */
    int rank, size;		/* In the window's communicator. */
    int64_t *counts;		/* Elements exposed by each rank. */
    int *members;		/* World ranks of the members, ascending:
				 * the key of the px group communicator that
				 * fences and frees sync on. */
    int shared;			/* Made by MPI_Win_allocate_shared. */
    int fenceActive;		/* In fence epochs (after fence). */
    int lockAll;		/* Between lock_all and unlock_all. */
    unsigned char *locks;	/* Per target: PTCL_LOCK_*. */
    int numLocks;		/* Targets with a lock. */
    struct PtclWin *next;	/* The interp's live windows. */
} PtclWin;

/* Element types and ops by name. */
int	PtclWinGetType(Tcl_Interp *interp, Tcl_Obj *objPtr, int *typePtr);
const char *PtclWinTypeName(int type);
int	PtclWinGetElem(Tcl_Interp *interp, int type, Tcl_Obj *objPtr,
	    PtclElem *elemPtr);
Tcl_Obj *PtclWinElemObj(int type, const void *p);

/*
 * Making and freeing (collective). PtclWinCreate: COUNT elements of TYPE
 * on this rank; every rank of comm calls it and all agree first. host is
 * "allocate", "allocate_shared" (on comm's node part) or "shared" (as
 * allocate_shared when every member is on one node, else allocate).
 */

int	PtclWinCreate(Tcl_Interp *interp, MPI_Comm comm, const char *cmd,
	    int64_t count, int countOk, int type, const char *how,
	    PtclWin **winPtr);
int	PtclWinFree(Tcl_Interp *interp, PtclWin *w, const char *cmd);
void	PtclWinForget(PtclWin *w);

/*
 * Data operations, checked: target, range, epoch.
 */

int	PtclWinPut(Tcl_Interp *interp, PtclWin *w, int target, int64_t offset,
	    Tcl_Obj *valuesObj, int op, int needEpoch);
int	PtclWinGet(Tcl_Interp *interp, PtclWin *w, int target, int64_t offset,
	    int64_t count, int needEpoch, Tcl_Obj **resultPtr);
int	PtclWinFetchOp(Tcl_Interp *interp, PtclWin *w, int target,
	    int64_t offset, int op, const PtclElem *value, int needEpoch,
	    PtclElem *oldPtr);
int	PtclWinCas(Tcl_Interp *interp, PtclWin *w, int target,
	    int64_t offset, const PtclElem *compare, const PtclElem *value,
	    int needEpoch, PtclElem *oldPtr);

/* Ops: PTCL_WOP_* index into the table of names. */
enum {
    PTCL_WOP_SUM, PTCL_WOP_PROD, PTCL_WOP_MIN, PTCL_WOP_MAX, PTCL_WOP_LAND,
    PTCL_WOP_LOR, PTCL_WOP_LXOR, PTCL_WOP_BAND, PTCL_WOP_BOR, PTCL_WOP_BXOR,
    PTCL_WOP_REPLACE, PTCL_WOP_NO_OP
};

void	PtclWinAppendUsage(Tcl_Interp *interp, Tcl_Obj *cmdObj,
	    const char *args);
int	PtclWinGetOp(Tcl_Interp *interp, Tcl_Obj *objPtr, int type,
	    int allowNoOp, int *opPtr);

/*
 * The guard lock (see the head of the file) and its release when px
 * code stops.
 */

int	PtclWinAcquire(Tcl_Interp *interp, PtclWin *w, int target,
	    int exclusive);
void	PtclWinRelease(PtclWin *w, int target, int exclusive);
int	PtclWinReleaseAll(Tcl_Interp *interp, void *clientData);
int	PtclWinRenew(Tcl_Interp *interp, void *clientData);
int	PtclWinInit(Tcl_Interp *interp);
int	PtclSharedInit(Tcl_Interp *interp);

#endif /* PTCL_WINDOW_H */
