/*
 * agree.c --
 *
 *	The one agreement primitive (agree.h): a fixed-shape MPI_Iallgather
 *	of every rank's record, then, when some rank's input was bad, the
 *	announcement of the lowest such rank's error (an MPI_Ibcast of the
 *	lengths, one of the text). A small state machine that the op of a
 *	collective embeds and advances.
 *
 *	Leans on: comm.h (the communicator's record, its count of
 *	agreements), op.h (the ops of PtclAgreeWait and PtclAgreeDummy).
 */

#include "agree.h"
#include <string.h>

static int	StartRecord(Tcl_Interp *interp, PtclAgreement *a,
		    PtclCommRec *rec, int status, const int64_t *words,
		    int numWords, Tcl_Obj *errMsg, Tcl_Obj *errCode);

enum {
    AGREE_IDLE,			/* Not started. */
    AGREE_GATHER,		/* The records are on their way. */
    AGREE_LENGTHS,		/* The bad rank's lengths are on their way. */
    AGREE_TEXT,			/* Its message and code are on their way. */
    AGREE_DONE
};

/*
 *----------------------------------------------------------------------
 *
 * PtclAgreeStart --
 *
 *	Posts this rank's record: status (bad when errMsg is given) and the
 *	use's words.
 *
 * Results:
 *	TCL_OK, or TCL_ERROR with an MPI error in interp (nothing is pending
 *	then; PtclAgreeFree still releases what was taken).
 *
 * Side effects:
 *	MPI_Iallgather on the communicator; counts one agreement on its
 *	record; keeps a reference to errMsg and errCode.
 *
 *----------------------------------------------------------------------
 */

int
PtclAgreeStart(
    Tcl_Interp *interp,
    PtclAgreement *a,		/* Embedded in a heap op, zeroed or not. */
    PtclCommRec *rec,		/* The communicator, registered. */
    const int64_t *words,	/* The use's words (numWords of them, at
				 * most PTCL_AGREE_USER). */
    int numWords,
    Tcl_Obj *errMsg,		/* This rank's error, or NULL when its
				 * input is good. */
    Tcl_Obj *errCode)		/* Its -errorcode, or NULL ({PTCL USAGE}). */
{
    return StartRecord(interp, a, rec, errMsg ? PTCL_AGREE_BAD
	    : PTCL_AGREE_GOOD, words, numWords, errMsg, errCode);
}

/*
 *----------------------------------------------------------------------
 *
 * StartRecord --
 *
 *	PtclAgreeStart with the record's status given (the quiesce posts
 *	ABANDONED records).
 *
 *----------------------------------------------------------------------
 */

static int
StartRecord(
    Tcl_Interp *interp,
    PtclAgreement *a,
    PtclCommRec *rec,
    int status,			/* PTCL_AGREE_GOOD, _BAD or _ABANDONED. */
    const int64_t *words,
    int numWords,
    Tcl_Obj *errMsg,
    Tcl_Obj *errCode)
{
    int code;

    memset(a, 0, sizeof(*a));
    a->rec = rec;
    a->rank = rec->rank;
    a->size = rec->size;
    a->req = MPI_REQUEST_NULL;
    a->badRank = -1;
    a->mine[0] = status;
    if (numWords > PTCL_AGREE_USER) {
	numWords = PTCL_AGREE_USER;
    }
    if (numWords > 0) {
	memcpy(&a->mine[1], words, sizeof(int64_t) * (size_t) numWords);
    }
    if (errMsg) {
	a->errMsg = errMsg;
	Tcl_IncrRefCount(errMsg);
	a->errCode = errCode ? errCode : Tcl_NewStringObj("PTCL USAGE", -1);
	Tcl_IncrRefCount(a->errCode);
    }
    a->all = (int64_t *) ckalloc(sizeof(int64_t) * PTCL_AGREE_WORDS
	    * (size_t) a->size);
    code = MPI_Iallgather(a->mine, PTCL_AGREE_WORDS, MPI_INT64_T, a->all,
	    PTCL_AGREE_WORDS, MPI_INT64_T, rec->comm, &a->req);
    if (code != MPI_SUCCESS) {
	a->stage = AGREE_DONE;
	return PtclMpiError(interp, code, "agreeing on a collective");
    }
    rec->collSeq++;
    a->stage = AGREE_GATHER;
    return TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * Judge --
 *
 *	The records are in: works out the outcome, and starts the
 *	announcement of the lowest bad rank's error.
 *
 * Results:
 *	1 when the agreement is done, 0 when the announcement runs, -1 on
 *	an MPI error.
 *
 *----------------------------------------------------------------------
 */

static int
Judge(
    Tcl_Interp *interp,
    PtclAgreement *a)
{
    int r, code;
    Tcl_Size mlen = 0, clen = 0;

    for (r = 0; r < a->size; r++) {
	int64_t status = a->all[(size_t) r * PTCL_AGREE_WORDS];

	if (status == PTCL_AGREE_ABANDONED) {
	    a->outcome = PTCL_AGREED_ABANDONED;
	    a->stage = AGREE_DONE;
	    return 1;
	}
	if (status == PTCL_AGREE_BAD && a->badRank < 0) {
	    a->badRank = r;
	}
    }
    if (a->badRank < 0) {
	a->outcome = PTCL_AGREED_GO;
	a->stage = AGREE_DONE;
	return 1;
    }
    a->outcome = PTCL_AGREED_BAD;
    if (a->rank == a->badRank) {
	Tcl_GetStringFromObj(a->errMsg, &mlen);
	Tcl_GetStringFromObj(a->errCode, &clen);
    }
    a->lengths[0] = (int64_t) mlen;
    a->lengths[1] = (int64_t) clen;
    code = MPI_Ibcast(a->lengths, 2, MPI_INT64_T, a->badRank, a->rec->comm,
	    &a->req);
    if (code != MPI_SUCCESS) {
	a->stage = AGREE_DONE;
	PtclMpiError(interp, code, "announcing an error");
	return -1;
    }
    a->stage = AGREE_LENGTHS;
    return 0;
}

/*
 *----------------------------------------------------------------------
 *
 * SendText --
 *
 *	The lengths are in: broadcast the bad rank's message and code.
 *
 *----------------------------------------------------------------------
 */

static int
SendText(
    Tcl_Interp *interp,
    PtclAgreement *a)
{
    int64_t total = a->lengths[0] + a->lengths[1];
    int code;

    if (total < 0 || total > (int64_t) INT_MAX - 1) {
	total = 0;
	a->lengths[0] = a->lengths[1] = 0;
    }
    a->text = ckalloc((size_t) total + 1);
    if (a->rank == a->badRank && total > 0) {
	memcpy(a->text, Tcl_GetString(a->errMsg), (size_t) a->lengths[0]);
	memcpy(a->text + a->lengths[0], Tcl_GetString(a->errCode),
		(size_t) a->lengths[1]);
    }
    code = MPI_Ibcast(a->text, (int) total, MPI_BYTE, a->badRank,
	    a->rec->comm, &a->req);
    if (code != MPI_SUCCESS) {
	a->stage = AGREE_DONE;
	PtclMpiError(interp, code, "announcing an error");
	return -1;
    }
    a->stage = AGREE_TEXT;
    return 0;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclAgreeAdvance --
 *
 *	Tests the pending step and starts the next one.
 *
 * Results:
 *	1 done (read the outcome with PtclAgreeResult), 0 not yet, -1 an
 *	MPI error (message in interp when not NULL; nothing pending).
 *
 * Side effects:
 *	MPI calls; once the announcement is in, the agreement's error
 *	becomes the announced one (when interp is not NULL: a detached op
 *	makes no Tcl objects).
 *
 *----------------------------------------------------------------------
 */

int
PtclAgreeAdvance(
    Tcl_Interp *interp,
    PtclAgreement *a)
{
    int flag = 0, done;

    for (;;) {
	if (a->stage == AGREE_DONE || a->stage == AGREE_IDLE) {
	    return 1;
	}
	if (MPI_Test(&a->req, &flag, MPI_STATUS_IGNORE) != MPI_SUCCESS) {
	    a->stage = AGREE_DONE;
	    PtclMpiError(interp, MPI_ERR_OTHER, "agreeing on a collective");
	    return -1;
	}
	if (!flag) {
	    return 0;
	}
	switch (a->stage) {
	case AGREE_GATHER:
	    done = Judge(interp, a);
	    break;
	case AGREE_LENGTHS:
	    done = SendText(interp, a);
	    break;
	default:		/* AGREE_TEXT */
	    if (a->errMsg) {
		Tcl_DecrRefCount(a->errMsg);
		Tcl_DecrRefCount(a->errCode);
		a->errMsg = a->errCode = NULL;
	    }
	    if (interp) {
		a->errMsg = Tcl_NewStringObj(a->text, (Tcl_Size) a->lengths[0]);
		if (a->size > 1) {
		    Tcl_AppendPrintfToObj(a->errMsg, " (on rank %d)",
			    a->badRank);
		}
		a->errCode = Tcl_NewStringObj(a->text + a->lengths[0],
			(Tcl_Size) a->lengths[1]);
		Tcl_IncrRefCount(a->errMsg);
		Tcl_IncrRefCount(a->errCode);
	    }
	    a->stage = AGREE_DONE;
	    return 1;
	}
	if (done != 0) {
	    return done;
	}
    }
}

/*
 *----------------------------------------------------------------------
 *
 * PtclAgreeResult --
 *
 *	The outcome of a finished agreement as a Tcl result.
 *
 * Results:
 *	TCL_OK for GO; TCL_ERROR for BAD (the announced message and
 *	-errorcode) and for ABANDONED ({PTCL ABANDONED}).
 *
 * Side effects:
 *	Sets interp's result and error code on TCL_ERROR.
 *
 *----------------------------------------------------------------------
 */

int
PtclAgreeResult(
    Tcl_Interp *interp,
    const PtclAgreement *a)
{
    if (a->outcome == PTCL_AGREED_GO) {
	return TCL_OK;
    }
    if (interp == NULL) {
	return TCL_ERROR;
    }
    if (a->outcome == PTCL_AGREED_ABANDONED || a->errMsg == NULL) {
	Tcl_SetObjResult(interp, Tcl_NewStringObj("collective abandoned: "
		"another rank left it when a px was stopped", -1));
	Tcl_SetErrorCode(interp, "PTCL", "ABANDONED", NULL);
	return TCL_ERROR;
    }
    Tcl_SetObjResult(interp, a->errMsg);
    Tcl_SetObjErrorCode(interp, a->errCode);
    return TCL_ERROR;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclAgreeWords, PtclAgreePending, PtclAgreeFree --
 *
 *	Rank r's words after a GO; is an MPI step pending; release a
 *	finished (or never started) agreement.
 *
 *----------------------------------------------------------------------
 */

const int64_t *
PtclAgreeWords(
    const PtclAgreement *a,
    int rank)
{
    return &a->all[(size_t) rank * PTCL_AGREE_WORDS + 1];
}

int
PtclAgreePending(
    const PtclAgreement *a)
{
    return a->stage != AGREE_DONE && a->stage != AGREE_IDLE;
}

void
PtclAgreeFree(
    PtclAgreement *a)
{
    if (a->errMsg) {
	Tcl_DecrRefCount(a->errMsg);
	Tcl_DecrRefCount(a->errCode);
	a->errMsg = a->errCode = NULL;
    }
    if (a->all) {
	ckfree(a->all);
	a->all = NULL;
    }
    if (a->text) {
	ckfree(a->text);
	a->text = NULL;
    }
    a->stage = AGREE_IDLE;
}

/*
 * The op of a lone agreement (PtclAgreeWait, PtclAgreeDummy).
 */

typedef struct AgreeOp {
    PtclOp op;			/* Must be first. */
    PtclAgreement a;
} AgreeOp;

static int
AgreeOpAdvance(
    Tcl_Interp *interp,
    PtclOp *op)
{
    return PtclAgreeAdvance(interp, &((AgreeOp *) op)->a);
}

static void
AgreeOpFree(
    PtclOp *op)
{
    PtclAgreeFree(&((AgreeOp *) op)->a);
    ckfree(op);
}

static const PtclOpType agreeOpType = {
    "agreement", AgreeOpAdvance, AgreeOpFree, 1
};

/*
 *----------------------------------------------------------------------
 *
 * PtclAgreeWait --
 *
 *	A lone agreement, waited for: for uses where nothing collective
 *	follows that a rank which stopped waiting would have to join (the
 *	data commands' "is NAME set everywhere", or a collective that starts
 *	with an agreement of its own). A use whose agreement is followed by
 *	a collective act (MPI_Comm_split, MPI_Win_allocate) embeds the
 *	agreement and the act in an op of its own, so that a detached op
 *	still acts.
 *
 * Results:
 *	TCL_OK with *allPtr (when not NULL) a ckalloc'ed copy of every
 *	rank's words, [size][PTCL_AGREE_USER], which the caller frees;
 *	TCL_ERROR with the agreed error, an MPI error, or the reason the
 *	wait was stopped.
 *
 * Side effects:
 *	One agreement on comm (which must be registered).
 *
 *----------------------------------------------------------------------
 */

int
PtclAgreeWait(
    Tcl_Interp *interp,
    MPI_Comm comm,
    const int64_t *words,
    int numWords,
    Tcl_Obj *errMsg,
    Tcl_Obj *errCode,
    const PtclWaitWhat *what,
    int64_t **allPtr)
{
    PtclCommRec *rec = PtclCommFind(comm);
    AgreeOp *op;
    int code, r;

    if (rec == NULL) {
	Tcl_SetObjResult(interp, Tcl_NewStringObj(
		"internal error: agreement on an unregistered communicator",
		-1));
	Tcl_SetErrorCode(interp, "PTCL", "INTERNAL", NULL);
	return TCL_ERROR;
    }
    if (PtclCommEnter(interp, rec, 1) != TCL_OK) {
	return TCL_ERROR;
    }
    op = (AgreeOp *) ckalloc(sizeof(AgreeOp));
    PtclOpInit(&op->op, &agreeOpType, rec);
    if (PtclAgreeStart(interp, &op->a, rec, words, numWords, errMsg,
	    errCode) != TCL_OK) {
	AgreeOpFree(&op->op);
	return TCL_ERROR;
    }
    if (PtclOpWait(interp, &op->op, what, 0) != TCL_OK) {
	return TCL_ERROR;
    }
    code = PtclAgreeResult(interp, &op->a);
    if (code == TCL_OK && allPtr) {
	*allPtr = (int64_t *) ckalloc(sizeof(int64_t) * PTCL_AGREE_USER
		* (size_t) op->a.size);
	for (r = 0; r < op->a.size; r++) {
	    memcpy(*allPtr + (size_t) r * PTCL_AGREE_USER,
		    PtclAgreeWords(&op->a, r),
		    sizeof(int64_t) * PTCL_AGREE_USER);
	}
    }
    PtclOpFree(&op->op);
    return code;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclAgreeDummy --
 *
 *	For the quiesce: posts an ABANDONED record in place of an agreement
 *	this rank never started, so that the agreements another rank did
 *	start can complete (and end, abandoned, on every rank).
 *
 * Results:
 *	The running op (the caller releases it to the background with
 *	PtclOpRelease, or waits for it), or NULL when MPI refused.
 *
 * Side effects:
 *	One MPI_Iallgather on rec's communicator; counts one agreement.
 *
 *----------------------------------------------------------------------
 */

PtclOp *
PtclAgreeDummy(
    PtclCommRec *rec)
{
    AgreeOp *op = (AgreeOp *) ckalloc(sizeof(AgreeOp));

    PtclOpInit(&op->op, &agreeOpType, rec);
    if (StartRecord(NULL, &op->a, rec, PTCL_AGREE_ABANDONED, NULL, 0, NULL,
	    NULL) != TCL_OK) {
	AgreeOpFree(&op->op);
	return NULL;
    }
    return &op->op;
}
