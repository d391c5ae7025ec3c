#!/bin/sh
# test.sh -- one command from a fresh clone to a tested build: installs the
# dependencies, builds, checks that the distribution builds and passes
# (make distcheck, on a quick subset), then runs every test suite at 1 to 4
# ranks. The last line is "N passed, N failed"; the status is 0 only when
# nothing failed.

set -e
cd "$(dirname "$0")/.."
tools/deps.sh
tools/build.sh
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1

echo "== make distcheck (the tarball builds, installs and passes px.test at 2 ranks)"
if make distcheck RUNNER_FLAGS="-ranks 2 -match px.test" > distcheck.log 2>&1; then
    echo "distcheck: ok"
else
    tail -40 distcheck.log
    echo "distcheck: FAILED (see distcheck.log)"
    exit 1
fi

echo "== make check"
make check > check.log 2>&1 || true
grep -v -E '^(make|OMPI_ALLOW|	-)' check.log | grep -v -E '^[0-9]+ passed, [0-9]+ failed' || true
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' check.log | tail -1)
if [ -z "$summary" ]; then
    tail -30 check.log
    echo "0 passed, 1 failed"
    exit 1
fi
echo "$summary"
echo "$summary" | grep -q -E '^[0-9]+ passed, 0 failed'
