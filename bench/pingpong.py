# pingpong.py --
#
#	The mpi4py side of bench/pingpong.sh: ping-pong between ranks 0 and
#	1, with the pickle path (comm.send/comm.recv of Python objects) and
#	the buffer path (comm.Send/comm.Recv of numpy arrays). Prints, on
#	rank 0, "NAME SECONDS-PER-ONE-WAY-TRIP BYTES".
#	Usage: mpiexec -n 2 /usr/bin/python3 pingpong.py [REPS]

import sys
import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()
reps = int(sys.argv[1]) if len(sys.argv) > 1 else 1000


def pickled(value, reps):
    warm = reps // 10 + 1
    for i in range(-warm, reps):
        if i == 0:
            comm.Barrier()
            t0 = MPI.Wtime()
        if rank == 0:
            comm.send(value, dest=1)
            value = comm.recv(source=1)
        else:
            value = comm.recv(source=0)
            comm.send(value, dest=0)
    return (MPI.Wtime() - t0) / (2.0 * reps)


def buffered(array, reps):
    warm = reps // 10 + 1
    for i in range(-warm, reps):
        if i == 0:
            comm.Barrier()
            t0 = MPI.Wtime()
        if rank == 0:
            comm.Send(array, dest=1)
            comm.Recv(array, source=1)
        else:
            comm.Recv(array, source=0)
            comm.Send(array, dest=0)
    return (MPI.Wtime() - t0) / (2.0 * reps)


def report(name, t, nbytes):
    if rank == 0:
        print(f"{name} {t:.9g} {nbytes}", flush=True)


big = 8 << 20
n = 1 << 20
report("pickle-small", pickled(b"xxxxxxxx", reps * 10), 8)
report("pickle-bytes", pickled(bytes(big), reps // 5 + 1), big)
report("pickle-doubles", pickled([0.5 * i for i in range(n)], reps // 50 + 1), 8 * n)
report("buffer-small", buffered(np.zeros(8, dtype=np.uint8), reps * 10), 8)
report("buffer-bytes", buffered(np.zeros(big, dtype=np.uint8), reps // 5 + 1), big)
report("buffer-doubles", buffered(np.arange(n, dtype=np.float64) * 0.5, reps // 50 + 1), 8 * n)
