# shared_multiprocessing.py --
#
#	The multiprocessing side of bench/shared_bench.sh, the slides' own
#	system: N processes (no MPI) share a Value and an Array.
#
#	(a) Each process adds 1 to an mp.Value('q') K times, all at once:
#	      lock    with v.get_lock(): v.value += 1
#	      racy    v.value += 1 (the getter and the setter each take the
#	              lock, the pair does not: loses updates, like ptcl's
#	              get; set)
#	(b) The parent alone reads an mp.Array('d', 1000000) (lock=False):
#	      tolist  a[:], a Python list of 1M floats
#	      copy    numpy.frombuffer(a).copy(), a numpy array
#
#	Prints "mp RANKS CASE SECONDS COUNT [TOTAL]" like shared_mpi4py.py:
#	(a) the time from a common start to the last process's end; (b) the
#	time of one read. Medians of REPS runs.
#
#	Usage: /usr/bin/python3 shared_multiprocessing.py ?N? ?K? ?REPS?

import sys
import time
import multiprocessing as mp

N = 1000000


def median(ts):
    return sorted(ts)[len(ts) // 2]


def bump(case, v, k, start, done):
    start.wait()
    if case == "lock":
        for _ in range(k):
            with v.get_lock():
                v.value += 1
    else:
        for _ in range(k):
            v.value += 1
    done.wait()


def counter_case(case, n, k, reps):
    times = []
    for _ in range(reps):
        v = mp.Value('q', 0)
        start = mp.Barrier(n + 1)
        done = mp.Barrier(n + 1)
        procs = [mp.Process(target=bump, args=(case, v, k, start, done))
                 for _ in range(n)]
        for p in procs:
            p.start()
        start.wait()
        t0 = time.perf_counter()
        done.wait()
        times.append(time.perf_counter() - t0)
        for p in procs:
            p.join()
    print("mp %d %s %.6f %d %d" % (n, case, median(times), k, v.value),
          flush=True)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    k = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
    reps = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    mp.set_start_method("fork")
    for case in ("lock", "racy"):
        counter_case(case, n, k, reps)

    # (b): the other processes only wait; process 0 (this one) reads.
    import numpy as np
    a = mp.Array('d', N, lock=False)
    np.frombuffer(a, dtype='d')[:] = np.arange(N) * 0.5
    for case, fn in (("tolist", lambda: a[:]),
                     ("copy", lambda: np.frombuffer(a, dtype='d').copy())):
        times = []
        keep = None
        for _ in range(reps):
            keep = None
            t0 = time.perf_counter()
            keep = fn()
            times.append(time.perf_counter() - t0)
        assert keep[N - 1] == (N - 1) * 0.5
        print("mp %d %s %.6f %d" % (n, case, median(times), N), flush=True)


if __name__ == "__main__":
    main()
