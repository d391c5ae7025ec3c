# ring.tcl --
#
#	What it teaches: nonblocking and persistent point-to-point messages.
#	The ranks form a ring: each sends to its right neighbour (rank+1)
#	and receives from its left one (rank-1), all at the same time.
#	  1. mpi::isend/mpi::irecv start the transfers and return requests
#	     at once; mpi::waitall waits for both. Passing values N-1 times
#	     round the ring gives every rank the sum of all the ranks.
#	  2. mpi::send_init/mpi::recv_init make persistent requests once;
#	     each round of the loop only starts them (mpi::startall) and
#	     waits (mpi::waitall), then uses the message.
#	With blocking mpi::send and mpi::recv, a ring in which every rank
#	receives first would deadlock (see deadlock.tcl).
#
#	Run:    mpiexec -n 4 ptclsh scripts/demos/ring.tcl
#	Slide:  mpi4py "Non-blocking P2P" (Isend, Irecv, Waitall) and
#	        "Persistent P2P" (Recv_init, Startall, Waitall in a loop).

set n [llength [targets]]
puts "ring of $n ranks: each rank sends right, receives from the left"
puts ""

# 1. Nonblocking: pass a token round the ring N-1 times; each rank adds
#    up what it sees, so every rank ends with 0 + 1 + ... + N-1.
puts "== 1. isend / irecv / waitall"
set result [px {
    set r [mpi::rank]; set n [mpi::size]
    set right [expr {($r + 1) % $n}]
    set left  [expr {($r + $n - 1) % $n}]
    set token $r
    set sum $r
    set seen [list $r]
    for {set step 1} {$step < $n} {incr step} {
        # Post the receive first, then the send; neither blocks.
        set rq [mpi::irecv -source $left -tag $step]
        set sq [mpi::isend $token $right -tag $step]
        # ... other work could go here, while the messages travel ...
        lassign [mpi::waitall [list $sq $rq]] - token
        incr sum $token
        lappend seen $token
    }
    list $seen $sum
}]
set r 0
foreach res $result {
    lassign $res seen sum
    puts [format "rank %d saw %-20s sum %d" $r $seen $sum]
    incr r
}
set expected [expr {$n * ($n - 1) / 2}]
set sums [lmap res $result {lindex $res 1}]
puts "nonblocking ring sums: $sums (expected $expected on every rank)"
puts "nonblocking ring: [expr {$sums eq [lrepeat $n $expected] ? "ok" : "WRONG"}]"
puts ""

# 2. Persistent: the same exchange, 10 times, with requests made once.
#    send_init binds the value to send (here "m<rank>"); recv_init can
#    be started again and again, like MPI's Recv_init.
puts "== 2. send_init / recv_init / startall / waitall, 10 rounds"
set rounds 10
set result [px [string map [list @ROUNDS@ $rounds] {
    set r [mpi::rank]; set n [mpi::size]
    set right [expr {($r + 1) % $n}]
    set left  [expr {($r + $n - 1) % $n}]
    set sq [mpi::send_init "m$r" $right -tag 77]
    set rq [mpi::recv_init -source $left -tag 77]
    set got {}
    for {set i 0} {$i < @ROUNDS@} {incr i} {
        mpi::startall [list $rq $sq]
        # ... do_something() ...
        lassign [mpi::waitall [list $rq $sq]] msg
        # do_something_with(msg): here, count what came in.
        dict incr got $msg
    }
    # Persistent requests stay until freed.
    mpi::request_free $sq
    mpi::request_free $rq
    set got
}]]
set r 0
set ok 1
foreach got $result {
    set left [expr {($r + $n - 1) % $n}]
    puts "rank $r received: $got"
    if {$got ne [list m$left $rounds]} {
        set ok 0
    }
    incr r
}
puts "persistent ring: [expr {$ok ? "ok" : "WRONG"}] (each rank got its left neighbour's message $rounds times)"
