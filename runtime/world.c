/*
 * world.c --
 *
 *	MPI's start and end for ptcl, the two communicators every rank dups
 *	from MPI_COMM_WORLD (control and user), the table of communicator
 *	handles that Tcl code names with -comm, and the conversion of MPI
 *	error codes into Tcl errors. MPI_ERRORS_RETURN is set everywhere: a bad
 *	call becomes a Tcl error, never an abort of the job.
 */

#include "transfer.h"
#include "comm.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

PtclWorld ptclWorld;

/*
 * The handle table: "world" is always there; others come from mpi::comm.
 */

static Tcl_HashTable commTable;
static int commTableReady = 0;
static int commCounter = 0;

static void
CommTableInit(void)
{
    if (!commTableReady) {
	Tcl_InitHashTable(&commTable, TCL_STRING_KEYS);
	commTableReady = 1;
    }
}

/*
 *----------------------------------------------------------------------
 *
 * PtclWorldInit --
 *
 *	Starts MPI unless it is up already (a stock tclsh that loaded
 *	another MPI extension, or ptclsh's main), dups the control and user
 *	communicators and sets MPI_ERRORS_RETURN on them. Safe to call more
 *	than once. Calls no Tcl function when interp is NULL: ptclsh runs it
 *	before the Tcl stubs of the library are set up.
 *
 * Results:
 *	TCL_OK, or TCL_ERROR with a message in interp (which may be NULL).
 *
 * Side effects:
 *	Fills in ptclWorld.
 *
 *----------------------------------------------------------------------
 */

int
PtclWorldInit(
    Tcl_Interp *interp,
    int *argcPtr,
    char ***argvPtr)
{
    int flag = 0, provided, code;

    if (ptclWorld.initialized) {
	return TCL_OK;
    }
    MPI_Finalized(&flag);
    if (flag) {
	if (interp) {
	    Tcl_SetObjResult(interp, Tcl_NewStringObj(
		    "MPI has been finalized in this process", -1));
	    Tcl_SetErrorCode(interp, "PTCL", "MPI_FINALIZED", NULL);
	}
	return TCL_ERROR;
    }
    MPI_Initialized(&flag);
    if (!flag) {
#ifdef OPEN_MPI
	/*
	 * OpenMPI 4.1 picks its osc/rdma component for MPI_Win_allocate on
	 * one node, and there an MPI_Compare_and_swap on the caller's own
	 * memory (emulated through the vader BTL) crashes. osc/sm (one node)
	 * and osc/pt2pt (several) do not. A choice the user made stands.
	 */

	setenv("OMPI_MCA_osc", "^rdma", 0);
#endif
	code = MPI_Init_thread(argcPtr, argvPtr, MPI_THREAD_FUNNELED,
		&provided);
	if (code != MPI_SUCCESS) {
	    if (interp) {
		Tcl_SetObjResult(interp, Tcl_NewStringObj(
			"could not initialize MPI", -1));
		Tcl_SetErrorCode(interp, "PTCL", "MPI_INIT", NULL);
	    }
	    return TCL_ERROR;
	}
	ptclWorld.ownsMpi = 1;
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &ptclWorld.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ptclWorld.size);
    MPI_Comm_dup(MPI_COMM_WORLD, &ptclWorld.control);
    MPI_Comm_dup(MPI_COMM_WORLD, &ptclWorld.user);
    if (PtclTransferInit() != TCL_OK) {
	return TCL_ERROR;
    }
    ptclWorld.initialized = 1;
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclWorldFinalize --
 *
 *	Frees the communicators ptcl made (and their data pairs), then ends
 *	MPI if ptcl started it. Called from a Tcl exit handler, so that
 *	`exit N` in a script becomes mpiexec's status N. Communicators retired
 *	after a stopped px (see ::ptcl::renewcomm) are not among them: they
 *	may have operations pending, and stay leaked.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	MPI_Finalize.
 *
 *----------------------------------------------------------------------
 */

void
PtclWorldFinalize(void)
{
    int flag = 0;

    if (!ptclWorld.initialized || ptclWorld.finalized) {
	return;
    }
    ptclWorld.finalized = 1;
    MPI_Finalized(&flag);
    if (flag) {
	return;
    }
    PtclCommFreeAll();
    if (ptclWorld.ownsMpi) {
	MPI_Finalize();
    }
}

/*
 *----------------------------------------------------------------------
 *
 * PtclMpiError --
 *
 *	Turns an MPI error code into a Tcl error.
 *
 * Results:
 *	TCL_ERROR, always; the message is "WHAT: MPI's text" and the error
 *	code {MPI CLASS text}, CLASS as in MPI_ERR_RANK.
 *
 * Side effects:
 *	Sets the interp's result and error code.
 *
 *----------------------------------------------------------------------
 */

static const char *
MpiClassName(
    int errClass)
{
    switch (errClass) {
    case MPI_ERR_BUFFER:	return "MPI_ERR_BUFFER";
    case MPI_ERR_COUNT:		return "MPI_ERR_COUNT";
    case MPI_ERR_TYPE:		return "MPI_ERR_TYPE";
    case MPI_ERR_TAG:		return "MPI_ERR_TAG";
    case MPI_ERR_COMM:		return "MPI_ERR_COMM";
    case MPI_ERR_RANK:		return "MPI_ERR_RANK";
    case MPI_ERR_REQUEST:	return "MPI_ERR_REQUEST";
    case MPI_ERR_ROOT:		return "MPI_ERR_ROOT";
    case MPI_ERR_GROUP:		return "MPI_ERR_GROUP";
    case MPI_ERR_OP:		return "MPI_ERR_OP";
    case MPI_ERR_TRUNCATE:	return "MPI_ERR_TRUNCATE";
    case MPI_ERR_OTHER:		return "MPI_ERR_OTHER";
    case MPI_ERR_INTERN:	return "MPI_ERR_INTERN";
    case MPI_ERR_PENDING:	return "MPI_ERR_PENDING";
    case MPI_ERR_IN_STATUS:	return "MPI_ERR_IN_STATUS";
    case MPI_ERR_ARG:		return "MPI_ERR_ARG";
    case MPI_ERR_UNKNOWN:	return "MPI_ERR_UNKNOWN";
    default:			return "MPI_ERR";
    }
}

int
PtclMpiError(
    Tcl_Interp *interp,
    int mpiCode,
    const char *what)
{
    char text[MPI_MAX_ERROR_STRING + 1];
    int len = 0, errClass = MPI_ERR_UNKNOWN;

    if (interp == NULL) {
	return TCL_ERROR;
    }
    MPI_Error_class(mpiCode, &errClass);
    if (MPI_Error_string(mpiCode, text, &len) != MPI_SUCCESS) {
	len = 0;
    }
    text[len] = '\0';
    Tcl_SetObjResult(interp, Tcl_ObjPrintf("%s: %s", what, text));
    Tcl_SetErrorCode(interp, "MPI", MpiClassName(errClass), text, NULL);
    return TCL_ERROR;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclGetCommFromObj --
 *
 *	Looks up a communicator handle ("world", or one that mpi::comm made).
 *
 * Results:
 *	TCL_OK with *commPtr set, or TCL_ERROR naming the bad handle.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
PtclGetCommFromObj(
    Tcl_Interp *interp,
    Tcl_Obj *objPtr,
    MPI_Comm *commPtr)
{
    const char *name = Tcl_GetString(objPtr);
    Tcl_HashEntry *hPtr;

    if (strcmp(name, "world") == 0) {
	*commPtr = ptclWorld.user;
	return TCL_OK;
    }
    CommTableInit();
    hPtr = Tcl_FindHashEntry(&commTable, name);
    if (hPtr == NULL) {
	Tcl_SetObjResult(interp, Tcl_ObjPrintf(
		"unknown communicator \"%s\": use \"world\" or a handle "
		"from mpi::comm", name));
	Tcl_SetErrorCode(interp, "PTCL", "USAGE", "COMM", name, NULL);
	return TCL_ERROR;
    }
    *commPtr = *(MPI_Comm *) Tcl_GetHashValue(hPtr);
    return TCL_OK;
}

/*
 * PtclRegisterComm --
 *
 *	Gives a communicator a handle name. Returns the name (refcount 0).
 */

Tcl_Obj *
PtclRegisterComm(
    MPI_Comm comm)
{
    char name[32];
    int isNew;
    Tcl_HashEntry *hPtr;
    MPI_Comm *slot = (MPI_Comm *) ckalloc(sizeof(MPI_Comm));

    CommTableInit();
    *slot = comm;
    do {
	snprintf(name, sizeof(name), "comm%d", ++commCounter);
	hPtr = Tcl_CreateHashEntry(&commTable, name, &isNew);
    } while (!isNew);
    Tcl_SetHashValue(hPtr, slot);
    return Tcl_NewStringObj(name, -1);
}

/*
 * PtclUnregisterComm --
 *
 *	Forgets a handle and gives back its communicator for freeing. "world"
 *	cannot be freed.
 */

int
PtclUnregisterComm(
    Tcl_Interp *interp,
    Tcl_Obj *objPtr,
    MPI_Comm *commPtr)
{
    const char *name = Tcl_GetString(objPtr);
    Tcl_HashEntry *hPtr;

    if (strcmp(name, "world") == 0) {
	Tcl_SetObjResult(interp, Tcl_NewStringObj(
		"cannot free the world communicator", -1));
	Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
	return TCL_ERROR;
    }
    if (PtclGetCommFromObj(interp, objPtr, commPtr) != TCL_OK) {
	return TCL_ERROR;
    }
    hPtr = Tcl_FindHashEntry(&commTable, name);
    ckfree(Tcl_GetHashValue(hPtr));
    Tcl_DeleteHashEntry(hPtr);
    return TCL_OK;
}
