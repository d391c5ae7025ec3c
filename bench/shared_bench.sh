#!/bin/sh
# shared_bench.sh --
#
#	The benchmark of shared arrays and one-sided windows (issue 8), in
#	one invocation, on 2 and 4 ranks of one node (not a test):
#	(a) a shared int64 counter that every rank adds 1 to, K times, all
#	    at once: ptcl::shared's incr, locked {get; set} and plain
#	    get; set, and mpi::win fetch_and_op and accumulate, against
#	    mpi4py (Win.Allocate_shared + numpy: Fetch_and_op, Accumulate,
#	    Lock/a[0] += 1/Unlock), multiprocessing (a Value, with and
#	    without its lock) and raw C (the same MPI calls, and a bare
#	    __atomic_fetch_add);
#	(b) rank 0 reading 1M doubles of shared memory: a ptcl::shared
#	    array's list and mpi::win get (both give a Tcl list), against
#	    mpi4py's tolist() (a Python list, the fair comparison), numpy
#	    copy and Get (an array, not a language list), multiprocessing
#	    Array's a[:] and numpy copy, and C memcpy and MPI_Get.
#	ptcl runs in a stock tclsh (shared_bench.tcl), mpi4py is Debian's
#	(shared_mpi4py.py), multiprocessing runs without MPI
#	(shared_multiprocessing.py), C is built here with mpicc
#	(shared_raw.c). They run interleaved ROUNDS times; each prints
#	medians of REPS runs, and the tables give the median of the rounds.
#
# Usage:
#	bench/shared_bench.sh ?K? ?REPS?   (from the top of the build tree;
#	    K: increments per rank, default 50000; REPS default 5)
#
# Environment: ROUNDS (default 3), RANKS (default "2 4"), MPIEXEC
# (default mpiexec), TCLSH (default tclsh), PYTHON (default
# /usr/bin/python3).

set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
K=${1:-50000}
reps=${2:-5}
rounds=${ROUNDS:-3}
ranks=${RANKS:-"2 4"}
mpiexec=${MPIEXEC:-mpiexec}
tclsh=${TCLSH:-tclsh}
python=${PYTHON:-/usr/bin/python3}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
export PTCL_LIBRARY=${PTCL_LIBRARY:-$top/scripts} TCLLIBPATH=${TCLLIBPATH:-$top}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/times
: > "$out"

mpicc -O2 -o "$tmp/shared_raw" "$here/shared_raw.c"
havepy=0
if "$python" -c "import mpi4py, numpy" 2>/dev/null; then
    havepy=1
else
    echo "mpi4py or numpy: not installed, skipped"
fi
i=0
while [ $i -lt "$rounds" ]; do
    for n in $ranks; do
        "$mpiexec" -n "$n" "$tmp/shared_raw" "$K" "$reps" >> "$out"
        "$mpiexec" -n "$n" "$tclsh" "$here/shared_bench.tcl" "$K" "$reps" >> "$out"
        if [ $havepy = 1 ]; then
            "$mpiexec" -n "$n" "$python" "$here/shared_mpi4py.py" "$K" "$reps" >> "$out"
            "$python" "$here/shared_multiprocessing.py" "$n" "$K" "$reps" >> "$out"
        fi
    done
    i=$((i + 1))
done

"$tclsh" - "$out" "$ranks" "$rounds" "$reps" <<'TCL'
lassign [lrange $argv end-3 end] file ranks rounds reps
# times: who,ranks,case -> list of seconds (one per round); counts and
# totals likewise.
set times {}
set f [open $file]
foreach line [split [read $f] \n] {
    if {[llength $line] >= 5} {
        lassign $line who n case t count total
        dict lappend times $who,$n,$case $t
        dict set counts $who,$n,$case $count
        if {$total ne ""} {
            dict lappend totals $who,$n,$case $total
        }
    }
}
close $f
proc median {l} {
    lindex [lsort -real $l] [expr {[llength $l] / 2}]
}
proc t {key} {
    global times
    expr {[dict exists $times $key] ? [median [dict get $times $key]] : ""}
}
# ops/s of one rank: K / time of the K ops between barriers.
proc rate {key} {
    set t [t $key]
    if {$t eq "" || $t == 0} {return ""}
    expr {[dict get $::counts $key] / $t}
}
proc fmtrate {r} {
    if {$r eq ""} {return -}
    if {$r >= 1e6} {return [format %.2fM [expr {$r / 1e6}]]}
    if {$r >= 1e3} {return [format %.1fk [expr {$r / 1e3}]]}
    format %.0f $r
}
# final: the counter's final values over the rounds, against ranks*K.
proc final {key n} {
    global totals counts
    if {![dict exists $totals $key]} {return -}
    set want [expr {$n * [dict get $counts $key]}]
    set got [lsort -integer -unique [dict get $totals $key]]
    if {$got eq $want} {return exact}
    set worst [lindex $got 0]
    format "lost %.0f%%" [expr {100.0 * ($want - $worst) / $want}]
}
# ratio: ptcl's time per op (or per read) over the baseline's.
proc ratio {a b} {
    if {$a eq "" || $b eq "" || $b == 0} {return -}
    format %.2fx [expr {double($a) / $b}]
}

set acases {
    ptcl   incr    "counter incr 0"
    ptcl   locked  "counter locked {get; set}"
    ptcl   getset  "get; set, no lock"
    ptcl   winfao  "\$w fetch_and_op sum (lock_all)"
    ptcl   winacc  "\$w accumulate sum; flush (lock_all)"
    mpi4py fao     "Fetch_and_op; Flush (Lock_all)"
    mpi4py acc     "Accumulate; Flush (Lock_all)"
    mpi4py lock    "Lock; a\[0\] += 1; Unlock"
    mpi4py racy    "a\[0\] += 1, no lock"
    mp     lock    "with v.get_lock(): v.value += 1"
    mp     racy    "v.value += 1 (get; set)"
    raw    fao     "MPI_Fetch_and_op; flush (lock_all)"
    raw    acc     "MPI_Accumulate; flush (lock_all)"
    raw    lock    "MPI_Win_lock; p\[0\]++; unlock"
    raw    atomic  "__atomic_fetch_add"
}
set K [lindex [dict values $counts] 0]
puts "(a) a shared int64 counter: every rank adds 1 to it K=$K times, all at once"
puts "    ops/s of one rank and of all ranks; median of $rounds rounds of medians of $reps"
set head [format "%-6s %-36s" "" case]
foreach n $ranks {
    append head [format " | %9s %9s %-9s" "$n ranks" total final]
}
puts [string trimright $head]
foreach {who case label} $acases {
    set row [format "%-6s %-36s" [dict get {raw C mp multip. ptcl ptcl mpi4py mpi4py} $who] $label]
    foreach n $ranks {
        set r [rate $who,$n,$case]
        append row [format " | %9s %9s %-9s" [fmtrate $r] \
            [fmtrate [expr {$r eq "" ? "" : $r * $n}]] [final $who,$n,$case $n]]
    }
    puts [string trimright $row]
}
puts ""
puts "    ratios: ptcl's time per op over the baseline's (1.00x = as fast, < 1 = ptcl faster)"
set head [format "%-58s" ""]
foreach n $ranks {
    append head [format " %8s" "$n ranks"]
}
puts [string trimright $head]
foreach {p b label} {
    incr   mpi4py,fao    "counter incr    / mpi4py Fetch_and_op; Flush"
    incr   mpi4py,acc    "counter incr    / mpi4py Accumulate; Flush"
    incr   mpi4py,lock   "counter incr    / mpi4py Lock; a\[0\] += 1; Unlock"
    incr   mp,lock       "counter incr    / multip. with lock: v.value += 1"
    incr   raw,fao       "counter incr    / C MPI_Fetch_and_op; flush"
    incr   raw,atomic    "counter incr    / C __atomic_fetch_add"
    locked mpi4py,lock   "counter locked  / mpi4py Lock; a\[0\] += 1; Unlock"
    locked mp,lock       "counter locked  / multip. with lock: v.value += 1"
    locked raw,lock      "counter locked  / C MPI_Win_lock; p\[0\]++; unlock"
    getset mp,racy       "get; set        / multip. v.value += 1"
    winfao mpi4py,fao    "\$w fetch_and_op / mpi4py Fetch_and_op; Flush"
    winacc mpi4py,acc    "\$w accumulate   / mpi4py Accumulate; Flush"
} {
    set row [format "%-58s" $label]
    foreach n $ranks {
        lassign [split $b ,] bw bc
        append row [format " %8s" [ratio [t ptcl,$n,$p] [t $bw,$n,$bc]]]
    }
    puts [string trimright $row]
}

puts ""
puts "(b) rank 0 reads 1M doubles of shared memory while the others wait (ms, median)"
set head [format "%-6s %-48s" "" case]
foreach n $ranks {
    append head [format " %8s" "$n ranks"]
}
puts [string trimright $head]
foreach {who case label} {
    ptcl   list      "arr list -> Tcl list"
    ptcl   winget    "\$w lock; \$w get 1 0 1000000; unlock -> Tcl list"
    mpi4py tolist    "view.tolist() -> Python list"
    mpi4py gettolist "Lock; Get; Unlock; tolist() -> Python list"
    mpi4py copy      "view.copy() -> numpy array"
    mpi4py get       "Lock; Get; Unlock -> numpy array"
    mp     tolist    "Array a\[:\] -> Python list"
    mp     copy      "numpy.frombuffer(a).copy() -> numpy array"
    raw    copy      "memcpy -> C array"
    raw    get       "MPI_Win_lock; MPI_Get; unlock -> C array"
} {
    set row [format "%-6s %-48s" [dict get {raw C mp multip. ptcl ptcl mpi4py mpi4py} $who] $label]
    foreach n $ranks {
        set v [t $who,$n,$case]
        set v [if {$v eq ""} {list -} {format %.2f [expr {$v * 1000}]}]
        append row [format " %8s" $v]
    }
    puts [string trimright $row]
}
puts ""
puts "    ratios: ptcl's time over the baseline's"
set head [format "%-51s" ""]
foreach n $ranks {
    append head [format " %8s" "$n ranks"]
}
puts [string trimright $head]
foreach {p b label} {
    list   mpi4py,tolist    "arr list / mpi4py view.tolist()"
    winget mpi4py,gettolist "\$w get   / mpi4py Get; tolist()"
    list   mp,tolist        "arr list / multip. Array a\[:\]"
    list   mpi4py,copy      "arr list / mpi4py view.copy() (array, not list)"
    winget mpi4py,get       "\$w get   / mpi4py Get (array, not list)"
    list   raw,copy         "arr list / C memcpy"
    winget raw,get          "\$w get   / C MPI_Get"
} {
    set row [format "%-51s" $label]
    foreach n $ranks {
        lassign [split $b ,] bw bc
        append row [format " %8s" [ratio [t ptcl,$n,$p] [t $bw,$n,$bc]]]
    }
    puts [string trimright $row]
}
TCL
