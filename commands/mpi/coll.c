/*
 * mpi_coll.c --
 *
 *	The collectives of the mpi:: layer on Tcl values: mpi::bcast,
 *	mpi::scatter, mpi::gather, mpi::allgather, mpi::alltoall,
 *	mpi::reduce, mpi::allreduce, mpi::scan, mpi::exscan and
 *	mpi::barrier. Each takes ?-comm C? (default: the px group inside px
 *	code, the world elsewhere) and ?-root R? where it applies. The work
 *	is runtime/collective.c's: nonblocking MPI collectives waited for in
 *	the one wait loop, with an agreement step so that bad input on one
 *	rank (a bad -counts, an unknown op, a value that is not a number)
 *	makes every rank fail with the same message.
 */

#include "mpi/mpi.h"
#include <string.h>

enum {
    C_BCAST, C_SCATTER, C_GATHER, C_ALLGATHER, C_ALLTOALL, C_REDUCE,
    C_ALLREDUCE, C_SCAN, C_EXSCAN, C_BARRIER
};

typedef struct CollInfo {
    const char *name;
    const char *usage;
    int numArgs;		/* Positional arguments. */
    int hasRoot, hasCounts;
} CollInfo;

static const CollInfo collInfo[] = {
    {"mpi::bcast", "mpi::bcast VALUE ?-root R? ?-comm C?", 1, 1, 0},
    {"mpi::scatter",
	"mpi::scatter LIST ?-counts COUNTS? ?-root R? ?-comm C?", 1, 1, 1},
    {"mpi::gather",
	"mpi::gather VALUE ?-counts COUNTS? ?-root R? ?-comm C?", 1, 1, 1},
    {"mpi::allgather", "mpi::allgather VALUE ?-counts COUNTS? ?-comm C?",
	1, 0, 1},
    {"mpi::alltoall", "mpi::alltoall LIST ?-comm C?", 1, 0, 0},
    {"mpi::reduce", "mpi::reduce VALUE OP ?-root R? ?-comm C?", 2, 1, 0},
    {"mpi::allreduce", "mpi::allreduce VALUE OP ?-comm C?", 2, 0, 0},
    {"mpi::scan", "mpi::scan VALUE OP ?-comm C?", 2, 0, 0},
    {"mpi::exscan", "mpi::exscan VALUE OP ?-comm C?", 2, 0, 0},
    {"mpi::barrier", "mpi::barrier ?-comm C?", 0, 0, 0}
};

/*
 *----------------------------------------------------------------------
 *
 * ParseCounts --
 *
 *	Reads -counts: one non-negative integer per rank of comm.
 *
 * Results:
 *	NULL with *countsPtr set (ckalloc'ed; the caller frees it), or an
 *	error message (refcount 0) saying what is wrong.
 *
 *----------------------------------------------------------------------
 */

static Tcl_Obj *
ParseCounts(
    Tcl_Obj *listObj,
    int size,
    int64_t **countsPtr)
{
    Tcl_Obj **elems;
    int n, i;
    int64_t *counts;

    if (Tcl_ListObjGetElements(NULL, listObj, &n, &elems) != TCL_OK) {
	return Tcl_ObjPrintf("bad -counts \"%.50s\": not a list",
		Tcl_GetString(listObj));
    }
    if (n != size) {
	return Tcl_ObjPrintf("bad -counts \"%.50s\": needs %d counts, one "
		"per rank, but has %d", Tcl_GetString(listObj), size, n);
    }
    counts = (int64_t *) ckalloc(sizeof(int64_t) * (size_t) (n + 1));
    for (i = 0; i < n; i++) {
	Tcl_WideInt w;

	if (Tcl_GetWideIntFromObj(NULL, elems[i], &w) != TCL_OK || w < 0
		|| w > INT32_MAX) {
	    ckfree(counts);
	    return Tcl_ObjPrintf("bad count \"%.50s\" in -counts: must be "
		    "a non-negative integer", Tcl_GetString(elems[i]));
	}
	counts[i] = (int64_t) w;
    }
    *countsPtr = counts;
    return NULL;
}

/*
 *----------------------------------------------------------------------
 *
 * CollObjCmd --
 *
 *	One procedure for the ten collectives; clientData says which.
 *
 * Results:
 *	bcast, allgather, alltoall, allreduce, scan: the result on every
 *	rank; scatter: this rank's part; gather and reduce: the result on
 *	the root, the empty string elsewhere; exscan: the empty string on
 *	rank 0; barrier: the empty string.
 *
 * Side effects:
 *	A collective call over the communicator.
 *
 *----------------------------------------------------------------------
 */

static int
CollObjCmd(
    ClientData clientData,
    Tcl_Interp *interp,
    int objc,
    Tcl_Obj *const objv[])
{
    int which = (int) (intptr_t) clientData;
    const CollInfo *info = &collInfo[which];
    static const char *const options[] = {"-root", "-comm", "-counts", NULL};
    enum { O_ROOT, O_COMM, O_COUNTS };
    static const char *const rootOptions[] = {"-root", "-comm", NULL};
    static const char *const countOptions[] = {"-counts", "-comm", NULL};
    static const char *const commOptions[] = {"-comm", NULL};
    const char *const *table;
    Tcl_Obj *given[3] = {NULL, NULL, NULL}, *values[3] = {NULL, NULL, NULL};
    Tcl_Obj *result = NULL, *localError = NULL;
    MPI_Comm comm;
    int root = 0, rank = 0, size = 1, code, i, op = -1;
    int64_t *counts = NULL;
    PtclReduceOp ptclOp;

    (void) options;
    if (objc < 1 + info->numArgs) {
	return PtclUsage(interp, info->usage);
    }
    if (info->hasRoot && info->hasCounts) {
	table = options;
    } else if (info->hasRoot) {
	table = rootOptions;
    } else if (info->hasCounts) {
	table = countOptions;
    } else {
	table = commOptions;
    }
    if (PtclMpiOptions(interp, objc, objv, 1 + info->numArgs, table, given,
	    info->usage) != TCL_OK) {
	return TCL_ERROR;
    }
    for (i = 0; table[i] != NULL; i++) {
	if (strcmp(table[i], "-root") == 0) {
	    values[O_ROOT] = given[i];
	} else if (strcmp(table[i], "-comm") == 0) {
	    values[O_COMM] = given[i];
	} else {
	    values[O_COUNTS] = given[i];
	}
    }
    if (PtclMpiGetComm(interp, values[O_COMM], &comm) != TCL_OK
	    || (values[O_ROOT] && PtclMpiGetRank(interp, values[O_ROOT], comm,
		0, "root", &root) != TCL_OK)
	    || PtclMpiAtPrompt(interp, comm, info->name) != TCL_OK) {
	return TCL_ERROR;
    }
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);

    /*
     * Errors in -counts or the op are not returned here: they go into
     * the collective, which makes every rank fail with them.
     */

    if (values[O_COUNTS] && (which != C_SCATTER || rank == root)) {
	localError = ParseCounts(values[O_COUNTS], size, &counts);
    }
    if (info->numArgs == 2 && localError == NULL) {
	if (PtclGetOpFromObj(interp, objv[2], &ptclOp) == TCL_OK) {
	    op = (int) ptclOp;
	} else {
	    localError = Tcl_GetObjResult(interp);
	}
    }
    if (localError) {
	Tcl_IncrRefCount(localError);
	Tcl_ResetResult(interp);
    }

    switch (which) {
    case C_BCAST:
	code = PtclCollBcast(interp, comm, root, objv[1], &result);
	break;
    case C_SCATTER:
	code = PtclCollScatterEx(interp, comm, root, objv[1], counts,
		localError, &result);
	break;
    case C_GATHER:
    case C_ALLGATHER:
	code = PtclCollGatherEx(interp, comm, root, objv[1],
		which == C_ALLGATHER ? PTCL_GATHER_ALL : 0, counts, localError,
		&result);
	break;
    case C_ALLTOALL:
	code = PtclCollAlltoallEx(interp, comm, objv[1], NULL, &result);
	break;
    case C_REDUCE:
    case C_ALLREDUCE:
    case C_SCAN:
    case C_EXSCAN:
	code = PtclCollReduceEx(interp, comm,
		which == C_REDUCE ? PTCL_REDUCE
		: which == C_ALLREDUCE ? PTCL_ALLREDUCE
		: which == C_SCAN ? PTCL_SCAN : PTCL_EXSCAN,
		root, op, localError, objv[1], &result);
	break;
    default:
	code = PtclCollBarrier(interp, comm);
	break;
    }
    if (localError) {
	Tcl_DecrRefCount(localError);
    }
    if (counts) {
	ckfree(counts);
    }
    if (code == TCL_OK) {
	if (result) {
	    Tcl_SetObjResult(interp, result);
	    Tcl_DecrRefCount(result);	/* The collective's reference. */
	} else {
	    Tcl_ResetResult(interp);
	}
    }
    return code;
}

int
PtclMpiCollInit(
    Tcl_Interp *interp)
{
    size_t i;
    char name[64];

    for (i = 0; i < sizeof(collInfo) / sizeof(collInfo[0]); i++) {
	snprintf(name, sizeof(name), "::%s", collInfo[i].name);
	Tcl_CreateObjCommand(interp, name, CollObjCmd, (ClientData)
		(intptr_t) i, NULL);
    }
    return TCL_OK;
}
