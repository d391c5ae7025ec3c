/*
 * ptclInit.c --
 *
 *	Ptcl_Init: the one entry point that makes an interpreter a ptcl
 *	interpreter, for ptclsh and for `package require ptcl` in a stock
 *	tclsh alike. It starts MPI if needed, registers every command family,
 *	sources the package's Tcl side and provides the package.
 */

#include "engine/engine.h"
#include "ptclShell.h"
#include <stdlib.h>
#include <string.h>

#ifndef PTCL_SCRIPT_DIR
#define PTCL_SCRIPT_DIR "."
#endif

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
    if (Tcl_InitStubs(interp, TCL_VERSION, 0) == NULL) {
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
    /* The engine, the mpi:: layer, the data commands: */
    if (PtclPxInit(interp) != TCL_OK || PtclMpiInit(interp) != TCL_OK
	    || PtclCollectivesInit(interp) != TCL_OK) {
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
