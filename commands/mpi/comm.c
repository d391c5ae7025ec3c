/*
 * mpi_comm.c --
 *
 *	mpi::comm split|dup|free|world: communicators for Tcl code. A new
 *	communicator gets MPI_ERRORS_RETURN, a paired data communicator for
 *	large value payloads (PtclCommAdd), and a handle ("comm1", ...) in
 *	the process's table (world.c), which every -comm option reads. The
 *	interp remembers the handles it made and frees them at exit; a
 *	freed or unknown handle is an error, never a crash.
 *
 *	MPI has no nonblocking MPI_Comm_split. mpi::comm split therefore
 *	first meets every rank of the parent in an MPI_Iallgather waited for
 *	in the wait loop (interruptible), and only then calls the blocking
 *	MPI_Comm_split, which at that point is short: every member has
 *	already arrived. (A rank whose wait for the meeting is stopped just
 *	as it completes still joins the split: PtclSettle.) mpi::comm dup
 *	uses MPI_Comm_idup.
 */

#include "mpi/mpi.h"
#include <string.h>

/*
 * Remember, Forget --
 *
 *	The interp's list of the handles it made.
 */

static void
Remember(
    PtclMpiState *statePtr,
    Tcl_Obj *nameObj)
{
    int isNew;

    Tcl_CreateHashEntry(&statePtr->comms, Tcl_GetString(nameObj), &isNew);
}

static void
Forget(
    PtclMpiState *statePtr,
    Tcl_Obj *nameObj)
{
    Tcl_HashEntry *hPtr = Tcl_FindHashEntry(&statePtr->comms,
	    Tcl_GetString(nameObj));

    if (hPtr) {
	Tcl_DeleteHashEntry(hPtr);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * Adopt --
 *
 *	Readies a new communicator for Tcl: error handler, data pair,
 *	handle.
 *
 * Results:
 *	TCL_OK with the handle as the interp's result, or TCL_ERROR.
 *
 *----------------------------------------------------------------------
 */

static int
Adopt(
    Tcl_Interp *interp,
    MPI_Comm comm)
{
    Tcl_Obj *name;

    if (PtclCommAdd(interp, comm, "mpi::comm") == NULL) {
	MPI_Comm_free(&comm);
	return TCL_ERROR;
    }
    name = PtclRegisterComm(comm);
    Remember(PtclMpiGetState(interp), name);
    Tcl_SetObjResult(interp, name);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * CommSplit --
 *
 *	mpi::comm split COLOR ?KEY? ?-comm C?
 *
 * Results:
 *	The new communicator's handle, or the empty string for COLOR
 *	"undefined".
 *
 *----------------------------------------------------------------------
 */

#define SPLIT_USAGE "mpi::comm split COLOR ?KEY? ?-comm C?"

static int
CommSplit(
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    static const char *const options[] = {"-comm", NULL};
    Tcl_Obj *values[1] = {NULL};
    MPI_Comm parent, comm = MPI_COMM_NULL;
    int color, key, first, size, code, bad;
    int mine[2], *all;
    MPI_Request req;

    /* objv[0] is "split". An odd number of words after COLOR: KEY too. */
    if (objc < 2) {
	return PtclUsage(interp, SPLIT_USAGE);
    }
    first = ((objc - 2) % 2 == 1) ? 3 : 2;
    if (PtclMpiOptions(interp, objc, objv, first, options, values,
	    SPLIT_USAGE) != TCL_OK
	    || PtclMpiGetComm(interp, values[0], &parent) != TCL_OK) {
	return TCL_ERROR;
    }
    if (PtclMpiAtPrompt(interp, parent, "mpi::comm split") != TCL_OK) {
	return TCL_ERROR;
    }

    /*
     * A bad COLOR or KEY is not returned at once: the other ranks would
     * wait for this one forever. It goes into the meeting below as color
     * -2, and every rank fails.
     */

    MPI_Comm_rank(parent, &key);
    if (strcmp(Tcl_GetString(objv[1]), "undefined") == 0) {
	color = MPI_UNDEFINED;
    } else if (Tcl_GetIntFromObj(NULL, objv[1], &color) != TCL_OK
	    || color < 0) {
	PtclMpiUsageError(interp, "bad color \"%.50s\": must be a "
		"non-negative integer or \"undefined\"",
		Tcl_GetString(objv[1]));
	color = -2;
    }
    if (color != -2 && first == 3
	    && Tcl_GetIntFromObj(NULL, objv[2], &key) != TCL_OK) {
	PtclMpiUsageError(interp, "bad key \"%.50s\": must be an integer",
		Tcl_GetString(objv[2]));
	color = -2;
    }

    /*
     * Meet every rank in the wait loop first (see the head of the file).
     */

    MPI_Comm_size(parent, &size);
    mine[0] = color;
    mine[1] = key;
    all = (int *) ckalloc(sizeof(int) * 2 * (size_t) size);
    code = MPI_Iallgather(mine, 2, MPI_INT, all, 2, MPI_INT, parent, &req);
    if (code != MPI_SUCCESS) {
	ckfree(all);
	return PtclMpiError(interp, code, "mpi::comm split");
    }
    if (PtclWaitRequests(interp, NULL, 1, &req, NULL, 0) != TCL_OK) {
	/*
	 * Stopped. If the meeting completed after all, another rank may
	 * already be in MPI_Comm_split: join it (PtclSettle).
	 */

	if (!PtclSettle(1, &req, 0.1)) {
	    PtclForgetRequests(1, &req);
	    return TCL_ERROR;		/* Leaks all: MPI may still write. */
	}
	Tcl_ResetResult(interp);
    }
    for (bad = 0; bad < size && all[2 * bad] != -2; bad++) {
	/* The lowest rank with a bad color or key. */
    }
    ckfree(all);
    if (color == -2) {
	return TCL_ERROR;		/* Our own message is in interp. */
    }
    if (bad < size) {
	return PtclMpiUsageError(interp, "mpi::comm split: bad color or key "
		"on rank %d", bad);
    }

    /* BLOCKING: MPI_Comm_split, short: every member is here already. */
    code = MPI_Comm_split(parent, color, key, &comm);
    if (code != MPI_SUCCESS) {
	return PtclMpiError(interp, code, "mpi::comm split");
    }
    if (comm == MPI_COMM_NULL) {
	Tcl_ResetResult(interp);
	return TCL_OK;
    }
    return Adopt(interp, comm);
}

/*
 * CommDup --
 *
 *	mpi::comm dup ?-comm C?: MPI_Comm_idup in the wait loop. The new
 *	communicator's storage is leaked if the wait is abandoned, since MPI
 *	may still write it.
 */

static int
CommDup(
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    static const char *const options[] = {"-comm", NULL};
    const char *usage = "mpi::comm dup ?-comm C?";
    Tcl_Obj *values[1] = {NULL};
    MPI_Comm parent, *comm;
    MPI_Request req;
    int code;

    if (PtclMpiOptions(interp, objc, objv, 1, options, values, usage)
	    != TCL_OK
	    || PtclMpiGetComm(interp, values[0], &parent) != TCL_OK
	    || PtclMpiAtPrompt(interp, parent, "mpi::comm dup") != TCL_OK) {
	return TCL_ERROR;
    }
    comm = (MPI_Comm *) ckalloc(sizeof(MPI_Comm));
    code = MPI_Comm_idup(parent, comm, &req);
    if (code != MPI_SUCCESS) {
	ckfree(comm);
	return PtclMpiError(interp, code, "mpi::comm dup");
    }
    if (PtclWaitRequests(interp, NULL, 1, &req, NULL, 0) != TCL_OK) {
	return TCL_ERROR;		/* Leaks comm: MPI may still write. */
    }
    code = Adopt(interp, *comm);
    ckfree(comm);
    return code;
}

/*
 * FreeComm --
 *
 *	Frees a registered communicator and its data pair.
 */

static void
FreeComm(
    MPI_Comm comm)
{
    PtclCommRec *rec = PtclCommFind(comm);

    if (rec) {
	PtclCommFree(rec);
    } else {
	MPI_Comm_free(&comm);
    }
}

/*
 * CommFree --
 *
 *	mpi::comm free C. Refused while requests of this interp use C (wait
 *	for them or free them first): a request must never outlive its
 *	communicator.
 */

static int
CommFree(
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    PtclMpiState *statePtr = PtclMpiGetState(interp);
    MPI_Comm comm;
    int users;

    if (objc != 2) {
	return PtclUsage(interp, "mpi::comm free C");
    }
    if (strcmp(Tcl_GetString(objv[1]), "world") == 0) {
	return PtclMpiUsageError(interp,
		"cannot free the world communicator");
    }
    if (PtclMpiGetComm(interp, objv[1], &comm) != TCL_OK) {
	return TCL_ERROR;
    }
    users = PtclMpiCommUsers(statePtr, comm);
    if (users > 0) {
	return PtclMpiUsageError(interp, "cannot free communicator "
		"\"%.50s\": %d request%s still use%s it (wait for them or "
		"mpi::request_free them first)", Tcl_GetString(objv[1]),
		users, users == 1 ? "" : "s", users == 1 ? "s" : "");
    }
    if (PtclUnregisterComm(interp, objv[1], &comm) != TCL_OK) {
	return TCL_ERROR;
    }
    Forget(statePtr, objv[1]);
    FreeComm(comm);
    Tcl_ResetResult(interp);
    return TCL_OK;
}

/*
 * PtclMpiFreeAllComms --
 *
 *	Frees every communicator the interp made (at exit or deletion);
 *	only forgets them when MPI is finalized.
 */

void
PtclMpiFreeAllComms(
    PtclMpiState *statePtr)
{
    Tcl_HashSearch search;
    Tcl_HashEntry *hPtr;
    MPI_Comm comm;
    Tcl_Obj *name;
    int mpiUp = ptclWorld.initialized && !ptclWorld.finalized;

    while ((hPtr = Tcl_FirstHashEntry(&statePtr->comms, &search)) != NULL) {
	name = Tcl_NewStringObj(Tcl_GetHashKey(&statePtr->comms, hPtr), -1);
	Tcl_IncrRefCount(name);
	Tcl_DeleteHashEntry(hPtr);
	if (PtclUnregisterComm(statePtr->interp, name, &comm) == TCL_OK
		&& mpiUp) {
	    FreeComm(comm);
	}
	Tcl_DecrRefCount(name);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * CommObjCmd --
 *
 *	mpi::comm split|dup|free|world ...
 *
 *----------------------------------------------------------------------
 */

static int
CommObjCmd(
    ClientData clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    static const char *const subcommands[] = {
	"dup", "free", "split", "world", NULL
    };
    enum { SUB_DUP, SUB_FREE, SUB_SPLIT, SUB_WORLD };
    int index;

    (void) clientData;
    if (objc < 2) {
	return PtclUsage(interp, "mpi::comm split|dup|free|world ?arg ...?");
    }
    if (Tcl_GetIndexFromObj(interp, objv[1], subcommands, "subcommand", 0,
	    &index) != TCL_OK) {
	Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
	return TCL_ERROR;
    }
    switch (index) {
    case SUB_SPLIT:
	return CommSplit(interp, objc - 1, objv + 1);
    case SUB_DUP:
	return CommDup(interp, objc - 1, objv + 1);
    case SUB_FREE:
	return CommFree(interp, objc - 1, objv + 1);
    default:
	if (objc != 2) {
	    return PtclUsage(interp, "mpi::comm world");
	}
	Tcl_SetObjResult(interp, Tcl_NewStringObj("world", -1));
	return TCL_OK;
    }
}

int
PtclMpiCommInit(
    Tcl_Interp *interp)
{
    Tcl_CreateObjCommand(interp, "::mpi::comm", CommObjCmd, NULL, NULL);
    return TCL_OK;
}
