/*
 * prompt.c --
 *
 *	What rank 0 reads, in tclsh's manner:
 *
 *	- a script file (ptclsh FILE ?ARG ...?): evaluated at global level;
 *	  on error the traceback goes to stderr and the status is 1;
 *	- a terminal: readline with the prompt "ptcl[N]% " (tcl_prompt1 and
 *	  tcl_prompt2 honoured), commands continued until complete, results
 *	  echoed, ~/.ptclshrc sourced on every rank first;
 *	- a pipe: no prompt, no echo, errors to stderr, reading goes on.
 *
 *	Every command runs in rank 0's interp; px sends work to the others.
 *	The end of input (Ctrl-D, EOF) is `exit 0`, which ends every rank.
 */

#include "ptclsh.h"
#include <stdlib.h>
#include <string.h>

/*
 *----------------------------------------------------------------------
 *
 * PrintErrorInfo --
 *
 *	Writes the -errorinfo of the last error (the traceback) to stderr,
 *	as tclsh does for a failing script.
 *
 *----------------------------------------------------------------------
 */

static void
PrintErrorInfo(
    Tcl_Interp *interp,
    int code)
{
    Tcl_Channel chan = Tcl_GetStdChannel(TCL_STDERR);
    Tcl_Obj *options = Tcl_GetReturnOptions(interp, code);
    Tcl_Obj *key = Tcl_NewStringObj("-errorinfo", -1), *value = NULL;

    Tcl_IncrRefCount(options);
    Tcl_IncrRefCount(key);
    Tcl_DictObjGet(NULL, options, key, &value);
    Tcl_DecrRefCount(key);
    if (chan) {
	Tcl_WriteObj(chan, value ? value : Tcl_GetObjResult(interp));
	Tcl_WriteChars(chan, "\n", 1);
	Tcl_Flush(chan);
    }
    Tcl_DecrRefCount(options);
}

/*
 * ShowResult --
 *
 *	After a command at the prompt: the error message to stderr, or (when
 *	echoing) a non-empty result to stdout.
 */

static void
ShowResult(
    Tcl_Interp *interp,
    int code,
    int echo)
{
    Tcl_Obj *result = Tcl_GetObjResult(interp);
    Tcl_Channel chan;

    if (code != TCL_OK) {
	chan = Tcl_GetStdChannel(TCL_STDERR);
	if (chan) {
	    Tcl_WriteObj(chan, result);
	    Tcl_WriteChars(chan, "\n", 1);
	    Tcl_Flush(chan);
	}
    } else if (echo && Tcl_GetCharLength(result) > 0) {
	chan = Tcl_GetStdChannel(TCL_STDOUT);
	if (chan) {
	    Tcl_WriteObj(chan, result);
	    Tcl_WriteChars(chan, "\n", 1);
	    Tcl_Flush(chan);
	}
    }
    Tcl_ResetResult(interp);
}

/*
 *----------------------------------------------------------------------
 *
 * PromptString --
 *
 *	The prompt to show: what tcl_prompt1/tcl_prompt2 prints when set
 *	(caught with the px capture), otherwise the answer of
 *	::ptcl::shell::prompt (scripts/shell.tcl), "ptcl[N]% " by default.
 *
 * Results:
 *	The prompt, in ds.
 *
 *----------------------------------------------------------------------
 */

static void
PromptString(
    Tcl_Interp *interp,
    int continued,
    Tcl_DString *ds)
{
    const char *var = continued ? "tcl_prompt2" : "tcl_prompt1";
    Tcl_Obj *script = Tcl_GetVar2Ex(interp, var, NULL, TCL_GLOBAL_ONLY);
    Tcl_InterpState saved = Tcl_SaveInterpState(interp, TCL_OK);
    int code;

    Tcl_DStringInit(ds);
    if (script) {
	code = Ptcl_ShellEvalCaptured(interp, script, ds);
	if (code == TCL_OK) {
	    Tcl_RestoreInterpState(interp, saved);
	    return;
	}
	Tcl_DStringSetLength(ds, 0);
    }
    code = Tcl_EvalEx(interp, continued ? "::ptcl::shell::prompt 2"
	    : "::ptcl::shell::prompt 1", -1, TCL_EVAL_GLOBAL);
    Tcl_DStringAppend(ds, code == TCL_OK ? Tcl_GetStringResult(interp)
	    : (continued ? "> " : "% "), -1);
    Tcl_RestoreInterpState(interp, saved);
}

/*
 *----------------------------------------------------------------------
 *
 * SourceRcFile --
 *
 *	~/.ptclshrc (tcl_rcFileName) on every rank of an interactive shell,
 *	through one px over all ranks, which also sets tcl_interactive.
 *
 *----------------------------------------------------------------------
 */

static void
SourceRcFile(
    Tcl_Interp *interp)
{
    static const char script[] =
	"set ::tcl_interactive 1\n"
	"set ::tcl_rcFileName ~/.ptclshrc\n"
	"if {[file readable [file normalize $::tcl_rcFileName]]} {\n"
	"    uplevel #0 [list source [file normalize $::tcl_rcFileName]]\n"
	"}\n";
    Tcl_Obj *scriptObj = Tcl_NewStringObj(script, -1);

    /*
     * One px over every rank, rank 0 included: inside px code the default
     * communicator is the px group, so a px over the workers alone would
     * give [mpi::rank] 0 1 ... on ranks 1 2 ... of WORLD.
     */

    Tcl_IncrRefCount(scriptObj);
    if (Ptcl_ShellEverywhere(interp, scriptObj) != TCL_OK) {
	ShowResult(interp, TCL_ERROR, 0);
    }
    Tcl_DecrRefCount(scriptObj);
}

/*
 *----------------------------------------------------------------------
 *
 * ReadPipeLine --
 *
 *	One line from stdin when it is not a terminal.
 *
 * Results:
 *	1 with the line appended to ds, 0 at end of input.
 *
 *----------------------------------------------------------------------
 */

static int
ReadPipeLine(
    Tcl_Channel in,
    Tcl_Obj *lineObj)
{
    Tcl_SetObjLength(lineObj, 0);
    if (Tcl_GetsObj(in, lineObj) < 0) {
	return 0;
    }
    return 1;
}

/*
 * EvalTyped --
 *
 *	Evaluates one complete command read at the prompt, recorded in the
 *	history. In autopx mode (scripts/autopx.tcl) the command goes to
 *	::ptcl::shell::AutopxEval, which runs it as px.
 */

static int
EvalTyped(
    Tcl_Interp *interp,
    Tcl_Obj *command)
{
    Tcl_Obj *mode = Tcl_GetVar2Ex(interp, "::ptcl::shell::autopx", NULL,
	    TCL_GLOBAL_ONLY);
    Tcl_Obj *words[2], *call;
    int on = 0, code;

    if (mode == NULL || Tcl_GetBooleanFromObj(NULL, mode, &on) != TCL_OK
	    || !on) {
	return Tcl_RecordAndEvalObj(interp, command, TCL_EVAL_GLOBAL);
    }
    Tcl_RecordAndEvalObj(interp, command, TCL_NO_EVAL);
    words[0] = Tcl_NewStringObj("::ptcl::shell::AutopxEval", -1);
    words[1] = command;
    call = Tcl_NewListObj(2, words);
    Tcl_IncrRefCount(call);
    code = Tcl_EvalObjEx(interp, call, TCL_EVAL_GLOBAL);
    Tcl_DecrRefCount(call);
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclRunPrompt --
 *
 *	Rank 0's main loop for the input mode chosen by main().
 *
 * Results:
 *	Does not return: ends with Tcl_Exit, which ends every rank.
 *
 * Side effects:
 *	Everything the user types.
 *
 *----------------------------------------------------------------------
 */

int
PtclRunPrompt(
    Tcl_Interp *interp,
    PtclInputMode mode,
    const char *file,
    const char *encoding)
{
    Tcl_Obj *command, *lineObj;
    Tcl_Channel in = NULL;
    int code, interactive = (mode == PTCL_INPUT_TERMINAL);

    if (mode == PTCL_INPUT_FILE) {
	Tcl_Obj *path = Tcl_NewStringObj(file, -1);

	Tcl_IncrRefCount(path);
	code = Tcl_FSEvalFileEx(interp, path, encoding);
	Tcl_DecrRefCount(path);
	if (code != TCL_OK) {
	    PrintErrorInfo(interp, code);
	    Tcl_Exit(1);
	}
	Tcl_Exit(0);
    }

    if (interactive) {
	PtclReadlineInit(interp);
	SourceRcFile(interp);
    } else {
	in = Tcl_GetStdChannel(TCL_STDIN);
	if (in == NULL) {
	    Tcl_Exit(0);
	}
    }

    command = Tcl_NewObj();
    Tcl_IncrRefCount(command);
    lineObj = Tcl_NewObj();
    Tcl_IncrRefCount(lineObj);
    for (;;) {
	int continued = Tcl_GetCharLength(command) > 0;

	if (interactive) {
	    Tcl_DString prompt;
	    char *line = NULL;
	    int got;

	    Tcl_Flush(Tcl_GetStdChannel(TCL_STDOUT));
	    PromptString(interp, continued, &prompt);
	    got = PtclReadlineGet(Tcl_DStringValue(&prompt), &line);
	    Tcl_DStringFree(&prompt);
	    if (got == 0) {
		break;			/* Ctrl-D: end of input. */
	    }
	    if (got < 0) {
		Tcl_SetObjLength(command, 0);	/* Ctrl-C: start over. */
		continue;
	    }
	    PtclHistoryAdd(line);
	    Tcl_AppendToObj(command, line, -1);
	    free(line);
	} else {
	    if (!ReadPipeLine(in, lineObj)) {
		break;
	    }
	    Tcl_AppendObjToObj(command, lineObj);
	}
	Tcl_AppendToObj(command, "\n", 1);
	if (!Tcl_CommandComplete(Tcl_GetString(command))) {
	    continue;
	}

	Ptcl_ShellPromptTurn(interp);
	code = EvalTyped(interp, command);
	Tcl_DecrRefCount(command);
	command = Tcl_NewObj();
	Tcl_IncrRefCount(command);
	ShowResult(interp, code, interactive);
    }
    Tcl_DecrRefCount(command);
    Tcl_DecrRefCount(lineObj);
    Tcl_Exit(0);
    return TCL_OK;
}
