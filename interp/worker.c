/*
 * worker.c --
 *
 *	The life of ranks 1..N-1 in ptclsh: wait in the wait loop for the
 *	next command from rank 0 and serve it (commands/px.c runs a PX and
 *	replies; EXIT ends the process). While nothing comes, the wait loop
 *	sleeps, so idle workers cost almost nothing.
 */

#include "ptclsh.h"
#include <stdio.h>

/*
 *----------------------------------------------------------------------
 *
 * PtclRunWorker --
 *
 *	The worker loop.
 *
 * Results:
 *	Does not return: the process ends when rank 0 sends EXIT.
 *
 * Side effects:
 *	Runs px code from rank 0.
 *
 *----------------------------------------------------------------------
 */

void
PtclRunWorker(
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
