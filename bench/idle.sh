#!/bin/sh
# idle.sh -- CPU used by an idle ptclsh job: N ranks wait at the prompt
# (rank 0 blocked reading its input, the workers in the wait loop) and we
# add up the CPU time of every rank over a window of S seconds, after a
# settling time of 2 s (the wait loop naps at most 1 ms for the first
# second after activity, then at most 50 ms).
#
# Usage: bench/idle.sh ?PTCLSH? ?RANKS? ?SECONDS?
# Prints: the share of one core used by all ranks together.

PTCLSH=${1:-./ptclsh}
RANKS=${2:-4}
SECONDS_=${3:-5}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
HZ=$(getconf CLK_TCK)

# A pipe that stays open and silent: the prompt waits for input.
fifo=$(mktemp -u)
mkfifo "$fifo"
sleep $((SECONDS_ + 30)) > "$fifo" &
holder=$!
mpiexec -n "$RANKS" "$PTCLSH" < "$fifo" > /dev/null 2>&1 &
job=$!
sleep 2

ranks() {
    # The ptclsh processes of this job: children of mpiexec.
    pgrep -P "$job" | while read -r p; do
        case $(cat /proc/"$p"/comm 2>/dev/null) in
        ptclsh|lt-ptclsh) echo "$p" ;;
        esac
    done
}
ticks() {
    total=0
    for p in $(ranks); do
        set -- $(cut -d' ' -f14,15 /proc/"$p"/stat 2>/dev/null)
        total=$((total + ${1:-0} + ${2:-0}))
    done
    echo $total
}
n=$(ranks | wc -l)
t0=$(ticks)
sleep "$SECONDS_"
t1=$(ticks)
kill "$holder" 2>/dev/null
wait "$job" 2>/dev/null
rm -f "$fifo"
awk -v d=$((t1 - t0)) -v hz="$HZ" -v s="$SECONDS_" -v n="$n" -v r="$RANKS" 'BEGIN {
    printf "idle: %d ranks (%d found), %d s: %.2f%% of one core in all\n", r, n, s, 100 * d / hz / s }'
