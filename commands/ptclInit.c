/*
 * ptclInit.c --
 *
 *	Ptcl_Init: the one entry point that makes an interpreter a ptcl
 *	interpreter, for ptclsh and for `package require ptcl` in a stock
 *	tclsh alike. It starts MPI if needed, registers every command family,
 *	sources the package's Tcl side and provides the package.
 */

#include "ptclInt.h"
#include <stdlib.h>
#include <string.h>

#ifndef PTCL_SCRIPT_DIR
#define PTCL_SCRIPT_DIR "."
#endif

#define STATE_KEY "ptcl"

static void
FreeState(
    ClientData clientData,
    Tcl_Interp *interp)
{
    PtclState *state = (PtclState *) clientData;
    Tcl_HashSearch search;
    Tcl_HashEntry *hPtr;

    (void) interp;
    for (hPtr = Tcl_FirstHashEntry(&state->groupComms, &search); hPtr;
	    hPtr = Tcl_NextHashEntry(&search)) {
	/* The communicator itself is freed by PtclWorldFinalize. */
	ckfree(Tcl_GetHashValue(hPtr));
    }
    Tcl_DeleteHashTable(&state->groupComms);
    if (state->cancelMsg) {
	Tcl_DecrRefCount(state->cancelMsg);
    }
    ckfree(state);
}

/*
 * PtclGetState --
 *
 *	The interp's ptcl state, made on first use.
 */

PtclState *
PtclGetState(
    Tcl_Interp *interp)
{
    PtclState *state = (PtclState *) Tcl_GetAssocData(interp, STATE_KEY,
	    NULL);

    if (state == NULL) {
	state = (PtclState *) ckalloc(sizeof(PtclState));
	memset(state, 0, sizeof(*state));
	state->interp = interp;
	state->pxComm = MPI_COMM_NULL;
	Tcl_InitHashTable(&state->groupComms, TCL_STRING_KEYS);
	Tcl_SetAssocData(interp, STATE_KEY, FreeState, state);
    }
    return state;
}

/*
 * PtclDefaultComm --
 *
 *	The communicator a command uses without -comm: the px group inside
 *	px code, the world (user communicator) everywhere else.
 */

MPI_Comm
PtclDefaultComm(
    Tcl_Interp *interp)
{
    PtclState *state = PtclGetState(interp);

    if (state->inPx && state->pxComm != MPI_COMM_NULL) {
	return state->pxComm;
    }
    return ptclWorld.user;
}

static void
FinalizeHandler(
    ClientData clientData)
{
    (void) clientData;
    PtclWorldFinalize();
}

/*
 *----------------------------------------------------------------------
 *
 * PackageExitProc --
 *
 *	How a stock tclsh that loaded ptcl exits. Status 0: Tcl and MPI are
 *	finalized as usual. Any other status -- a script that failed on this
 *	rank, or `exit N` -- ends the whole job through MPI_Abort with that
 *	status: MPI_Finalize would wait for ranks that may be blocked in a
 *	collective waiting for this one, and the job would hang.
 *
 * Results:
 *	Does not return.
 *
 *----------------------------------------------------------------------
 */

static void
PackageExitProc(
    ClientData clientData)
{
    int status = (int) (intptr_t) clientData;
    Tcl_Channel chan;

    if (status != 0 && ptclWorld.initialized && !ptclWorld.finalized
	    && ptclWorld.size > 1) {
	if ((chan = Tcl_GetStdChannel(TCL_STDOUT)) != NULL) {
	    Tcl_Flush(chan);
	}
	if ((chan = Tcl_GetStdChannel(TCL_STDERR)) != NULL) {
	    Tcl_Flush(chan);
	}
	MPI_Abort(MPI_COMM_WORLD, status);
    }

    /*
     * Tcl's own exit: Tcl_Finalize runs the exit handlers (MPI_Finalize)
     * and unloads this library, so it must not return into our code.
     */

    Tcl_SetExitProc(NULL);
    Tcl_Exit(status);
}

/*
 *----------------------------------------------------------------------
 *
 * Ptcl_Init --
 *
 *	Makes interp a ptcl interpreter.
 *
 * Results:
 *	TCL_OK, or TCL_ERROR with a message.
 *
 * Side effects:
 *	Starts MPI if it is not running (and finalizes it at exit); creates
 *	the ::ptcl and ::mpi commands; sources ptcl.tcl from $::ptcl::library
 *	(the PTCL_LIBRARY environment variable, or where make install put it).
 *
 *----------------------------------------------------------------------
 */

int
Ptcl_Init(
    Tcl_Interp *interp)
{
    static int exitHandlerSet = 0;
    const char *dir;

#ifdef USE_TCL_STUBS
    if (Tcl_InitStubs(interp, "8.6", 0) == NULL) {
	return TCL_ERROR;
    }
#endif
    if (PtclWorldInit(interp, NULL, NULL) != TCL_OK) {
	return TCL_ERROR;
    }
    if (!exitHandlerSet) {
	Tcl_CreateExitHandler(FinalizeHandler, NULL);
	if (!ptclWorld.shell) {
	    Tcl_SetExitProc(PackageExitProc);
	}
	exitHandlerSet = 1;
    }
    PtclGetState(interp);
    if (PtclFactsInit(interp) != TCL_OK || PtclPxInit(interp) != TCL_OK) {
	return TCL_ERROR;
    }
    /* The mpi:: layer: */
    if (PtclMpiInit(interp) != TCL_OK) {
	return TCL_ERROR;
    }
    /* The data commands: */
    if (PtclCollectivesInit(interp) != TCL_OK) {
	return TCL_ERROR;
    }
    PtclInterruptInstall(interp);

    if (Tcl_GetVar2(interp, "::ptcl::library", NULL, TCL_GLOBAL_ONLY)
	    == NULL) {
	dir = getenv("PTCL_LIBRARY");
	Tcl_Eval(interp, "namespace eval ::ptcl {}");
	Tcl_SetVar2(interp, "::ptcl::library", NULL,
		(dir && *dir) ? dir : PTCL_SCRIPT_DIR, TCL_GLOBAL_ONLY);
    }
    if (Tcl_Eval(interp,
	    "source [file join $::ptcl::library ptcl.tcl]") != TCL_OK) {
	Tcl_AddErrorInfo(interp, "\n    (loading the Tcl side of ptcl)");
	return TCL_ERROR;
    }
    return Tcl_PkgProvide(interp, "ptcl", PTCL_VERSION);
}

/*
 * Ptcl_SafeInit --
 *
 *	ptcl does not load into safe interpreters: MPI is not safe.
 */

int
Ptcl_SafeInit(
    Tcl_Interp *interp)
{
    Tcl_SetObjResult(interp, Tcl_NewStringObj(
	    "ptcl cannot be loaded into a safe interpreter", -1));
    return TCL_ERROR;
}
