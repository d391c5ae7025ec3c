/*
 * capture.c --
 *
 *	Catches what px code writes to stdout and stderr. A channel is
 *	stacked (Tcl_StackChannel) on each standard channel once, at start;
 *	while no px runs it passes every byte down to the real channel, and
 *	while one runs it keeps the bytes in a buffer per stream, to go back
 *	to rank 0 with the reply. With -stream, each completed line is handed
 *	to a line procedure as it is written instead.
 *
 *	Stacking, not swapping: Tcl_SetStdChannel after a channel has been
 *	used leaves the interp writing to the old one. A stacked channel sits
 *	under the same name and sees every write, from Tcl or from C.
 */

#include "ptclRuntime.h"
#include <errno.h>
#include <string.h>

typedef struct Capture {
    Tcl_Channel self;		/* Our stacked channel, NULL if none. */
    int stream;			/* 1 stdout, 2 stderr. */
    Tcl_DString buf;		/* What was written while capturing. */
} Capture;

static Capture captures[2];
static int capturing = 0;
static PtclLineProc *lineProc = NULL;
static void *lineData = NULL;

static Tcl_Channel
Parent(
    Capture *c)
{
    return Tcl_GetStackedChannel(c->self);
}

static int
CaptureClose(
    ClientData instanceData,
    Tcl_Interp *interp)
{
    Capture *c = (Capture *) instanceData;

    (void) interp;
    Tcl_DStringFree(&c->buf);
    c->self = NULL;
    return 0;
}

static int
CaptureInput(
    ClientData instanceData,
    char *buf,
    int toRead,
    int *errorCodePtr)
{
    (void) instanceData; (void) buf; (void) toRead;
    *errorCodePtr = EINVAL;
    return -1;
}

/*
 * EmitLines --
 *
 *	With a line procedure (px -stream), hands each complete line in the
 *	buffer to it and keeps only the unfinished tail.
 */

static void
EmitLines(
    Capture *c)
{
    const char *start = Tcl_DStringValue(&c->buf);
    const char *end = start + Tcl_DStringLength(&c->buf);
    const char *p = start, *nl;
    int rest;

    while ((nl = memchr(p, '\n', (size_t) (end - p))) != NULL) {
	lineProc(lineData, c->stream, p, (size_t) (nl - p));
	p = nl + 1;
    }
    if (p != start) {
	rest = (int) (end - p);
	memmove(Tcl_DStringValue(&c->buf), p, (size_t) rest);
	Tcl_DStringSetLength(&c->buf, rest);
    }
}

/*
 *----------------------------------------------------------------------
 *
 * CaptureOutput --
 *
 *	The output procedure of the stacked channel: keep the bytes while a
 *	px runs, pass them down otherwise.
 *
 * Results:
 *	Bytes taken, or -1 with *errorCodePtr set.
 *
 * Side effects:
 *	Appends to the capture buffer, or writes to the channel below.
 *
 *----------------------------------------------------------------------
 */

static int
CaptureOutput(
    ClientData instanceData,
    const char *buf,
    int toWrite,
    int *errorCodePtr)
{
    Capture *c = (Capture *) instanceData;
    int written;

    if (capturing) {
	Tcl_DStringAppend(&c->buf, buf, toWrite);
	if (lineProc) {
	    EmitLines(c);
	}
	return toWrite;
    }
    written = Tcl_WriteRaw(Parent(c), buf, toWrite);
    if (written < 0) {
	*errorCodePtr = Tcl_GetErrno();
    }
    return written;
}

static int
CaptureSetOption(
    ClientData instanceData,
    Tcl_Interp *interp,
    const char *optionName,
    const char *value)
{
    Tcl_Channel parent = Parent((Capture *) instanceData);
    Tcl_DriverSetOptionProc *proc =
	    Tcl_ChannelSetOptionProc(Tcl_GetChannelType(parent));

    if (proc) {
	return proc(Tcl_GetChannelInstanceData(parent), interp, optionName,
		value);
    }
    return Tcl_BadChannelOption(interp, optionName, "");
}

static int
CaptureGetOption(
    ClientData instanceData,
    Tcl_Interp *interp,
    const char *optionName,
    Tcl_DString *dsPtr)
{
    Tcl_Channel parent = Parent((Capture *) instanceData);
    Tcl_DriverGetOptionProc *proc =
	    Tcl_ChannelGetOptionProc(Tcl_GetChannelType(parent));

    if (proc) {
	return proc(Tcl_GetChannelInstanceData(parent), interp, optionName,
		dsPtr);
    }
    if (optionName == NULL) {
	return TCL_OK;
    }
    return Tcl_BadChannelOption(interp, optionName, "");
}

static void
CaptureWatch(
    ClientData instanceData,
    int mask)
{
    Tcl_Channel parent = Parent((Capture *) instanceData);
    Tcl_DriverWatchProc *proc =
	    Tcl_ChannelWatchProc(Tcl_GetChannelType(parent));

    if (proc) {
	proc(Tcl_GetChannelInstanceData(parent), mask);
    }
}

static int
CaptureGetHandle(
    ClientData instanceData,
    int direction,
    ClientData *handlePtr)
{
    return Tcl_GetChannelHandle(Parent((Capture *) instanceData), direction,
	    handlePtr);
}

static int
CaptureBlockMode(
    ClientData instanceData,
    int mode)
{
    (void) instanceData; (void) mode;
    return 0;
}

static int
CaptureHandler(
    ClientData instanceData,
    int interestMask)
{
    (void) instanceData;
    return interestMask;
}

static const Tcl_ChannelType captureChannelType = {
    "ptclcapture",
    TCL_CHANNEL_VERSION_5,
    CaptureClose,
    CaptureInput,
    CaptureOutput,
    NULL,			/* seekProc */
    CaptureSetOption,
    CaptureGetOption,
    CaptureWatch,
    CaptureGetHandle,
    NULL,			/* close2Proc */
    CaptureBlockMode,
    NULL,			/* flushProc */
    CaptureHandler,
    NULL,			/* wideSeekProc */
    NULL,			/* threadActionProc */
    NULL			/* truncateProc */
};

/*
 *----------------------------------------------------------------------
 *
 * PtclCaptureInstall --
 *
 *	Stacks the capture channel on stdout and stderr, once per process.
 *
 * Results:
 *	TCL_OK, or TCL_ERROR if stacking failed.
 *
 * Side effects:
 *	Creates the standard channels if they did not exist.
 *
 *----------------------------------------------------------------------
 */

int
PtclCaptureInstall(
    Tcl_Interp *interp)
{
    int i;

    for (i = 0; i < 2; i++) {
	Capture *c = &captures[i];
	Tcl_Channel chan;

	if (c->self != NULL) {
	    continue;
	}
	chan = Tcl_GetStdChannel(i == 0 ? TCL_STDOUT : TCL_STDERR);
	if (chan == NULL) {
	    continue;		/* fd closed: nothing to catch. */
	}
	c->stream = i + 1;
	Tcl_DStringInit(&c->buf);
	c->self = Tcl_StackChannel(interp, &captureChannelType, c,
		TCL_WRITABLE, chan);
	if (c->self == NULL) {
	    Tcl_DStringFree(&c->buf);
	    return TCL_ERROR;
	}
    }
    return TCL_OK;
}

static void
FlushStd(void)
{
    int i;

    for (i = 0; i < 2; i++) {
	if (captures[i].self) {
	    Tcl_Flush(captures[i].self);
	}
    }
}

/*
 *----------------------------------------------------------------------
 *
 * PtclCaptureBegin, PtclCaptureEnd, PtclCaptureActive --
 *
 *	Start and end catching output. Begin flushes what was written
 *	before, so that it is not caught. End flushes the channels, so that
 *	all the px wrote is caught, and moves the two buffers (stdout,
 *	stderr) into the caller's initialised DStrings; with a line
 *	procedure they hold only an unfinished last line.
 *
 *----------------------------------------------------------------------
 */

void
PtclCaptureBegin(
    PtclLineProc *proc,
    void *clientData)
{
    int i;

    FlushStd();
    for (i = 0; i < 2; i++) {
	if (captures[i].self) {
	    Tcl_DStringSetLength(&captures[i].buf, 0);
	}
    }
    lineProc = proc;
    lineData = clientData;
    capturing = 1;
}

void
PtclCaptureEnd(
    Tcl_DString *outPtr,
    Tcl_DString *errPtr)
{
    Tcl_DString *dest[2];
    int i;

    FlushStd();
    capturing = 0;
    lineProc = NULL;
    lineData = NULL;
    dest[0] = outPtr;
    dest[1] = errPtr;
    for (i = 0; i < 2; i++) {
	Capture *c = &captures[i];

	if (c->self && dest[i]) {
	    Tcl_DStringAppend(dest[i], Tcl_DStringValue(&c->buf),
		    Tcl_DStringLength(&c->buf));
	}
	if (c->self) {
	    Tcl_DStringFree(&c->buf);
	}
    }
}

int
PtclCaptureActive(void)
{
    return capturing;
}

/*
 * PtclCaptureWriteThrough --
 *
 *	Writes bytes to the real stdout (stream 1) or stderr (2), past the
 *	capture: px -stream prints the targets' lines while rank 0's own px
 *	code is being captured.
 */

void
PtclCaptureWriteThrough(
    int stream,
    const char *bytes,
    size_t len)
{
    Capture *c = &captures[stream == 2];
    Tcl_Channel chan;

    if (c->self) {
	/*
	 * Straight to the driver below: no buffer to flush. (Tcl_Flush on a
	 * stacked channel goes to the top of the stack, which is us.)
	 */

	Tcl_WriteRaw(Parent(c), bytes, (int) len);
    } else if ((chan = Tcl_GetStdChannel(stream == 2 ? TCL_STDERR
	    : TCL_STDOUT)) != NULL) {
	Tcl_Write(chan, bytes, (int) len);
	Tcl_Flush(chan);
    }
}
