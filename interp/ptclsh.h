/*
 * ptclsh.h --
 *
 *	What the files of the shell itself share: how rank 0 reads (a script
 *	file, a terminal with readline, or a pipe) and the terminal's set-up.
 *	libptcl is reached through its small shell API, ptclShell.h, only.
 */

#ifndef PTCLSH_H
#define PTCLSH_H

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <sys/types.h>
#include "ptclShell.h"

typedef enum PtclInputMode {
    PTCL_INPUT_FILE,		/* ptclsh FILE ?ARG ...? */
    PTCL_INPUT_TERMINAL,	/* A terminal could be had: readline. */
    PTCL_INPUT_PIPE		/* Anything else: plain lines, no echo. */
} PtclInputMode;

typedef struct PtclTerminal {
    int fd;			/* The controlling terminal, or -1. */
    int outputToTty;		/* Results go to the terminal (mpiexec's
				 * stdout is the same terminal). */
    pid_t savedPgrp;		/* Foreground group to give back at exit. */
} PtclTerminal;

extern PtclTerminal ptclTerminal;

/* terminal.c */
int	PtclTerminalOpen(void);
void	PtclTerminalTakeForeground(void);
void	PtclTerminalRestore(void);
int	PtclFixOutputPty(void);
int	PtclReadlineInit(Tcl_Interp *interp);
int	PtclReadlineGet(const char *prompt, char **linePtr);
void	PtclHistoryAdd(const char *line);

/* prompt.c */
int	PtclRunPrompt(Tcl_Interp *interp, PtclInputMode mode,
	    const char *file, const char *encoding);


#endif /* PTCLSH_H */
