#!/bin/sh
# deps.sh -- installs what ptcl needs to build and test on Debian (12 or
# later): an MPI (OpenMPI), Tcl 8.6, readline, autotools, Expect. Uses sudo
# when not run as root. Set PTCL_SKIP_DEPS=1 to skip (offline machines
# that already have everything).

set -e
[ "${PTCL_SKIP_DEPS:-0}" = 1 ] && exit 0
SUDO=
[ "$(id -u)" -ne 0 ] && SUDO=sudo
PACKAGES="build-essential autoconf automake libtool pkg-config make
    libopenmpi-dev openmpi-bin tcl tcl-dev libreadline-dev expect"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends $PACKAGES
