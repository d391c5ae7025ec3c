/*
 * facts.c --
 *
 *	mpi::rank, mpi::size, mpi::processor, mpi::wtime and mpi::wtick: what
 *	a rank can know about itself. Each takes ?-comm C?; without it, the
 *	default communicator is the px group inside px code and the world
 *	everywhere else.
 */

#include "mpi/mpi.h"

enum Fact { FACT_RANK, FACT_SIZE, FACT_PROCESSOR, FACT_WTIME, FACT_WTICK };

static const char *const factNames[] = {
    "mpi::rank", "mpi::size", "mpi::processor", "mpi::wtime", "mpi::wtick",
    NULL
};

/*
 *----------------------------------------------------------------------
 *
 * FactObjCmd --
 *
 *	One procedure for the five facts; clientData says which.
 *
 * Results:
 *	The fact, or a usage error.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

static int
FactObjCmd(
    ClientData clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    enum Fact fact = (enum Fact) (intptr_t) clientData;
    static const char *const options[] = {"-comm", NULL};
    MPI_Comm comm = PtclDefaultComm(interp);
    int index, value, code, len;
    char name[MPI_MAX_PROCESSOR_NAME + 1];

    if (objc != 1 && objc != 3) {
	Tcl_WrongNumArgs(interp, 1, objv, "?-comm C?");
	Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
	return TCL_ERROR;
    }
    if (objc == 3) {
	if (Tcl_GetIndexFromObj(interp, objv[1], options, "option", 0,
		&index) != TCL_OK
		|| PtclGetCommFromObj(interp, objv[2], &comm) != TCL_OK) {
	    return TCL_ERROR;
	}
    }

    switch (fact) {
    case FACT_RANK:
	code = MPI_Comm_rank(comm, &value);
	if (code != MPI_SUCCESS) {
	    return PtclMpiError(interp, code, factNames[fact]);
	}
	Tcl_SetObjResult(interp, Tcl_NewIntObj(value));
	break;
    case FACT_SIZE:
	code = MPI_Comm_size(comm, &value);
	if (code != MPI_SUCCESS) {
	    return PtclMpiError(interp, code, factNames[fact]);
	}
	Tcl_SetObjResult(interp, Tcl_NewIntObj(value));
	break;
    case FACT_PROCESSOR:
	code = MPI_Get_processor_name(name, &len);
	if (code != MPI_SUCCESS) {
	    return PtclMpiError(interp, code, factNames[fact]);
	}
	Tcl_SetObjResult(interp, Tcl_NewStringObj(name, len));
	break;
    case FACT_WTIME:
	Tcl_SetObjResult(interp, Tcl_NewDoubleObj(MPI_Wtime()));
	break;
    case FACT_WTICK:
	Tcl_SetObjResult(interp, Tcl_NewDoubleObj(MPI_Wtick()));
	break;
    }
    return TCL_OK;
}

int
PtclFactsInit(
    Tcl_Interp *interp)
{
    int i;

    for (i = 0; factNames[i] != NULL; i++) {
	Tcl_CreateObjCommand(interp, factNames[i], FactObjCmd,
		(ClientData) (intptr_t) i, NULL);
    }
    return TCL_OK;
}
