/*
 * message.c --
 *
 *	Receiving a message whose size the receiver does not know: a matched
 *	probe (MPI_Improbe) finds it and fixes its size, a matched receive
 *	(MPI_Imrecv) takes it, and both wait in the one wait loop. Matched
 *	probes keep this safe when several messages from one source race.
 */

#include "ptclRuntime.h"

typedef struct ProbeState {
    MPI_Comm comm;
    int source, tag;
    PtclBuf *out;
    MPI_Status *statusPtr;
    MPI_Request req;		/* The Imrecv, once the probe matched. */
    int matched;
} ProbeState;

/*
 * PollProbe --
 *
 *	One turn: probe until a message matches, then receive it.
 */

static int
PollProbe(
    Tcl_Interp *interp,
    void *clientData)
{
    ProbeState *st = (ProbeState *) clientData;
    int flag = 0, code, count;
    MPI_Message msg;

    if (!st->matched) {
	code = MPI_Improbe(st->source, st->tag, st->comm, &flag, &msg,
		st->statusPtr);
	if (code != MPI_SUCCESS) {
	    PtclMpiError(interp, code, "probing for a message");
	    return -1;
	}
	if (!flag) {
	    return 0;
	}
	MPI_Get_count(st->statusPtr, MPI_BYTE, &count);
	st->out->len = 0;
	PtclBufReserve(st->out, (size_t) count + 1);
	code = MPI_Imrecv(st->out->bytes, count, MPI_BYTE, &msg, &st->req);
	if (code != MPI_SUCCESS) {
	    PtclMpiError(interp, code, "receiving a message");
	    return -1;
	}
	st->out->len = (size_t) count;
	st->matched = 1;
    }
    code = MPI_Test(&st->req, &flag, MPI_STATUS_IGNORE);
    if (code != MPI_SUCCESS) {
	PtclMpiError(interp, code, "receiving a message");
	return -1;
    }
    return flag ? 1 : 0;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclRecvMessage --
 *
 *	Receives one whole message (MPI_BYTE) from source with tag on comm,
 *	into out, waiting in the wait loop.
 *
 * Results:
 *	TCL_OK, or TCL_ERROR when the wait was abandoned or MPI failed. On
 *	an abandoned wait after the probe matched, the receive is completed
 *	first, so that no request is left behind.
 *
 * Side effects:
 *	Replaces out's contents; fills *statusPtr (source, tag).
 *
 *----------------------------------------------------------------------
 */

int
PtclRecvMessage(
    Tcl_Interp *interp,
    MPI_Comm comm,
    int source,
    int tag,
    int flags,
    PtclBuf *out,
    MPI_Status *statusPtr)
{
    ProbeState st;
    MPI_Status status;
    int code;

    st.comm = comm;
    st.source = source;
    st.tag = tag;
    st.out = out;
    st.statusPtr = statusPtr ? statusPtr : &status;
    st.matched = 0;
    st.req = MPI_REQUEST_NULL;
    code = PtclWait(interp, NULL, PollProbe, &st, flags);
    if (code != TCL_OK && st.matched && st.req != MPI_REQUEST_NULL) {
	/*
	 * The message is already on its way to us and was matched: finish
	 * it so that nothing writes into a buffer we are about to free.
	 */

	PtclWaitRequests(NULL, NULL, 1, &st.req, NULL, PTCL_WAIT_NOCHECK);
    }
    return code;
}

/*
 * PtclProbeMessage --
 *
 *	Receives a matching message if one is there now, without waiting
 *	for one to arrive. Returns 1 received, 0 none, -1 error.
 */

int
PtclProbeMessage(
    Tcl_Interp *interp,
    MPI_Comm comm,
    int source,
    int tag,
    PtclBuf *out,
    MPI_Status *statusPtr)
{
    int flag = 0, code;
    MPI_Status status;

    code = MPI_Iprobe(source, tag, comm, &flag, MPI_STATUS_IGNORE);
    if (code != MPI_SUCCESS) {
	PtclMpiError(interp, code, "probing for a message");
	return -1;
    }
    if (!flag) {
	return 0;
    }
    if (PtclRecvMessage(interp, comm, source, tag, PTCL_WAIT_NOCHECK, out,
	    statusPtr ? statusPtr : &status) != TCL_OK) {
	return -1;
    }
    return 1;
}
