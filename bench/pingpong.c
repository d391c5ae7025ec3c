/*
 * pingpong.c --
 *
 *	The raw C baseline of bench/pingpong.sh: MPI_Send/MPI_Recv ping-pong
 *	between ranks 0 and 1 of MPI_COMM_WORLD. Prints, on rank 0, one line
 *	per case: "NAME SECONDS-PER-ONE-WAY-TRIP BYTES".
 *
 *	Built by pingpong.sh with mpicc in a temporary directory, not by make.
 *	Usage: mpiexec -n 2 ./pingpong ?REPS?
 */

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double
PingPong(
    int rank,
    void *buf,
    int count,
    MPI_Datatype type,
    int reps)
{
    int i;
    double t0 = 0.0;

    for (i = -reps / 10 - 1; i < reps; i++) {
	if (i == 0) {
	    MPI_Barrier(MPI_COMM_WORLD);
	    t0 = MPI_Wtime();
	}
	if (rank == 0) {
	    MPI_Send(buf, count, type, 1, 0, MPI_COMM_WORLD);
	    MPI_Recv(buf, count, type, 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
	} else {
	    MPI_Recv(buf, count, type, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
	    MPI_Send(buf, count, type, 0, 0, MPI_COMM_WORLD);
	}
    }
    return (MPI_Wtime() - t0) / (2.0 * reps);
}

int
main(
    int argc,
    char **argv)
{
    int rank, reps = argc > 1 ? atoi(argv[1]) : 1000;
    size_t big = 8u << 20, n = 1u << 20, i;
    char small[8];
    char *bytes;
    double *doubles, t;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    bytes = malloc(big);
    doubles = malloc(n * sizeof(double));
    memset(small, 'x', sizeof(small));
    memset(bytes, 7, big);
    for (i = 0; i < n; i++) {
	doubles[i] = 0.5 * (double) i;
    }

    t = PingPong(rank, small, 8, MPI_BYTE, reps * 10);
    if (rank == 0) printf("small %.9g 8\n", t);
    t = PingPong(rank, bytes, (int) big, MPI_BYTE, reps / 5 + 1);
    if (rank == 0) printf("bytes %.9g %zu\n", t, big);
    t = PingPong(rank, doubles, (int) n, MPI_DOUBLE, reps / 50 + 1);
    if (rank == 0) printf("doubles %.9g %zu\n", t, n * sizeof(double));

    free(bytes);
    free(doubles);
    MPI_Finalize();
    return 0;
}
