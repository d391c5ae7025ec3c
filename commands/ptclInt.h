/*
 * ptclInt.h --
 *
 *	What the command files of ptcl share: the per-interpreter state (is a
 *	px running here, which communicator is its group), the px engine that
 *	the shell and the data commands call, and small helpers for option
 *	parsing. Built on runtime/ptclRuntime.h.
 */

#ifndef PTCL_INT_H
#define PTCL_INT_H

#include "ptclRuntime.h"
#include "transfer.h"

/*
 * Per-interpreter state, kept as assoc data "ptcl".
 */

typedef struct PtclState {
    Tcl_Interp *interp;
    int inPx;			/* > 0 while px code runs here. */
    int64_t pxId;		/* The px that runs here, or the last one. */
    int64_t nextPxId;		/* Rank 0: id of the next px. */
    MPI_Comm pxComm;		/* Default communicator of px code. */
    Tcl_HashTable groupComms;	/* Target set ("2 3") -> MPI_Comm *. */
    Tcl_Obj *cancelMsg;		/* Why the running px was stopped, or
				 * NULL. One reference. */
    int cancelKind;		/* PTCL_MSG_INTERRUPT or PTCL_MSG_ABORT. */
    int limitTripped;		/* Rank 0 set a command limit of 0 to stop
				 * its px code (interrupt.c). */
    Tcl_Obj *payload;		/* The value rank 0 sent with the running
				 * px, or NULL. Not referenced here: the
				 * px engine holds it while the px runs. */
    int payloadKind;		/* 0, or PTCL_VAL_DOUBLES/WIDES when payload
				 * is still packed numbers (a bytearray):
				 * see PtclPxRawPayload. */
    Tcl_Obj *payloadDecoded;	/* The packed payload once unpacked by
				 * PtclPxPayload; one reference. */
} PtclState;

PtclState *PtclGetState(Tcl_Interp *interp);
MPI_Comm PtclDefaultComm(Tcl_Interp *interp);

/*
 * The px engine (px.c).
 */

int	PtclParseTargets(Tcl_Interp *interp, Tcl_Obj *listObj,
	    int *numPtr, int **targetsPtr);
int	PtclAllTargets(int **targetsPtr);
int	PtclGroupComm(Tcl_Interp *interp, PtclState *state, int numTargets,
	    const int *targets, MPI_Comm *commPtr);
int	PtclPxRun(Tcl_Interp *interp, int numTargets, const int *targets,
	    Tcl_Obj *scriptObj, Tcl_Obj *const *payloads, int flags,
	    double timeout, PtclReply *replies);
Tcl_Obj *PtclPxPayload(Tcl_Interp *interp);
Tcl_Obj *PtclPxRawPayload(Tcl_Interp *interp, int *kindPtr);
int	PtclPxReport(Tcl_Interp *interp, int numTargets,
	    PtclReply *replies);
int	PtclServeCommand(Tcl_Interp *interp, const PtclBuf *msg);
void	PtclRunPx(Tcl_Interp *interp, PtclState *state, int64_t pxId,
	    int numTargets, const int *targets, Tcl_Obj *scriptObj,
	    Tcl_Obj *payload, PtclLineProc *lineProc, void *lineData,
	    PtclReply *reply);
void	PtclStopPx(PtclState *state, int kind, Tcl_Obj *msgObj);
int	PtclStoppedError(Tcl_Interp *interp, PtclState *state);
int	PtclPxExecInit(Tcl_Interp *interp);
void	PtclErrorParts(Tcl_Interp *interp, Tcl_Obj **msgPtr,
	    Tcl_Obj **infoPtr, Tcl_Obj **codePtr);
int	PtclShellExit(int status);

/*
 * Interrupts (interrupt.c).
 */

void	PtclInterruptInstall(Tcl_Interp *interp);
void	PtclSignalInstall(void);
void	PtclInterruptLift(Tcl_Interp *interp);
void	PtclInterruptWatch(int on);
int	PtclInterruptAfterInit(Tcl_Interp *interp);
int	PtclSignalPending(void);
void	PtclSignalClear(void);

/*
 * Command registration (one file per family).
 */

int	PtclFactsInit(Tcl_Interp *interp);
int	PtclPxInit(Tcl_Interp *interp);
/* The mpi:: layer (commands/mpi_*.c): */
int	PtclMpiInit(Tcl_Interp *interp);
/* The data commands of SPEC 3 (commands/collectives.c, pmap.c): */
int	PtclCollectivesInit(Tcl_Interp *interp);
/* One-sided windows and shared arrays (commands/mpi_win.c, shared.c): */
int	PtclWinInit(Tcl_Interp *interp);
void	PtclWinReleaseAll(Tcl_Interp *interp);
int	PtclWinRenew(Tcl_Interp *interp);

/*
 * Errors: a usage error with errorcode {PTCL USAGE}.
 */

int	PtclUsage(Tcl_Interp *interp, const char *usage);

#endif /* PTCL_INT_H */
