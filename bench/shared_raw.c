/*
 * shared_raw.c --
 *
 *	The raw C side of bench/shared_bench.sh: the cases of
 *	shared_mpi4py.py with MPI_Win_allocate_shared in plain C.
 *
 *	(a) Each rank adds 1 to element 0 of rank 0's segment K times, all
 *	    ranks at once:
 *	      fao     MPI_Fetch_and_op(MPI_SUM) + MPI_Win_flush, in lock_all
 *	      acc     MPI_Accumulate(MPI_SUM) + MPI_Win_flush, in lock_all
 *	      lock    MPI_Win_lock(exclusive); p[0]++; MPI_Win_unlock
 *	      atomic  __atomic_fetch_add on the shared memory (no MPI call)
 *	(b) Rank 0 alone reads 1M doubles of rank 1's segment:
 *	      copy    memcpy from the shared memory
 *	      get     MPI_Get inside MPI_Win_lock(shared)
 *
 *	Prints on rank 0 "raw RANKS CASE SECONDS COUNT [TOTAL]", medians of
 *	REPS runs, like shared_mpi4py.py.
 *
 *	Usage: mpiexec -n N shared_raw ?K? ?REPS?
 */

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 1000000

static int
Compare(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

static double
Median(double *t, int n)
{
    qsort(t, n, sizeof(double), Compare);
    return t[n / 2];
}

int
main(int argc, char **argv)
{
    int rank, size, reps, i, r, c, target;
    long k, K;
    double *t, t0;
    long long *counter, one = 1, old;
    double *seg, *view, *into;
    MPI_Comm node;
    MPI_Win cwin, awin;
    MPI_Aint bytes;
    int disp;
    static const char *cases[] = {"fao", "acc", "lock", "atomic"};

    MPI_Init(&argc, &argv);
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0,
	    MPI_INFO_NULL, &node);
    MPI_Comm_rank(node, &rank);
    MPI_Comm_size(node, &size);
    K = argc > 1 ? atol(argv[1]) : 100000;
    reps = argc > 2 ? atoi(argv[2]) : 5;
    t = malloc(reps * sizeof(double));

    /* (a) */
    MPI_Win_allocate_shared(rank == 0 ? 8 : 0, 8, MPI_INFO_NULL, node,
	    &counter, &cwin);
    MPI_Win_shared_query(cwin, 0, &bytes, &disp, &counter);
    for (c = 0; c < 4; c++) {
	for (r = 0; r < reps; r++) {
	    if (rank == 0) {
		MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, cwin);
		counter[0] = 0;
		MPI_Win_unlock(0, cwin);
	    }
	    MPI_Barrier(node);
	    t0 = MPI_Wtime();
	    switch (c) {
	    case 0:
		MPI_Win_lock_all(0, cwin);
		for (k = 0; k < K; k++) {
		    MPI_Fetch_and_op(&one, &old, MPI_LONG_LONG, 0, 0, MPI_SUM,
			    cwin);
		    MPI_Win_flush(0, cwin);
		}
		MPI_Win_unlock_all(cwin);
		break;
	    case 1:
		MPI_Win_lock_all(0, cwin);
		for (k = 0; k < K; k++) {
		    MPI_Accumulate(&one, 1, MPI_LONG_LONG, 0, 0, 1,
			    MPI_LONG_LONG, MPI_SUM, cwin);
		    MPI_Win_flush(0, cwin);
		}
		MPI_Win_unlock_all(cwin);
		break;
	    case 2:
		for (k = 0; k < K; k++) {
		    MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, cwin);
		    counter[0]++;
		    MPI_Win_unlock(0, cwin);
		}
		break;
	    case 3:
		for (k = 0; k < K; k++) {
		    __atomic_fetch_add(&counter[0], 1, __ATOMIC_SEQ_CST);
		}
		break;
	    }
	    MPI_Barrier(node);
	    t[r] = MPI_Wtime() - t0;
	}
	MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, cwin);
	old = counter[0];
	MPI_Win_unlock(0, cwin);
	if (rank == 0) {
	    printf("raw %d %s %.6f %ld %lld\n", size, cases[c], Median(t, reps),
		    K, old);
	    fflush(stdout);
	}
    }
    MPI_Barrier(node);
    MPI_Win_free(&cwin);

    /* (b) */
    target = size > 1 ? 1 : 0;
    MPI_Win_allocate_shared(8 * (MPI_Aint) N, 8, MPI_INFO_NULL, node, &seg,
	    &awin);
    for (i = 0; i < N; i++) {
	seg[i] = i * 0.5;
    }
    MPI_Win_shared_query(awin, target, &bytes, &disp, &view);
    into = malloc(8 * (size_t) N);
    MPI_Barrier(node);
    for (c = 0; c < 2; c++) {
	for (r = 0; r < reps; r++) {
	    MPI_Barrier(node);
	    if (rank == 0) {
		t0 = MPI_Wtime();
		if (c == 0) {
		    memcpy(into, view, 8 * (size_t) N);
		} else {
		    MPI_Win_lock(MPI_LOCK_SHARED, target, 0, awin);
		    MPI_Get(into, N, MPI_DOUBLE, target, 0, N, MPI_DOUBLE, awin);
		    MPI_Win_unlock(target, awin);
		}
		t[r] = MPI_Wtime() - t0;
		if (into[N - 1] != (N - 1) * 0.5) {
		    fprintf(stderr, "shared_raw: bad data\n");
		    MPI_Abort(MPI_COMM_WORLD, 1);
		}
	    }
	    MPI_Barrier(node);
	}
	if (rank == 0) {
	    printf("raw %d %s %.6f %d\n", size, c == 0 ? "copy" : "get",
		    Median(t, reps), N);
	    fflush(stdout);
	}
    }
    MPI_Win_free(&awin);
    free(into);
    free(t);
    MPI_Comm_free(&node);
    MPI_Finalize();
    return 0;
}
