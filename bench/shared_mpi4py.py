# shared_mpi4py.py --
#
#	The mpi4py side of bench/shared_bench.sh: a shared counter and a
#	1M-double shared array made with Win.Allocate_shared and seen through
#	numpy, as a Python user writes them.
#
#	(a) Each rank adds 1 to element 0 of rank 0's segment K times, all
#	    ranks at once:
#	      fao     Fetch_and_op(SUM) + Flush, inside Lock_all
#	      acc     Accumulate(SUM) + Flush, inside Lock_all
#	      lock    Lock(0, exclusive); a[0] += 1; Unlock(0)
#	      racy    a[0] += 1 with no lock (loses updates)
#	(b) Rank 0 alone reads 1M doubles of rank 1's segment (its own at one
#	    rank) while the others wait in a barrier:
#	      copy    a.copy() of the numpy view
#	      get     Get into a numpy array, inside Lock(target, shared)
#	      tolist  a.tolist() of the view: a Python list of 1M floats
#	      gettolist  Get, then tolist
#
#	Prints on rank 0 "mpi4py RANKS CASE SECONDS COUNT [TOTAL]": for (a)
#	the time between barriers of K ops on every rank and K, plus the
#	counter's final value; for (b) the time of one read and 1000000.
#	Each figure is the median of REPS runs.
#
#	Usage: mpiexec -n N /usr/bin/python3 shared_mpi4py.py ?K? ?REPS?

import sys
import time
import numpy as np
from mpi4py import MPI

comm = MPI.COMM_WORLD
node = comm.Split_type(MPI.COMM_TYPE_SHARED)
rank, size = node.rank, node.size
K = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
N = 1000000


def median(ts):
    return sorted(ts)[len(ts) // 2]


def report(case, seconds, count, total=None):
    if rank == 0:
        extra = "" if total is None else " %d" % total
        print("mpi4py %d %s %.6f %d%s" % (size, case, seconds, count, extra),
              flush=True)


# ---------------------------------------------------------------- (a)
cwin = MPI.Win.Allocate_shared(8 if rank == 0 else 0, 8, comm=node)
cbuf, _ = cwin.Shared_query(0)
counter = np.ndarray(buffer=cbuf, dtype='i8', shape=(1,))
one = np.ones(1, dtype='i8')
old = np.zeros(1, dtype='i8')


def fao():
    cwin.Lock_all()
    for _ in range(K):
        cwin.Fetch_and_op(one, old, 0, 0, MPI.SUM)
        cwin.Flush(0)
    cwin.Unlock_all()


def acc():
    cwin.Lock_all()
    for _ in range(K):
        cwin.Accumulate(one, 0, op=MPI.SUM)
        cwin.Flush(0)
    cwin.Unlock_all()


def locked():
    for _ in range(K):
        cwin.Lock(0, MPI.LOCK_EXCLUSIVE)
        counter[0] += 1
        cwin.Unlock(0)


def racy():
    for _ in range(K):
        counter[0] += 1


def read_counter():
    cwin.Lock(0, MPI.LOCK_SHARED)
    v = int(counter[0])
    cwin.Unlock(0)
    return v


for case, fn in (("fao", fao), ("acc", acc), ("lock", locked), ("racy", racy)):
    times = []
    for _ in range(reps):
        if rank == 0:
            cwin.Lock(0, MPI.LOCK_EXCLUSIVE)
            counter[0] = 0
            cwin.Unlock(0)
        node.Barrier()
        t0 = time.perf_counter()
        fn()
        node.Barrier()
        times.append(time.perf_counter() - t0)
    report(case, median(times), K, read_counter())
node.Barrier()
cwin.Free()

# ---------------------------------------------------------------- (b)
awin = MPI.Win.Allocate_shared(8 * N, 8, comm=node)
target = 1 if size > 1 else 0
abuf, _ = awin.Shared_query(target)
view = np.ndarray(buffer=abuf, dtype='d', shape=(N,))
mine, _ = awin.Shared_query(rank)
np.ndarray(buffer=mine, dtype='d', shape=(N,))[:] = np.arange(N) * 0.5
node.Barrier()
into = np.empty(N, dtype='d')


def get():
    awin.Lock(target, MPI.LOCK_SHARED)
    awin.Get(into, target)
    awin.Unlock(target)
    return into


for case, fn in (("copy", lambda: view.copy()),
                 ("get", get),
                 ("tolist", lambda: view.tolist()),
                 ("gettolist", lambda: get().tolist())):
    times = []
    keep = None
    for _ in range(reps):
        node.Barrier()
        if rank == 0:
            keep = None     # free the previous result outside the timing
            t0 = time.perf_counter()
            keep = fn()
            times.append(time.perf_counter() - t0)
        node.Barrier()
    if rank == 0:
        assert keep[N - 1] == (N - 1) * 0.5
    report(case, median(times) if rank == 0 else 0.0, N)
node.Barrier()
awin.Free()
