/*
 * state.c --
 *
 *	The engine's per-interpreter record, the one answer to "where is the
 *	running code" (the prompt, px code or an SPMD script) and its default
 *	communicator, and the hooks through which other command families
 *	take part in a px's life without the engine naming them.
 */

#include "engine/engine.h"
#include <string.h>

#define STATE_KEY "ptcl"

/*
 * Hooks, per process: what runs at each event, in the order added.
 */

typedef struct Hook {
    PtclHookProc *proc;
    void *clientData;
    struct Hook *next;
} Hook;

static Hook *hooks[PTCL_HOOK_COUNT];

/*
 *----------------------------------------------------------------------
 *
 * FreeState --
 *
 *	Assoc data deletion: the interp goes, and its record with it.
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	Frees the record and the cached group communicator slots (the
 *	communicators themselves are freed by PtclWorldFinalize).
 *
 *----------------------------------------------------------------------
 */

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
	ckfree(Tcl_GetHashValue(hPtr));
    }
    Tcl_DeleteHashTable(&state->groupComms);
    if (state->cancelMsg) {
	Tcl_DecrRefCount(state->cancelMsg);
    }
    ckfree(state);
}

/*
 *----------------------------------------------------------------------
 *
 * PtclGetState --
 *
 *	The interp's ptcl record, made on first use.
 *
 * Results:
 *	The record; never NULL.
 *
 * Side effects:
 *	May allocate the record and attach it to interp.
 *
 *----------------------------------------------------------------------
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
 *----------------------------------------------------------------------
 *
 * PtclWhereAmI --
 *
 *	Where the code that runs in interp is: px code (on any rank), rank 0
 *	of ptclsh outside px code (the prompt), or anything else (an SPMD
 *	script in a stock tclsh).
 *
 * Results:
 *	PTCL_IN_PX, PTCL_AT_PROMPT or PTCL_IN_SPMD.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

PtclWhere
PtclWhereAmI(
    Tcl_Interp *interp)
{
    if (PtclGetState(interp)->inPx) {
	return PTCL_IN_PX;
    }
    if (ptclWorld.shell && ptclWorld.rank == 0) {
	return PTCL_AT_PROMPT;
    }
    return PTCL_IN_SPMD;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclDefaultComm --
 *
 *	The communicator a command uses without -comm: the px group inside
 *	px code, the world (the user communicator) everywhere else.
 *
 * Results:
 *	The communicator.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
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

/*
 *----------------------------------------------------------------------
 *
 * PtclPxStopping --
 *
 *	Is the px running here being stopped (interrupted, timed out, or
 *	released by a failed rank)? Loops of their own (pmap's master) ask
 *	this to stop handing out work.
 *
 * Results:
 *	1 or 0.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
PtclPxStopping(
    Tcl_Interp *interp)
{
    return PtclGetState(interp)->cancelMsg != NULL;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclAddHook, PtclRunHooks --
 *
 *	Register a procedure for an event of a px's life; run every
 *	procedure of an event.
 *
 * Results:
 *	PtclRunHooks: TCL_OK, or the first TCL_ERROR a procedure gave (the
 *	others still run; the first error's message is left in interp).
 *
 * Side effects:
 *	Whatever the procedures do.
 *
 *----------------------------------------------------------------------
 */

void
PtclAddHook(
    PtclHookEvent event,
    PtclHookProc *proc,
    void *clientData)
{
    Hook *h = (Hook *) ckalloc(sizeof(Hook)), **tail = &hooks[event];

    h->proc = proc;
    h->clientData = clientData;
    h->next = NULL;
    while (*tail) {
	if ((*tail)->proc == proc && (*tail)->clientData == clientData) {
	    ckfree(h);		/* Added already (a second interp). */
	    return;
	}
	tail = &(*tail)->next;
    }
    *tail = h;
}

int
PtclRunHooks(
    Tcl_Interp *interp,
    PtclHookEvent event)
{
    Hook *h;
    int code = TCL_OK;

    for (h = hooks[event]; h; h = h->next) {
	if (h->proc(interp, h->clientData) != TCL_OK && code == TCL_OK) {
	    code = TCL_ERROR;
	}
    }
    return code;
}
