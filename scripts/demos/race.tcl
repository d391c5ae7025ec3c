# race.tcl --
#
#	What it teaches: a race. Ranks 1 .. N-1 each send a letter (b, c,
#	d, ...) to rank 0 after a short random delay (their "work"), and
#	rank 0 takes the messages as they come, with mpi::recv -source any.
#	Two results depend on the order in which the messages arrive:
#	  word        the letters appended in arrival order (a fold that is
#	              not commutative);
#	  last        "last writer wins": the letter that came last.
#	They change from trial to trial and from run to run, and a test
#	that passes once can fail the next time. The fixes make the order
#	part of the program:
#	  ordered     receive from rank 0, then 1, then 2 ... (-source r);
#	  gather      mpi::gather, which delivers the values in rank order;
#	  reduce      a commutative, associative operation (a sum of the
#	              senders' rank+1), for which the order does not matter.
#	These give the same answer every time.
#
#	Run:    mpiexec -n 4 ptclsh scripts/demos/race.tcl ?TRIALS?
#	        (TRIALS: default 8; a race needs at least 3 ranks to show:
#	         on 1 rank, rank 0 sends its letter a to itself)
#	Slide:  multiprocessing "Race": "when unpredictable order of
#	        completion affects output", "difficult to debug because the
#	        problematic case may be infrequent"; locks are one fix,
#	        fixed orders and reductions are the message-passing ones.

set trials [expr {$argc > 0 ? [lindex $argv 0] : 8}]
if {![string is integer -strict $trials] || $trials < 1} {
    error "usage: mpiexec -n N ptclsh [info script] ?TRIALS?: TRIALS must be an integer of at least 1, not \"$trials\""
}
set n [llength [targets]]

px {
    # A different random sequence on each rank and in each run.
    expr {srand(([clock microseconds] + 7919 * [mpi::rank]) % 2147483647)}

    # The senders: ranks 1 .. N-1, while rank 0 collects; in a job of
    # one rank, rank 0 sends to itself.
    set n [mpi::size]
    set senders {}
    for {set s [expr {$n > 1 ? 1 : 0}]} {$s < $n} {incr s} {
        lappend senders $s
    }
    set sender [expr {[mpi::rank] in $senders}]
    # This rank's letter: a for rank 0, b for rank 1, ...
    set letter [format %c [expr {97 + [mpi::rank]}]]

    # work --
    #	A delay of 0 to 20 ms (the "work"), then this rank's letter.
    proc work {} {
        after [expr {int(rand() * 20)}]
        return $::letter
    }

    # racy --
    #	Each sender sends its letter to rank 0, which appends them in
    #	the order they arrive: {word last}.
    proc racy {} {
        if {$::sender} {
            set req [mpi::isend [work] 0 -tag 1]
        }
        set result ""
        if {[mpi::rank] == 0} {
            set word ""
            foreach s $::senders {
                set last [mpi::recv -source any -tag 1]
                append word $last
            }
            set result [list $word $last]
        }
        if {$::sender} {
            mpi::wait $req
        }
        return $result
    }

    # ordered --
    #	The same, but rank 0 receives from each sender in rank order.
    proc ordered {} {
        if {$::sender} {
            set req [mpi::isend [work] 0 -tag 2]
        }
        set word ""
        if {[mpi::rank] == 0} {
            foreach s $::senders {
                append word [mpi::recv -source $s -tag 2]
            }
        }
        if {$::sender} {
            mpi::wait $req
        }
        return $word
    }

    # gathered --
    #	mpi::gather hands rank 0 the letters in rank order (one from
    #	each sender, none from a rank that only collects).
    proc gathered {} {
        set counts {}
        for {set r 0} {$r < [mpi::size]} {incr r} {
            lappend counts [expr {$r in $::senders}]
        }
        set mine [expr {$::sender ? [list [work]] : {}}]
        join [mpi::gather $mine -counts $counts -root 0] ""
    }

    # reduced --
    #	A sum does not care about the order: the senders' rank+1.
    proc reduced {} {
        set value 0
        if {$::sender} {
            work
            set value [expr {[mpi::rank] + 1}]
        }
        mpi::reduce $value sum -root 0
    }
}

proc trials {script} {
    global trials
    set out {}
    for {set i 0} {$i < $trials} {incr i} {
        lappend out [lindex [px $script] 0]
    }
    return $out
}

puts "$n ranks; senders [lindex [px -targets 0 {set senders}] 0] send their letters to rank 0 after a random delay"
if {$n < 3} {
    puts "(with one sender there is one message and no race: run with 4 ranks to see one)"
}
puts ""
puts "== the race: mpi::recv -source any, $trials trials"
set racy [trials racy]
set words [lmap x $racy {lindex $x 0}]
set lasts [lmap x $racy {lindex $x 1}]
puts "word (arrival order):  $words"
puts "last writer wins:      $lasts"
puts "different words: [llength [lsort -unique $words]] of $trials trials"
puts ""
puts "== the fixes, $trials trials each"
set fixes {}
foreach {name script} {
    "ordered receives" ordered
    "mpi::gather"      gathered
    "mpi::reduce sum"  reduced
} {
    set res [trials $script]
    set distinct [lsort -unique $res]
    puts [format "%-18s %s" "$name:" $res]
    puts [format "%-18s %s" "" [expr {[llength $distinct] == 1 ? "same every time: $distinct" : "DIFFERENT: $distinct"}]]
    lappend fixes [llength $distinct]
}
puts ""
puts "fixes deterministic: [expr {$fixes eq {1 1 1} ? "yes" : "NO"}]"
