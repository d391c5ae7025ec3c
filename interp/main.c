/*
 * main.c --
 *
 *	ptclsh's main(): a custom main, not Tcl_Main, because every rank
 *	starts MPI, makes one interpreter, and then goes one of two ways:
 *	rank 0 to the prompt (prompt.c), the others to the worker loop
 *	(Ptcl_ShellServe). Exit goes through Tcl_Exit and Ptcl_ShellExit, so
 *	that `exit N` on rank 0 first tells every worker to exit with N.
 */

#include "ptclsh.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION PTCL_VERSION
#endif

static const char usageText[] =
"usage: mpiexec -n N ptclsh ?-encoding NAME? ?FILE ?ARG ...??\n"
"       ptclsh --help | --version\n"
"\n"
"A Tcl shell for MPI: every rank runs one Tcl interpreter. Rank 0 reads\n"
"commands (a terminal with line editing, a pipe, or FILE) and sends work\n"
"to the other ranks with px, scatter, gather and the other parallel\n"
"commands; the mpi:: commands pass messages between ranks.\n"
"\n"
"  FILE ?ARG ...?  run FILE on rank 0 as if typed; argv0, argv and argc\n"
"                  are set on every rank. Status 0, 1 on error, or exit's\n"
"  -encoding NAME  the encoding of FILE\n"
"  --help          show this text and exit\n"
"  --version       show the version and exit\n"
"\n"
"Without FILE, rank 0 reads a terminal (prompt \"ptcl[N]% \", history in\n"
"~/.ptclsh_history or $PTCLSH_HISTORY, ~/.ptclshrc sourced on every rank)\n"
"or, when input is a pipe, reads commands without prompt or echo.\n"
"Set PTCLSH_INTERACTIVE=1 or 0 to force the choice.\n"
"\n"
"Examples:\n"
"  mpiexec -n 4 ptclsh\n"
"  mpiexec -n 4 ptclsh job.tcl input.dat\n"
"  mpiexec -n 4 ptclsh < commands.tcl\n"
"\n"
"See ptclsh(1) and ptcl(n).\n";

/*
 * OnlyRankZeroSpeaks --
 *
 *	Before MPI starts we do not know our rank, but the launchers say it
 *	in the environment; --help and --version print once per job.
 */

static int
OnlyRankZeroSpeaks(void)
{
    static const char *const vars[] = {
	"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK", "SLURM_PROCID", NULL
    };
    int i;

    for (i = 0; vars[i]; i++) {
	const char *v = getenv(vars[i]);

	if (v) {
	    return atoi(v) == 0;
	}
    }
    return 1;
}

static void
ShellExitProc(
    ClientData clientData)
{
    int status = (int) (intptr_t) clientData;

    if (Ptcl_ShellRank() == 0) {
	PtclTerminalRestore();
    }
    Ptcl_ShellExit(status);
}

/*
 *----------------------------------------------------------------------
 *
 * SetArgv --
 *
 *	argv0, argv, argc and tcl_interactive, as tclsh sets them.
 *
 *----------------------------------------------------------------------
 */

static void
SetArgv(
    Tcl_Interp *interp,
    const char *argv0,
    int argc,
    char **argv,
    int interactive)
{
    Tcl_Obj *list = Tcl_NewListObj(0, NULL);
    Tcl_DString ds;
    int i;

    for (i = 0; i < argc; i++) {
	Tcl_ExternalToUtfDString(NULL, argv[i], -1, &ds);
	Tcl_ListObjAppendElement(NULL, list, Tcl_NewStringObj(
		Tcl_DStringValue(&ds), Tcl_DStringLength(&ds)));
	Tcl_DStringFree(&ds);
    }
    Tcl_ExternalToUtfDString(NULL, argv0, -1, &ds);
    Tcl_SetVar2Ex(interp, "argv0", NULL, Tcl_NewStringObj(
	    Tcl_DStringValue(&ds), Tcl_DStringLength(&ds)), TCL_GLOBAL_ONLY);
    Tcl_DStringFree(&ds);
    Tcl_SetVar2Ex(interp, "argv", NULL, list, TCL_GLOBAL_ONLY);
    Tcl_SetVar2Ex(interp, "argc", NULL, Tcl_NewIntObj(argc), TCL_GLOBAL_ONLY);
    Tcl_SetVar2Ex(interp, "tcl_interactive", NULL,
	    Tcl_NewIntObj(interactive), TCL_GLOBAL_ONLY);
}

/*
 * UseTerminalForOutput --
 *
 *	Interactive rank 0 whose output would reach the same terminal via
 *	mpiexec: make the terminal itself stdout and stderr, so that output
 *	and the next prompt can never pass each other.
 */

static void
UseTerminalForOutput(void)
{
    int i;

    for (i = 0; i < 2; i++) {
	int fd = dup(ptclTerminal.fd);
	Tcl_Channel chan;

	if (fd < 0) {
	    return;
	}
	chan = Tcl_MakeFileChannel((ClientData) (intptr_t) fd, TCL_WRITABLE);
	Tcl_SetChannelOption(NULL, chan, "-buffering", i == 0 ? "line" : "none");
	Tcl_SetStdChannel(chan, i == 0 ? TCL_STDOUT : TCL_STDERR);
    }
}

int
main(
    int argc,
    char **argv)
{
    Tcl_Interp *interp;
    PtclInputMode mode = PTCL_INPUT_PIPE;
    const char *encoding = NULL, *file = NULL, *argv0 = argv[0];
    int first = 1, fixedPty;

    /*
     * The options that need no MPI.
     */

    if (argc > 1 && (strcmp(argv[1], "--help") == 0
	    || strcmp(argv[1], "-help") == 0 || strcmp(argv[1], "-h") == 0)) {
	if (OnlyRankZeroSpeaks()) {
	    fputs(usageText, stdout);
	}
	return 0;
    }
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
	if (OnlyRankZeroSpeaks()) {
	    printf("ptclsh %s (Tcl %s)\n", PACKAGE_VERSION, TCL_PATCH_LEVEL);
	}
	return 0;
    }
    if (argc > 2 && strcmp(argv[1], "-encoding") == 0) {
	encoding = argv[2];
	first = 3;
    }
    if (first < argc) {
	if (argv[first][0] == '-') {
	    if (OnlyRankZeroSpeaks()) {
		fprintf(stderr, "ptclsh: unknown option \"%s\"\n%s",
			argv[first], usageText);
	    }
	    return 2;
	}
	file = argv[first];
	argv0 = file;
	first++;
	mode = PTCL_INPUT_FILE;
    }

    /*
     * MPI first: every rank must know who it is before anything else.
     */

    if (Ptcl_ShellStart(&argc, &argv) != TCL_OK) {
	fprintf(stderr, "ptclsh: could not initialize MPI\n");
	return 1;
    }
    fixedPty = PtclFixOutputPty();

    /*
     * OpenMPI catches SIGSEGV, SIGBUS, SIGFPE and SIGILL to print a
     * backtrace, with calls that are not safe in a signal handler; seen
     * here: a crashing worker hung for good in that handler (a lock held
     * by another thread), so mpiexec never learned that it died. A crash
     * must end the job: the default action, and mpiexec names the rank.
     */

    signal(SIGSEGV, SIG_DFL);
    signal(SIGBUS, SIG_DFL);
    signal(SIGFPE, SIG_DFL);
    signal(SIGILL, SIG_DFL);

    Tcl_FindExecutable(argv[0]);
    if (Ptcl_ShellRank() == 0 && mode != PTCL_INPUT_FILE
	    && PtclTerminalOpen()) {
	mode = PTCL_INPUT_TERMINAL;
	PtclTerminalTakeForeground();
	Ptcl_ShellSignalInstall();
	if (ptclTerminal.outputToTty) {
	    UseTerminalForOutput();
	}
    }

    interp = Tcl_CreateInterp();
    if (!(mode == PTCL_INPUT_TERMINAL && ptclTerminal.outputToTty)) {
	int i;

	for (i = 1; i <= 2; i++) {
	    Tcl_Channel chan = Tcl_GetStdChannel(i == 1 ? TCL_STDOUT
		    : TCL_STDERR);

	    if (chan && (fixedPty & i)) {
		Tcl_SetChannelOption(NULL, chan, "-translation", "lf");
	    }
	}
    }
    SetArgv(interp, argv0, argc - first, argv + first,
	    mode == PTCL_INPUT_TERMINAL);
    Tcl_SetExitProc(ShellExitProc);
    if (Tcl_Init(interp) != TCL_OK) {
	fprintf(stderr, "ptclsh: rank %d: %s\n", Ptcl_ShellRank(),
		Tcl_GetStringResult(interp));
    }
    if (Ptcl_ShellInit(interp) != TCL_OK) {
	fprintf(stderr, "ptclsh: rank %d: %s\n", Ptcl_ShellRank(),
		Tcl_GetVar2(interp, "errorInfo", NULL, TCL_GLOBAL_ONLY));
	Tcl_Exit(1);
    }

    if (Ptcl_ShellRank() == 0) {
	PtclRunPrompt(interp, mode, file, encoding);
    } else {
	Ptcl_ShellServe(interp);
    }
    Tcl_Exit(0);
    return 0;
}
