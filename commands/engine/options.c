/*
 * options.c --
 *
 *	How the commands of ptcl read their options and their -targets: one
 *	parser for px, pmap and the data commands (engine.h: PtclOptSpec),
 *	so that every command names its valid options and its usage alike.
 */

#include "engine/engine.h"
#include <stdlib.h>
#include <string.h>

static int
CompareInts(
    const void *a,
    const void *b)
{
    int x = *(const int *) a, y = *(const int *) b;

    return (x > y) - (x < y);
}

int
PtclUsage(
    Tcl_Interp *interp,
    const char *usage)
{
    Tcl_SetObjResult(interp, Tcl_ObjPrintf("wrong # args: should be \"%s\"",
	    usage));
    Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
    return TCL_ERROR;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclParseTargets --
 *
 *	Reads a -targets list: ranks of the world, each once.
 *
 * Results:
 *	TCL_OK with *targetsPtr a sorted ckalloc'ed array (the caller frees)
 *	and *numPtr its length; TCL_ERROR with a message naming the bad
 *	element.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

int
PtclParseTargets(
    Tcl_Interp *interp,
    Tcl_Obj *listObj,
    int *numPtr,
    int **targetsPtr)
{
    Tcl_Obj **elems;
    int n, i, *targets;

    if (strcmp(Tcl_GetString(listObj), "all") == 0) {
	*numPtr = PtclAllTargets(targetsPtr);
	return TCL_OK;
    }
    if (Tcl_ListObjGetElements(interp, listObj, &n, &elems) != TCL_OK) {
	Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
	return TCL_ERROR;
    }
    if (n == 0) {
	Tcl_SetObjResult(interp, Tcl_NewStringObj(
		"no targets: -targets needs at least one rank", -1));
	Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
	return TCL_ERROR;
    }
    targets = (int *) ckalloc(sizeof(int) * (size_t) n);
    for (i = 0; i < n; i++) {
	int r;

	if (Tcl_GetIntFromObj(NULL, elems[i], &r) != TCL_OK
		|| r < 0 || r >= ptclWorld.size) {
	    Tcl_SetObjResult(interp, Tcl_ObjPrintf(
		    "bad rank \"%s\" in -targets: must be an integer from 0 "
		    "to %d, or \"all\"", Tcl_GetString(elems[i]),
		    ptclWorld.size - 1));
	    Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
	    ckfree(targets);
	    return TCL_ERROR;
	}
	targets[i] = r;
    }
    qsort(targets, (size_t) n, sizeof(int), CompareInts);
    for (i = 1; i < n; i++) {
	if (targets[i] == targets[i - 1]) {
	    Tcl_SetObjResult(interp, Tcl_ObjPrintf(
		    "rank %d appears twice in -targets", targets[i]));
	    Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
	    ckfree(targets);
	    return TCL_ERROR;
	}
    }
    *numPtr = n;
    *targetsPtr = targets;
    return TCL_OK;
}

/*
 * PtclAllTargets --
 *
 *	Every rank, 0 to size-1, in a ckalloc'ed array. Returns the count.
 */

int
PtclAllTargets(
    int **targetsPtr)
{
    int i, *targets = (int *) ckalloc(sizeof(int) * (size_t) ptclWorld.size);

    for (i = 0; i < ptclWorld.size; i++) {
	targets[i] = i;
    }
    *targetsPtr = targets;
    return ptclWorld.size;
}

/*
 *----------------------------------------------------------------------
 *
 * OptionNames --
 *
 *	The table's names as Tcl_GetIndexFromObj wants them: a NULL-ended
 *	array of strings, in a buffer the caller gives (at most max names).
 *
 *----------------------------------------------------------------------
 */

#define MAX_OPTIONS 16

static void
OptionNames(
    const PtclOptSpec *specs,
    const char **names)
{
    int i;

    for (i = 0; specs[i].name && i < MAX_OPTIONS; i++) {
	names[i] = specs[i].name;
    }
    names[i] = NULL;
}

/*
 *----------------------------------------------------------------------
 *
 * UsageCode --
 *
 *	Finishes a usage error: -errorcode {PTCL USAGE}.
 *
 *----------------------------------------------------------------------
 */

static int
UsageCode(
    Tcl_Interp *interp)
{
    Tcl_SetErrorCode(interp, "PTCL", "USAGE", NULL);
    return TCL_ERROR;
}

/*
 *----------------------------------------------------------------------
 *
 * OptionValue --
 *
 *	Reads one option's value word into *valuePtr as its kind says.
 *
 * Results:
 *	TCL_OK, or TCL_ERROR with a message that names the option and what
 *	its value must be (usage errors).
 *
 * Side effects:
 *	PTCL_OPT_TARGETS allocates the targets (a second -targets replaces
 *	the first).
 *
 *----------------------------------------------------------------------
 */

static int
OptionValue(
    Tcl_Interp *interp,
    const PtclOptSpec *spec,
    Tcl_Obj *word,
    PtclOptValue *valuePtr)
{
    const char *what = spec->name + 1;	/* "-root" -> "root" */
    Tcl_WideInt w;
    int r;

    valuePtr->obj = word;
    switch (spec->kind) {
    case PTCL_OPT_FLAG:
    case PTCL_OPT_OBJ:
	return TCL_OK;
    case PTCL_OPT_TARGETS:
	if (valuePtr->targets) {
	    ckfree(valuePtr->targets);
	    valuePtr->targets = NULL;
	}
	return PtclParseTargets(interp, word, &valuePtr->numTargets,
		&valuePtr->targets);
    case PTCL_OPT_RANK:
	if (Tcl_GetIntFromObj(NULL, word, &r) != TCL_OK || r < 0
		|| r >= ptclWorld.size) {
	    Tcl_SetObjResult(interp, Tcl_ObjPrintf(
		    "bad %s \"%s\": must be a rank from 0 to %d", what,
		    Tcl_GetString(word), ptclWorld.size - 1));
	    return UsageCode(interp);
	}
	valuePtr->rank = r;
	return TCL_OK;
    case PTCL_OPT_SECONDS:
	if (Tcl_GetDoubleFromObj(NULL, word, &valuePtr->seconds) != TCL_OK
		|| !(valuePtr->seconds > 0.0)) {
	    Tcl_SetObjResult(interp, Tcl_ObjPrintf(
		    "bad %s \"%s\": must be a number of seconds greater "
		    "than 0", what, Tcl_GetString(word)));
	    return UsageCode(interp);
	}
	return TCL_OK;
    case PTCL_OPT_COUNT:
	if (Tcl_GetWideIntFromObj(NULL, word, &w) != TCL_OK || w < 1
		|| w > INT_MAX) {
	    Tcl_SetObjResult(interp, Tcl_ObjPrintf(
		    "bad %s \"%s\": must be an integer of 1 or more", what,
		    Tcl_GetString(word)));
	    return UsageCode(interp);
	}
	valuePtr->count = w;
	return TCL_OK;
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclParseOptions --
 *
 *	Reads objv[0..objc-1], which must be options only ("-name" and,
 *	unless the option is a flag, its value), into values[] (one per
 *	entry of specs, zeroed first; a repeated option keeps the last).
 *
 * Results:
 *	TCL_OK, or TCL_ERROR with a usage error: an unknown option (the
 *	message lists the valid ones), a missing value, a bad value; each
 *	ends with ': should be "USAGE"' where it names no value.
 *
 * Side effects:
 *	May allocate targets: release values with PtclFreeOptions (also
 *	after an error).
 *
 *----------------------------------------------------------------------
 */

int
PtclParseOptions(
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[],
    const PtclOptSpec *specs,
    PtclOptValue *values,
    const char *usage)
{
    const char *names[MAX_OPTIONS + 1];
    int i, n, index;

    for (n = 0; specs[n].name; n++) {
	memset(&values[n], 0, sizeof(PtclOptValue));
    }
    OptionNames(specs, names);
    for (i = 0; i < objc; i++) {
	if (Tcl_GetIndexFromObj(interp, objv[i], names, "option", 0,
		&index) != TCL_OK) {
	    Tcl_AppendResult(interp, ": should be \"", usage, "\"", NULL);
	    return UsageCode(interp);
	}
	values[index].given = 1;
	if (specs[index].kind == PTCL_OPT_FLAG) {
	    continue;
	}
	if (i + 1 >= objc) {
	    Tcl_SetObjResult(interp, Tcl_ObjPrintf(
		    "option \"%s\" needs a value: should be \"%s\"",
		    Tcl_GetString(objv[i]), usage));
	    return UsageCode(interp);
	}
	i++;
	if (OptionValue(interp, &specs[index], objv[i], &values[index])
		!= TCL_OK) {
	    return TCL_ERROR;
	}
    }
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclParseLeadingOptions --
 *
 *	For commands whose options come first (px ?-opt ...? SCRIPT, pmap
 *	?-opt ...? CMDPREFIX LIST): reads the options in objv[1..] up to the
 *	last numArgs words, or up to "--" or the first word that does not
 *	start with "-".
 *
 * Results:
 *	TCL_OK with *firstArgPtr the index of the first positional word;
 *	TCL_ERROR with a usage error (as PtclParseOptions), also when the
 *	number of positional words is not numArgs.
 *
 * Side effects:
 *	As PtclParseOptions.
 *
 *----------------------------------------------------------------------
 */

int
PtclParseLeadingOptions(
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[],
    int numArgs,
    const PtclOptSpec *specs,
    PtclOptValue *values,
    const char *usage,
    int *firstArgPtr)
{
    int i, n, end = objc - numArgs, stop, code;

    for (n = 0; specs[n].name; n++) {
	memset(&values[n], 0, sizeof(PtclOptValue));
    }
    if (objc - 1 < numArgs) {
	Tcl_SetObjResult(interp, Tcl_ObjPrintf(
		"wrong # args: should be \"%s\"", usage));
	return UsageCode(interp);
    }
    for (i = 1; i < end; i++) {
	const char *arg = Tcl_GetString(objv[i]);
	int k;

	if (arg[0] != '-') {
	    break;
	}
	if (strcmp(arg, "--") == 0) {
	    break;
	}
	for (k = 0; specs[k].name; k++) {
	    if (strcmp(specs[k].name, arg) == 0) {
		break;
	    }
	}
	if (specs[k].name && specs[k].kind != PTCL_OPT_FLAG) {
	    i++;		/* Its value, whatever it looks like. */
	}
    }
    stop = i;
    if (stop > end) {
	stop = end;		/* An option whose value is missing. */
    }
    code = PtclParseOptions(interp, stop - 1, objv + 1, specs, values,
	    usage);
    if (code != TCL_OK) {
	return code;
    }
    if (stop < objc && strcmp(Tcl_GetString(objv[stop]), "--") == 0) {
	stop++;
    }
    if (objc - stop != numArgs) {
	Tcl_SetObjResult(interp, Tcl_ObjPrintf(
		"wrong # args: should be \"%s\"", usage));
	return UsageCode(interp);
    }
    *firstArgPtr = stop;
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclFreeOptions --
 *
 *	Releases what PtclParseOptions allocated in values[].
 *
 *----------------------------------------------------------------------
 */

void
PtclFreeOptions(
    const PtclOptSpec *specs,
    PtclOptValue *values)
{
    int i;

    for (i = 0; specs[i].name; i++) {
	if (values[i].targets) {
	    ckfree(values[i].targets);
	    values[i].targets = NULL;
	}
    }
}
