/*
 * transfer.h --
 *
 *	Tcl values between two ranks, through the codec and the wait loop.
 *
 *	A value message is a header {kind, length, sequence} followed, for a
 *	payload of up to PTCL_INLINE_MAX bytes, by the payload in the same
 *	MPI message. A larger payload travels as a second, contiguous message
 *	on the data communicator paired with the communicator of the header
 *	(a dup made with it), with the sender's sequence number as its tag:
 *	the header is matched by MPI's own rules (source, tag, order), and
 *	the payload it announces can only match its own receive. Contiguous
 *	sends run at the MPI library's full speed (a struct datatype around
 *	header and payload measured 25-40% slower at 8 MiB); lengths are
 *	64-bit and payloads over 2 GiB go in chunks of PTCL_CHUNK bytes.
 */

#ifndef PTCL_TRANSFER_H
#define PTCL_TRANSFER_H

#include "codec.h"

#define PTCL_INLINE_MAX	(64 * 1024)
#define PTCL_CHUNK	((int64_t) 1 << 30)

/*
 * A value being sent. Start it, test it until done, then free it. The
 * packed value (and so the Tcl_Obj) stays referenced until freed.
 */

typedef struct PtclValueSend {
    PtclPacked packed;
    PtclBuf head;		/* Header, and the payload when inline. */
    MPI_Request *reqs;		/* Header, then payload chunks. */
    int numReqs;
} PtclValueSend;

/*
 * A value being received: a matched probe for the header, then the
 * payload. When done, 'value' holds the value (one reference) and
 * 'status' the header's status (source, tag).
 */

typedef struct PtclValueRecv {
    MPI_Comm comm, dataComm;
    int source, tag;
    int stage;			/* RECV_* in transfer.c. */
    PtclBuf head;
    MPI_Request req;		/* The header's receive. */
    MPI_Request *reqs;		/* The payload's chunks. */
    int numReqs;
    MPI_Status status;		/* Of the header. */
    int kind;
    int64_t len, seq;
    Tcl_Obj *landing;		/* Bytearray the payload lands in. */
    int raw;			/* Set by the caller: packed numbers stay
				 * packed (value is a bytearray of them,
				 * kind says which); see PtclRecvPayload. */
    Tcl_Obj *value;		/* The value, once done; one reference. */
} PtclValueRecv;

int	PtclTransferInit(void);

int	PtclValueSendStart(Tcl_Interp *interp, PtclValueSend *s,
	    Tcl_Obj *value, MPI_Comm comm, int dest, int tag,
	    int synchronous);
int	PtclValueSendTest(Tcl_Interp *interp, PtclValueSend *s);
void	PtclValueSendFree(PtclValueSend *s);

void	PtclValueRecvInit(PtclValueRecv *r, MPI_Comm comm, int source,
	    int tag);
int	PtclValueRecvTest(Tcl_Interp *interp, PtclValueRecv *r);
void	PtclValueRecvFree(PtclValueRecv *r);

int	PtclSendValue(Tcl_Interp *interp, MPI_Comm comm, int dest, int tag,
	    Tcl_Obj *value, int flags);
int	PtclRecvValue(Tcl_Interp *interp, MPI_Comm comm, int source,
	    int tag, Tcl_Obj **valuePtr, MPI_Status *statusPtr, int flags);
int	PtclRecvPayload(Tcl_Interp *interp, MPI_Comm comm, int source,
	    int tag, Tcl_Obj **valuePtr, int *kindPtr, int flags);

#endif /* PTCL_TRANSFER_H */
