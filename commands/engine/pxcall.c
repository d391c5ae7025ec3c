/*
 * pxcall.c --
 *
 *	A command typed at the prompt that needs its targets (a data
 *	command, pmap, ptcl::shared, the rc file) runs px code on them
 *	through one PtclPxCall; this file is that helper, the inspection of
 *	its replies by -errorcode, and the one conversion of a Tcl return
 *	code into a px result.
 */

#include "engine/engine.h"
#include <string.h>

/*
 *----------------------------------------------------------------------
 *
 * PtclPxCallRun --
 *
 *	Runs call->script on call->targets as px does (PtclPxRun), with the
 *	payloads, flags and timeout of the call, and fills call->replies.
 *
 * Results:
 *	TCL_OK when every target answered (each reply says how its script
 *	went); TCL_ERROR if the px could not be run (message in interp).
 *
 * Side effects:
 *	Everything the script does on the targets; allocates the replies,
 *	which PtclPxCallFree releases (call it in every case).
 *
 *----------------------------------------------------------------------
 */

int
PtclPxCallRun(
    Tcl_Interp *interp,
    PtclPxCall *call)
{
    int code;

    call->replies = (PtclReply *) ckalloc(sizeof(PtclReply)
	    * (size_t) (call->numTargets + 1));
    memset(call->replies, 0, sizeof(PtclReply) * (size_t) call->numTargets);
    Tcl_IncrRefCount(call->script);
    code = PtclPxRun(interp, call->numTargets, call->targets, call->script,
	    call->payloads, call->flags, call->timeout, call->replies);
    Tcl_DecrRefCount(call->script);
    call->script = NULL;
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclPxCallFree --
 *
 *	Releases the replies of a call.
 *
 *----------------------------------------------------------------------
 */

void
PtclPxCallFree(
    PtclPxCall *call)
{
    int i;

    if (call->replies == NULL) {
	return;
    }
    for (i = 0; i < call->numTargets; i++) {
	PtclReplyClear(&call->replies[i]);
    }
    ckfree(call->replies);
    call->replies = NULL;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclReplyReleased --
 *
 *	Did a target fail only because another one did (px released it from
 *	a wait)? Read from the reply's -errorcode, {PTCL RELEASED ...}.
 *
 * Results:
 *	1 or 0.
 *
 *----------------------------------------------------------------------
 */

int
PtclReplyReleased(
    const PtclReply *reply)
{
    Tcl_Obj **elems;
    Tcl_Size n;

    if (reply->code == TCL_OK || reply->errorCode == NULL
	    || Tcl_ListObjGetElements(NULL, reply->errorCode, &n, &elems)
	    != TCL_OK || n < 2) {
	return 0;
    }
    return strcmp(Tcl_GetString(elems[0]), "PTCL") == 0
	    && strcmp(Tcl_GetString(elems[1]), "RELEASED") == 0;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclPxResultCode --
 *
 *	What a px makes of a script's return code: TCL_RETURN is a result;
 *	break and continue outside a loop and unknown codes are errors, as
 *	at tclsh's top level.
 *
 * Results:
 *	TCL_OK or TCL_ERROR.
 *
 * Side effects:
 *	Sets the interp's result for the errors it makes.
 *
 *----------------------------------------------------------------------
 */

int
PtclPxResultCode(
    Tcl_Interp *interp,
    int code)
{
    switch (code) {
    case TCL_OK:
    case TCL_ERROR:
	return code;
    case TCL_RETURN:
	return TCL_OK;
    case TCL_BREAK:
    case TCL_CONTINUE:
	Tcl_SetObjResult(interp, Tcl_ObjPrintf(
		"invoked \"%s\" outside of a loop",
		code == TCL_BREAK ? "break" : "continue"));
	return TCL_ERROR;
    default:
	Tcl_SetObjResult(interp, Tcl_ObjPrintf(
		"command returned bad code: %d", code));
	return TCL_ERROR;
    }
}
