#!/bin/sh
# valgrind.sh -- runs a test suite (or any ptclsh script) on every rank under
# valgrind's memcheck and reports leaks and memory errors of ptcl's own.
# OpenMPI leaks by design at MPI_Init/MPI_Finalize: its suppression file and
# tests/valgrind/ptcl.supp hide that.
#
# Usage: tools/valgrind.sh ?SCRIPT? ?RANKS?    (from the built tree)
#   tools/valgrind.sh tests/px.test 2
# Status 0 when no rank had a definite leak or a memory error.

cd "$(dirname "$0")/.." || exit 2
SCRIPT=${1:-tests/px.test}
RANKS=${2:-2}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
export PTCL_LIBRARY="$PWD/scripts" TCLLIBPATH="$PWD" LD_LIBRARY_PATH="$PWD/.libs"
logs=$(mktemp -d)
supp="--suppressions=$PWD/tests/valgrind/ptcl.supp"
[ -f /usr/share/openmpi/openmpi-valgrind.supp ] &&
    supp="$supp --suppressions=/usr/share/openmpi/openmpi-valgrind.supp"
mpiexec -x LD_LIBRARY_PATH -n "$RANKS" valgrind --leak-check=full --num-callers=50 \
    --show-leak-kinds=definite --errors-for-leak-kinds=definite $supp \
    --log-file="$logs/rank.%p.log" .libs/ptclsh "$SCRIPT" > "$logs/out" 2>&1
status=0
for f in "$logs"/rank.*.log; do
    lost=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$f")
    errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$f")
    echo "$(basename "$f"): definitely lost ${lost:-0} bytes, ${errors:-?} errors"
    if [ "${errors:-1}" != 0 ]; then
        status=1
        grep -A20 -E "Invalid|definitely lost in" "$f" | head -60
    fi
done
grep -E 'Total' "$logs/out"
echo "logs: $logs"
exit $status
