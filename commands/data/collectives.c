/*
 * collectives.c --
 *
 *	The parallel data commands of SPEC 3: scatter, gather, allgather,
 *	pull, bcast, reduce, allreduce and barrier (pmap is in pmap.c, autopx
 *	in scripts/autopx.tcl). Each works in three places:
 *
 *	- At the prompt (rank 0 of ptclsh, not inside px code): rank 0 runs
 *	  the operation through the px engine (px.c). Data going out (the
 *	  blocks of a scatter, the value of a bcast) rides as per-target px
 *	  payloads; data coming back (gather, allgather, pull) comes back as
 *	  px results. Both travel through the codec, so lists of numbers and
 *	  bytearrays move packed. reduce and allreduce run their px-code form
 *	  on the targets, so that the arithmetic is done by MPI on packed
 *	  data. -root R at the prompt must be one of the targets; the result
 *	  shown at the prompt is the same whatever the root.
 *
 *	- Inside px code and in SPMD scripts: every rank of the group calls
 *	  the command, as in MPI. The group is the px group (PtclDefaultComm)
 *	  or, with -targets, those ranks (PtclGroupComm); a rank of the group
 *	  outside -targets returns the empty string at once. -targets and
 *	  -root name world ranks, as px -targets does; the default root is
 *	  the lowest rank of the group. The work is done by the value
 *	  collectives of runtime/collective.h. Anything only some ranks can
 *	  check (an unset variable) is agreed on first, so that every rank
 *	  fails with the same message and none is left waiting.
 *
 *	Leans on: px.c (PtclPxRun, PtclPxReport, PtclParseTargets,
 *	PtclGroupComm), runtime/collective.h, runtime/codec.h.
 */

#include "engine/engine.h"
#include "collective.h"
#include <stdlib.h>
#include <string.h>

/*
 * Where a command runs (see above).
 */

enum { WHERE_PROMPT, WHERE_PX, WHERE_SPMD };

/*
 * The commands, as clientData of the one command procedure.
 */

enum Cmd {
    CMD_SCATTER, CMD_GATHER, CMD_ALLGATHER, CMD_PULL, CMD_BCAST,
    CMD_REDUCE, CMD_ALLREDUCE, CMD_BARRIER
};

typedef struct CmdInfo {
    const char *name;		/* Qualified command name. */
    const char *usage;		/* For "wrong # args: should be ...". */
    int minArgs, maxArgs;	/* Positional arguments. */
    int hasRoot;		/* Takes -root. */
} CmdInfo;

static const CmdInfo cmdInfo[] = {
    {"::ptcl::scatter", "scatter NAME LIST ?-targets RANKS? ?-root R?",
	2, 2, 1},
    {"::ptcl::gather", "gather NAME ?-targets RANKS? ?-root R?", 1, 1, 1},
    {"::ptcl::allgather", "allgather NAME ?-targets RANKS?", 1, 1, 0},
    {"::ptcl::pull", "pull NAME ?-targets RANKS?", 1, 1, 0},
    {"::ptcl::bcast", "bcast NAME ?VALUE? ?-targets RANKS? ?-root R?",
	1, 2, 1},
    {"::ptcl::reduce", "reduce OP NAME ?-targets RANKS? ?-root R?", 2, 2, 1},
    {"::ptcl::allreduce", "allreduce OP NAME ?-targets RANKS?", 2, 2, 0},
    {"::ptcl::barrier", "barrier ?-targets RANKS?", 0, 0, 0},
    {NULL, NULL, 0, 0, 0}
};

/*
 * A parsed call: the positional arguments and the group it runs over.
 */

typedef struct Call {
    enum Cmd cmd;
    const CmdInfo *info;
    int where;			/* WHERE_*. */
    int numArgs;
    Tcl_Obj *args[2];		/* Positional arguments (not referenced). */
    int *targets;		/* World ranks of the group, sorted;
				 * ckalloc'ed. */
    int numTargets;
    int explicitTargets;	/* -targets was given. */
    int root;			/* World rank of the root, or -1 (default). */
    int rootIndex;		/* Its index in targets, or -1. */
    MPI_Comm comm;		/* px/SPMD: the group's communicator, or
				 * MPI_COMM_NULL when this rank is not in
				 * -targets. */
    int self;			/* px/SPMD: this rank's index in targets. */
} Call;

static int
Where(
    Tcl_Interp *interp)
{
    switch (PtclWhereAmI(interp)) {
    case PTCL_IN_PX:
	return WHERE_PX;
    case PTCL_AT_PROMPT:
	return WHERE_PROMPT;
    default:
	return WHERE_SPMD;
    }
}

static int
IndexOf(
    const int *ranks,
    int n,
    int rank)
{
    int i;

    for (i = 0; i < n; i++) {
	if (ranks[i] == rank) {
	    return i;
	}
    }
    return -1;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclCommWorldRanks --
 *
 *	The world ranks of a communicator's members, in its rank order.
 *
 * Results:
 *	The count; *ranksPtr is a ckalloc'ed array the caller frees.
 *
 * Side effects:
 *	None (local MPI group calls).
 *
 *----------------------------------------------------------------------
 */

int
PtclCommWorldRanks(
    MPI_Comm comm,
    int **ranksPtr)
{
    MPI_Group group, world;
    int i, n, *in, *out;

    MPI_Comm_size(comm, &n);
    in = (int *) ckalloc(sizeof(int) * (size_t) n);
    out = (int *) ckalloc(sizeof(int) * (size_t) n);
    for (i = 0; i < n; i++) {
	in[i] = i;
    }
    MPI_Comm_group(comm, &group);
    MPI_Comm_group(ptclWorld.user, &world);
    MPI_Group_translate_ranks(group, n, in, world, out);
    MPI_Group_free(&group);
    MPI_Group_free(&world);
    ckfree(in);
    *ranksPtr = out;
    return n;
}

/*
 * RanksString --
 *
 *	"rank 2" or "ranks 1 3", for messages.
 */

static Tcl_Obj *
RanksString(
    const int *ranks,
    int n)
{
    Tcl_Obj *s = Tcl_NewStringObj(n == 1 ? "rank" : "ranks", -1);
    int i;

    for (i = 0; i < n; i++) {
	Tcl_AppendPrintfToObj(s, " %d", ranks[i]);
    }
    return s;
}

static Tcl_Obj *
RanksList(
    const int *ranks,
    int n)
{
    Tcl_Obj *list = Tcl_NewListObj(0, NULL);
    int i;

    for (i = 0; i < n; i++) {
	Tcl_ListObjAppendElement(NULL, list, Tcl_NewIntObj(ranks[i]));
    }
    return list;
}

/*
 * UnsetError --
 *
 *	The error of a variable unset on some ranks: a message naming them,
 *	-errorcode {PTCL UNSET NAME RANKS}.
 */

static int
UnsetError(
    Tcl_Interp *interp,
    Tcl_Obj *nameObj,
    const int *ranks,
    int n)
{
    Tcl_Obj *msg = Tcl_ObjPrintf("can't read \"%s\": no such variable on ",
	    Tcl_GetString(nameObj));
    Tcl_Obj *code = Tcl_NewListObj(0, NULL);
    Tcl_Obj *list = RanksString(ranks, n);

    Tcl_IncrRefCount(list);
    Tcl_AppendObjToObj(msg, list);
    Tcl_DecrRefCount(list);
    Tcl_ListObjAppendElement(NULL, code, Tcl_NewStringObj("PTCL", -1));
    Tcl_ListObjAppendElement(NULL, code, Tcl_NewStringObj("UNSET", -1));
    Tcl_ListObjAppendElement(NULL, code, nameObj);
    Tcl_ListObjAppendElement(NULL, code, RanksList(ranks, n));
    Tcl_SetObjResult(interp, msg);
    Tcl_SetObjErrorCode(interp, code);
    return TCL_ERROR;
}

static int
UsageError(
    Tcl_Interp *interp,
    const CmdInfo *info)
{
    return PtclUsage(interp, info->usage);
}

/*
 *----------------------------------------------------------------------
 *
 * ParseCall --
 *
 *	Reads the arguments of a data command and settles its group: at
 *	the prompt the targets (default: every rank); in px code and SPMD
 *	the communicator. Everything here is checked the same way on every
 *	rank before any communication, so bad input fails everywhere alike.
 *
 * Results:
 *	TCL_OK with *call filled (FreeCall releases it), or TCL_ERROR with a
 *	usage message and -errorcode {PTCL USAGE}.
 *
 * Side effects:
 *	In px code with -targets, may make the group's communicator
 *	(collective over the targets, which all call the command).
 *
 *----------------------------------------------------------------------
 */

static void
FreeCall(
    Call *call)
{
    if (call->targets) {
	ckfree(call->targets);
	call->targets = NULL;
    }
}

static int
ParseCall(
    Tcl_Interp *interp,
    enum Cmd cmd,
    int objc,
    Tcl_Obj *const objv[],
    Call *call)
{
    static const char *const rootOptions[] = {"-targets", "-root", NULL};
    static const char *const plainOptions[] = {"-targets", NULL};
    const CmdInfo *info = &cmdInfo[cmd];
    const char *const *options = info->hasRoot ? rootOptions : plainOptions;
    int i, index, rest, numArgs, rootGiven = 0;

    memset(call, 0, sizeof(*call));
    call->cmd = cmd;
    call->info = info;
    call->root = -1;
    call->rootIndex = -1;
    call->self = -1;
    call->comm = MPI_COMM_NULL;
    call->where = Where(interp);

    /*
     * Positional arguments come first, then option pairs. bcast's VALUE
     * is there when what follows NAME is odd in number.
     */

    rest = objc - 1;
    if (rest < info->minArgs) {
	return UsageError(interp, info);
    }
    numArgs = info->minArgs;
    if (info->maxArgs > info->minArgs && (rest - info->minArgs) % 2 == 1) {
	numArgs = info->maxArgs;
    }
    if ((rest - numArgs) % 2 != 0) {
	/* A lone option without its value, or one argument too many. */
	const char *last = Tcl_GetString(objv[objc - 1]);

	if (last[0] == '-' && Tcl_GetIndexFromObj(NULL, objv[objc - 1],
		options, "option", 0, &index) == TCL_OK) {
	    Tcl_SetObjResult(interp, Tcl_ObjPrintf(
		    "option \"%s\" needs a value: should be \"%s\"", last,
		    info->usage));
	    Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
	    return TCL_ERROR;
	}
	return UsageError(interp, info);
    }
    call->numArgs = numArgs;
    for (i = 0; i < numArgs; i++) {
	call->args[i] = objv[1 + i];
    }
    for (i = 1 + numArgs; i < objc; i += 2) {
	if (Tcl_GetIndexFromObj(interp, objv[i], options, "option", 0,
		&index) != TCL_OK) {
	    Tcl_AppendResult(interp, ": should be \"", info->usage, "\"",
		    NULL);
	    Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
	    FreeCall(call);
	    return TCL_ERROR;
	}
	if (index == 0) {
	    if (call->targets) {
		ckfree(call->targets);
		call->targets = NULL;
	    }
	    if (PtclParseTargets(interp, objv[i + 1], &call->numTargets,
		    &call->targets) != TCL_OK) {
		return TCL_ERROR;
	    }
	    call->explicitTargets = 1;
	} else {
	    int r;

	    if (Tcl_GetIntFromObj(NULL, objv[i + 1], &r) != TCL_OK
		    || r < 0 || r >= ptclWorld.size) {
		Tcl_SetObjResult(interp, Tcl_ObjPrintf(
			"bad root \"%s\": must be a rank from 0 to %d",
			Tcl_GetString(objv[i + 1]), ptclWorld.size - 1));
		Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
		FreeCall(call);
		return TCL_ERROR;
	    }
	    call->root = r;
	    rootGiven = 1;
	}
    }

    /*
     * The group.
     */

    if (call->where == WHERE_PROMPT) {
	if (call->targets == NULL) {
	    call->numTargets = PtclAllTargets(&call->targets);
	}
    } else {
	MPI_Comm base = PtclDefaultComm(interp);
	int *members, numMembers;

	numMembers = PtclCommWorldRanks(base, &members);
	if (call->targets == NULL) {
	    call->targets = members;
	    call->numTargets = numMembers;
	    call->comm = base;
	} else {
	    for (i = 0; i < call->numTargets; i++) {
		if (IndexOf(members, numMembers, call->targets[i]) < 0) {
		    Tcl_Obj *group = RanksList(members, numMembers);

		    Tcl_IncrRefCount(group);
		    Tcl_SetObjResult(interp, Tcl_ObjPrintf(
			    "rank %d in -targets is not in this px group (%s)",
			    call->targets[i], Tcl_GetString(group)));
		    Tcl_DecrRefCount(group);
		    Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
		    ckfree(members);
		    FreeCall(call);
		    return TCL_ERROR;
		}
	    }
	    ckfree(members);
	}
	call->self = IndexOf(call->targets, call->numTargets,
		ptclWorld.rank);
    }

    if (rootGiven) {
	call->rootIndex = IndexOf(call->targets, call->numTargets,
		call->root);
	if (call->rootIndex < 0) {
	    Tcl_Obj *list = RanksList(call->targets, call->numTargets);

	    Tcl_IncrRefCount(list);
	    Tcl_SetObjResult(interp, Tcl_ObjPrintf(
		    "bad root %d: it is not one of the targets (%s)",
		    call->root, Tcl_GetString(list)));
	    Tcl_DecrRefCount(list);
	    Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
	    FreeCall(call);
	    return TCL_ERROR;
	}
    } else if (call->where != WHERE_PROMPT) {
	call->rootIndex = 0;
	call->root = call->targets[0];
    }

    /*
     * In px code with -targets, the communicator of the subset; made only
     * by its members, who all call this.
     */

    if (call->where != WHERE_PROMPT && call->comm == MPI_COMM_NULL
	    && call->self >= 0) {
	if (PtclGroupComm(interp, call->numTargets,
		call->targets, &call->comm) != TCL_OK) {
	    FreeCall(call);
	    return TCL_ERROR;
	}
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * The prompt forms.
 *
 *----------------------------------------------------------------------
 */

/*
 * StoreResult --
 *
 *	Sets NAME to the collective's result (the empty string for none) and
 *	releases the result's reference, leaving *resultPtr NULL.
 */

static int
StoreResult(
    Tcl_Interp *interp,
    Tcl_Obj *nameObj,
    Tcl_Obj **resultPtr)
{
    Tcl_Obj *result = *resultPtr;
    int code = TCL_OK;

    if (Tcl_ObjSetVar2(interp, nameObj, NULL, result ? result : Tcl_NewObj(),
	    TCL_LEAVE_ERR_MSG) == NULL) {
	code = TCL_ERROR;
    }
    if (result) {
	Tcl_DecrRefCount(result);
    }
    *resultPtr = NULL;
    return code;
}

/*
 * VarScript --
 *
 *	"::set NAME", quoted as a list so any name survives; with
 *	"[::ptcl::payload];::list" when assigning the payload (whose value
 *	must not travel back as the result).
 */

static Tcl_Obj *
VarScript(
    Tcl_Obj *nameObj,
    int assign)
{
    Tcl_Obj *words[2], *script;

    words[0] = Tcl_NewStringObj("::set", -1);
    words[1] = nameObj;
    script = Tcl_NewListObj(2, words);
    if (assign) {
	Tcl_Obj *list = script;

	Tcl_IncrRefCount(list);
	script = Tcl_NewStringObj(Tcl_GetString(list), -1);
	Tcl_DecrRefCount(list);
	Tcl_AppendToObj(script, " [::ptcl::payload];::list", -1);
    }
    return script;
}

/*
 * SetBlockScript --
 *
 *	The px code that sets NAME to each target's payload at the prompt
 *	(scatter, bcast): ::ptcl::SetBlock NAME WRAPRANKS.
 */

static Tcl_Obj *
SetBlockScript(
    Tcl_Obj *nameObj,
    Tcl_Obj *wrapRanks)
{
    Tcl_Obj *words[3];

    words[0] = Tcl_NewStringObj("::ptcl::SetBlock", -1);
    words[1] = nameObj;
    words[2] = wrapRanks;
    return Tcl_NewListObj(3, words);
}

/*
 * RunOnTargets --
 *
 *	PtclPxRun with replies the caller clears with ClearReplies.
 */

static PtclReply *
RunOnTargets(
    Tcl_Interp *interp,
    int numTargets,
    const int *targets,
    Tcl_Obj *script,
    Tcl_Obj *const *payloads,
    int *codePtr)
{
    PtclReply *replies = (PtclReply *) ckalloc(sizeof(PtclReply)
	    * (size_t) numTargets);

    Tcl_IncrRefCount(script);
    *codePtr = PtclPxRun(interp, numTargets, targets, script, payloads, 0,
	    0.0, replies);
    Tcl_DecrRefCount(script);
    return replies;
}

static void
ClearReplies(
    PtclReply *replies,
    int n)
{
    int i;

    for (i = 0; i < n; i++) {
	PtclReplyClear(&replies[i]);
    }
    ckfree(replies);
}

/*
 *----------------------------------------------------------------------
 *
 * CheckReplies --
 *
 *	After a px of the data commands: TCL_OK when every target succeeded.
 *	Otherwise an error: the ranks where a variable was unset, named in
 *	one message; one message when every failing rank failed alike (the
 *	px-code form agrees on errors, so all ranks report the same; ranks
 *	that were only released by another's failure do not count); else
 *	px's own report.
 *
 *----------------------------------------------------------------------
 */

/*
 * Released --
 *
 *	Did this target fail only because another one did (px released it
 *	from a wait)? In px code every rank fails alike on agreed bad
 *	input, but the first to fail may release the others before they
 *	have seen it.
 */

static int
Released(
    PtclReply *r)
{
    return r->code != TCL_OK && r->result && strncmp(Tcl_GetString(
	    r->result), "released: px failed on rank", 27) == 0;
}

static int
CheckReplies(
    Tcl_Interp *interp,
    Tcl_Obj *nameObj,
    int numTargets,
    const int *targets,
    PtclReply *replies)
{
    int i, numFailed = 0, numUnset = 0, same = 1, first = -1;
    int *unset;

    for (i = 0; i < numTargets; i++) {
	PtclReply *r = &replies[i];
	Tcl_Obj **elems;
	int n;

	if (r->code == TCL_OK || Released(r)) {
	    continue;
	}
	numFailed++;
	if (first < 0) {
	    first = i;
	} else if (!r->result || !replies[first].result
		|| strcmp(Tcl_GetString(r->result),
		Tcl_GetString(replies[first].result)) != 0) {
	    same = 0;
	}
	if (nameObj && r->errorCode && Tcl_ListObjGetElements(NULL,
		r->errorCode, &n, &elems) == TCL_OK && n >= 3
		&& strcmp(Tcl_GetString(elems[0]), "TCL") == 0
		&& strcmp(Tcl_GetString(elems[1]), "LOOKUP") == 0
		&& strcmp(Tcl_GetString(elems[2]), "VARNAME") == 0) {
	    numUnset++;
	}
    }
    if (numFailed == 0) {
	for (i = 0; i < numTargets; i++) {
	    if (replies[i].code != TCL_OK) {
		return PtclPxReport(interp, numTargets, replies);
	    }
	}
	return TCL_OK;
    }
    if (numUnset == numFailed) {
	unset = (int *) ckalloc(sizeof(int) * (size_t) numUnset);
	numUnset = 0;
	for (i = 0; i < numTargets; i++) {
	    if (replies[i].code != TCL_OK && !Released(&replies[i])) {
		unset[numUnset++] = targets[i];
	    }
	}
	UnsetError(interp, nameObj, unset, numUnset);
	ckfree(unset);
	return TCL_ERROR;
    }
    if (same) {
	/*
	 * Every failing rank says the same: an error of the px-code form
	 * that all ranks agreed on (or that only one rank found). Say it
	 * once, with its own errorcode.
	 */

	Tcl_SetObjResult(interp, replies[first].result);
	Tcl_SetObjErrorCode(interp, replies[first].errorCode
		? replies[first].errorCode : Tcl_NewStringObj("NONE", -1));
	if (replies[first].errorInfo) {
	    Tcl_AppendObjToErrorInfo(interp, Tcl_ObjPrintf(
		    "\n    (remote traceback of rank %d)\n%s",
		    targets[first], Tcl_GetString(replies[first].errorInfo)));
	}
	return TCL_ERROR;
    }
    return PtclPxReport(interp, numTargets, replies);
}

/*
 * Concat --
 *
 *	The concatenation of the targets' results, each taken as a list, in
 *	rank order. Lists of packed numbers stay pure: no string is made.
 */

static int
Concat(
    Tcl_Interp *interp,
    int numTargets,
    const int *targets,
    PtclReply *replies,
    Tcl_Obj **resultPtr)
{
    Tcl_Obj **all, **elems;
    size_t total = 0;
    int i, j, n, k = 0;

    for (i = 0; i < numTargets; i++) {
	if (Tcl_ListObjLength(NULL, replies[i].result, &n) != TCL_OK) {
	    Tcl_SetObjResult(interp, Tcl_ObjPrintf(
		    "the value on rank %d is not a list", targets[i]));
	    Tcl_SetErrorCode(interp, "PTCL", "VALUE", NULL);
	    return TCL_ERROR;
	}
	total += (size_t) n;
    }
    all = (Tcl_Obj **) ckalloc(sizeof(Tcl_Obj *) * (total + 1));
    for (i = 0; i < numTargets; i++) {
	Tcl_ListObjGetElements(NULL, replies[i].result, &n, &elems);
	for (j = 0; j < n; j++) {
	    all[k++] = elems[j];
	}
    }
    *resultPtr = Tcl_NewListObj(k, all);
    ckfree(all);
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * PromptForm --
 *
 *	A data command typed at the prompt: rank 0 involves the targets
 *	through the px engine.
 *
 * Results:
 *	A standard Tcl result; see the file's header for each command.
 *
 * Side effects:
 *	Sets variables on the targets (scatter, bcast).
 *
 *----------------------------------------------------------------------
 */

static int
ScatterCounts(
    int n,
    int parts,
    int index)
{
    int base = n / parts, extra = n % parts;

    return base + (index < extra ? 1 : 0);
}

static int
PromptForm(
    Tcl_Interp *interp,
    Call *call)
{
    int n = call->numTargets, *targets = call->targets, code = TCL_OK, i;
    PtclReply *replies;
    Tcl_Obj *script, **payloads, *value, *result;

    switch (call->cmd) {
    case CMD_SCATTER: {
	Tcl_Obj **elems, *wrapped;
	int len, off = 0;

	if (Tcl_ListObjGetElements(interp, call->args[1], &len, &elems)
		!= TCL_OK) {
	    Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
	    return TCL_ERROR;
	}
	/*
	 * A block of one item travels as the item itself, so that a
	 * bytearray or a list of numbers keeps its fast path; the target
	 * wraps it back into a list (::ptcl::SetBlock).
	 */

	payloads = (Tcl_Obj **) ckalloc(sizeof(Tcl_Obj *) * (size_t) n);
	wrapped = Tcl_NewListObj(0, NULL);
	for (i = 0; i < n; i++) {
	    int count = ScatterCounts(len, n, i);

	    if (count == 1) {
		payloads[i] = elems[off];
		Tcl_ListObjAppendElement(NULL, wrapped,
			Tcl_NewIntObj(targets[i]));
	    } else {
		payloads[i] = Tcl_NewListObj(count, elems + off);
	    }
	    Tcl_IncrRefCount(payloads[i]);
	    off += count;
	}
	replies = RunOnTargets(interp, n, targets,
		SetBlockScript(call->args[0], wrapped), payloads, &code);
	for (i = 0; i < n; i++) {
	    Tcl_DecrRefCount(payloads[i]);
	}
	ckfree(payloads);
	if (code == TCL_OK) {
	    code = CheckReplies(interp, NULL, n, targets, replies);
	}
	ClearReplies(replies, n);
	if (code == TCL_OK) {
	    Tcl_ResetResult(interp);
	}
	return code;
    }

    case CMD_GATHER:
	if (targets[0] == 0) {
	    Tcl_Obj *words[2];
	    int ok = 1;

	    /*
	     * Rank 0 is a target (the first: targets are sorted): the targets
	     * run gather as px code, rooted at rank 0, and rank 0's own part
	     * holds the result -- the numbers move once, packed, into a
	     * recycled list where one is free (collective.c), instead of
	     * coming back in px replies as new objects. On any failure the
	     * form below runs and reports it.
	     */

	    words[0] = Tcl_NewStringObj("::ptcl::gather", -1);
	    words[1] = call->args[0];
	    replies = RunOnTargets(interp, n, targets,
		    Tcl_NewListObj(2, words), NULL, &code);
	    for (i = 0; i < n && code == TCL_OK; i++) {
		ok &= (replies[i].code == TCL_OK);
	    }
	    if (code == TCL_OK && ok && replies[0].result) {
		Tcl_SetObjResult(interp, replies[0].result);
		ClearReplies(replies, n);
		return TCL_OK;
	    }
	    ClearReplies(replies, n);
	    Tcl_ResetResult(interp);
	}
	/* FALLTHRU */
    case CMD_ALLGATHER:
    case CMD_PULL:
	replies = RunOnTargets(interp, n, targets,
		VarScript(call->args[0], 0), NULL, &code);
	if (code == TCL_OK) {
	    code = CheckReplies(interp, call->args[0], n, targets, replies);
	}
	if (code == TCL_OK) {
	    if (call->cmd == CMD_PULL) {
		result = Tcl_NewListObj(0, NULL);
		for (i = 0; i < n; i++) {
		    Tcl_ListObjAppendElement(NULL, result, replies[i].result);
		}
		Tcl_SetObjResult(interp, result);
	    } else if ((code = Concat(interp, n, targets, replies, &result))
		    == TCL_OK) {
		Tcl_SetObjResult(interp, result);
	    }
	}
	ClearReplies(replies, n);
	return code;

    case CMD_BCAST: {
	Tcl_Obj *held = NULL;		/* The root's value, from its reply. */

	if (call->numArgs == 2) {
	    value = call->args[1];
	} else if (call->root <= 0) {
	    value = Tcl_ObjGetVar2(interp, call->args[0], NULL, 0);
	    if (value == NULL) {
		int zero = 0;

		return UnsetError(interp, call->args[0], &zero, 1);
	    }
	} else {
	    replies = RunOnTargets(interp, 1, &call->root,
		    VarScript(call->args[0], 0), NULL, &code);
	    if (code == TCL_OK) {
		code = CheckReplies(interp, call->args[0], 1, &call->root,
			replies);
	    }
	    if (code == TCL_OK) {
		held = replies[0].result;
		Tcl_IncrRefCount(held);
	    }
	    ClearReplies(replies, 1);
	    if (code != TCL_OK) {
		return code;
	    }
	    value = held;
	}
	Tcl_IncrRefCount(value);
	payloads = (Tcl_Obj **) ckalloc(sizeof(Tcl_Obj *) * (size_t) n);
	for (i = 0; i < n; i++) {
	    payloads[i] = value;
	}
	replies = RunOnTargets(interp, n, targets,
		SetBlockScript(call->args[0], Tcl_NewObj()), payloads, &code);
	ckfree(payloads);
	if (code == TCL_OK) {
	    code = CheckReplies(interp, NULL, n, targets, replies);
	}
	ClearReplies(replies, n);
	Tcl_DecrRefCount(value);
	if (held) {
	    Tcl_DecrRefCount(held);
	}
	if (code == TCL_OK) {
	    Tcl_ResetResult(interp);
	}
	return code;
    }

    case CMD_REDUCE:
    case CMD_ALLREDUCE: {
	PtclReduceOp op;
	Tcl_Obj *words[6];
	int nw = 0, which;

	if (PtclGetOpFromObj(interp, call->args[0], &op) != TCL_OK) {
	    return TCL_ERROR;
	}
	words[nw++] = Tcl_NewStringObj(call->cmd == CMD_REDUCE
		? "::ptcl::reduce" : "::ptcl::allreduce", -1);
	words[nw++] = call->args[0];
	words[nw++] = call->args[1];
	which = 0;
	if (call->cmd == CMD_REDUCE) {
	    int root = call->root >= 0 ? call->root : targets[0];

	    words[nw++] = Tcl_NewStringObj("-root", -1);
	    words[nw++] = Tcl_NewIntObj(root);
	    which = IndexOf(targets, n, root);
	}
	script = Tcl_NewListObj(nw, words);
	replies = RunOnTargets(interp, n, targets, script, NULL, &code);
	if (code == TCL_OK) {
	    code = CheckReplies(interp, NULL, n, targets, replies);
	}
	if (code == TCL_OK) {
	    Tcl_SetObjResult(interp, replies[which].result);
	}
	ClearReplies(replies, n);
	return code;
    }

    case CMD_BARRIER:
	/*
	 * Every target has reached the barrier when it has answered.
	 */

	replies = RunOnTargets(interp, n, targets, Tcl_NewObj(), NULL, &code);
	if (code == TCL_OK) {
	    code = CheckReplies(interp, NULL, n, targets, replies);
	}
	ClearReplies(replies, n);
	if (code == TCL_OK) {
	    Tcl_ResetResult(interp);
	}
	return code;
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * Agree --
 *
 *	Every rank of the group says whether its part of the input is good
 *	(here: whether NAME is set); if any is not, every rank fails with
 *	the same message naming the bad ranks. One small allgather.
 *
 * Results:
 *	TCL_OK when all are good.
 *
 *----------------------------------------------------------------------
 */

static int
Agree(
    Tcl_Interp *interp,
    Call *call,
    int good,
    Tcl_Obj *nameObj)
{
    Tcl_Obj *flag = Tcl_NewIntObj(good), *all = NULL, **elems;
    int code, n, i, v, numBad = 0, *bad;

    Tcl_IncrRefCount(flag);
    code = PtclCollGather(interp, call->comm, 0, flag, PTCL_GATHER_ALL,
	    &all);
    Tcl_DecrRefCount(flag);
    if (code != TCL_OK) {
	return code;
    }
    Tcl_ListObjGetElements(NULL, all, &n, &elems);
    bad = (int *) ckalloc(sizeof(int) * (size_t) (n + 1));
    for (i = 0; i < n && i < call->numTargets; i++) {
	if (Tcl_GetIntFromObj(NULL, elems[i], &v) != TCL_OK || !v) {
	    bad[numBad++] = call->targets[i];
	}
    }
    Tcl_DecrRefCount(all);
    if (numBad > 0) {
	UnsetError(interp, nameObj, bad, numBad);
	ckfree(bad);
	return TCL_ERROR;
    }
    ckfree(bad);
    return TCL_OK;
}

/*
 * ReadShared --
 *
 *	NAME's value on this rank, once every rank of the group has agreed
 *	that NAME is set where it must be (needed: 0 where it need not).
 */

static int
ReadShared(
    Tcl_Interp *interp,
    Call *call,
    Tcl_Obj *nameObj,
    int needed,
    Tcl_Obj **valuePtr)
{
    Tcl_Obj *value = NULL;

    if (needed) {
	value = Tcl_ObjGetVar2(interp, nameObj, NULL, 0);
    }
    if (Agree(interp, call, !needed || value != NULL, nameObj) != TCL_OK) {
	return TCL_ERROR;
    }
    *valuePtr = value;
    return TCL_OK;
}

/*
 * MakeLocPairs --
 *
 *	For minloc and maxloc: a number becomes {number rank}; a list of
 *	numbers a list of such pairs. The rank is the world rank.
 */

static Tcl_Obj *
MakeLocPairs(
    Tcl_Obj *value)
{
    Tcl_Obj **elems, *pair[2], *list;
    int n, i;

    if (Tcl_ListObjGetElements(NULL, value, &n, &elems) != TCL_OK
	    || n <= 1) {
	pair[0] = value;
	pair[1] = Tcl_NewIntObj(ptclWorld.rank);
	return Tcl_NewListObj(2, pair);
    }
    list = Tcl_NewListObj(0, NULL);
    for (i = 0; i < n; i++) {
	pair[0] = elems[i];
	pair[1] = Tcl_NewIntObj(ptclWorld.rank);
	Tcl_ListObjAppendElement(NULL, list, Tcl_NewListObj(2, pair));
    }
    return list;
}

/*
 * ReusableValue --
 *
 *	NAME's value when the variable is all that holds it, which the Into
 *	collectives may then rebuild in place instead of making a new value
 *	and freeing the old one (for a list of a million numbers, most of
 *	the cost); NULL otherwise. The interp's result is reset first if it
 *	holds that value, since the command replaces it anyway.
 */

static Tcl_Obj *
ReusableValue(
    Tcl_Interp *interp,
    Tcl_Obj *nameObj)
{
    Tcl_Obj *value = Tcl_ObjGetVar2(interp, nameObj, NULL, 0);

    if (value != NULL && value == Tcl_GetObjResult(interp)) {
	Tcl_ResetResult(interp);
    }
    return (value != NULL && !Tcl_IsShared(value)) ? value : NULL;
}

/*
 *----------------------------------------------------------------------
 *
 * GroupScatter --
 *
 *	scatter in px code and SPMD. The root cuts its list into one block
 *	per rank of the group (sizes differing by at most one, larger
 *	first) and one PtclCollScatterInto moves them: a block of one item
 *	travels as the item itself (so a bytearray or a list of numbers
 *	keeps its fast path) and arrives as a one-item list. A malformed
 *	list on the root goes to the collective as it is, which makes every
 *	rank fail with the root's error. Every rank offers NAME's value for
 *	reuse.
 *
 * Results:
 *	TCL_OK with *resultPtr the block (one reference), or TCL_ERROR.
 *
 *----------------------------------------------------------------------
 */

static int
GroupScatter(
    Tcl_Interp *interp,
    Call *call,
    Tcl_Obj **resultPtr)
{
    int n = call->numTargets, i, len, code;
    int64_t *counts = NULL;
    Tcl_Obj **elems, *reuse = NULL;

    if (call->self == call->rootIndex) {
	if (Tcl_ListObjGetElements(NULL, call->args[1], &len, &elems)
		!= TCL_OK) {
	    len = 0;		/* The collective reports the bad list. */
	}
	counts = (int64_t *) ckalloc(sizeof(int64_t) * (size_t) n);
	for (i = 0; i < n; i++) {
	    counts[i] = ScatterCounts(len, n, i);
	}
    }
    reuse = ReusableValue(interp, call->args[0]);
    code = PtclCollScatterInto(interp, call->comm, call->rootIndex,
	    call->args[1], counts, NULL, reuse, resultPtr);
    if (counts) {
	ckfree(counts);
    }
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * GroupForm --
 *
 *	A data command in px code or an SPMD script: every rank of the
 *	group calls it, and it runs as the matching value collective.
 *
 * Results:
 *	A standard Tcl result.
 *
 * Side effects:
 *	Sets variables (scatter, bcast).
 *
 *----------------------------------------------------------------------
 */

static int
GroupForm(
    Tcl_Interp *interp,
    Call *call)
{
    Tcl_Obj *value = NULL, *result = NULL;
    int code = TCL_OK, rootIndex = call->rootIndex;

    if (call->cmd == CMD_REDUCE || call->cmd == CMD_ALLREDUCE) {
	PtclReduceOp op;

	if (PtclGetOpFromObj(interp, call->args[0], &op) != TCL_OK) {
	    return TCL_ERROR;
	}
    }
    if (call->self < 0) {
	Tcl_ResetResult(interp);	/* Not in -targets: not our call. */
	return TCL_OK;
    }

    switch (call->cmd) {
    case CMD_SCATTER:
	code = GroupScatter(interp, call, &result);
	if (code == TCL_OK) {
	    code = StoreResult(interp, call->args[0], &result);
	}
	break;

    case CMD_GATHER:
    case CMD_ALLGATHER:
    case CMD_PULL:
	code = ReadShared(interp, call, call->args[0], 1, &value);
	if (code == TCL_OK) {
	    int flags = call->cmd == CMD_GATHER ? PTCL_GATHER_CONCAT
		    : call->cmd == CMD_ALLGATHER
		    ? (PTCL_GATHER_ALL | PTCL_GATHER_CONCAT) : PTCL_GATHER_ALL;

	    Tcl_IncrRefCount(value);
	    code = PtclCollGather(interp, call->comm, rootIndex, value, flags,
		    &result);
	    Tcl_DecrRefCount(value);
	}
	break;

    case CMD_BCAST:
	if (call->numArgs == 2) {
	    value = call->args[1];
	    code = TCL_OK;
	} else {
	    code = ReadShared(interp, call, call->args[0],
		    call->self == rootIndex, &value);
	}
	if (code == TCL_OK) {
	    Tcl_Obj *reuse = NULL;

	    if (value) {
		Tcl_IncrRefCount(value);
	    }
	    if (call->self != rootIndex) {
		reuse = ReusableValue(interp, call->args[0]);
	    }
	    code = PtclCollBcastInto(interp, call->comm, rootIndex, value,
		    reuse, &result);
	    if (value) {
		Tcl_DecrRefCount(value);
	    }
	}
	if (code == TCL_OK) {
	    code = StoreResult(interp, call->args[0], &result);
	} else if (result) {
	    Tcl_DecrRefCount(result);
	    result = NULL;
	}
	break;

    case CMD_REDUCE:
    case CMD_ALLREDUCE: {
	PtclReduceOp op;

	PtclGetOpFromObj(interp, call->args[0], &op);
	code = ReadShared(interp, call, call->args[1], 1, &value);
	if (code == TCL_OK) {
	    if (op == PTCL_OP_MINLOC || op == PTCL_OP_MAXLOC) {
		value = MakeLocPairs(value);
	    }
	    Tcl_IncrRefCount(value);
	    code = PtclCollReduce(interp, call->comm, call->cmd == CMD_REDUCE
		    ? PTCL_REDUCE : PTCL_ALLREDUCE, rootIndex, op, value,
		    &result);
	    Tcl_DecrRefCount(value);
	}
	break;
    }

    case CMD_BARRIER:
	code = PtclCollBarrier(interp, call->comm);
	break;
    }

    if (code != TCL_OK) {
	if (result) {
	    Tcl_DecrRefCount(result);
	}
	return TCL_ERROR;
    }
    if (result) {
	Tcl_SetObjResult(interp, result);
	Tcl_DecrRefCount(result);
    } else {
	Tcl_ResetResult(interp);
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * DataObjCmd --
 *
 *	The one command procedure of the data commands; clientData says
 *	which.
 *
 *----------------------------------------------------------------------
 */

static int
DataObjCmd(
    ClientData clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    enum Cmd cmd = (enum Cmd) (intptr_t) clientData;
    Call call;
    int code;

    if (ParseCall(interp, cmd, objc, objv, &call) != TCL_OK) {
	return TCL_ERROR;
    }
    if (call.where == WHERE_PROMPT) {
	code = PromptForm(interp, &call);
    } else {
	code = GroupForm(interp, &call);
    }
    FreeCall(&call);
    return code;
}

/*
 * AutopxObjCmd --
 *
 *	autopx: toggles the prompt's px mode. The work is Tcl's
 *	(scripts/autopx.tcl, loaded on first use); here only the check that
 *	it is typed at the prompt of ptclsh.
 */

static int
AutopxObjCmd(
    ClientData clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    (void) clientData;
    if (objc != 1) {
	return PtclUsage(interp, "autopx");
    }
    if (Where(interp) != WHERE_PROMPT) {
	Tcl_SetObjResult(interp, Tcl_NewStringObj(ptclWorld.shell
		? "autopx runs at the prompt, not in px code"
		: "autopx needs ptclsh: it changes what the prompt does", -1));
	Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
	return TCL_ERROR;
    }
    if (Tcl_FindCommand(interp, "::ptcl::shell::Autopx", NULL, 0) == NULL
	    && Tcl_EvalEx(interp, "source [file join $::ptcl::library"
	    " autopx.tcl]", -1, TCL_EVAL_GLOBAL) != TCL_OK) {
	return TCL_ERROR;
    }
    return Tcl_EvalEx(interp, "::ptcl::shell::Autopx", -1, TCL_EVAL_GLOBAL);
}

/*
 * SetBlockObjCmd --
 *
 *	::ptcl::SetBlock NAME WRAPRANKS: the px code of scatter and bcast
 *	at the prompt. Sets NAME to this rank's payload, wrapped into a
 *	one-item list when this rank is in WRAPRANKS. Internal. A payload of
 *	packed numbers (PtclPxRawPayload) is unpacked straight into NAME's
 *	old list when the variable alone holds it (PtclUnpackInto), as the
 *	px-code forms do, instead of a new list being made and the old one
 *	freed.
 */

static int
SetBlockObjCmd(
    ClientData clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    Tcl_Obj *payload, **ranks, *value, *raw;
    int n, i, r, wrap = 0, kind, len;

    (void) clientData;
    if (objc != 3
	    || Tcl_ListObjGetElements(interp, objv[2], &n, &ranks) != TCL_OK) {
	return PtclUsage(interp, "::ptcl::SetBlock NAME WRAPRANKS");
    }
    for (i = 0; i < n; i++) {
	if (Tcl_GetIntFromObj(NULL, ranks[i], &r) == TCL_OK
		&& r == ptclWorld.rank) {
	    wrap = 1;
	}
    }
    raw = PtclPxRawPayload(interp, &kind);
    if (raw && !wrap) {
	unsigned char *bytes = Tcl_GetByteArrayFromObj(raw, &len);

	value = PtclUnpackInto(kind, bytes, (uint64_t) len,
		ReusableValue(interp, objv[1]));
	if (value == NULL) {
	    Tcl_SetObjResult(interp, Tcl_NewStringObj(
		    "received a malformed value", -1));
	    Tcl_SetErrorCode(interp, "PTCL", "PROTOCOL", NULL);
	    return TCL_ERROR;
	}
    } else if ((payload = PtclPxPayload(interp)) == NULL) {
	return PtclUsage(interp, "::ptcl::SetBlock NAME WRAPRANKS");
    } else {
	value = wrap ? Tcl_NewListObj(1, &payload) : payload;
    }
    if (Tcl_ObjSetVar2(interp, objv[1], NULL, value, TCL_LEAVE_ERR_MSG)
	    == NULL) {
	return TCL_ERROR;
    }
    Tcl_ResetResult(interp);
    return TCL_OK;
}

int	PtclPmapInit(Tcl_Interp *interp);

/*
 * ForgetRecycled --
 *
 *	Kept gather results (runtime/collective.c) go when a worker's px
 *	ends, and when rank 0's prompt takes its next command.
 */

static int
ForgetRecycled(
    Tcl_Interp *interp,
    void *clientData)
{
    (void) interp;
    (void) clientData;
    PtclCollForgetRecycled();
    return TCL_OK;
}

int
PtclCollectivesInit(
    Tcl_Interp *interp)
{
    int i;

    for (i = 0; cmdInfo[i].name != NULL; i++) {
	Tcl_CreateObjCommand(interp, cmdInfo[i].name, DataObjCmd,
		(ClientData) (intptr_t) i, NULL);
    }
    Tcl_CreateObjCommand(interp, "::ptcl::autopx", AutopxObjCmd, NULL, NULL);
    Tcl_CreateObjCommand(interp, "::ptcl::SetBlock", SetBlockObjCmd, NULL,
	    NULL);
    PtclAddHook(PTCL_HOOK_PX_END, ForgetRecycled, NULL);
    PtclAddHook(PTCL_HOOK_PROMPT_TURN, ForgetRecycled, NULL);
    return PtclPmapInit(interp);
}
