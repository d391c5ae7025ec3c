/*
 * terminal.c --
 *
 *	Rank 0 and the terminal. mpiexec hands rank 0 a pipe for stdin, so
 *	ptclsh opens the controlling terminal itself (/dev/tty), ignores
 *	SIGTTOU and makes its own process group the terminal's foreground
 *	group: then Ctrl-C reaches rank 0 alone (not mpiexec, which would
 *	kill the job), and readline edits on the real terminal. OpenMPI's
 *	mpiexec stops reading its stdin while it is not in the foreground,
 *	so nothing competes for the keyboard.
 *
 *	Is there a terminal? Not "isatty(0)" (always a pipe under mpiexec)
 *	but: does the launcher (the nearest mpiexec/mpirun/orterun/srun
 *	ancestor) read the controlling terminal? `mpiexec -n 4 ptclsh <
 *	cmds.tcl` must read the file, even though /dev/tty opens fine.
 *	PTCLSH_INTERACTIVE=1 or 0 decides when the guess is wrong.
 *
 *	Also here: readline in callback mode (so that a poll() on the
 *	terminal, interrupted by Ctrl-C, can clear the line), history in
 *	~/.ptclsh_history written as each line is entered, and Tab
 *	completion through ::ptcl::shell::complete (scripts/shell.tcl).
 */

#include "ptclsh.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#ifdef HAVE_READLINE
#include <readline/readline.h>
#include <readline/history.h>
#endif

PtclTerminal ptclTerminal = { -1, 0, 0 };

#ifdef HAVE_READLINE
static Tcl_Interp *completionInterp = NULL;
static char *historyFile = NULL;
#endif

/*
 *----------------------------------------------------------------------
 *
 * LauncherFd --
 *
 *	Finds the nearest ancestor that is an MPI launcher and stats its
 *	file descriptor fd through /proc.
 *
 * Results:
 *	1 with *sb filled, 0 if no launcher was found or /proc says nothing.
 *
 *----------------------------------------------------------------------
 */

static int
IsLauncherName(
    const char *name)
{
    static const char *const launchers[] = {
	"mpiexec", "mpirun", "orterun", "prterun", "srun", "prun", NULL
    };
    int i;

    for (i = 0; launchers[i]; i++) {
	if (strncmp(name, launchers[i], strlen(launchers[i])) == 0) {
	    return 1;
	}
    }
    return 0;
}

static int
LauncherFd(
    int fd,
    struct stat *sb)
{
    pid_t pid = getppid();
    int depth;

    for (depth = 0; depth < 8 && pid > 1; depth++) {
	char path[64], text[512], *open, *close;
	FILE *f;
	size_t n;
	int ppid = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
	f = fopen(path, "r");
	if (f == NULL) {
	    return 0;
	}
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	open = strchr(text, '(');
	close = strrchr(text, ')');
	if (open == NULL || close == NULL) {
	    return 0;
	}
	*close = '\0';
	if (IsLauncherName(open + 1)) {
	    snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int) pid, fd);
	    return stat(path, sb) == 0;
	}
	if (sscanf(close + 2, "%*c %d", &ppid) != 1) {
	    return 0;
	}
	pid = (pid_t) ppid;
    }
    return 0;
}

static int
SameFile(
    const struct stat *a,
    const struct stat *b)
{
    return S_ISCHR(a->st_mode) && S_ISCHR(b->st_mode)
	    && a->st_rdev == b->st_rdev;
}

/*
 *----------------------------------------------------------------------
 *
 * TtyStat --
 *
 *	fstat() of the controlling terminal opened as /dev/tty, but with the
 *	device of the terminal itself: fstat() on /dev/tty gives /dev/tty's
 *	own device (5,0), never that of the pty or console behind it, so it
 *	would never equal what /proc/PID/fd/0 of mpiexec stats to. Linux
 *	says which terminal it is in /proc/self/stat (tty_nr).
 *
 * Results:
 *	0 with *sb filled, -1 if fd cannot be stat'ed.
 *
 *----------------------------------------------------------------------
 */

static int
TtyStat(
    int fd,
    struct stat *sb)
{
    char text[512], *close;
    unsigned int ttyNr = 0;
    FILE *f;
    size_t n;

    if (fstat(fd, sb) != 0) {
	return -1;
    }
    f = fopen("/proc/self/stat", "r");
    if (f == NULL) {
	return 0;
    }
    n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[n] = '\0';
    close = strrchr(text, ')');
    if (close && sscanf(close + 2, "%*c %*d %*d %*d %u", &ttyNr) == 1
	    && ttyNr != 0) {
	sb->st_rdev = makedev((ttyNr >> 8) & 0xfff,
		(ttyNr & 0xff) | ((ttyNr >> 12) & 0xfff00));
    }
    return 0;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclTerminalOpen --
 *
 *	Decides whether rank 0 is interactive and, if so, opens the
 *	terminal.
 *
 * Results:
 *	1 interactive (ptclTerminal.fd open), 0 not.
 *
 * Side effects:
 *	Sets ptclTerminal.
 *
 *----------------------------------------------------------------------
 */

int
PtclTerminalOpen(void)
{
    const char *force = getenv("PTCLSH_INTERACTIVE");
    struct stat ttySb, sb;
    int fd, interactive;

    if (force && *force == '0') {
	return 0;
    }
    fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
	return 0;
    }
    TtyStat(fd, &ttySb);
    if (force && *force == '1') {
	interactive = 1;
    } else if (isatty(0)) {
	interactive = (fstat(0, &sb) == 0 && SameFile(&sb, &ttySb));
    } else {
	interactive = LauncherFd(0, &sb) && SameFile(&sb, &ttySb);
    }
    if (!interactive) {
	close(fd);
	return 0;
    }
    ptclTerminal.fd = fd;

    /*
     * OpenMPI's mpiexec forwards its stdin (here the terminal) to rank 0
     * through a pipe unless told --stdin none, and it keeps a read armed
     * on the terminal even after rank 0 has taken the foreground: the
     * first key it wins makes the shell stop it (SIGTTIN). ptclsh cannot
     * change mpiexec's stdin, so it says what to do.
     */

    if (fstat(0, &sb) == 0 && S_ISFIFO(sb.st_mode)
	    && getenv("PTCLSH_QUIET") == NULL) {
	fputs("ptclsh: for a terminal session start mpiexec with --stdin none"
		" (mpiexec --stdin none -n N ptclsh):\nptclsh: otherwise"
		" mpiexec also reads the terminal and the shell may stop it."
		" PTCLSH_QUIET=1 hides this.\n", stderr);
    }

    /*
     * Results and px output go where mpiexec's output goes when that is
     * this terminal: written there directly, they can never arrive after
     * the next prompt. Redirected output (mpiexec ... > log) stays
     * redirected.
     */

    if (isatty(1)) {
	ptclTerminal.outputToTty = (fstat(1, &sb) == 0
		&& SameFile(&sb, &ttySb)) || (LauncherFd(1, &sb)
		&& SameFile(&sb, &ttySb));
    } else {
	ptclTerminal.outputToTty = 0;
    }
    return 1;
}

/*
 * PtclTerminalTakeForeground --
 *
 *	Makes rank 0's process group the terminal's foreground group, so
 *	that Ctrl-C and Ctrl-Z are rank 0's to handle.
 */

static struct termios savedModes;
static int haveSavedModes = 0;

/*
 * OnTerminate --
 *
 *	SIGTERM or SIGHUP (mpiexec ends the job, say because another rank
 *	died): give the terminal back as it was -- modes (readline may have
 *	it in raw mode) and foreground group -- then die of the signal.
 *	Only async-signal-safe calls.
 */

static void
OnTerminate(
    int sig)
{
    if (ptclTerminal.fd >= 0) {
	if (haveSavedModes) {
	    tcsetattr(ptclTerminal.fd, TCSANOW, &savedModes);
	}
	if (ptclTerminal.savedPgrp > 0) {
	    tcsetpgrp(ptclTerminal.fd, ptclTerminal.savedPgrp);
	}
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

void
PtclTerminalTakeForeground(void)
{
    if (ptclTerminal.fd < 0) {
	return;
    }
    signal(SIGTTOU, SIG_IGN);
    signal(SIGTTIN, SIG_IGN);
    signal(SIGTSTP, SIG_IGN);	/* Stopping rank 0 alone would hang the
				 * job with the terminal taken. */
    haveSavedModes = (tcgetattr(ptclTerminal.fd, &savedModes) == 0);
    signal(SIGTERM, OnTerminate);
    signal(SIGHUP, OnTerminate);
    ptclTerminal.savedPgrp = tcgetpgrp(ptclTerminal.fd);
    if (getpgrp() != getpid()) {
	setpgid(0, 0);
    }
    tcsetpgrp(ptclTerminal.fd, getpgrp());
}

/*
 * PtclTerminalRestore --
 *
 *	Gives the terminal back to the group that had it, and readline's
 *	settings back to the terminal.
 */

void
PtclTerminalRestore(void)
{
    if (ptclTerminal.fd < 0) {
	return;
    }
#ifdef HAVE_READLINE
    rl_callback_handler_remove();
#endif
    if (ptclTerminal.savedPgrp > 0) {
	tcsetpgrp(ptclTerminal.fd, ptclTerminal.savedPgrp);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * PtclFixOutputPty --
 *
 *	OpenMPI gives each rank's stdout a pseudo-terminal of its own, whose
 *	output processing turns "\n" into "\r\n" even when the user sends
 *	mpiexec's output to a file. Clear OPOST on such a pty (one that is
 *	not our controlling terminal), so that files get clean lines.
 *
 * Results:
 *	A mask: bit 1 for stdout, bit 2 for stderr, set for each stream
 *	fixed. Tcl makes a tty's channel translate "\n" to "\r\n" itself,
 *	so main() sets those channels to -translation lf.
 *
 *----------------------------------------------------------------------
 */

int
PtclFixOutputPty(void)
{
    struct stat ttySb, sb;
    int fd, haveTty, i, fixed = 0;

    fd = open("/dev/tty", O_RDONLY | O_CLOEXEC);
    haveTty = (fd >= 0 && TtyStat(fd, &ttySb) == 0);
    if (fd >= 0) {
	close(fd);
    }
    for (i = 1; i <= 2; i++) {
	struct termios t;

	if (!isatty(i) || fstat(i, &sb) != 0) {
	    continue;
	}
	if (haveTty && SameFile(&sb, &ttySb)) {
	    continue;		/* The user's own terminal: leave it. */
	}
	if (tcgetattr(i, &t) == 0) {
	    if (t.c_oflag & OPOST) {
		t.c_oflag &= ~OPOST;
		tcsetattr(i, TCSANOW, &t);
	    }
	    fixed |= i;
	}
    }
    return fixed;
}

#ifdef HAVE_READLINE

/*
 *----------------------------------------------------------------------
 *
 * Completion --
 *
 *	Tab: asks ::ptcl::shell::complete (scripts/shell.tcl) for the
 *	candidates. Its answer "-files" means: complete a file name.
 *
 *----------------------------------------------------------------------
 */

static Tcl_Obj *candidates = NULL;

static char *
CandidateGenerator(
    const char *text,
    int state)
{
    static int next;
    Tcl_Obj **elems;
    int n;

    (void) text;
    if (state == 0) {
	next = 0;
    }
    if (candidates == NULL
	    || Tcl_ListObjGetElements(NULL, candidates, &n, &elems) != TCL_OK
	    || next >= n) {
	return NULL;
    }
    return strdup(Tcl_GetString(elems[next++]));
}

static char **
Complete(
    const char *text,
    int start,
    int end)
{
    Tcl_Obj *cmd;
    Tcl_InterpState saved;
    char **matches = NULL;
    int code, n;

    if (completionInterp == NULL) {
	return NULL;
    }
    saved = Tcl_SaveInterpState(completionInterp, TCL_OK);
    cmd = Tcl_NewListObj(0, NULL);
    Tcl_ListObjAppendElement(NULL, cmd,
	    Tcl_NewStringObj("::ptcl::shell::complete", -1));
    Tcl_ListObjAppendElement(NULL, cmd, Tcl_NewStringObj(rl_line_buffer, -1));
    Tcl_ListObjAppendElement(NULL, cmd, Tcl_NewIntObj(start));
    Tcl_ListObjAppendElement(NULL, cmd, Tcl_NewIntObj(end));
    Tcl_ListObjAppendElement(NULL, cmd, Tcl_NewStringObj(text, -1));
    Tcl_IncrRefCount(cmd);
    code = Tcl_EvalObjEx(completionInterp, cmd, TCL_EVAL_GLOBAL);
    Tcl_DecrRefCount(cmd);
    if (code == TCL_OK) {
	candidates = Tcl_GetObjResult(completionInterp);
	Tcl_IncrRefCount(candidates);
	if (strcmp(Tcl_GetString(candidates), "-files") == 0) {
	    Tcl_DecrRefCount(candidates);
	    candidates = NULL;
	    Tcl_RestoreInterpState(completionInterp, saved);
	    return NULL;	/* Readline's own file name completion. */
	}
	rl_attempted_completion_over = 1;
	matches = rl_completion_matches(text, CandidateGenerator);
	if (matches && matches[1] == NULL && (n = (int) strlen(matches[0])) >= 2
		&& strcmp(matches[0] + n - 2, "::") == 0) {
	    rl_completion_suppress_append = 1;	/* A namespace: go on. */
	}
	Tcl_DecrRefCount(candidates);
	candidates = NULL;
    } else {
	rl_attempted_completion_over = 1;
    }
    Tcl_RestoreInterpState(completionInterp, saved);
    return matches;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclReadlineInit --
 *
 *	Readline on the terminal: input and output streams, completion,
 *	and the history file (read now, appended as each line is entered).
 *
 *----------------------------------------------------------------------
 */

int
PtclReadlineInit(
    Tcl_Interp *interp)
{
    const char *env = getenv("PTCLSH_HISTORY");
    const char *home = getenv("HOME");

    completionInterp = interp;
    rl_instream = fdopen(dup(ptclTerminal.fd), "r");
    rl_outstream = fdopen(dup(ptclTerminal.fd), "w");
    rl_readline_name = "ptclsh";
    rl_catch_signals = 0;
    rl_catch_sigwinch = 1;
    rl_attempted_completion_function = Complete;
    rl_basic_word_break_characters = " \t\n\"\\'`@><=;|&{([";
    rl_completer_word_break_characters = rl_basic_word_break_characters;

    if (env && *env) {
	historyFile = strdup(env);
    } else if (home && *home) {
	size_t n = strlen(home) + sizeof("/.ptclsh_history");

	historyFile = malloc(n);
	snprintf(historyFile, n, "%s/.ptclsh_history", home);
    }
    using_history();
    stifle_history(1000);
    if (historyFile) {
	read_history(historyFile);
	history_truncate_file(historyFile, 1000);
    }
    return TCL_OK;
}

/*
 * PtclHistoryAdd --
 *
 *	Adds a line to the history and appends it to the file at once, so
 *	that a crash loses nothing.
 */

void
PtclHistoryAdd(
    const char *line)
{
    if (line[strspn(line, " \t")] == '\0') {
	return;
    }
    add_history(line);
    if (historyFile) {
	if (access(historyFile, F_OK) != 0) {
	    int fd = open(historyFile, O_WRONLY | O_CREAT | O_APPEND, 0600);

	    if (fd >= 0) {
		close(fd);
	    }
	}
	append_history(1, historyFile);
    }
}

static char *gotLine = NULL;
static int lineDone = 0;

static void
LineHandler(
    char *line)
{
    rl_callback_handler_remove();
    gotLine = line;
    lineDone = 1;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclReadlineGet --
 *
 *	Reads one line with readline, sleeping in poll() on the terminal
 *	(no CPU while the user thinks).
 *
 * Results:
 *	1 with *linePtr a malloc'ed line (caller frees), 0 at end of input
 *	(Ctrl-D), -1 when Ctrl-C cleared the line.
 *
 *----------------------------------------------------------------------
 */

int
PtclReadlineGet(
    const char *prompt,
    char **linePtr)
{
    int fd = fileno(rl_instream);

    lineDone = 0;
    gotLine = NULL;
    rl_callback_handler_install(prompt, LineHandler);
    while (!lineDone) {
	struct pollfd p;
	int n;

	/*
	 * Ctrl-C: the handler sets the flag, and poll() returns EINTR when
	 * it is waiting then. A Ctrl-C that comes while the prompt is being
	 * drawn or a key handled is seen here, before the next poll(); one
	 * that slips in between this test and poll() is seen when poll()'s
	 * tenth of a second is up.
	 */

	if (Ptcl_ShellSignalPending()) {
	    Ptcl_ShellSignalClear();
	    rl_free_line_state();
	    rl_callback_sigcleanup();
	    rl_replace_line("", 0);
	    rl_point = rl_end = 0;
	    rl_echo_signal_char(SIGINT);
	    rl_callback_handler_remove();
	    fputs("\n", rl_outstream);
	    fflush(rl_outstream);
	    return -1;
	}
	p.fd = fd;
	p.events = POLLIN;
	p.revents = 0;
	n = poll(&p, 1, 100);
	if (n <= 0) {
	    continue;		/* EINTR, or time to look at the flag. */
	}
	if (p.revents & (POLLHUP | POLLERR | POLLNVAL)
		&& !(p.revents & POLLIN)) {
	    rl_callback_handler_remove();
	    return 0;
	}
	rl_callback_read_char();
    }
    if (gotLine == NULL) {
	fputs("\n", rl_outstream);
	fflush(rl_outstream);
	return 0;
    }
    *linePtr = gotLine;
    return 1;
}

#else /* !HAVE_READLINE */

/*
 * Without readline: plain line reading on the terminal, the same
 * contract (no editing, no history file, no completion).
 */

int
PtclReadlineInit(
    Tcl_Interp *interp)
{
    (void) interp;
    return TCL_OK;
}

void
PtclHistoryAdd(
    const char *line)
{
    (void) line;
}

int
PtclReadlineGet(
    const char *prompt,
    char **linePtr)
{
    Tcl_DString ds;
    char c;

    if (write(ptclTerminal.fd, prompt, strlen(prompt)) < 0) {
	return 0;
    }
    Tcl_DStringInit(&ds);
    for (;;) {
	ssize_t n = read(ptclTerminal.fd, &c, 1);

	if (n < 0 && errno == EINTR) {
	    if (Ptcl_ShellSignalPending()) {
		Ptcl_ShellSignalClear();
		Tcl_DStringFree(&ds);
		if (write(ptclTerminal.fd, "\n", 1) < 0) {
		    return 0;
		}
		return -1;
	    }
	    continue;
	}
	if (n <= 0) {
	    if (Tcl_DStringLength(&ds) == 0) {
		Tcl_DStringFree(&ds);
		return 0;
	    }
	    break;
	}
	if (c == '\n') {
	    break;
	}
	Tcl_DStringAppend(&ds, &c, 1);
    }
    *linePtr = strdup(Tcl_DStringValue(&ds));
    Tcl_DStringFree(&ds);
    return 1;
}

#endif /* HAVE_READLINE */
