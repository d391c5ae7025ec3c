/*
 * waitloop.c --
 *
 *	The one wait loop. Every blocking operation in ptcl -- a worker
 *	waiting for its next command, rank 0 waiting for px replies,
 *	mpi::recv, mpi::wait, every collective -- is a nonblocking MPI call
 *	followed by PtclWait. Each turn of the loop:
 *
 *	  1. polls the awaited thing (MPI_Test and friends); done: return;
 *	  2. runs the check procedure of the px in progress (an interrupt
 *	     from rank 0, Ctrl-C on rank 0, a deadline, a failed rank);
 *	  3. backs off: spins for SPIN_SECONDS after the last activity in an
 *	     idle wait (a worker waiting for its next command), BUSY_SPIN in
 *	     any other -- data is on its way, and OpenMPI moves a large
 *	     message only while one of its calls runs, so naps of up to 1 ms
 *	     cost an 8 MiB ping-pong a third of its bandwidth -- then sleeps
 *	     with a doubling pause capped at SHORT_CAP while work was recent
 *	     (RECENT_SECONDS) and at LONG_CAP after that. (A sched_yield in the
 *	     spin doubled the px round trip, even on an oversubscribed node.)
 *
 *	Linux stretches every nanosleep by the timer slack (50 us by
 *	default), which made the first naps of a back-to-back px cost 50 us
 *	each instead of 1 us; the slack is set to 1 us the first time the
 *	loop runs.
 *
 *	A blocking MPI call would spin at 100% of a core inside the MPI
 *	library and could never be interrupted; this loop costs a few tenths
 *	of a percent of a core per idle rank and can always be left.
 */

#include "ptclRuntime.h"
#include <time.h>
#include <errno.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#define SPIN_SECONDS	200e-6	/* Idle waits: between commands. */
#define BUSY_SPIN	20e-3	/* Waits for data that is on its way. */
#define RECENT_SECONDS	1.0
#define SHORT_CAP	1e-3
#define LONG_CAP	50e-3
#define FIRST_PAUSE	1e-6

static double lastActivity = 0.0;
static PtclTurnProc *turnProcs[4];
static int numTurnProcs = 0;
static PtclCheckProc *checkProc = NULL;
static void *checkData = NULL;

/*
 * PtclNow --
 *
 *	Seconds on a monotonic clock.
 */

double
PtclNow(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

/*
 * PtclNoteActivity --
 *
 *	Tells the loop that work just happened, so that the next wait spins
 *	before it sleeps (back-to-back px stays fast).
 */

void
PtclNoteActivity(void)
{
    lastActivity = PtclNow();
}

/*
 *----------------------------------------------------------------------
 *
 * PtclWaitAddTurnProc --
 *
 *	Registers a procedure that runs on every turn of every wait: the
 *	background work of the runtime (detached operations) goes on
 *	wherever the rank waits. The runtime's own modules register here,
 *	so that the wait loop need not know them.
 *
 *----------------------------------------------------------------------
 */

void
PtclWaitAddTurnProc(
    PtclTurnProc *proc)
{
    int i;

    for (i = 0; i < numTurnProcs; i++) {
	if (turnProcs[i] == proc) {
	    return;
	}
    }
    if (numTurnProcs < (int) (sizeof(turnProcs) / sizeof(turnProcs[0]))) {
	turnProcs[numTurnProcs++] = proc;
    }
}

/*
 *----------------------------------------------------------------------
 *
 * PtclPushCheck, PtclPopCheck, PtclRunChecks --
 *
 *	The check procedure of the px in progress. px installs one on rank 0
 *	(Ctrl-C, deadline) and on each worker (INTERRUPT and ABORT messages);
 *	nested waits all see it. Push returns the previous one for Pop.
 *
 *----------------------------------------------------------------------
 */

void
PtclPushCheck(
    PtclCheckProc *proc,
    void *clientData,
    PtclCheckProc **oldProcPtr,
    void **oldDataPtr)
{
    *oldProcPtr = checkProc;
    *oldDataPtr = checkData;
    checkProc = proc;
    checkData = clientData;
}

void
PtclPopCheck(
    PtclCheckProc *oldProc,
    void *oldData)
{
    checkProc = oldProc;
    checkData = oldData;
}

int
PtclRunChecks(
    Tcl_Interp *interp)
{
    if (checkProc == NULL) {
	return TCL_OK;
    }
    return checkProc(interp, checkData);
}

/*
 *----------------------------------------------------------------------
 *
 * PtclWait --
 *
 *	Waits until pollProc says done, running the px check on each turn
 *	(unless PTCL_WAIT_IDLE) and backing off as described above.
 *
 * Results:
 *	TCL_OK when done; TCL_ERROR with the poll's or the check's message
 *	in interp.
 *
 * Side effects:
 *	Sleeps. Whatever the poll and check procedures do.
 *
 *----------------------------------------------------------------------
 */

int
PtclWait(
    Tcl_Interp *interp,
    const PtclWaitWhat *what,	/* What is awaited, for reports; may be
				 * NULL for waits that cannot block on
				 * another rank. */
    PtclPollProc *pollProc,
    void *clientData,
    int flags)
{
    static int slackSet = 0;
    double pause = 0.0, start = PtclNow();
    double spin = (flags & PTCL_WAIT_IDLE) ? SPIN_SECONDS : BUSY_SPIN;

    (void) what;		/* Kept for the wait-state reports. */

#if defined(__linux__) && defined(PR_SET_TIMERSLACK)
    if (!slackSet) {
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
	slackSet = 1;
    }
#else
    (void) slackSet;
#endif
    for (;;) {
	int done = pollProc(interp, clientData);
	double now, idle, cap;
	struct timespec ts;
	int i;

	if (done > 0) {
	    PtclNoteActivity();
	    return TCL_OK;
	}
	if (done < 0) {
	    return TCL_ERROR;
	}
	for (i = 0; i < numTurnProcs; i++) {
	    turnProcs[i]();
	}
	if (!(flags & (PTCL_WAIT_IDLE | PTCL_WAIT_NOCHECK))
		&& PtclRunChecks(interp) != TCL_OK) {
	    return TCL_ERROR;
	}

	now = PtclNow();
	idle = now - (lastActivity > start ? lastActivity : start);
	if (idle < spin) {
	    continue;
	}
	idle = now - lastActivity;
	cap = (idle < RECENT_SECONDS) ? SHORT_CAP : LONG_CAP;
	pause = (pause == 0.0) ? FIRST_PAUSE : 2.0 * pause;
	if (pause > cap) {
	    pause = cap;
	}
	ts.tv_sec = (time_t) pause;
	ts.tv_nsec = (long) ((pause - (double) ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);	/* EINTR (Ctrl-C) just ends the nap early. */
    }
}

/*
 * PtclWaitRequests --
 *
 *	PtclWait for MPI requests to complete, all of them.
 */

typedef struct RequestSet {
    int count;
    MPI_Request *reqs;
    MPI_Status *statuses;
} RequestSet;

static int
PollRequests(
    Tcl_Interp *interp,
    void *clientData)
{
    RequestSet *set = (RequestSet *) clientData;
    int flag = 0;
    int code = MPI_Testall(set->count, set->reqs, &flag,
	    set->statuses ? set->statuses : MPI_STATUSES_IGNORE);

    if (code != MPI_SUCCESS) {
	PtclMpiError(interp, code, "waiting for requests");
	return -1;
    }
    return flag ? 1 : 0;
}

int
PtclWaitRequests(
    Tcl_Interp *interp,
    const PtclWaitWhat *what,	/* As PtclWait. */
    int count,
    MPI_Request *reqs,
    MPI_Status *statuses,
    int flags)
{
    RequestSet set;

    set.count = count;
    set.reqs = reqs;
    set.statuses = statuses;
    return PtclWait(interp, what, PollRequests, &set, flags);
}

/*
 * PtclSettle --
 *
 *	After the wait for a collective was abandoned (an interrupt, a
 *	deadline): tests the requests for up to `seconds` more. A collective
 *	whose requests complete here was joined by every rank, and some rank
 *	may already act on it (enter the short blocking MPI call that
 *	follows an agreement, such as MPI_Win_free or MPI_Comm_split); this
 *	rank must then do the same rather than leave it waiting. The stop is
 *	still pending and ends the px at its next wait or command.
 *
 * Results:
 *	1 when every request completed, 0 when not (they are left as they
 *	are: the caller forgets them).
 */

int
PtclSettle(
    int count,
    MPI_Request *reqs,
    double seconds)
{
    double end = PtclNow() + seconds;
    struct timespec ts = {0, 200000};
    int flag = 0;

    do {
	if (MPI_Testall(count, reqs, &flag, MPI_STATUSES_IGNORE)
		!= MPI_SUCCESS) {
	    return 0;
	}
	if (flag) {
	    return 1;
	}
	nanosleep(&ts, NULL);
    } while (PtclNow() < end);
    return 0;
}

/*
 * PtclForgetRequests --
 *
 *	Lets go of requests that may not have completed (a px that was
 *	stopped): completed ones are finished, the others freed, which MPI
 *	allows for sends (they complete on their own).
 *
 * Results:
 *	How many had not completed: when not 0, the caller must not free
 *	their buffers (ptcl leaks them; this happens only to stopped px).
 */

int
PtclForgetRequests(
    int count,
    MPI_Request *reqs)
{
    int i, flag, open = 0;

    for (i = 0; i < count; i++) {
	if (reqs[i] == MPI_REQUEST_NULL) {
	    continue;
	}
	flag = 0;
	MPI_Test(&reqs[i], &flag, MPI_STATUS_IGNORE);
	if (!flag) {
	    MPI_Request_free(&reqs[i]);
	    open++;
	}
    }
    return open;
}
