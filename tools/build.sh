#!/bin/sh
# build.sh -- configures and builds ptcl in the source tree (autoreconf,
# configure, make). Extra arguments go to configure.

set -e
cd "$(dirname "$0")/.."
if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
    autoreconf -fi
fi
if [ ! -f Makefile ] || [ "$#" -gt 0 ]; then
    ./configure "$@"
fi
make -j"$(nproc 2>/dev/null || echo 2)"
