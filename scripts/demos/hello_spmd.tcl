# hello_spmd.tcl --
#
#	What it teaches: the SPMD form (single program, multiple data) of
#	hello.tcl. A stock tclsh runs this script on every rank; package
#	require ptcl starts MPI, and every rank runs every line, as an
#	mpi4py script does. Each rank prints its own line, so the lines
#	come out in whatever order the ranks reach them; a gather to rank 0
#	then prints them in rank order.
#
#	Run:    mpiexec -n 4 tclsh scripts/demos/hello_spmd.tcl
#	        (from the build tree, first
#	         export PTCL_LIBRARY=$PWD/scripts TCLLIBPATH=$PWD)
#	Slide:  mpi4py "Basic stuff (cont.)": mpiexec -n 2 python test.py

package require ptcl

set line "Hello from [mpi::processor], [mpi::rank] of [mpi::size]"

# Every rank prints at once: the order of these lines is up to the OS.
puts "unordered: $line"
flush stdout

# mpi::gather brings every rank's line to rank 0, in rank order.
set lines [mpi::gather $line -root 0]
if {[mpi::rank] == 0} {
    # Give the unordered lines time to come out first.
    after 200
    foreach l $lines {
        puts "ordered:   $l"
    }
}
