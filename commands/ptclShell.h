/*
 * ptclShell.h --
 *
 *	What libptcl offers the programs built on it: the package's entry
 *	points (Ptcl_Init, for `load` and `package require ptcl`) and the
 *	small API through which ptclsh (interp/) runs a job. Everything else
 *	in libptcl is internal (MODULE_SCOPE) and may change.
 *
 *	A ptclsh job, on every rank:
 *
 *	    Ptcl_ShellStart(&argc, &argv);     MPI first
 *	    interp = Tcl_CreateInterp(); Tcl_Init(interp);
 *	    Ptcl_ShellInit(interp);            ptcl's commands, the shell's Tcl
 *	    rank 0: read commands, evaluating each in interp; before each,
 *	            Ptcl_ShellPromptTurn(interp);
 *	    others: Ptcl_ShellServe(interp);   serve rank 0, never returns
 *	    Ptcl_ShellExit(status)             (from Tcl's exit procedure)
 */

#ifndef PTCL_SHELL_H
#define PTCL_SHELL_H

#include <tcl.h>

#ifndef PTCL_EXPORT
#   if defined(__GNUC__) && !defined(_WIN32)
#	define PTCL_EXPORT __attribute__((__visibility__("default")))
#   else
#	define PTCL_EXPORT
#   endif
#endif

/* The package's entry points. */
PTCL_EXPORT int	Ptcl_Init(Tcl_Interp *interp);
PTCL_EXPORT int	Ptcl_SafeInit(Tcl_Interp *interp);

/*
 * Starts MPI for a ptclsh process (argc and argv may be changed by the
 * MPI library). Returns TCL_OK, or TCL_ERROR when MPI could not start.
 */
PTCL_EXPORT int	Ptcl_ShellStart(int *argcPtr, char ***argvPtr);

/* This process's rank and the job's size (after Ptcl_ShellStart). */
PTCL_EXPORT int	Ptcl_ShellRank(void);
PTCL_EXPORT int	Ptcl_ShellSize(void);

/*
 * Makes interp ptclsh's interpreter: Ptcl_Init, output capture, the
 * commands imported into the global namespace, the shell's Tcl side.
 * Returns TCL_OK, or TCL_ERROR with the message in interp.
 */
PTCL_EXPORT int	Ptcl_ShellInit(Tcl_Interp *interp);

/*
 * Ctrl-C on rank 0 of an interactive shell: SIGINT sets a flag (and stops
 * running px) instead of killing the process.
 */
PTCL_EXPORT void Ptcl_ShellSignalInstall(void);
PTCL_EXPORT int	Ptcl_ShellSignalPending(void);
PTCL_EXPORT void Ptcl_ShellSignalClear(void);

/*
 * Rank 0: runs script as px code on every rank (the rc file); px's
 * result or error is left in interp.
 */
PTCL_EXPORT int	Ptcl_ShellEverywhere(Tcl_Interp *interp, Tcl_Obj *script);

/*
 * Rank 0: evaluates script at global level with its standard output
 * captured into out (which the caller has initialised): the prompt's
 * tcl_prompt1 and tcl_prompt2.
 */
PTCL_EXPORT int	Ptcl_ShellEvalCaptured(Tcl_Interp *interp, Tcl_Obj *script,
		    Tcl_DString *out);

/* Rank 0: the prompt is about to take its next command. */
PTCL_EXPORT void Ptcl_ShellPromptTurn(Tcl_Interp *interp);

/* Ranks 1..N-1: serve rank 0's commands until it says exit. */
PTCL_EXPORT void Ptcl_ShellServe(Tcl_Interp *interp);

/*
 * The end of the job: rank 0 tells every other rank to exit with status,
 * then Tcl and MPI are finalized and the process exits. Does not return.
 */
PTCL_EXPORT int	Ptcl_ShellExit(int status);

#endif /* PTCL_SHELL_H */
