/*
 * comm.c --
 *
 *	The registry of the communicators ptcl makes (comm.h): each with its
 *	data pair and its counts of what was started on it. Lookups are by
 *	handle; a one-entry cache serves the common case of many messages on
 *	one communicator.
 *
 *	Records are malloc'ed, not ckalloc'ed: ptclsh registers its first
 *	communicators before Tcl (and the library's stubs) are set up.
 *
 *	Leans on: the wait loop (making the data pair waits in it).
 */

#include "comm.h"
#include <stdlib.h>
#include <string.h>

static PtclCommRec *records = NULL;	/* All, newest first. */
static PtclCommRec *lastFound = NULL;	/* Cache of PtclCommFind. */

/*
 *----------------------------------------------------------------------
 *
 * PtclCommAdd --
 *
 *	Registers a communicator ptcl made: sets MPI_ERRORS_RETURN on it and
 *	makes its data pair. Collective over comm: every member calls it
 *	when the communicator is made.
 *
 * Results:
 *	The record, or NULL with an MPI error in interp (which may be NULL);
 *	comm is then not registered and still the caller's.
 *
 * Side effects:
 *	MPI_Comm_idup, waited for in the wait loop (no px check: every
 *	member is making the communicator at the same time).
 *
 *----------------------------------------------------------------------
 */

PtclCommRec *
PtclCommAdd(
    Tcl_Interp *interp,
    MPI_Comm comm,
    const char *what)		/* What it is, for messages: a string
				 * that lives as long as the process. */
{
    PtclCommRec *rec;
    MPI_Request req;
    MPI_Comm data;
    int code, rank, size;

    MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN);
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    code = MPI_Comm_idup(comm, &data, &req);
    if (code != MPI_SUCCESS) {
	PtclMpiError(interp, code, "making a data communicator");
	return NULL;
    }
    if (PtclWaitRequests(interp, NULL, 1, &req, NULL, PTCL_WAIT_NOCHECK)
	    != TCL_OK) {
	return NULL;
    }
    MPI_Comm_set_errhandler(data, MPI_ERRORS_RETURN);
    rec = (PtclCommRec *) malloc(sizeof(PtclCommRec));
    memset(rec, 0, sizeof(*rec));
    rec->comm = comm;
    rec->data = data;
    rec->rank = rank;
    rec->size = size;
    rec->what = what;
    rec->sent = (int64_t *) malloc(sizeof(int64_t) * (size_t) size);
    rec->taken = (int64_t *) malloc(sizeof(int64_t) * (size_t) size);
    memset(rec->sent, 0, sizeof(int64_t) * (size_t) size);
    memset(rec->taken, 0, sizeof(int64_t) * (size_t) size);
    rec->next = records;
    records = rec;
    return rec;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclCommFind --
 *
 *	The record of a registered communicator.
 *
 * Results:
 *	The record, or NULL when comm is not ptcl's.
 *
 * Side effects:
 *	None.
 *
 *----------------------------------------------------------------------
 */

PtclCommRec *
PtclCommFind(
    MPI_Comm comm)
{
    PtclCommRec *rec;

    if (lastFound && lastFound->comm == comm) {
	return lastFound;
    }
    for (rec = records; rec; rec = rec->next) {
	if (rec->comm == comm) {
	    lastFound = rec;
	    return rec;
	}
    }
    return NULL;
}

/*
 * PollQuiet --
 *
 *	PtclCommEnter's poll: done when the record has no quiesce running.
 */

typedef struct Quiet {
    PtclCommRec *rec;
    int collective;
} Quiet;

static int
PollQuiet(
    Tcl_Interp *interp,
    void *clientData)
{
    Quiet *q = (Quiet *) clientData;

    (void) interp;
    return q->rec->quiesce == NULL
	    && (!q->collective || PtclOpsDetached(q->rec, 1) == 0);
}

/*
 *----------------------------------------------------------------------
 *
 * PtclCommEnter --
 *
 *	Before an operation starts on a communicator: waits for a quiesce
 *	that runs on it (the wait loop finishes the quiesce in the
 *	background), so that the new operation can never meet what the
 *	quiesce clears away; before a collective, also for the detached
 *	collectives on it, so that every rank starts the communicator's
 *	collectives in the same order (MPI's rule).
 *
 * Results:
 *	TCL_OK, or TCL_ERROR when the wait was stopped (message in interp).
 *
 * Side effects:
 *	Waits.
 *
 *----------------------------------------------------------------------
 */

int
PtclCommEnter(
    Tcl_Interp *interp,
    PtclCommRec *rec,
    int collective)		/* 1 before a collective. */
{
    PtclWaitWhat what;
    Quiet q;

    if (rec == NULL || (rec->quiesce == NULL
	    && (!collective || PtclOpsDetached(rec, 1) == 0))) {
	return TCL_OK;
    }
    q.rec = rec;
    q.collective = collective;
    what.kind = PTCL_WAITING_COLL;
    what.cmd = NULL;
    what.comm = rec->comm;
    what.peer = -2;
    what.tag = -2;
    return PtclWait(interp, &what, PollQuiet, &q, 0);
}

/*
 *----------------------------------------------------------------------
 *
 * PtclCommFree --
 *
 *	Frees a registered communicator and its data pair now. Only for a
 *	communicator on which nothing is pending (quiesced, or never used).
 *
 * Results:
 *	None.
 *
 * Side effects:
 *	MPI_Comm_free twice; the record goes.
 *
 *----------------------------------------------------------------------
 */

void
PtclCommFree(
    PtclCommRec *rec)
{
    PtclCommRec **pp;

    for (pp = &records; *pp; pp = &(*pp)->next) {
	if (*pp == rec) {
	    *pp = rec->next;
	    break;
	}
    }
    if (lastFound == rec) {
	lastFound = NULL;
    }
    MPI_Comm_free(&rec->data);
    MPI_Comm_free(&rec->comm);
    free(rec->sent);
    free(rec->taken);
    free(rec);
}

/*
 *----------------------------------------------------------------------
 *
 * PtclCommFreeAll --
 *
 *	At the end of the process, before MPI_Finalize: frees every
 *	registered communicator.
 *
 *----------------------------------------------------------------------
 */

void
PtclCommFreeAll(void)
{
    while (records) {
	PtclCommFree(records);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * PtclCommFirst --
 *
 *	The newest registered communicator (walk on with rec->next), for
 *	those that work on all of them (the quiesce).
 *
 *----------------------------------------------------------------------
 */

PtclCommRec *
PtclCommFirst(void)
{
    return records;
}
