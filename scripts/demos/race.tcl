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
#	Then the same race in shared memory, the slides' multiprocessing
#	Value and Lock: a ptcl::shared int64 counter that every rank sees.
#	Every rank adds 1 to it COUNT times, three ways:
#	  get + set   counter set 0 [expr {[counter get 0] + 1}]: each
#	              call is atomic, the pair is not, so two ranks that
#	              read the same value both write value+1 and one
#	              update is lost (n.value += 1 without the lock);
#	  locked      the same inside counter locked {...}, which holds
#	              the array's lock (lock.acquire(); ...; lock.release());
#	  incr        counter incr 0, one atomic read-modify-write.
#	The first total comes out short, by a different amount each run;
#	the other two are exact, and incr, which takes no lock, is the
#	fastest. On 1 rank nothing can be lost: there is nobody to race.
#
#	Run:    mpiexec -n 4 ptclsh scripts/demos/race.tcl ?TRIALS? ?COUNT?
#	        (TRIALS: default 8; a race needs at least 3 ranks to show:
#	         on 1 rank, rank 0 sends its letter a to itself.
#	         COUNT: increments per rank, default 20000)
#	Slide:  multiprocessing "Race": "when unpredictable order of
#	        completion affects output", "difficult to debug because the
#	        problematic case may be infrequent"; "Locks can be a
#	        solution to enforce atomicity: l.acquire(); <code>;
#	        l.release()"; fixed orders and reductions are the
#	        message-passing fixes.

set trials [expr {$argc > 0 ? [lindex $argv 0] : 8}]
if {![string is integer -strict $trials] || $trials < 1} {
    error "usage: mpiexec -n N ptclsh [info script] ?TRIALS? ?COUNT?: TRIALS must be an integer of at least 1, not \"$trials\""
}
set count [expr {$argc > 1 ? [lindex $argv 1] : 20000}]
if {![string is integer -strict $count] || $count < 1} {
    error "usage: mpiexec -n N ptclsh [info script] ?TRIALS? ?COUNT?: COUNT must be an integer of at least 1, not \"$count\""
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

# ------------------------------------------------------------ shared memory
# The same race with a counter in shared memory instead of messages.
# ptcl::shared at the prompt makes the array and the command counter on
# every rank (through px).
puts ""
puts "== a shared counter: ptcl::shared counter int64 1 (multiprocessing's Value)"
puts "each of $n ranks adds 1 to it $count times; expected total [expr {$n * $count}]"
if {$n < 2} {
    puts "(one rank: nobody to race with, so no update can be lost; run with 4 ranks to see some)"
}
ptcl::shared counter int64 1
px [list set count $count]
px {
    # bump --
    #	Adds 1 to the counter $::count times, the way HOW says, between
    #	two barriers; gives the seconds it took, barriers included.
    proc bump {how} {
        mpi::barrier
        set t0 [clock microseconds]
        switch -- $how {
            getset {
                # Read, add, write: two atomic calls, not one.
                for {set i 0} {$i < $::count} {incr i} {
                    counter set 0 [expr {[counter get 0] + 1}]
                }
            }
            locked {
                # The same read-modify-write, holding the lock.
                for {set i 0} {$i < $::count} {incr i} {
                    counter locked {
                        counter set 0 [expr {[counter get 0] + 1}]
                    }
                }
            }
            incr {
                # One atomic add.
                for {set i 0} {$i < $::count} {incr i} {
                    counter incr 0
                }
            }
        }
        mpi::barrier
        expr {([clock microseconds] - $t0) / 1e6}
    }
}
set expected [expr {$n * $count}]
puts [format "%-34s %9s %9s %7s %9s" how expected got lost "time (s)"]
set exact {}
foreach {how label} {
    getset "get + set, no lock"
    locked "get + set inside counter locked"
    incr   "counter incr 0 (atomic)"
} {
    counter set 0 0
    set seconds [lindex [px [list bump $how]] 0]
    set got [counter get 0]
    puts [format "%-34s %9d %9d %7d %9.3f" $label $expected $got \
        [expr {$expected - $got}] $seconds]
    dict set exact $how [expr {$got == $expected ? "yes" : "NO"}]
    dict set lost $how [expr {$expected - $got}]
}
if {[dict get $lost getset] == 0} {
    puts [expr {$n < 2 ? "no update lost: one rank cannot race with itself"
        : "no update lost this time: the race is there, run again (or raise COUNT)"}]
} else {
    puts "without the lock [dict get $lost getset] of $expected updates were lost: two ranks read the same value and both wrote value+1"
}
puts "shared counter exact: locked [dict get $exact locked], incr [dict get $exact incr]"
px {counter free}
