/*
 * protocol.h --
 *
 *	Every message ptcl sends, written down once: who sends it, who
 *	receives it, on which communicator and tag, and its fields. Each
 *	message is a struct with one typed encode/decode pair (control.c for
 *	the control protocol; the files named below for the others). No code
 *	outside the encode/decode functions knows a byte offset of a message.
 *
 *	Messages:
 *
 *	  on ptclWorld.control (rank 0 <-> workers), control.c:
 *	    PX, EXIT          rank 0 -> worker, PTCL_TAG_COMMAND (in order)
 *	    INTERRUPT, ABORT  rank 0 -> worker, PTCL_TAG_SIGNAL
 *	    REPLY             worker -> rank 0, PTCL_TAG_REPLY
 *	    OUTPUT            worker -> rank 0, PTCL_TAG_OUTPUT (px -stream)
 *	    PAYLOAD           rank 0 -> worker, PTCL_TAG_PAYLOAD (a value
 *	                      message, transfer.h)
 *
 *	  on any communicator of values, transfer.c: the value message
 *	    (header {kind, length, sequence}, payload inline or on the data
 *	    pair), see transfer.h.
 *
 *	  pmap's messages, on pmap's own communicator (commands/data/pmap.c).
 */

#ifndef PTCL_PROTOCOL_H
#define PTCL_PROTOCOL_H

/*
 *----------------------------------------------------------------------
 * control.c: the control protocol on ptclWorld.control.
 *
 * Rank 0 sends each worker one message per command on PTCL_TAG_COMMAND
 * (a PX, or EXIT); a worker answers a PX with one PTCL_TAG_REPLY.
 * INTERRUPT and ABORT travel on PTCL_TAG_SIGNAL so that a worker busy in
 * a px can probe for them without taking the next command.
 *----------------------------------------------------------------------
 */

enum {
    PTCL_TAG_COMMAND = 11,
    PTCL_TAG_REPLY = 12,
    PTCL_TAG_SIGNAL = 13,
    PTCL_TAG_OUTPUT = 14,
    PTCL_TAG_PAYLOAD = 15
};

enum {
    PTCL_MSG_PX = 1,		/* Run a script. */
    PTCL_MSG_EXIT = 2,		/* Exit with a status. */
    PTCL_MSG_INTERRUPT = 3,	/* Stop the current px: interrupted. */
    PTCL_MSG_ABORT = 4,		/* Stop the current px: a rank failed. */
    PTCL_MSG_REPLY = 5		/* A worker's answer to a PX. */
};

/* Flags of a PX. */
#define PTCL_PX_STREAM	1	/* Send output as each line completes. */
#define PTCL_PX_PAYLOAD	2	/* A value follows on PTCL_TAG_PAYLOAD. */

typedef struct PtclCommand {
    int kind;
    int flags;
    int64_t pxId;
    int exitCode;		/* EXIT: the status; SIGNAL: the failed rank
				 * or -1. */
    int numTargets;
    const int32_t *targets;	/* Points into the message buffer. */
    const char *script;		/* Points into the message buffer. */
    size_t scriptLen;
} PtclCommand;

typedef struct PtclReply {
    int rank;
    int code;			/* TCL_OK, TCL_ERROR, ... */
    int64_t pxId;
    Tcl_Obj *result, *errorInfo, *errorCode, *out, *err;
				/* Each holds a reference, see
				 * PtclReplyClear. */
} PtclReply;

void	PtclEncodeCommand(PtclBuf *buf, int kind, int flags, int64_t pxId,
	    int exitCode, int numTargets, const int *targets,
	    const char *script, size_t scriptLen);
int	PtclDecodeCommand(const PtclBuf *buf, PtclCommand *cmd);
void	PtclEncodeReply(PtclBuf *buf, int rank, int code, int64_t pxId,
	    Tcl_Obj *result, Tcl_Obj *errorInfo, Tcl_Obj *errorCode,
	    const char *out, size_t outLen, const char *err, size_t errLen);
int	PtclDecodeReply(const PtclBuf *buf, PtclReply *reply);
void	PtclReplyClear(PtclReply *reply);

#endif /* PTCL_PROTOCOL_H */
