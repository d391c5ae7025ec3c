/*
 * ptclRuntime.h --
 *
 *	What the commands and the shell stand on and Tcl never sees: the MPI
 *	world and its communicators, the one wait loop, byte buffers for wire
 *	formats, the control protocol between rank 0 and the workers, and the
 *	capture of a px's standard output and error.
 *
 *	Rule of the house: no MPI call outside runtime/ except through this
 *	API, and no blocking MPI call anywhere. Every wait is a nonblocking call
 *	followed by PtclWait (waitloop.c), so that an interrupt, a deadline or
 *	a remote failure can always release it.
 */

#ifndef PTCL_RUNTIME_H
#define PTCL_RUNTIME_H

#include "ptclCompat.h"
#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#ifndef PTCL_VERSION
#define PTCL_VERSION "0.1"
#endif

/*
 *----------------------------------------------------------------------
 * world.c: MPI start and end, the communicators, MPI errors as Tcl errors.
 *----------------------------------------------------------------------
 */

typedef struct PtclWorld {
    int initialized;		/* PtclWorldInit has run in this process. */
    int ownsMpi;		/* We called MPI_Init, so we finalize. */
    int finalized;		/* MPI_Finalize has run. */
    int shell;			/* Running inside ptclsh (not a stock tclsh). */
    int rank, size;		/* Rank and size in MPI_COMM_WORLD. */
    MPI_Comm control;		/* Prompt to workers and replies. */
    MPI_Comm user;		/* Default for mpi:: and the collectives. */
} PtclWorld;

extern PtclWorld ptclWorld;

int	PtclWorldInit(Tcl_Interp *interp, int *argcPtr, char ***argvPtr);
void	PtclWorldFinalize(void);
int	PtclMpiError(Tcl_Interp *interp, int mpiCode, const char *what);

/*
 * Communicator handles as Tcl sees them ("world", "comm1", ...). The table
 * is per process; "world" is the user communicator (a dup of WORLD).
 */

int	PtclGetCommFromObj(Tcl_Interp *interp, Tcl_Obj *objPtr,
	    MPI_Comm *commPtr);
Tcl_Obj *PtclRegisterComm(MPI_Comm comm);
int	PtclUnregisterComm(Tcl_Interp *interp, Tcl_Obj *objPtr,
	    MPI_Comm *commPtr);

/*
 *----------------------------------------------------------------------
 * waitloop.c: the one wait loop.
 *----------------------------------------------------------------------
 */

/*
 * A poll procedure says whether the awaited thing has happened: 1 done,
 * 0 not yet, -1 failed (with a message left in interp).
 */

typedef int (PtclPollProc)(Tcl_Interp *interp, void *clientData);

/*
 * A check procedure is consulted on every turn of the wait loop while a
 * px runs: it returns TCL_OK to go on waiting, or TCL_ERROR with a message
 * in interp to abandon the wait (interrupt, deadline, remote failure).
 */

typedef int (PtclCheckProc)(Tcl_Interp *interp, void *clientData);

/*
 * What a wait waits for: every wait names it, so that a stopped px can say
 * where each rank was and rank 0 can find deadlocks (issue 17).
 */

typedef enum PtclWaitKind {
    PTCL_WAITING_OTHER = 0,	/* Something of ptcl's own. */
    PTCL_WAITING_COMMAND,	/* A worker between commands. */
    PTCL_WAITING_REPLIES,	/* Rank 0 collecting px replies. */
    PTCL_WAITING_RECV,		/* A receive from peer (or any), tag. */
    PTCL_WAITING_SEND,		/* A send that peer has not taken. */
    PTCL_WAITING_PROBE,		/* A probe for a message from peer. */
    PTCL_WAITING_COLL,		/* A collective over comm. */
    PTCL_WAITING_LOCK,		/* A window lock that peer holds. */
    PTCL_WAITING_FENCE,		/* A window fence over comm. */
    PTCL_WAITING_REQUESTS	/* mpi::wait, waitall, waitany. */
} PtclWaitKind;

typedef struct PtclWaitWhat {
    PtclWaitKind kind;
    const char *cmd;		/* The Tcl command that waits ("mpi::recv",
				 * "barrier", "pmap"), or NULL. */
    MPI_Comm comm;		/* Or MPI_COMM_NULL. */
    int peer;			/* Rank in comm; -1 any source; -2 not one
				 * rank. */
    int tag;			/* A tag, MPI_ANY_TAG, or -2 none. */
} PtclWaitWhat;

#define PTCL_WAIT_IDLE	1	/* Waiting between commands: no checks,
				 * short spin. */
#define PTCL_WAIT_NOCHECK 2	/* No checks (the caller makes its own),
				 * but data is on its way: long spin. */

int	PtclWait(Tcl_Interp *interp, const PtclWaitWhat *what,
	    PtclPollProc *pollProc, void *clientData, int flags);
int	PtclWaitRequests(Tcl_Interp *interp, const PtclWaitWhat *what,
	    int count, MPI_Request *reqs, MPI_Status *statuses, int flags);
void	PtclNoteActivity(void);
typedef int (PtclTurnProc)(void);
void	PtclWaitAddTurnProc(PtclTurnProc *proc);
int	PtclForgetRequests(int count, MPI_Request *reqs);
int	PtclSettle(int count, MPI_Request *reqs, double seconds);
void	PtclPushCheck(PtclCheckProc *proc, void *clientData,
	    PtclCheckProc **oldProcPtr, void **oldDataPtr);
void	PtclPopCheck(PtclCheckProc *oldProc, void *oldData);
int	PtclRunChecks(Tcl_Interp *interp);
double	PtclNow(void);

/*
 *----------------------------------------------------------------------
 * buffer.c: a growable byte buffer and a bounds-checked reader.
 *----------------------------------------------------------------------
 */

typedef struct PtclBuf {
    unsigned char *bytes;
    size_t len, cap;
} PtclBuf;

typedef struct PtclReader {
    const unsigned char *p, *end;
    int bad;			/* Set when a read ran past the end. */
} PtclReader;

void	PtclBufInit(PtclBuf *buf);
void	PtclBufFree(PtclBuf *buf);
void	PtclBufReserve(PtclBuf *buf, size_t more);
void	PtclBufAppend(PtclBuf *buf, const void *data, size_t len);
void	PtclBufPutInt32(PtclBuf *buf, int32_t v);
void	PtclBufPutInt64(PtclBuf *buf, int64_t v);
void	PtclBufPutDouble(PtclBuf *buf, double v);
void	PtclBufPutBytes(PtclBuf *buf, const void *data, size_t len);

void	PtclReaderInit(PtclReader *r, const void *data, size_t len);
int32_t	PtclGetInt32(PtclReader *r);
int64_t	PtclGetInt64(PtclReader *r);
double	PtclGetDouble(PtclReader *r);
const unsigned char *PtclGetBytes(PtclReader *r, size_t *lenPtr);

/*
 *----------------------------------------------------------------------
 * message.c: receiving a message of unknown size through the wait loop.
 *----------------------------------------------------------------------
 */

int	PtclRecvMessage(Tcl_Interp *interp, MPI_Comm comm, int source,
	    int tag, int flags, PtclBuf *out, MPI_Status *statusPtr);
int	PtclProbeMessage(Tcl_Interp *interp, MPI_Comm comm, int source,
	    int tag, PtclBuf *out, MPI_Status *statusPtr);

#include "protocol.h"

/*
 *----------------------------------------------------------------------
 * capture.c: stdout and stderr of px code, caught by stacked channels.
 *----------------------------------------------------------------------
 */

typedef void (PtclLineProc)(void *clientData, int stream, const char *line,
	size_t len);

int	PtclCaptureInstall(Tcl_Interp *interp);
void	PtclCaptureBegin(PtclLineProc *lineProc, void *clientData);
void	PtclCaptureEnd(Tcl_DString *outPtr, Tcl_DString *errPtr);
int	PtclCaptureActive(void);
void	PtclCaptureWriteThrough(int stream, const char *bytes, size_t len);

#endif /* PTCL_RUNTIME_H */
