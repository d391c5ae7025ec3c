/*
 * engine.h --
 *
 *	The px engine, as the command families on top of it see it
 *	(commands/data/ and commands/mpi/ include this; the engine includes
 *	neither of them). It answers, once each:
 *
 *	  - where the running code is: at ptclsh's prompt, in px code, or in
 *	    an SPMD script (PtclWhereAmI), and its default communicator;
 *	  - how options and -targets are read (PtclParseOptions,
 *	    PtclParseTargets): px, pmap and the data commands share them;
 *	  - how a command typed at the prompt runs px code on its targets
 *	    (PtclPxCall), and how the replies become a result (PtclPxReport)
 *	    or are inspected (PtclReplyReleased, by -errorcode);
 *	  - how a Tcl return code becomes a px result (PtclPxResultCode);
 *	  - what other families must do at the end of a px, when px code
 *	    fails, or when rank 0's prompt takes its next command: they
 *	    register hooks (PtclAddHook) instead of being called by name.
 *
 *	Built on runtime/ptclRuntime.h.
 */

#ifndef PTCL_ENGINE_H
#define PTCL_ENGINE_H

#include "ptclRuntime.h"
#include "transfer.h"
#include "comm.h"

/*
 * Per-interpreter state, kept as assoc data "ptcl". The families above
 * the engine do not read its fields: they ask the functions below.
 */

typedef struct PtclState {
    Tcl_Interp *interp;
    int inPx;			/* > 0 while px code runs here. */
    int64_t pxId;		/* The px that runs here, or the last one. */
    int64_t nextPxId;		/* Rank 0: id of the next px. */
    MPI_Comm pxComm;		/* Default communicator of px code. */
    Tcl_HashTable groupComms;	/* Target set ("2 3") -> MPI_Comm *. */
    Tcl_Obj *cancelMsg;		/* Why the running px was stopped, or
				 * NULL. One reference. */
    int cancelKind;		/* PTCL_MSG_INTERRUPT or PTCL_MSG_ABORT. */
    int limitTripped;		/* Rank 0 set a command limit of 0 to stop
				 * its px code (interrupt.c). */
    Tcl_Obj *payload;		/* The value rank 0 sent with the running
				 * px, or NULL. Not referenced here: the
				 * px engine holds it while the px runs. */
    int payloadKind;		/* 0, or PTCL_VAL_DOUBLES/WIDES when payload
				 * is still packed numbers (a bytearray):
				 * see PtclPxRawPayload. */
    Tcl_Obj *payloadDecoded;	/* The packed payload once unpacked by
				 * PtclPxPayload; one reference. */
} PtclState;

MODULE_SCOPE PtclState *PtclGetState(Tcl_Interp *interp);

/*
 *----------------------------------------------------------------------
 * Where the running code is (state.c).
 *----------------------------------------------------------------------
 */

typedef enum PtclWhere {
    PTCL_AT_PROMPT,		/* Rank 0 of ptclsh, outside px code. */
    PTCL_IN_PX,			/* px code, on any rank. */
    PTCL_IN_SPMD		/* A script every rank runs (package mode,
				 * or a worker outside px code). */
} PtclWhere;

MODULE_SCOPE PtclWhere PtclWhereAmI(Tcl_Interp *interp);
MODULE_SCOPE MPI_Comm PtclDefaultComm(Tcl_Interp *interp);
MODULE_SCOPE int PtclPxStopping(Tcl_Interp *interp);

/*
 *----------------------------------------------------------------------
 * Options and targets (options.c).
 *
 * An option table lists the options a command takes and what each
 * value is; PtclParseOptions reads "-name ?value?" words into one
 * PtclOptValue per table entry. Errors are usage errors (-errorcode
 * {PTCL USAGE}) that name the valid options and end with the command's
 * usage.
 *----------------------------------------------------------------------
 */

typedef enum PtclOptKind {
    PTCL_OPT_FLAG,		/* No value: present or not. */
    PTCL_OPT_OBJ,		/* Any value, kept as given. */
    PTCL_OPT_TARGETS,		/* World ranks (PtclParseTargets). */
    PTCL_OPT_RANK,		/* One world rank. */
    PTCL_OPT_SECONDS,		/* A number of seconds > 0. */
    PTCL_OPT_COUNT		/* An integer >= 1. */
} PtclOptKind;

typedef struct PtclOptSpec {
    const char *name;		/* "-targets"; NULL ends the table. */
    PtclOptKind kind;
} PtclOptSpec;

typedef struct PtclOptValue {
    int given;			/* The option was there. */
    Tcl_Obj *obj;		/* Its value word (not referenced). */
    int *targets;		/* PTCL_OPT_TARGETS: sorted, ckalloc'ed;
				 * PtclFreeOptions frees it. */
    int numTargets;
    int rank;			/* PTCL_OPT_RANK. */
    double seconds;		/* PTCL_OPT_SECONDS. */
    Tcl_WideInt count;		/* PTCL_OPT_COUNT. */
} PtclOptValue;

MODULE_SCOPE int PtclParseOptions(Tcl_Interp *interp, int objc,
		    Tcl_Obj *const objv[], const PtclOptSpec *specs,
		    PtclOptValue *values, const char *usage);
MODULE_SCOPE int PtclParseLeadingOptions(Tcl_Interp *interp, int objc,
		    Tcl_Obj *const objv[], int numArgs,
		    const PtclOptSpec *specs, PtclOptValue *values,
		    const char *usage, int *firstArgPtr);
MODULE_SCOPE void PtclFreeOptions(const PtclOptSpec *specs,
		    PtclOptValue *values);
MODULE_SCOPE int PtclParseTargets(Tcl_Interp *interp, Tcl_Obj *listObj,
		    int *numPtr, int **targetsPtr);
MODULE_SCOPE int PtclAllTargets(int **targetsPtr);
MODULE_SCOPE int PtclUsage(Tcl_Interp *interp, const char *usage);

/*
 *----------------------------------------------------------------------
 * px code on a prompt command's behalf (pxcall.c, px.c).
 *
 * A command typed at the prompt (a data command, pmap, ptcl::shared)
 * runs px code on its targets through one PtclPxCall: fill in the
 * targets, the script and (optionally) one payload per target, run it,
 * read the replies, free it.
 *----------------------------------------------------------------------
 */

typedef struct PtclPxCall {
    int numTargets;
    const int *targets;		/* World ranks, sorted, distinct. */
    Tcl_Obj *script;		/* The px code; PtclPxCallRun holds a
				 * reference while it runs. */
    Tcl_Obj *const *payloads;	/* NULL, or one value per target (an
				 * entry may be NULL): what
				 * ::ptcl::payload gives there. */
    int flags;			/* PTCL_PX_* */
    double timeout;		/* Seconds, or 0. */
    PtclReply *replies;		/* Filled by PtclPxCallRun, one per
				 * target in target order. */
} PtclPxCall;

MODULE_SCOPE int PtclPxCallRun(Tcl_Interp *interp, PtclPxCall *call);
MODULE_SCOPE void PtclPxCallFree(PtclPxCall *call);
MODULE_SCOPE int PtclPxReport(Tcl_Interp *interp, int numTargets,
		    PtclReply *replies);
MODULE_SCOPE int PtclReplyReleased(const PtclReply *reply);
MODULE_SCOPE int PtclPxResultCode(Tcl_Interp *interp, int code);
MODULE_SCOPE Tcl_Obj *PtclPxPayload(Tcl_Interp *interp);
MODULE_SCOPE Tcl_Obj *PtclPxRawPayload(Tcl_Interp *interp, int *kindPtr);

/*
 * The engine underneath (px.c, pxexec.c): used by the engine's own files
 * and by pxcall.c.
 */

MODULE_SCOPE int PtclGroupComm(Tcl_Interp *interp, int numTargets,
		    const int *targets, MPI_Comm *commPtr);
MODULE_SCOPE int PtclPxRun(Tcl_Interp *interp, int numTargets,
		    const int *targets, Tcl_Obj *scriptObj,
		    Tcl_Obj *const *payloads, int flags, double timeout,
		    PtclReply *replies);
MODULE_SCOPE int PtclServeCommand(Tcl_Interp *interp, const PtclBuf *msg);
MODULE_SCOPE void PtclRunPx(Tcl_Interp *interp, PtclState *state,
		    int64_t pxId, int numTargets, const int *targets,
		    Tcl_Obj *scriptObj, Tcl_Obj *payload,
		    PtclLineProc *lineProc, void *lineData, PtclReply *reply);
MODULE_SCOPE void PtclStopPx(PtclState *state, int kind, Tcl_Obj *msgObj);
MODULE_SCOPE int PtclStoppedError(Tcl_Interp *interp, PtclState *state);
MODULE_SCOPE int PtclPxExecInit(Tcl_Interp *interp);
MODULE_SCOPE void PtclErrorParts(Tcl_Interp *interp, Tcl_Obj **msgPtr,
		    Tcl_Obj **infoPtr, Tcl_Obj **codePtr);
MODULE_SCOPE int PtclShellExit(int status);
MODULE_SCOPE int PtclPxInit(Tcl_Interp *interp);

/*
 *----------------------------------------------------------------------
 * Hooks (state.c): what another family must do when the engine reaches
 * a point of a px's life. Procedures run in the order they were added.
 *----------------------------------------------------------------------
 */

typedef enum PtclHookEvent {
    PTCL_HOOK_PX_FAILED,	/* px code failed or was stopped on this
				 * rank (windows release their locks). */
    PTCL_HOOK_PX_END,		/* px code ended on a worker (kept gather
				 * results go). */
    PTCL_HOOK_PROMPT_TURN,	/* Rank 0's prompt takes its next command. */
    PTCL_HOOK_COMMS_RENEWED,	/* Every rank took fresh communicators
				 * after a stopped px (windows re-make
				 * their group communicators). */
    PTCL_HOOK_COUNT
} PtclHookEvent;

typedef int (PtclHookProc)(Tcl_Interp *interp, void *clientData);

MODULE_SCOPE void PtclAddHook(PtclHookEvent event, PtclHookProc *proc,
		    void *clientData);
MODULE_SCOPE int PtclRunHooks(Tcl_Interp *interp, PtclHookEvent event);

/*
 *----------------------------------------------------------------------
 * Interrupts (interrupt.c).
 *----------------------------------------------------------------------
 */

MODULE_SCOPE void PtclInterruptInstall(Tcl_Interp *interp);
MODULE_SCOPE void PtclSignalInstall(void);
MODULE_SCOPE void PtclInterruptLift(Tcl_Interp *interp);
MODULE_SCOPE void PtclInterruptWatch(int on);
MODULE_SCOPE int PtclInterruptAfterInit(Tcl_Interp *interp);
MODULE_SCOPE int PtclSignalPending(void);
MODULE_SCOPE void PtclSignalClear(void);

/*
 *----------------------------------------------------------------------
 * Command families, registered by Ptcl_Init (commands/ptclInit.c).
 *----------------------------------------------------------------------
 */

MODULE_SCOPE int PtclMpiInit(Tcl_Interp *interp);
MODULE_SCOPE int PtclCollectivesInit(Tcl_Interp *interp);

#endif /* PTCL_ENGINE_H */
