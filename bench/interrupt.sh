#!/bin/sh
# interrupt.sh -- what being interruptible costs, and how fast it is.
#
# 1. Overhead: a command-heavy Tcl loop in a stock tclsh, without and with
#    `package require ptcl` (which arms the interp's time limit that lets
#    Ctrl-C reach busy code), in instructions per iteration counted by
#    callgrind. Goal: under 2%.
# 2. Latency: `px -timeout T {while 1 {}}` (and `after`, and a blocked
#    wait) on 4 ranks; what px takes beyond T is the time for an
#    interrupt to travel to every rank, stop it, and come back.
#
# Usage: bench/interrupt.sh ?PTCLSH? ?TCLSH?

PTCLSH=${1:-./ptclsh}
TCLSH=${2:-tclsh}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat > "$tmp/loop.tcl" <<'TCL'
if {[lindex $argv 0]} { package require ptcl }
proc work {n} {
    set s 0
    for {set i 0} {$i < $n} {incr i} { incr s [expr {$i & 7}] }
    return $s
}
work [lindex $argv 1]
TCL
# Instructions, not seconds (callgrind counts are the same run after run,
# whatever else the machine does): the loop at two sizes, so that start-up
# (MPI_Init among it) cancels out in the difference.
count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 |
        sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
}
if command -v valgrind > /dev/null; then
    a1=$(count $TCLSH "$tmp/loop.tcl" 0 200000)
    a2=$(count $TCLSH "$tmp/loop.tcl" 0 1200000)
    b1=$(count $TCLSH "$tmp/loop.tcl" 1 200000)
    b2=$(count $TCLSH "$tmp/loop.tcl" 1 1200000)
    awk -v a1="$a1" -v a2="$a2" -v b1="$b1" -v b2="$b2" 'BEGIN {
        a = (a2 - a1) / 1e6; b = (b2 - b1) / 1e6
        printf "limit overhead: %.1f instructions per iteration without ptcl, %.1f with: %+.2f%% (callgrind)\n", a, b, (b / a - 1) * 100 }'
else
    echo "limit overhead: valgrind not installed, skipped"
fi

cat > "$tmp/latency.tcl" <<'TCL'
foreach {what script} {
    busy {while 1 {}}
    after {after 100000}
    vwait {vwait forever}
} {
    set lat {}
    for {set i 0} {$i < 5} {incr i} {
        set t0 [mpi::wtime]
        catch {px -timeout 0.2 $script}
        lappend lat [expr {([mpi::wtime] - $t0 - 0.2) * 1000}]
    }
    set lat [lsort -real $lat]
    puts [format "interrupt latency (%s, %d ranks): median %.1f ms, max %.1f ms" \
        $what [mpi::size] [lindex $lat 2] [lindex $lat end]]
}
TCL
mpiexec -n 4 "$PTCLSH" "$tmp/latency.tcl"
