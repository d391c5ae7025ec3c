#!/bin/sh
# px_roundtrip.sh -- the cost of one px round trip against raw C MPI, in
# one invocation: an empty `px {}` and a `px {set x}` (one result from
# every rank) in a loop, against raw_roundtrip.c (MPI_Bcast of a 64-byte
# command and MPI_Gather of a 16-byte reply), at 2 and 4 ranks.
#
# Usage: bench/px_roundtrip.sh ?PTCLSH? ?ITERATIONS?

PTCLSH=${1:-./ptclsh}
N=${2:-2000}
DIR=$(cd "$(dirname "$0")" && pwd)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mpicc -O2 -o "$tmp/raw_roundtrip" "$DIR/raw_roundtrip.c" || exit 1
cat > "$tmp/px.tcl" <<TCL
set n $N
for {set i 0} {\$i < 100} {incr i} { px {} }
set t0 [mpi::wtime]
for {set i 0} {\$i < \$n} {incr i} { px {} }
set empty [expr {([mpi::wtime] - \$t0) / \$n * 1e6}]
px {set x 1}
set t0 [mpi::wtime]
for {set i 0} {\$i < \$n} {incr i} { px {set x} }
set result [expr {([mpi::wtime] - \$t0) / \$n * 1e6}]
puts [format "%.2f %.2f" \$empty \$result]
TCL
printf "%-6s %12s %14s %16s %10s\n" ranks "raw C (us)" "px {} (us)" "px {set x} (us)" "ratio"
for r in 2 4; do
    raw=$(mpiexec -n $r "$tmp/raw_roundtrip" "$N")
    set -- $(mpiexec -n $r "$PTCLSH" "$tmp/px.tcl")
    awk -v r=$r -v raw="$raw" -v e="$1" -v s="$2" 'BEGIN {
        printf "%-6s %12.2f %14.2f %16.2f %9.2fx\n", r, raw, e, s, e / raw }'
done
