/*
 * data_raw.c --
 *
 *	The raw C MPI baseline of bench/data_bench.sh: scatter, gather and
 *	bcast of 1 000 000 doubles and of an 8 MiB byte buffer, with the
 *	plain blocking collectives, from rank 0. Prints one line per
 *	operation: "raw OP KIND SECONDS" (the median of REPS runs).
 */

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NUM_DOUBLES	1000000
#define NUM_BYTES	(8 * 1024 * 1024)
#define REPS		15

static int
Compare(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

static void
Report(const char *op, const char *kind, double *t, int rank)
{
    if (rank == 0) {
	qsort(t, REPS, sizeof(double), Compare);
	printf("raw %s %s %.6f\n", op, kind, t[REPS / 2]);
    }
}

int
main(int argc, char **argv)
{
    int rank, size, i, k;
    double t[REPS], t0;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    for (k = 0; k < 2; k++) {
	const char *kind = k == 0 ? "doubles" : "bytes";
	MPI_Datatype type = k == 0 ? MPI_DOUBLE : MPI_BYTE;
	size_t elem = k == 0 ? sizeof(double) : 1;
	int n = k == 0 ? NUM_DOUBLES : NUM_BYTES, part = n / size;
	char *full = malloc((size_t) n * elem), *mine = malloc((size_t) part
		* elem);

	memset(full, 1, (size_t) n * elem);
	memset(mine, 2, (size_t) part * elem);
	for (i = 0; i < REPS; i++) {
	    MPI_Barrier(MPI_COMM_WORLD);
	    t0 = MPI_Wtime();
	    MPI_Scatter(full, part, type, mine, part, type, 0, MPI_COMM_WORLD);
	    MPI_Barrier(MPI_COMM_WORLD);
	    t[i] = MPI_Wtime() - t0;
	}
	Report("scatter", kind, t, rank);
	for (i = 0; i < REPS; i++) {
	    MPI_Barrier(MPI_COMM_WORLD);
	    t0 = MPI_Wtime();
	    MPI_Gather(mine, part, type, full, part, type, 0, MPI_COMM_WORLD);
	    MPI_Barrier(MPI_COMM_WORLD);
	    t[i] = MPI_Wtime() - t0;
	}
	Report("gather", kind, t, rank);
	for (i = 0; i < REPS; i++) {
	    MPI_Barrier(MPI_COMM_WORLD);
	    t0 = MPI_Wtime();
	    MPI_Bcast(full, n, type, 0, MPI_COMM_WORLD);
	    MPI_Barrier(MPI_COMM_WORLD);
	    t[i] = MPI_Wtime() - t0;
	}
	Report("bcast", kind, t, rank);
	free(full);
	free(mine);
    }
    MPI_Finalize();
    return 0;
}
