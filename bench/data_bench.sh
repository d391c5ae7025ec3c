#!/bin/sh
# data_bench.sh --
#
#	The data commands' benchmark (issue 4), in one invocation, 2 ranks:
#	scatter, gather and bcast of 1 000 000 doubles and of 8 MiB of bytes,
#	in ptclsh (typed at the prompt, and inside px code) against raw C MPI
#	(bench/data_raw.c, compiled here with mpicc), mpi4py's pickled
#	collectives of a Python list, and ipyparallel's scatter/gather/push
#	with a local 2-engine cluster (started and stopped by data_ipp.py).
#	Prints each time (median) and the ratios. Not a test.
#
# Usage:
#	bench/data_bench.sh ?REPS?      (from the top of the build tree)
#
# Environment: MPIEXEC (default mpiexec), PYTHON (default /usr/bin/python3).

set -e
top=$(cd "$(dirname "$0")/.." && pwd)
reps=${1:-11}
mpiexec=${MPIEXEC:-mpiexec}
python=${PYTHON:-/usr/bin/python3}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
export PTCL_LIBRARY=${PTCL_LIBRARY:-$top/scripts} TCLLIBPATH=${TCLLIBPATH:-$top}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/times

mpicc -O2 -o "$tmp/data_raw" "$top/bench/data_raw.c"
"$mpiexec" -n 2 "$tmp/data_raw" >> "$out"
"$mpiexec" -n 2 "$top/ptclsh" "$top/bench/data_bench.tcl" "$reps" >> "$out"
if "$python" -c "import mpi4py" 2>/dev/null; then
    "$mpiexec" -n 2 "$python" "$top/bench/data_mpi4py.py" "$reps" >> "$out"
else
    echo "mpi4py: not installed, skipped"
fi
if "$python" -c "import ipyparallel" 2>/dev/null; then
    (cd "$tmp" && "$python" "$top/bench/data_ipp.py" 3 >> "$out" 2>"$tmp/ipp.err") \
        || { echo "ipyparallel failed:"; cat "$tmp/ipp.err"; }
else
    echo "ipyparallel: not installed, skipped"
fi

tclsh <<TCL
set times {}
set f [open $out]
foreach line [split [read \$f] \n] {
    if {[llength \$line] == 4} {
        lassign \$line who op kind t
        dict set times \$who,\$op,\$kind \$t
    }
}
close \$f
proc get {key} {
    global times
    expr {[dict exists \$times \$key] ? [dict get \$times \$key] : ""}
}
proc ms {t} {
    expr {\$t eq "" ? "-" : [format %.2f [expr {\$t * 1000}]]}
}
proc ratio {a b} {
    expr {\$a eq "" || \$b eq "" ? "-" : [format %.2f [expr {double(\$a) / \$b}]]}
}
puts "times in ms, median of $reps (ipyparallel: 3); 2 ranks"
puts [format "%-8s %-8s %9s %9s %9s %9s %9s | %9s %9s %9s %9s" op kind raw-C \
    ptcl-prompt ptcl-px mpi4py ipyparallel prompt/C px/C mpi4py/px ipp/px]
foreach kind {doubles bytes} {
    foreach op {scatter gather bcast} {
        set c [get raw,\$op,\$kind]
        set p [get ptcl-prompt,\$op,\$kind]
        set x [get ptcl-px,\$op,\$kind]
        set m [get mpi4py,\$op,\$kind]
        set i [get ipyparallel,\$op,\$kind]
        puts [format "%-8s %-8s %9s %9s %9s %9s %9s | %9s %9s %9s %9s" \$op \$kind \
            [ms \$c] [ms \$p] [ms \$x] [ms \$m] [ms \$i] \
            [ratio \$p \$c] [ratio \$x \$c] [ratio \$m \$x] [ratio \$i \$x]]
    }
}
set x [get ptcl-px,scatter-changed,doubles]
set m [get mpi4py,scatter,doubles]
set i [get ipyparallel,scatter,doubles]
puts [format "%-17s %9s %9s %9s %9s %9s | %9s %9s %9s %9s" "scatter' doubles" \
    - - [ms \$x] [ms \$m] [ms \$i] - - [ratio \$m \$x] [ratio \$i \$x]]
puts "scatter': px code, the root's list changing between calls"
puts "goals: doubles mpi4py/px >= 5 and ipp/px >= 20; bytes px/C <= 1.1"
puts "bytes: scatter = a list of one bytearray per rank; gather = pull at the prompt, mpi::gather in px code"
TCL
