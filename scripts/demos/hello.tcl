# hello.tcl --
#
#	What it teaches: every rank of an MPI job is a process of its own,
#	with a rank (0 .. size-1), the size of the job and the name of the
#	machine it runs on. Here rank 0 reads this script and asks every
#	rank with px; what the ranks print comes back as [stdout:R] lines,
#	grouped by rank. hello_spmd.tcl is the same lesson in SPMD form,
#	where every rank runs the whole script.
#
#	Run:    mpiexec -n 4 ptclsh scripts/demos/hello.tcl
#	Slide:  mpi4py "Basic stuff (cont.)": Hello from %s, %d of %d
#	        (MPI.Get_processor_name(), comm.rank, comm.size), and the
#	        IPython "px print MPI.COMM_WORLD.rank" of "MPI-IPython
#	        inter-operability".

puts "== px form: rank 0 runs this script, px runs one line on every rank"
px {puts "Hello from [mpi::processor], [mpi::rank] of [mpi::size]"}

# px also returns what the script gives on each rank, as a list in rank
# order: no printing needed to collect facts from the ranks.
puts ""
puts "== px results: one element per rank, in rank order"
puts "ranks:  [px {mpi::rank}]"
puts "sizes:  [px {mpi::size}]"
puts "nodes:  [lsort -unique [px {mpi::processor}]]"
