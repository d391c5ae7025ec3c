# data_ipp.py --
#
#	ipyparallel's half of bench/data_bench.sh: a local cluster of two
#	engines on loopback, and push (bcast), scatter, gather and pull of a
#	Python list of 1 000 000 floats and of 8 MiB of bytes, from the
#	client, as the slides do. Prints "ipyparallel OP KIND SECONDS" lines
#	(medians). The cluster is started here and stopped at the end.

import sys
import time
import ipyparallel as ipp

reps = int(sys.argv[1]) if len(sys.argv) > 1 else 3


def timed(fn):
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2]


def report(op, kind, seconds):
    print("ipyparallel %s %s %.6f" % (op, kind, seconds), flush=True)


cluster = ipp.Cluster(n=2, controller_ip="127.0.0.1", engine_timeout=60,
                      log_level=40)
rc = cluster.start_and_connect_sync()
try:
    rc.wait_for_engines(2, timeout=120)
    view = rc[:]
    view.block = True
    n = 1000000
    data = [i * 0.5 for i in range(n)]
    report("scatter", "doubles", timed(lambda: view.scatter("a", data)))
    report("gather", "doubles", timed(lambda: view.gather("a")))
    report("bcast", "doubles", timed(lambda: view.push({"x": data})))
    report("pull", "doubles", timed(lambda: view.pull("x")))
    nbytes = 8 * 1024 * 1024
    raw = bytes(nbytes)
    parts = [bytes(nbytes // 2), bytes(nbytes // 2)]
    report("scatter", "bytes", timed(lambda: view.scatter("b", parts)))
    report("gather", "bytes", timed(lambda: view.gather("b")))
    report("bcast", "bytes", timed(lambda: view.push({"y": raw})))
finally:
    rc.close()
    cluster.stop_cluster_sync()
