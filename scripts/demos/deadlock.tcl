# deadlock.tcl --
#
#	What it teaches: deadlock, and two ways out. Ranks work in pairs
#	(0 with 1, 2 with 3, ...; a rank without a partner pairs with
#	itself). Each wants to swap a value with its partner, and both
#	call the blocking mpi::recv first: each waits for a message that
#	the other will only send after its own receive, so neither ever
#	moves. At a prompt that would hang; px -timeout stops it, and the
#	ranks keep working. Then the same swap done right:
#	  1. mpi::sendrecv sends and receives at the same time;
#	  2. mpi::isend starts the send without waiting, then mpi::recv,
#	     then mpi::wait completes the send.
#	Last, the unsafe order: both ranks send first, then receive. It
#	works for a small value, which MPI buffers on its way, and usually
#	hangs for a large one (8 MB), which MPI hands over only when the
#	receive is there: a program that passes its tests with small data
#	and deadlocks with real data.
#
#	Run:    mpiexec -n 4 ptclsh scripts/demos/deadlock.tcl
#	Slide:  multiprocessing "Deadlock" (two processes and a lock that
#	        is never released; "resolve the deadlock without killing
#	        processes"). In MPI terms the lock is a receive that no send
#	        matches.

set n [llength [targets]]
px {
    set r [mpi::rank]
    set n [mpi::size]
    set partner [expr {$r ^ 1}]
    if {$partner >= $n} {
        set partner $r
    }
}
puts "pairs: [px {list $r $partner}]"
puts ""

puts "== 1. both ranks receive first, then send (px -timeout 1)"
set code [catch {
    px -timeout 1 {
        set got [mpi::recv -source $partner]   ;# waits forever ...
        mpi::send "from $r" $partner            ;# ... never reached
        set got
    }
} msg opts]
if {$code} {
    puts "px failed, as it should:"
    puts $msg
    puts "errorcode: [lrange [dict get $opts -errorcode] 0 1]"
} else {
    puts "px returned: $msg (no deadlock?)"
}
puts "the ranks still work: [px {mpi::rank}]"
puts ""

puts "== 2. fixed with mpi::sendrecv"
set a [px {mpi::sendrecv "from $r" $partner -source $partner}]
puts "received: $a"
puts ""

puts "== 3. fixed with mpi::isend, then mpi::recv, then mpi::wait"
set b [px {
    set req [mpi::isend "from $r" $partner]
    set got [mpi::recv -source $partner]
    mpi::wait $req
    set got
}]
puts "received: $b"
puts ""
set expected [px {set _ "from $partner"}]
puts "swaps correct: [expr {$a eq $expected && $b eq $expected ? "yes" : "NO"}]"
puts ""

puts "== 4. unsafe: both ranks send first, then receive"
foreach {what value} {
    "small (5 bytes)" {set v hello}
    "large (8 MB)"    {set v [binary format x8000000]}
} {
    set code [catch {
        px -timeout 1 [string map [list @VALUE@ $value] {
            mpi::send [@VALUE@] $partner
            string length [mpi::recv -source $partner]
        }]
    } msg]
    if {$code} {
        puts "$what: deadlock, stopped by px -timeout (timed out on [llength [lsearch -all [split $msg \n] {\[error:*}]] of $n ranks)"
    } else {
        puts "$what: works, received lengths $msg"
    }
}
