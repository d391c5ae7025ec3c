/*
 * shared.c --
 *
 *	ptcl::shared NAME TYPE LENGTH (doc/windows.md): multiprocessing's
 *	Array, Value and Lock for Tcl. The array is a window (mpi_win.c)
 *	whose first rank holds all LENGTH elements -- in shared memory when
 *	every rank is on one node -- and NAME is a command on every rank:
 *
 *	    NAME get ?I? | set I VALUE | incr I ?BY? | list | fill VALUE |
 *	         length | type | locked SCRIPT | free
 *
 *	When every rank is on one node the elements are in shared memory
 *	(MPI_Win_allocate_shared) and each rank works on them directly with
 *	the CPU's atomic instructions: an element's get, set or incr costs
 *	tens of nanoseconds instead of an MPI call. Every operation of such
 *	an array is direct, the lock word included, since MPI's accumulate
 *	operations are not atomic with respect to the CPU's. Across nodes,
 *	each element operation is one atomic MPI accumulate-family call
 *	(MPI_Rget_accumulate with no_op, replace or sum), completed at the
 *	target before the command returns, so every rank sees it at once.
 *	`locked` holds the array's guard lock (the window's lock word on the
 *	first rank, taken exclusively in the wait loop) while SCRIPT runs and
 *	releases it however SCRIPT ends, interrupts included.
 *
 *	At ptclsh's prompt, making and freeing an array -- collectives --
 *	run on every member through px; the other subcommands are rank 0's
 *	own.
 */

#include "mpi/window.h"
#include <string.h>

typedef struct Shared {
    PtclWin *w;			/* NULL once freed. */
    unsigned char *base;	/* The host's memory, mapped here (one
				 * node), or NULL: go through MPI. */
    Tcl_Command token;
    int64_t length;
    int inLocked;		/* Inside `NAME locked` on this rank. */
} Shared;

#define HOST 0			/* The rank that holds the elements. */

/* NAME's subcommands and what each takes. */
static const char *const subcommands[] = {
    "fill", "free", "get", "incr", "length", "list", "locked", "set",
    "type", NULL
};
static const char *const usages[] = {
    "fill VALUE", "free", "get ?I?", "incr I ?BY?", "length", "list",
    "locked SCRIPT", "set I VALUE", "type"
};

/*
 * AtPrompt --
 *
 *	Is this rank 0 at ptclsh's prompt, with other ranks to involve?
 */

static int
AtPrompt(
    Tcl_Interp *interp)
{
    return ptclWorld.size > 1 && PtclWhereAmI(interp) == PTCL_AT_PROMPT;
}

/*
 * RunEverywhere --
 *
 *	The prompt form of a collective: runs script as px code on the given
 *	world ranks and reports as px does.
 */

static int
RunEverywhere(
    Tcl_Interp *interp,
    int n,
    const int *targets,
    Tcl_Obj *script)
{
    PtclReply *replies = (PtclReply *) ckalloc(sizeof(PtclReply)
	    * (size_t) n);
    int code, i;

    Tcl_IncrRefCount(script);
    code = PtclPxRun(interp, n, targets, script, NULL, 0, 0.0, replies);
    Tcl_DecrRefCount(script);
    if (code == TCL_OK) {
	code = PtclPxReport(interp, n, replies);
	for (i = 0; i < n; i++) {
	    PtclReplyClear(&replies[i]);
	}
    }
    ckfree(replies);
    return code;
}

/*
 * GetIndex --
 *
 *	An element index, 0 to length-1.
 */

static int
GetIndex(
    Tcl_Interp *interp,
    Shared *s,
    Tcl_Obj *objPtr,
    int64_t *indexPtr)
{
    Tcl_WideInt i;

    if (Tcl_GetWideIntFromObj(NULL, objPtr, &i) != TCL_OK || i < 0
	    || i >= s->length) {
	return PtclMpiUsageError(interp, "bad index \"%.50s\": must be an "
		"integer from 0 to %" PRId64, Tcl_GetString(objPtr),
		s->length - 1);
    }
    *indexPtr = (int64_t) i;
    return TCL_OK;
}

static int
Usage(
    Tcl_Interp *interp,
    Tcl_Obj *nameObj,
    const char *args)
{
    return PtclMpiUsageError(interp, "wrong # args: should be \"%s %s\"",
	    Tcl_GetString(nameObj), args);
}

/*
 *----------------------------------------------------------------------
 *
 * ElemOp --
 *
 *	One atomic operation on element i: PTCL_WOP_NO_OP (read), _REPLACE
 *	(write) or _SUM (add). *oldPtr gets the element's value before.
 *	Direct on shared memory (base), else MPI_Rget_accumulate.
 *
 *----------------------------------------------------------------------
 */

static void *
ElemAddr(
    Shared *s,
    int64_t i)
{
    return s->base + 8 + (size_t) i * (s->w->type == PTCL_ELEM_BYTE ? 1 : 8);
}

static void
DirectOp(
    Shared *s,
    int64_t i,
    int op,
    const PtclElem *value,
    PtclElem *oldPtr)
{
    void *p = ElemAddr(s, i);

    if (s->w->type == PTCL_ELEM_BYTE) {
	uint8_t *b = (uint8_t *) p;

	oldPtr->b = op == PTCL_WOP_NO_OP ? __atomic_load_n(b, __ATOMIC_SEQ_CST)
		: op == PTCL_WOP_REPLACE
		? __atomic_exchange_n(b, value->b, __ATOMIC_SEQ_CST)
		: __atomic_fetch_add(b, value->b, __ATOMIC_SEQ_CST);
    } else if (s->w->type == PTCL_ELEM_INT64 || op != PTCL_WOP_SUM) {
	int64_t *q = (int64_t *) p, bits;

	memcpy(&bits, value, sizeof(bits));
	bits = op == PTCL_WOP_NO_OP ? __atomic_load_n(q, __ATOMIC_SEQ_CST)
		: op == PTCL_WOP_REPLACE
		? __atomic_exchange_n(q, bits, __ATOMIC_SEQ_CST)
		: (int64_t) __atomic_fetch_add((uint64_t *) q, (uint64_t) bits,
		__ATOMIC_SEQ_CST);
	memcpy(oldPtr, &bits, sizeof(bits));
    } else {
	/* Adding doubles: compare-and-swap until no one came between. */
	int64_t *q = (int64_t *) p, seen, next;
	double d;

	seen = __atomic_load_n(q, __ATOMIC_SEQ_CST);
	do {
	    memcpy(&d, &seen, sizeof(d));
	    d += value->d;
	    memcpy(&next, &d, sizeof(next));
	} while (!__atomic_compare_exchange_n(q, &seen, next, 0,
		__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
	memcpy(&oldPtr->d, &seen, sizeof(seen));
    }
}

static int
ElemOp(
    Tcl_Interp *interp,
    Shared *s,
    int64_t i,
    int op,
    const PtclElem *value,
    PtclElem *oldPtr)
{
    if (s->base) {
	DirectOp(s, i, op, value, oldPtr);
	return TCL_OK;
    }
    return PtclWinFetchOp(interp, s->w, HOST, i, op, value, 0, oldPtr);
}

/*
 * AcquireGuard, ReleaseGuard --
 *
 *	The array's lock (for `locked`): the window's guard word on the
 *	host, taken exclusively in the wait loop.
 */

static int
PollDirectGuard(
    Tcl_Interp *interp,
    void *clientData)
{
    Shared *s = (Shared *) clientData;
    int64_t expected = 0;

    (void) interp;
    return __atomic_compare_exchange_n((int64_t *) s->base, &expected,
	    -(int64_t) s->w->rank - 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

static int
AcquireGuard(
    Tcl_Interp *interp,
    Shared *s)
{
    if (s->base) {
	return PtclMpiWait(interp, PollDirectGuard, s);
    }
    return PtclWinAcquire(interp, s->w, HOST, 1);
}

static void
ReleaseGuard(
    Shared *s)
{
    if (s->base) {
	__atomic_store_n((int64_t *) s->base, 0, __ATOMIC_SEQ_CST);
    } else {
	PtclWinRelease(s->w, HOST, 1);
    }
}

/*
 * Incr --
 *
 *	NAME incr I ?BY?: one atomic fetch-and-add. Gives the new value
 *	(int64 and byte arithmetic wrap around, as in C).
 */

static int
Incr(
    Tcl_Interp *interp,
    Shared *s,
    int64_t index,
    Tcl_Obj *byObj)
{
    PtclWin *w = s->w;
    PtclElem by, old, now;

    if (byObj == NULL) {
	if (w->type == PTCL_ELEM_DOUBLE) {
	    by.d = 1.0;
	} else if (w->type == PTCL_ELEM_BYTE) {
	    by.b = 1;
	} else {
	    by.i = 1;
	}
    } else if (w->type == PTCL_ELEM_BYTE) {
	int v;

	if (Tcl_GetIntFromObj(NULL, byObj, &v) != TCL_OK || v < -255
		|| v > 255) {
	    return PtclMpiUsageError(interp, "bad increment \"%.50s\": must "
		    "be an integer from -255 to 255", Tcl_GetString(byObj));
	}
	by.b = (uint8_t) (v & 0xff);
    } else if (PtclWinGetElem(interp, w->type, byObj, &by) != TCL_OK) {
	return TCL_ERROR;
    }
    if (ElemOp(interp, s, index, PTCL_WOP_SUM, &by, &old) != TCL_OK) {
	return TCL_ERROR;
    }
    switch (w->type) {
    case PTCL_ELEM_INT64:
	now.i = (int64_t) ((uint64_t) old.i + (uint64_t) by.i);
	break;
    case PTCL_ELEM_DOUBLE:
	now.d = old.d + by.d;
	break;
    default:
	now.b = (uint8_t) (old.b + by.b);
	break;
    }
    Tcl_SetObjResult(interp, PtclWinElemObj(w->type, &now));
    return TCL_OK;
}

/*
 * Locked --
 *
 *	NAME locked SCRIPT: SCRIPT at the caller's level, holding the
 *	array's exclusive lock. Whatever SCRIPT returns (error, break,
 *	return, an interrupt's unwinding) is passed on after the release.
 */

static int
Locked(
    Tcl_Interp *interp,
    Shared *s,
    Tcl_Obj *nameObj,
    Tcl_Obj *script)
{
    int code;

    if (s->inLocked) {
	return PtclMpiUsageError(interp, "%s locked: already inside \"%s "
		"locked\" on this rank (a nested lock would wait for itself)",
		Tcl_GetString(nameObj), Tcl_GetString(nameObj));
    }
    if (AcquireGuard(interp, s) != TCL_OK) {
	return TCL_ERROR;
    }
    s->inLocked = 1;
    Tcl_Preserve(s);
    code = Tcl_EvalObjEx(interp, script, 0);
    if (code == TCL_ERROR) {
	Tcl_AppendObjToErrorInfo(interp, Tcl_ObjPrintf(
		"\n    (\"%s locked\" body line %d)", Tcl_GetString(nameObj),
		Tcl_GetErrorLine(interp)));
    }
    if (s->w) {
	ReleaseGuard(s);
    }
    s->inLocked = 0;
    Tcl_Release(s);
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * SharedCmd --
 *
 *	The command NAME of a shared array.
 *
 *----------------------------------------------------------------------
 */

static void
FreeShared(
    char *clientData)
{
    ckfree(clientData);
}

static void
SharedDeleted(
    ClientData clientData)
{
    Shared *s = (Shared *) clientData;

    if (s->w && !s->inLocked) {
	PtclWinForget(s->w);	/* Renamed away: MPI_Finalize frees it. */
	s->w = NULL;
    }
    Tcl_EventuallyFree(s, FreeShared);
}

static int
SharedDispatch(
    ClientData clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    enum {
	SUB_FILL, SUB_FREE, SUB_GET, SUB_INCR, SUB_LENGTH, SUB_LIST,
	SUB_LOCKED, SUB_SET, SUB_TYPE
    };
    Shared *s = (Shared *) clientData;
    PtclWin *w = s->w;
    int index;
    int64_t i = 0;
    PtclElem value, old;
    Tcl_Obj *result;

    if (objc < 2) {
	return Usage(interp, objv[0], "subcommand ?arg ...?");
    }
    if (Tcl_GetIndexFromObj(interp, objv[1], subcommands, "subcommand", 0,
	    &index) != TCL_OK) {
	Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
	return TCL_ERROR;
    }
    if (w == NULL) {
	return PtclMpiUsageError(interp, "%s: the shared array was freed",
		Tcl_GetString(objv[0]));
    }
    switch (index) {
    case SUB_GET:
	if (objc > 3) {
	    return Usage(interp, objv[0], "get ?I?");
	}
	memset(&value, 0, sizeof(value));
	if ((objc == 3 && GetIndex(interp, s, objv[2], &i) != TCL_OK)
		|| ElemOp(interp, s, i, PTCL_WOP_NO_OP, &value, &old)
		!= TCL_OK) {
	    return TCL_ERROR;
	}
	Tcl_SetObjResult(interp, PtclWinElemObj(w->type, &old));
	return TCL_OK;

    case SUB_SET:
	if (objc != 4) {
	    return Usage(interp, objv[0], "set I VALUE");
	}
	if (GetIndex(interp, s, objv[2], &i) != TCL_OK
		|| PtclWinGetElem(interp, w->type, objv[3], &value) != TCL_OK
		|| ElemOp(interp, s, i, PTCL_WOP_REPLACE, &value, &old)
		!= TCL_OK) {
	    return TCL_ERROR;
	}
	Tcl_SetObjResult(interp, objv[3]);
	return TCL_OK;

    case SUB_INCR:
	if (objc != 3 && objc != 4) {
	    return Usage(interp, objv[0], "incr I ?BY?");
	}
	if (GetIndex(interp, s, objv[2], &i) != TCL_OK) {
	    return TCL_ERROR;
	}
	return Incr(interp, s, i, objc == 4 ? objv[3] : NULL);

    case SUB_LIST:
	if (objc != 2) {
	    return Usage(interp, objv[0], "list");
	}
	if (s->base) {
	    Tcl_Obj **elems = (Tcl_Obj **) ckalloc(sizeof(Tcl_Obj *)
		    * (size_t) s->length);
	    int64_t k;

	    memset(&value, 0, sizeof(value));
	    for (k = 0; k < s->length; k++) {
		DirectOp(s, k, PTCL_WOP_NO_OP, &value, &old);
		elems[k] = PtclWinElemObj(w->type, &old);
	    }
	    result = Tcl_NewListObj((int) s->length, elems);
	    ckfree(elems);
	} else if (PtclWinGet(interp, w, HOST, 0, s->length, 0, &result)
		!= TCL_OK) {
	    return TCL_ERROR;
	}
	Tcl_SetObjResult(interp, result);
	return TCL_OK;

    case SUB_FILL: {
	Tcl_Obj **elems, *list;
	int64_t k;
	int code;

	if (objc != 3) {
	    return Usage(interp, objv[0], "fill VALUE");
	}
	if (PtclWinGetElem(interp, w->type, objv[2], &value) != TCL_OK) {
	    return TCL_ERROR;
	}
	if (s->base) {
	    for (k = 0; k < s->length; k++) {
		DirectOp(s, k, PTCL_WOP_REPLACE, &value, &old);
	    }
	    return TCL_OK;
	}
	elems = (Tcl_Obj **) ckalloc(sizeof(Tcl_Obj *) * (size_t) s->length);
	for (k = 0; k < s->length; k++) {
	    elems[k] = objv[2];
	}
	list = Tcl_NewListObj((int) s->length, elems);
	ckfree(elems);
	Tcl_IncrRefCount(list);
	code = PtclWinPut(interp, w, HOST, 0, list, PTCL_WOP_REPLACE, 0);
	Tcl_DecrRefCount(list);
	return code;
    }

    case SUB_LENGTH:
	if (objc != 2) {
	    return Usage(interp, objv[0], "length");
	}
	Tcl_SetObjResult(interp, Tcl_NewWideIntObj(s->length));
	return TCL_OK;

    case SUB_TYPE:
	if (objc != 2) {
	    return Usage(interp, objv[0], "type");
	}
	Tcl_SetObjResult(interp, Tcl_NewStringObj(PtclWinTypeName(w->type),
		-1));
	return TCL_OK;

    case SUB_LOCKED:
	if (objc != 3) {
	    return Usage(interp, objv[0], "locked SCRIPT");
	}
	return Locked(interp, s, objv[0], objv[2]);

    default:			/* SUB_FREE */
	if (objc != 2) {
	    return Usage(interp, objv[0], "free");
	}
	if (s->inLocked) {
	    return PtclMpiUsageError(interp, "%s free: cannot free the array "
		    "inside \"%s locked\"", Tcl_GetString(objv[0]),
		    Tcl_GetString(objv[0]));
	}
	if (AtPrompt(interp) && w->size > 1) {
	    Tcl_Obj *words[2];
	    int *targets, n = w->size, code;

	    /* A copy: rank 0's own part frees w, members and all. */
	    targets = (int *) ckalloc(sizeof(int) * (size_t) n);
	    memcpy(targets, w->members, sizeof(int) * (size_t) n);
	    words[0] = objv[0];
	    words[1] = objv[1];
	    code = RunEverywhere(interp, n, targets, Tcl_NewListObj(2, words));
	    ckfree(targets);
	    if (code != TCL_OK) {
		return TCL_ERROR;
	    }
	    Tcl_ResetResult(interp);
	    return TCL_OK;
	}
	if (PtclWinFree(interp, w, "free") != TCL_OK) {
	    return TCL_ERROR;
	}
	s->w = NULL;
	Tcl_DeleteCommandFromToken(interp, s->token);
	return TCL_OK;
    }
}

/*
 * SharedCmd --
 *
 *	The command NAME: SharedDispatch, with the subcommand's usage at the
 *	end of its usage errors.
 */

static int
SharedCmd(
    ClientData clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    int index, code = SharedDispatch(clientData, interp, objc, objv);

    if (code == TCL_ERROR && objc >= 2 && Tcl_GetIndexFromObj(NULL, objv[1],
	    subcommands, "subcommand", 0, &index) == TCL_OK
	    && index != 6) {		/* Not SCRIPT's own errors. */
	PtclWinAppendUsage(interp, objv[0], usages[index]);
    }
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * SharedObjCmd --
 *
 *	ptcl::shared NAME TYPE LENGTH
 *
 * Results:
 *	NAME. Collective over the px group (px code), the world (SPMD), or,
 *	at the prompt, every rank through px.
 *
 *----------------------------------------------------------------------
 */

#define SHARED_USAGE "ptcl::shared NAME TYPE LENGTH"

static int
SharedObjCmd(
    ClientData clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    MPI_Comm comm;
    Tcl_WideInt length = 0;
    Tcl_CmdInfo info;
    int type = 0, ok = 1;
    PtclWin *w;
    Shared *s;

    (void) clientData;
    /* Bad arguments: this rank fails, after meeting the others. */
    if (objc != 4) {
	PtclUsage(interp, SHARED_USAGE);
	ok = 0;
    } else if (PtclWinGetType(interp, objv[2], &type) != TCL_OK) {
	Tcl_AppendResult(interp, ": should be \"" SHARED_USAGE "\"", NULL);
	ok = 0;
    } else if (Tcl_GetWideIntFromObj(NULL, objv[3], &length) != TCL_OK
	    || length < 1) {
	PtclMpiUsageError(interp, "bad length \"%.50s\": must be a positive "
		"integer: should be \"" SHARED_USAGE "\"",
		Tcl_GetString(objv[3]));
	ok = 0;
    } else if (Tcl_GetCommandInfo(interp, Tcl_GetString(objv[1]), &info)) {
	PtclMpiUsageError(interp, "ptcl::shared: command \"%.50s\" already "
		"exists (free or rename it first)", Tcl_GetString(objv[1]));
	ok = 0;
    }

    if (AtPrompt(interp)) {
	int *targets, n, code;

	if (!ok) {
	    return TCL_ERROR;
	}
	n = PtclAllTargets(&targets);
	code = RunEverywhere(interp, n, targets, Tcl_NewListObj(4, objv));
	ckfree(targets);
	if (code != TCL_OK) {
	    return TCL_ERROR;
	}
	Tcl_SetObjResult(interp, objv[1]);
	return TCL_OK;
    }

    comm = PtclDefaultComm(interp);
    if (PtclWinCreate(interp, comm, "ptcl::shared", length, ok, type,
	    "shared", &w) != TCL_OK) {
	return TCL_ERROR;
    }
    s = (Shared *) ckalloc(sizeof(Shared));
    s->w = w;
    s->length = w->counts[HOST];
    s->inLocked = 0;
    s->base = NULL;
    if (w->shared) {
	MPI_Aint size;
	int unit;
	void *base;

	if (MPI_Win_shared_query(w->win, HOST, &size, &unit, &base)
		== MPI_SUCCESS && base != NULL) {
	    s->base = (unsigned char *) base;
	}
    }
    s->token = Tcl_CreateObjCommand(interp, Tcl_GetString(objv[1]),
	    SharedCmd, s, SharedDeleted);
    Tcl_SetObjResult(interp, objv[1]);
    return TCL_OK;
}

int
PtclSharedInit(
    Tcl_Interp *interp)
{
    Tcl_CreateObjCommand(interp, "::ptcl::shared", SharedObjCmd, NULL,
	    NULL);
    return TCL_OK;
}
