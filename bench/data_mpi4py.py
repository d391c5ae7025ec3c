# data_mpi4py.py --
#
#	mpi4py's half of bench/data_bench.sh: the pickled (lowercase)
#	collectives on a Python list of 1 000 000 floats and on 8 MiB of
#	bytes, as a Python user writes them. Prints "mpi4py OP KIND SECONDS"
#	lines, each the median of the runs, timed between barriers.

import sys
import time
from mpi4py import MPI

comm = MPI.COMM_WORLD
rank, size = comm.rank, comm.size
reps = int(sys.argv[1]) if len(sys.argv) > 1 else 11


def timed(fn):
    times = []
    for _ in range(reps):
        comm.Barrier()
        t0 = time.perf_counter()
        fn()
        comm.Barrier()
        times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2]


def report(op, kind, seconds):
    if rank == 0:
        print("mpi4py %s %s %.6f" % (op, kind, seconds), flush=True)


n = 1000000
data = [i * 0.5 for i in range(n)]
blocks = [data[i * n // size:(i + 1) * n // size] for i in range(size)]
mine = blocks[rank]
report("scatter", "doubles", timed(lambda: comm.scatter(blocks if rank == 0 else None, root=0)))
report("gather", "doubles", timed(lambda: comm.gather(mine, root=0)))
report("bcast", "doubles", timed(lambda: comm.bcast(data if rank == 0 else None, root=0)))

nbytes = 8 * 1024 * 1024
raw = bytes(nbytes)
parts = [bytes(nbytes // size) for _ in range(size)]
report("scatter", "bytes", timed(lambda: comm.scatter(parts if rank == 0 else None, root=0)))
report("gather", "bytes", timed(lambda: comm.gather(parts[rank], root=0)))
report("bcast", "bytes", timed(lambda: comm.bcast(raw if rank == 0 else None, root=0)))
