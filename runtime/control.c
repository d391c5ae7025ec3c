/*
 * control.c --
 *
 *	The wire format of the control protocol between rank 0 and the
 *	workers (see ptclRuntime.h for who sends what, on which tag).
 *
 *	A command:  int32 kind, int32 flags, int64 pxId, int32 exitCode,
 *	            int32 numTargets, int32 targets[numTargets],
 *	            bytes script (int64 length + bytes).
 *	A reply:    int32 kind (REPLY), int32 rank, int32 code, int64 pxId,
 *	            the result as a codec value (so lists of numbers and
 *	            bytes come back packed), then four length-prefixed byte
 *	            runs: errorInfo, errorCode, captured stdout and stderr.
 *
 *	Strings travel as Tcl's own UTF-8 bytes and are rebuilt with
 *	Tcl_NewStringObj, so NUL and every other character arrive as sent.
 */

#include "codec.h"

/*
 *----------------------------------------------------------------------
 *
 * PtclEncodeCommand, PtclDecodeCommand --
 *
 *	Build and take apart a command message. Decoding points into the
 *	buffer, which must outlive the PtclCommand.
 *
 * Results:
 *	Decode: TCL_OK, or TCL_ERROR for a malformed message.
 *
 *----------------------------------------------------------------------
 */

void
PtclEncodeCommand(
    PtclBuf *buf,
    int kind,
    int flags,
    int64_t pxId,
    int exitCode,
    int numTargets,
    const int *targets,
    const char *script,
    size_t scriptLen)
{
    int i;

    buf->len = 0;
    PtclBufPutInt32(buf, kind);
    PtclBufPutInt32(buf, flags);
    PtclBufPutInt64(buf, pxId);
    PtclBufPutInt32(buf, exitCode);
    PtclBufPutInt32(buf, numTargets);
    for (i = 0; i < numTargets; i++) {
	PtclBufPutInt32(buf, targets[i]);
    }
    PtclBufPutBytes(buf, script, scriptLen);
}

int
PtclDecodeCommand(
    const PtclBuf *buf,
    PtclCommand *cmd)
{
    PtclReader r;
    size_t len;

    PtclReaderInit(&r, buf->bytes, buf->len);
    cmd->kind = PtclGetInt32(&r);
    cmd->flags = PtclGetInt32(&r);
    cmd->pxId = PtclGetInt64(&r);
    cmd->exitCode = PtclGetInt32(&r);
    cmd->numTargets = PtclGetInt32(&r);
    if (r.bad || cmd->numTargets < 0
	    || (size_t) cmd->numTargets > (size_t) (r.end - r.p) / 4) {
	return TCL_ERROR;
    }
    cmd->targets = (const int32_t *) r.p;
    r.p += 4 * (size_t) cmd->numTargets;
    cmd->script = (const char *) PtclGetBytes(&r, &len);
    cmd->scriptLen = len;
    return r.bad ? TCL_ERROR : TCL_OK;
}

/*
 *----------------------------------------------------------------------
 *
 * PtclEncodeReply, PtclDecodeReply, PtclReplyClear --
 *
 *	Build and take apart a worker's answer to a PX. A decoded reply
 *	holds one reference to each of its five objects; PtclReplyClear
 *	releases them.
 *
 *----------------------------------------------------------------------
 */

static void
PutObj(
    PtclBuf *buf,
    Tcl_Obj *objPtr)
{
    int len = 0;
    const char *s = objPtr ? Tcl_GetStringFromObj(objPtr, &len) : "";

    PtclBufPutBytes(buf, s, (size_t) len);
}

void
PtclEncodeReply(
    PtclBuf *buf,
    int rank,
    int code,
    int64_t pxId,
    Tcl_Obj *result,
    Tcl_Obj *errorInfo,
    Tcl_Obj *errorCode,
    const char *out,
    size_t outLen,
    const char *err,
    size_t errLen)
{
    buf->len = 0;
    PtclBufPutInt32(buf, PTCL_MSG_REPLY);
    PtclBufPutInt32(buf, rank);
    PtclBufPutInt32(buf, code);
    PtclBufPutInt64(buf, pxId);
    if (result) {
	PtclEncodeValue(buf, result);
    } else {
	Tcl_Obj *empty = Tcl_NewObj();

	Tcl_IncrRefCount(empty);
	PtclEncodeValue(buf, empty);
	Tcl_DecrRefCount(empty);
    }
    PutObj(buf, errorInfo);
    PutObj(buf, errorCode);
    PtclBufPutBytes(buf, out, outLen);
    PtclBufPutBytes(buf, err, errLen);
}

static Tcl_Obj *
GetObj(
    PtclReader *r)
{
    size_t len;
    const unsigned char *p = PtclGetBytes(r, &len);
    Tcl_Obj *objPtr;

    if (p == NULL) {
	return NULL;
    }
    objPtr = Tcl_NewStringObj((const char *) p, (int) len);
    Tcl_IncrRefCount(objPtr);
    return objPtr;
}

static Tcl_Obj *
GetBytesObj(
    PtclReader *r)
{
    size_t len;
    const unsigned char *p = PtclGetBytes(r, &len);
    Tcl_Obj *objPtr;

    if (p == NULL) {
	return NULL;
    }
    objPtr = Tcl_NewByteArrayObj(p, (int) len);
    Tcl_IncrRefCount(objPtr);
    return objPtr;
}

int
PtclDecodeReply(
    const PtclBuf *buf,
    PtclReply *reply)
{
    PtclReader r;

    PtclReaderInit(&r, buf->bytes, buf->len);
    reply->result = reply->errorInfo = reply->errorCode = NULL;
    reply->out = reply->err = NULL;
    if (PtclGetInt32(&r) != PTCL_MSG_REPLY) {
	return TCL_ERROR;
    }
    reply->rank = PtclGetInt32(&r);
    reply->code = PtclGetInt32(&r);
    reply->pxId = PtclGetInt64(&r);
    reply->result = PtclDecodeValue(&r);
    if (reply->result) {
	Tcl_IncrRefCount(reply->result);
    }
    reply->errorInfo = GetObj(&r);
    reply->errorCode = GetObj(&r);
    reply->out = GetBytesObj(&r);	/* Output is bytes, as written. */
    reply->err = GetBytesObj(&r);
    if (r.bad) {
	PtclReplyClear(reply);
	return TCL_ERROR;
    }
    return TCL_OK;
}

void
PtclReplyClear(
    PtclReply *reply)
{
    Tcl_Obj **objs[5];
    int i;

    objs[0] = &reply->result;
    objs[1] = &reply->errorInfo;
    objs[2] = &reply->errorCode;
    objs[3] = &reply->out;
    objs[4] = &reply->err;
    for (i = 0; i < 5; i++) {
	if (*objs[i]) {
	    Tcl_DecrRefCount(*objs[i]);
	    *objs[i] = NULL;
	}
    }
}
