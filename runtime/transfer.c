/*
 * transfer.c --
 *
 *	Tcl values between two ranks (see transfer.h for the message
 *	layout). Sending and receiving are small state machines that a
 *	caller tests until done: the blocking forms (PtclSendValue,
 *	PtclRecvValue) test them in the wait loop; mpi::isend and mpi::irecv
 *	keep them in request handles.
 */

#include "transfer.h"
#include "comm.h"
#include <stdlib.h>
#include <string.h>

enum {
    RECV_PROBE,			/* Waiting for a header to match. */
    RECV_HEAD,			/* Header matched, being received. */
    RECV_PAYLOAD,		/* Payload chunks being received. */
    RECV_DONE
};

#define HEADER_SIZE	24	/* int32 kind, int32 flags, int64 len,
				 * int64 seq. */

static int64_t sequence = 0;
static int tagUb = 32767;

/*
 *----------------------------------------------------------------------
 *
 * PtclTransferInit --
 *
 *	Learns the largest tag, and registers the control and user
 *	communicators (comm.h) with their data pairs. Called once by
 *	PtclWorldInit after MPI is up (collective over the world).
 *
 * Results:
 *	TCL_OK, or TCL_ERROR when a data pair could not be made.
 *
 *----------------------------------------------------------------------
 */

int
PtclTransferInit(void)
{
    int *ub, flag = 0;
    PtclCommRec *rec;

    MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, &ub, &flag);
    if (flag && *ub > 0) {
	tagUb = *ub;
    }
    rec = PtclCommAdd(NULL, ptclWorld.control, "control");
    if (rec == NULL) {
	return TCL_ERROR;
    }
    rec->noQuiesce = 1;
    if (PtclCommAdd(NULL, ptclWorld.user, "world") == NULL) {
	return TCL_ERROR;
    }
    return TCL_OK;
}

/*
 * DataComm --
 *
 *	The data pair of a registered communicator, or MPI_COMM_NULL.
 */

static MPI_Comm
DataComm(
    MPI_Comm comm)
{
    PtclCommRec *rec = PtclCommFind(comm);

    return rec ? rec->data : MPI_COMM_NULL;
}

/*
 *----------------------------------------------------------------------
 *
 * CountSent, CountTaken --
 *
 *	Every value message sent and taken is counted on its communicator's
 *	record (comm.h), so that a quiesce can drain what was never taken.
 *
 *----------------------------------------------------------------------
 */

static void
CountSent(
    MPI_Comm comm,
    int dest)
{
    PtclCommRec *rec = PtclCommFind(comm);

    if (rec && dest >= 0 && dest < rec->size) {
	rec->sent[dest]++;
    }
}

static void
CountTaken(
    MPI_Comm comm,
    int source)
{
    PtclCommRec *rec = PtclCommFind(comm);

    if (rec && source >= 0 && source < rec->size) {
	rec->taken[source]++;
    }
}

static int
NumChunks(
    int64_t len)
{
    return (int) ((len + PTCL_CHUNK - 1) / PTCL_CHUNK);
}

static int
ChunkLen(
    int64_t len,
    int i)
{
    int64_t rest = len - (int64_t) i * PTCL_CHUNK;

    return (int) (rest < PTCL_CHUNK ? rest : PTCL_CHUNK);
}

/*
 *----------------------------------------------------------------------
 *
 * PtclValueSendStart --
 *
 *	Packs value and starts sending it to dest with tag on comm
 *	(synchronous: MPI_Issend, completing only once matched).
 *
 * Results:
 *	TCL_OK, or TCL_ERROR with an MPI error in interp (nothing left to
 *	free then but what PtclValueSendFree frees).
 *
 * Side effects:
 *	Holds a reference to value until PtclValueSendFree.
 *
 *----------------------------------------------------------------------
 */

int
PtclValueSendStart(
    Tcl_Interp *interp,
    PtclValueSend *s,
    Tcl_Obj *value,
    MPI_Comm comm,
    int dest,
    int tag,
    int synchronous)
{
    MPI_Comm data = MPI_COMM_NULL;
    int64_t len, seq = 0;
    int i, code, chunks = 0;
    int (*send)(const void *, int, MPI_Datatype, int, int, MPI_Comm,
	    MPI_Request *) = synchronous ? MPI_Issend : MPI_Isend;

    memset(s, 0, sizeof(*s));
    PtclBufInit(&s->head);
    PtclPackValue(value, &s->packed);
    len = (int64_t) s->packed.len;
    if (len > PTCL_INLINE_MAX) {
	data = DataComm(comm);
	if (data == MPI_COMM_NULL) {
	    Tcl_SetObjResult(interp, Tcl_NewStringObj(
		    "internal error: communicator has no data pair", -1));
	    return TCL_ERROR;
	}
	seq = sequence++ % ((int64_t) tagUb + 1);
	chunks = NumChunks(len);
    }
    PtclBufPutInt32(&s->head, s->packed.kind);
    PtclBufPutInt32(&s->head, 0);
    PtclBufPutInt64(&s->head, len);
    PtclBufPutInt64(&s->head, seq);
    if (chunks == 0) {
	PtclBufAppend(&s->head, s->packed.data, (size_t) len);
    }
    s->reqs = (MPI_Request *) ckalloc(sizeof(MPI_Request) * (1 + chunks));
    code = send(s->head.bytes, (int) s->head.len, MPI_BYTE, dest, tag, comm,
	    &s->reqs[0]);
    if (code != MPI_SUCCESS) {
	return PtclMpiError(interp, code, "sending a value");
    }
    s->numReqs = 1;
    CountSent(comm, dest);
    for (i = 0; i < chunks; i++) {
	code = MPI_Isend((const char *) s->packed.data + (int64_t) i
		* PTCL_CHUNK, ChunkLen(len, i), MPI_BYTE, dest, (int) seq, data,
		&s->reqs[s->numReqs]);
	if (code != MPI_SUCCESS) {
	    return PtclMpiError(interp, code, "sending a value");
	}
	s->numReqs++;
    }
    return TCL_OK;
}

int
PtclValueSendTest(
    Tcl_Interp *interp,
    PtclValueSend *s)
{
    int flag = 0, code;

    if (s->numReqs == 0) {
	return 1;
    }
    code = MPI_Testall(s->numReqs, s->reqs, &flag, MPI_STATUSES_IGNORE);
    if (code != MPI_SUCCESS) {
	PtclMpiError(interp, code, "sending a value");
	return -1;
    }
    return flag;
}

/*
 * PtclValueSendFree --
 *
 *	Releases a send. A send abandoned before it completed (an interrupt)
 *	may still be read by MPI: its requests are freed (MPI finishes them
 *	on its own) and its buffers deliberately leaked, never reused.
 */

void
PtclValueSendFree(
    PtclValueSend *s)
{
    int flag = 1, i;

    if (s->numReqs > 0) {
	MPI_Testall(s->numReqs, s->reqs, &flag, MPI_STATUSES_IGNORE);
    }
    if (!flag) {
	for (i = 0; i < s->numReqs; i++) {
	    if (s->reqs[i] != MPI_REQUEST_NULL) {
		MPI_Request_free(&s->reqs[i]);
	    }
	}
	ckfree(s->reqs);
	memset(s, 0, sizeof(*s));
	return;
    }
    if (s->packed.obj || s->packed.owned) {
	PtclPackedFree(&s->packed);
    }
    PtclBufFree(&s->head);
    if (s->reqs) {
	ckfree(s->reqs);
	s->reqs = NULL;
    }
    s->numReqs = 0;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclValueRecvInit, PtclValueRecvTest, PtclValueRecvFree --
 *
 *	Receiving a value from source (or MPI_ANY_SOURCE) with tag (or
 *	MPI_ANY_TAG) on comm. Test advances the machine as far as it can
 *	without waiting.
 *
 * Results:
 *	Test: 1 done (r->value, r->status set), 0 not yet, -1 error.
 *
 *----------------------------------------------------------------------
 */

void
PtclValueRecvInit(
    PtclValueRecv *r,
    MPI_Comm comm,
    int source,
    int tag)
{
    memset(r, 0, sizeof(*r));
    r->comm = comm;
    r->dataComm = MPI_COMM_NULL;
    r->source = source;
    r->tag = tag;
    r->stage = RECV_PROBE;
    r->req = MPI_REQUEST_NULL;
    PtclBufInit(&r->head);
}

static int
Finish(
    Tcl_Interp *interp,
    PtclValueRecv *r,
    const void *data)
{
    Tcl_Obj *value;

    if ((r->kind == PTCL_VAL_BYTES || (r->raw
	    && (r->kind == PTCL_VAL_DOUBLES || r->kind == PTCL_VAL_WIDES)))
	    && r->landing) {
	value = r->landing;	/* Landed in place: no copy. */
	r->landing = NULL;
    } else if (r->raw && (r->kind == PTCL_VAL_DOUBLES
	    || r->kind == PTCL_VAL_WIDES)) {
	if (r->len % 8 != 0) {
	    Tcl_SetObjResult(interp, Tcl_NewStringObj(
		    "received a malformed value message", -1));
	    Tcl_SetErrorCode(interp, "PTCL", "PROTOCOL", NULL);
	    return -1;
	}
	value = Tcl_NewByteArrayObj((const unsigned char *) data,
		(int) r->len);
	Tcl_IncrRefCount(value);
    } else {
	value = PtclUnpackValue(r->kind, data, (uint64_t) r->len);
	if (value == NULL) {
	    Tcl_SetObjResult(interp, Tcl_NewStringObj(
		    "received a malformed value message", -1));
	    Tcl_SetErrorCode(interp, "PTCL", "PROTOCOL", NULL);
	    return -1;
	}
	Tcl_IncrRefCount(value);
    }
    r->value = value;
    r->stage = RECV_DONE;
    return 1;
}

int
PtclValueRecvTest(
    Tcl_Interp *interp,
    PtclValueRecv *r)
{
    int flag = 0, code, count, i, chunks;
    MPI_Message msg;
    PtclReader rd;
    unsigned char *dest;

    switch (r->stage) {
    case RECV_PROBE:
	code = MPI_Improbe(r->source, r->tag, r->comm, &flag, &msg,
		&r->status);
	if (code != MPI_SUCCESS) {
	    PtclMpiError(interp, code, "receiving a value");
	    return -1;
	}
	if (!flag) {
	    return 0;
	}
	MPI_Get_count(&r->status, MPI_BYTE, &count);
	PtclBufReserve(&r->head, (size_t) count + 1);
	r->head.len = (size_t) count;
	code = MPI_Imrecv(r->head.bytes, count, MPI_BYTE, &msg, &r->req);
	if (code != MPI_SUCCESS) {
	    PtclMpiError(interp, code, "receiving a value");
	    return -1;
	}
	r->stage = RECV_HEAD;
	/* FALLTHRU */
    case RECV_HEAD:
	code = MPI_Test(&r->req, &flag, MPI_STATUS_IGNORE);
	if (code != MPI_SUCCESS) {
	    PtclMpiError(interp, code, "receiving a value");
	    return -1;
	}
	if (!flag) {
	    return 0;
	}
	CountTaken(r->comm, r->status.MPI_SOURCE);
	PtclReaderInit(&rd, r->head.bytes, r->head.len);
	r->kind = PtclGetInt32(&rd);
	(void) PtclGetInt32(&rd);
	r->len = PtclGetInt64(&rd);
	r->seq = PtclGetInt64(&rd);
	if (rd.bad || r->len < 0) {
	    Tcl_SetObjResult(interp, Tcl_NewStringObj(
		    "received a malformed value message", -1));
	    Tcl_SetErrorCode(interp, "PTCL", "PROTOCOL", NULL);
	    return -1;
	}
	if (r->len <= PTCL_INLINE_MAX) {
	    if ((size_t) (rd.end - rd.p) != (size_t) r->len) {
		Tcl_SetObjResult(interp, Tcl_NewStringObj(
			"received a malformed value message", -1));
		Tcl_SetErrorCode(interp, "PTCL", "PROTOCOL", NULL);
		return -1;
	    }
	    return Finish(interp, r, rd.p);
	}

	/*
	 * A large payload: it lands in a bytearray, which is the value
	 * itself when the kind is BYTES.
	 */

	r->dataComm = DataComm(r->comm);
	if (r->dataComm == MPI_COMM_NULL) {
	    Tcl_SetObjResult(interp, Tcl_NewStringObj(
		    "internal error: communicator has no data pair", -1));
	    return -1;
	}
	r->landing = Tcl_NewByteArrayObj(NULL, 0);
	Tcl_IncrRefCount(r->landing);
	dest = Tcl_SetByteArrayLength(r->landing, (int) r->len);
	chunks = NumChunks(r->len);
	r->reqs = (MPI_Request *) ckalloc(sizeof(MPI_Request) * chunks);
	for (i = 0; i < chunks; i++) {
	    code = MPI_Irecv(dest + (int64_t) i * PTCL_CHUNK,
		    ChunkLen(r->len, i), MPI_BYTE, r->status.MPI_SOURCE,
		    (int) r->seq, r->dataComm, &r->reqs[i]);
	    if (code != MPI_SUCCESS) {
		PtclMpiError(interp, code, "receiving a value");
		return -1;
	    }
	    r->numReqs++;
	}
	r->stage = RECV_PAYLOAD;
	/* FALLTHRU */
    case RECV_PAYLOAD:
	code = MPI_Testall(r->numReqs, r->reqs, &flag, MPI_STATUSES_IGNORE);
	if (code != MPI_SUCCESS) {
	    PtclMpiError(interp, code, "receiving a value");
	    return -1;
	}
	if (!flag) {
	    return 0;
	}
	return Finish(interp, r, Tcl_GetByteArrayFromObj(r->landing, NULL));
    default:
	return 1;
    }
}

/*
 * PtclValueRecvFree --
 *
 *	Releases a receive. One abandoned half-way is first brought to an
 *	end: unmatched payload receives are cancelled, and what was already
 *	matched is let finish, so that MPI never writes into freed memory.
 */

void
PtclValueRecvFree(
    PtclValueRecv *r)
{
    int i;

    if (r->stage == RECV_HEAD && r->req != MPI_REQUEST_NULL) {
	/* Matched: its bytes are already on the way; let them land. */
	MPI_Wait(&r->req, MPI_STATUS_IGNORE);
    }
    if (r->stage == RECV_PAYLOAD) {
	for (i = 0; i < r->numReqs; i++) {
	    if (r->reqs[i] != MPI_REQUEST_NULL) {
		MPI_Cancel(&r->reqs[i]);
	    }
	}
	MPI_Waitall(r->numReqs, r->reqs, MPI_STATUSES_IGNORE);
    }
    if (r->value) {
	Tcl_DecrRefCount(r->value);
	r->value = NULL;
    }
    if (r->landing) {
	Tcl_DecrRefCount(r->landing);
	r->landing = NULL;
    }
    if (r->reqs) {
	ckfree(r->reqs);
	r->reqs = NULL;
    }
    r->numReqs = 0;
    r->stage = RECV_DONE;
    PtclBufFree(&r->head);
}

/*
 * Blocking forms: the machines above, tested in the wait loop.
 */

static int
PollSend(
    Tcl_Interp *interp,
    void *clientData)
{
    return PtclValueSendTest(interp, (PtclValueSend *) clientData);
}

static int
PollRecv(
    Tcl_Interp *interp,
    void *clientData)
{
    return PtclValueRecvTest(interp, (PtclValueRecv *) clientData);
}

int
PtclSendValue(
    Tcl_Interp *interp,
    MPI_Comm comm,
    int dest,
    int tag,
    Tcl_Obj *value,
    int flags)
{
    PtclValueSend s;
    int code;

    code = PtclValueSendStart(interp, &s, value, comm, dest, tag, 0);
    if (code == TCL_OK) {
	code = PtclWait(interp, NULL, PollSend, &s, flags);
    }
    PtclValueSendFree(&s);
    return code;
}

/*
 * PtclRecvValue --
 *
 *	Receives one value. On TCL_OK, *valuePtr holds one reference that
 *	the caller releases (Tcl_DecrRefCount) when done with it.
 */

/*
 * PtclRecvPayload --
 *
 *	PtclRecvValue for a value its receiver may rebuild in place of an
 *	old one (the data commands at the prompt): packed numbers arrive as
 *	a bytearray of them, *kindPtr PTCL_VAL_DOUBLES or PTCL_VAL_WIDES;
 *	anything else as its value, *kindPtr 0.
 */

int
PtclRecvPayload(
    Tcl_Interp *interp,
    MPI_Comm comm,
    int source,
    int tag,
    Tcl_Obj **valuePtr,
    int *kindPtr,
    int flags)
{
    PtclValueRecv r;
    int code;

    PtclValueRecvInit(&r, comm, source, tag);
    r.raw = 1;
    code = PtclWait(interp, NULL, PollRecv, &r, flags);
    if (code == TCL_OK) {
	*valuePtr = r.value;		/* The reference moves to the caller. */
	r.value = NULL;
	*kindPtr = (r.kind == PTCL_VAL_DOUBLES || r.kind == PTCL_VAL_WIDES)
		? r.kind : 0;
    }
    PtclValueRecvFree(&r);
    return code;
}

int
PtclRecvValue(
    Tcl_Interp *interp,
    MPI_Comm comm,
    int source,
    int tag,
    Tcl_Obj **valuePtr,
    MPI_Status *statusPtr,
    int flags)
{
    PtclValueRecv r;
    int code;

    PtclValueRecvInit(&r, comm, source, tag);
    code = PtclWait(interp, NULL, PollRecv, &r, flags);
    if (code == TCL_OK) {
	*valuePtr = r.value;		/* The reference moves to the caller. */
	r.value = NULL;
	if (statusPtr) {
	    *statusPtr = r.status;
	}
    }
    PtclValueRecvFree(&r);
    return code;
}
