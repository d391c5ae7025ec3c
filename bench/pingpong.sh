#!/bin/sh
# pingpong.sh --
#
#	Point-to-point benchmark of the mpi:: layer (not a test), in one
#	invocation, 2 ranks: ping-pong latency for 8 bytes and bandwidth for
#	8 MiB of bytes and for 1M doubles, for ptcl (mpi::send/mpi::recv in a
#	stock tclsh), a raw C ping-pong (pingpong.c, built here with mpicc)
#	and mpi4py (pickle send/recv, and Send/Recv of numpy arrays). Prints
#	a table with ratios against raw C and against mpi4py.
#
# Usage: bench/pingpong.sh ?REPS?   (run from the build tree; default 1000;
#	 ROUNDS=N in the environment: how many times each runs, best kept)

set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
reps=${1:-1000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
export TCLLIBPATH="$top" PTCL_LIBRARY="${PTCL_LIBRARY:-$top/scripts}"
MPIEXEC=${MPIEXEC:-mpiexec}
TCLSH=${TCLSH:-tclsh}
PYTHON=${PYTHON:-/usr/bin/python3}

rounds=${ROUNDS:-3}

mpicc -O2 -o "$tmp/pingpong" "$here/pingpong.c"
: > "$tmp/c.txt"; : > "$tmp/ptcl.txt"; : > "$tmp/py.txt"
# The three are interleaved, ROUNDS times; the table keeps each case's
# best time, so that a passing load on the machine hurts none of them.
i=0
while [ $i -lt "$rounds" ]; do
    $MPIEXEC -n 2 "$tmp/pingpong" "$reps" >> "$tmp/c.txt"
    $MPIEXEC -n 2 $TCLSH "$here/pingpong.tcl" "$reps" >> "$tmp/ptcl.txt"
    if $PYTHON -c 'import mpi4py, numpy' 2>/dev/null; then
        $MPIEXEC -n 2 $PYTHON "$here/pingpong.py" "$reps" >> "$tmp/py.txt"
    fi
    i=$((i + 1))
done

$TCLSH - "$tmp" <<'TCL'
set dir [lindex $argv end]
proc slurp {file} {
    set d {}
    set f [open $file]
    foreach line [split [read $f] \n] {
        if {[llength $line] == 3} {
            lassign $line key t n
            if {![dict exists $d $key] || $t < [lindex [dict get $d $key] 0]} {
                dict set d $key [list $t $n]
            }
        }
    }
    close $f
    return $d
}
set c [slurp $dir/c.txt]
set p [slurp $dir/ptcl.txt]
set y [slurp $dir/py.txt]
# figure: microseconds for latency, MB/s (10^6) for bandwidth.
proc fig {kind pair} {
    if {$pair eq ""} {return -}
    lassign $pair t n
    if {$kind eq "lat"} {
        return [format %.2f [expr {$t * 1e6}]]
    }
    return [format %.0f [expr {$n / $t / 1e6}]]
}
proc get {d k} {expr {[dict exists $d $k] ? [dict get $d $k] : ""}}
# ratio: how many times slower ptcl is than the baseline (time ratio).
proc ratio {a b} {
    if {$a eq "" || $b eq ""} {return -}
    format %.2fx [expr {[lindex $a 0] / [lindex $b 0]}]
}
puts [format "%-26s %10s %10s %12s %12s %9s %11s %11s" case ptcl "raw C" "py pickle" "py buffer" ptcl/C ptcl/pickle ptcl/buffer]
foreach {key label kind} {
    small   "latency 8 B (us)"         lat
    bytes   "8 MiB bytes (MB/s)"       bw
    doubles "1M doubles (MB/s)"        bw
} {
    set pt [get $p $key]
    set ct [get $c $key]
    set yp [get $y pickle-$key]
    set yb [get $y buffer-$key]
    puts [format "%-26s %10s %10s %12s %12s %9s %11s %11s" $label \
        [fig $kind $pt] [fig $kind $ct] [fig $kind $yp] [fig $kind $yb] \
        [ratio $pt $ct] [ratio $pt $yp] [ratio $pt $yb]]
}
puts "\nRatios are ptcl's time over the baseline's (1.00x = as fast; < 1 = faster)."
TCL
