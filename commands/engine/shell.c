/*
 * shell.c --
 *
 *	The engine's face to ptclsh (commands/ptclShell.h): starting MPI in
 *	shell mode, making the interpreter a shell's, the worker's serving
 *	loop, and the small services rank 0's prompt needs.
 */

#include "engine/engine.h"
#include "ptclShell.h"
#include <stdio.h>
#include <string.h>

/*
 *----------------------------------------------------------------------
 *
 * Ptcl_ShellStart --
 *
 *	Starts MPI for ptclsh (before any interpreter exists).
 *
 * Results:
 *	TCL_OK or TCL_ERROR.
 *
 * Side effects:
 *	MPI_Init_thread; ptcl's communicators.
 *
 *----------------------------------------------------------------------
 */

int
Ptcl_ShellStart(
    int *argcPtr,
    char ***argvPtr)
{
    ptclWorld.shell = 1;
    return PtclWorldInit(NULL, argcPtr, argvPtr);
}

int
Ptcl_ShellRank(void)
{
    return ptclWorld.rank;
}

int
Ptcl_ShellSize(void)
{
    return ptclWorld.size;
}

/*
 *----------------------------------------------------------------------
 *
 * Ptcl_ShellInit --
 *
 *	Makes interp ptclsh's: ptcl's commands, the capture of px code's
 *	output, the commands imported into the global namespace and the
 *	shell's Tcl side (shell.tcl).
 *
 * Results:
 *	TCL_OK, or TCL_ERROR with the message in interp.
 *
 *----------------------------------------------------------------------
 */

int
Ptcl_ShellInit(
    Tcl_Interp *interp)
{
    if (Ptcl_Init(interp) != TCL_OK
	    || PtclCaptureInstall(interp) != TCL_OK
	    || Tcl_EvalEx(interp, "namespace import ::ptcl::*\n"
		"source [file join $::ptcl::library shell.tcl]", -1,
		TCL_EVAL_GLOBAL) != TCL_OK) {
	return TCL_ERROR;
    }
    Tcl_StaticPackage(interp, "ptcl", Ptcl_Init, NULL);
    return TCL_OK;
}

void
Ptcl_ShellSignalInstall(void)
{
    PtclSignalInstall();
}

int
Ptcl_ShellSignalPending(void)
{
    return PtclSignalPending();
}

void
Ptcl_ShellSignalClear(void)
{
    PtclSignalClear();
}

/*
 *----------------------------------------------------------------------
 *
 * Ptcl_ShellEverywhere --
 *
 *	Rank 0 runs script as px code on every rank, itself included (so
 *	that the default communicator of the code is the whole job).
 *
 * Results:
 *	px's result: TCL_OK or TCL_ERROR with the report in interp.
 *
 *----------------------------------------------------------------------
 */

int
Ptcl_ShellEverywhere(
    Tcl_Interp *interp,
    Tcl_Obj *script)
{
    PtclPxCall call;
    int *targets, code;

    memset(&call, 0, sizeof(call));
    call.numTargets = PtclAllTargets(&targets);
    call.targets = targets;
    call.script = script;
    code = PtclPxCallRun(interp, &call);
    if (code == TCL_OK) {
	code = PtclPxReport(interp, call.numTargets, call.replies);
    }
    PtclPxCallFree(&call);
    ckfree(targets);
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * Ptcl_ShellEvalCaptured --
 *
 *	Evaluates script at global level, with what it writes to stdout
 *	appended to out (stderr is dropped).
 *
 * Results:
 *	The script's return code; its result is in interp.
 *
 *----------------------------------------------------------------------
 */

int
Ptcl_ShellEvalCaptured(
    Tcl_Interp *interp,
    Tcl_Obj *script,
    Tcl_DString *out)
{
    Tcl_DString err;
    int code;

    Tcl_DStringInit(&err);
    Tcl_IncrRefCount(script);
    PtclCaptureBegin(NULL, NULL);
    code = Tcl_EvalObjEx(interp, script, TCL_EVAL_GLOBAL);
    PtclCaptureEnd(out, &err);
    Tcl_DecrRefCount(script);
    Tcl_DStringFree(&err);
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * Ptcl_ShellPromptTurn --
 *
 *	Rank 0's prompt takes its next command: a Ctrl-C from before is
 *	forgotten, and the hooks of the prompt's turn run.
 *
 *----------------------------------------------------------------------
 */

void
Ptcl_ShellPromptTurn(
    Tcl_Interp *interp)
{
    PtclSignalClear();
    PtclRunHooks(interp, PTCL_HOOK_PROMPT_TURN);
}

/*
 *----------------------------------------------------------------------
 *
 * Ptcl_ShellServe --
 *
 *	The life of ranks 1..N-1: wait in the wait loop for the next command
 *	from rank 0 and serve it. While nothing comes the wait loop sleeps,
 *	so idle workers cost almost nothing.
 *
 * Results:
 *	Does not return: the process ends when rank 0 sends EXIT.
 *
 *----------------------------------------------------------------------
 */

void
Ptcl_ShellServe(
    Tcl_Interp *interp)
{
    PtclBuf msg;

    PtclBufInit(&msg);
    for (;;) {
	if (PtclRecvMessage(interp, ptclWorld.control, 0, PTCL_TAG_COMMAND,
		PTCL_WAIT_IDLE, &msg, NULL) != TCL_OK) {
	    fprintf(stderr, "ptclsh: rank %d: lost the control channel: %s\n",
		    ptclWorld.rank, Tcl_GetStringResult(interp));
	    Tcl_Exit(1);
	}
	PtclServeCommand(interp, &msg);
    }
}

int
Ptcl_ShellExit(
    int status)
{
    return PtclShellExit(status);
}
