#!/bin/sh
# run.sh -- one command from a fresh clone to a parallel prompt: installs
# the dependencies, builds, and starts ptclsh under mpiexec.
#
# Usage: tools/run.sh ?RANKS? ?ptclsh arguments (a script and its args)?
#   tools/run.sh                 # an interactive prompt on 4 ranks
#   tools/run.sh 4 scripts/demos/hello.tcl
#
# OpenMPI refuses to run as root unless told, and a machine with fewer cores
# than ranks needs oversubscription: both are set here.

set -e
cd "$(dirname "$0")/.."
RANKS=${1:-4}
[ "$#" -gt 0 ] && shift
tools/deps.sh
tools/build.sh
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
export PTCL_LIBRARY="$PWD/scripts" TCLLIBPATH="$PWD"
# On a terminal, mpiexec must not read it too (see ptclsh(1), BUGS).
STDIN=
[ "$#" -eq 0 ] && [ -t 0 ] && STDIN="--stdin none"
exec mpiexec $STDIN -n "$RANKS" ./ptclsh "$@"
