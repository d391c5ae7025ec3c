/*
 * raw_roundtrip.c --
 *
 *	The baseline of px_roundtrip.sh: what an empty px costs at the least
 *	in raw C MPI, a broadcast of a small command from rank 0 and a
 *	gather of a small reply back, in a loop. Prints microseconds per
 *	round trip.
 */

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int
main(int argc, char **argv)
{
    char cmd[64] = "set x 1", reply[16] = "", *all;
    int rank, size, i, n = argc > 1 ? atoi(argv[1]) : 2000;
    double t0;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    all = malloc(16 * (size_t) size);
    for (i = 0; i < 100; i++) {
	MPI_Bcast(cmd, 64, MPI_CHAR, 0, MPI_COMM_WORLD);
	MPI_Gather(reply, 16, MPI_CHAR, all, 16, MPI_CHAR, 0, MPI_COMM_WORLD);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    t0 = MPI_Wtime();
    for (i = 0; i < n; i++) {
	MPI_Bcast(cmd, 64, MPI_CHAR, 0, MPI_COMM_WORLD);
	MPI_Gather(reply, 16, MPI_CHAR, all, 16, MPI_CHAR, 0, MPI_COMM_WORLD);
    }
    if (rank == 0) {
	printf("%.2f\n", (MPI_Wtime() - t0) / n * 1e6);
    }
    free(all);
    MPI_Finalize();
    return 0;
}
