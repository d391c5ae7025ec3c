/*
 * mpi_layer.h --
 *
 *	What the files of the mpi:: layer (SPEC 4) share: the per-interpreter
 *	table of request handles and communicators made here, argument
 *	parsing helpers (ranks, tags, -comm), and the wait used by every
 *	blocking mpi:: call. Built on ptclInt.h and runtime/collective.h.
 *
 *	Files: mpi_p2p.c (send, recv, sendrecv, probe, iprobe; the state and
 *	PtclMpiInit), mpi_request.c (isend, irecv, persistent requests, wait,
 *	test, cancel), mpi_coll.c (the value collectives), mpi_comm.c
 *	(mpi::comm).
 */

#ifndef PTCL_MPI_LAYER_H
#define PTCL_MPI_LAYER_H

#include "engine/engine.h"
#include "collective.h"

/*
 * A request handle ("req1", ...): a point-to-point value transfer that a
 * script starts, tests and waits for.
 */

enum { PTCL_REQ_SEND, PTCL_REQ_RECV };

typedef struct PtclMpiRequest {
    struct PtclMpiState *statePtr;
    Tcl_HashEntry *hPtr;	/* In statePtr->requests. */
    int kind;			/* PTCL_REQ_SEND or PTCL_REQ_RECV. */
    int persistent;		/* Made by send_init / recv_init. */
    int active;			/* Started, not yet collected by wait/test. */
    int done;			/* Completed; result waits to be
				 * collected. */
    int cancelled;		/* Completed by mpi::cancel. */
    int failed;			/* Completed with an error (errorObj). */
    MPI_Comm comm;
    int peer, tag;		/* Dest (send) or source (recv), tag. */
    Tcl_Obj *value;		/* Send: the value. One reference. */
    PtclValueSend send;
    PtclValueRecv recv;
    Tcl_Obj *result;		/* Recv: the value once done. One ref. */
    MPI_Status status;
    int64_t count;		/* Payload bytes of the completed
				 * transfer. */
    Tcl_Obj *errorObj, *errorCode;
				/* The failure, when failed. One ref each. */
    int64_t order;		/* When it was (re)started: receives are
				 * advanced in this order. */
    struct PtclMpiRequest *nextRecv, *prevRecv;
				/* Active receives, oldest first. */
} PtclMpiRequest;

typedef struct PtclMpiState {
    Tcl_Interp *interp;
    Tcl_HashTable requests;	/* "reqN" -> PtclMpiRequest *. */
    int nextRequest;
    int64_t nextOrder;
    PtclMpiRequest *firstRecv, *lastRecv;
				/* Active, unfinished receives in the order
				 * they were started. */
    Tcl_HashTable comms;	/* Handles made by mpi::comm here -> the
				 * MPI_Comm (as a key only). */
    int exiting;		/* Cleanup has run. */
} PtclMpiState;

PtclMpiState *PtclMpiGetState(Tcl_Interp *interp);

/*
 * Option parsing. PtclMpiOptions reads "-name value" pairs from
 * objv[first..objc-1] into values[] (NULL where not given). Errors are
 * usage errors that end with the command's usage.
 */

int	PtclMpiOptions(Tcl_Interp *interp, int objc, Tcl_Obj *const objv[],
	    int first, const char *const *options, Tcl_Obj **values,
	    const char *usage);
int	PtclMpiGetComm(Tcl_Interp *interp, Tcl_Obj *objPtr, MPI_Comm *commPtr);
int	PtclMpiGetRank(Tcl_Interp *interp, Tcl_Obj *objPtr, MPI_Comm comm,
	    int allowAny, const char *what, int *rankPtr);
int	PtclMpiGetTag(Tcl_Interp *interp, Tcl_Obj *objPtr, int allowAny,
	    int *tagPtr);
int	PtclMpiSendArgs(Tcl_Interp *interp, int objc, Tcl_Obj *const objv[],
	    const char *usage, MPI_Comm *commPtr, int *destPtr, int *tagPtr);
int	PtclMpiUsageError(Tcl_Interp *interp, const char *fmt, ...);
Tcl_Obj *PtclMpiStatusObj(const MPI_Status *status, int64_t count,
	    int cancelled);
int	PtclMpiSetStatusVar(Tcl_Interp *interp, Tcl_Obj *varName,
	    const MPI_Status *status, int64_t count, int cancelled);
int	PtclMpiAtPrompt(Tcl_Interp *interp, MPI_Comm comm, const char *cmd);

/*
 * Waiting: PtclWait with the px check, plus Ctrl-C at ptclsh's prompt.
 */

int	PtclMpiWait(Tcl_Interp *interp, PtclPollProc *pollProc,
	    void *clientData);
void	PtclMpiAdvanceRecvs(Tcl_Interp *interp, PtclMpiState *statePtr);

/*
 * Requests (mpi_request.c) and communicators (mpi_comm.c).
 */

int	PtclMpiRequestInit(Tcl_Interp *interp);
void	PtclMpiFreeAllRequests(PtclMpiState *statePtr);
int	PtclMpiCommUsers(PtclMpiState *statePtr, MPI_Comm comm);
int	PtclMpiCommInit(Tcl_Interp *interp);
void	PtclMpiFreeAllComms(PtclMpiState *statePtr);
int	PtclMpiCollInit(Tcl_Interp *interp);
int	PtclFactsInit(Tcl_Interp *interp);
int	PtclWinInit(Tcl_Interp *interp);

/*
 * Payload bytes of a value message as the status reports them.
 */

int64_t	PtclMpiRecvCount(const PtclValueRecv *r);

#endif /* PTCL_MPI_LAYER_H */
