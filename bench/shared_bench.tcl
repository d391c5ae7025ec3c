# shared_bench.tcl --
#
#	ptcl's side of bench/shared_bench.sh, an SPMD script run by a stock
#	tclsh on every rank (package mode): the cases of shared_mpi4py.py
#	with ptcl::shared and mpi::win.
#
#	(a) Each rank adds 1 to one shared int64 K times, all ranks at once:
#	      incr     counter incr 0
#	      locked   counter locked {counter set 0 [expr {[counter get 0] + 1}]}
#	      getset   counter set 0 [expr {[counter get 0] + 1}] (no lock:
#	               loses updates)
#	      winfao   $w fetch_and_op sum 0 0 1, inside lock_all
#	      winacc   $w accumulate sum 0 0 1; $w flush 0, inside lock_all
#	(b) Rank 0 alone reads 1M doubles while the others wait in a barrier:
#	      list     [arr list] of a ptcl::shared double array of 1M
#	      winget   $w lock 1; [$w get 1 0 1000000]; $w unlock 1, of an
#	               mpi::win allocate_shared window (rank 1's memory;
#	               its own at one rank)
#
#	Prints on rank 0 "ptcl RANKS CASE SECONDS COUNT [TOTAL]", like
#	shared_mpi4py.py: for (a) the time between barriers of K ops on
#	every rank, K and the counter's final value; for (b) the time of one
#	read and 1000000. Each figure is the median of REPS runs.
#
#	Usage: mpiexec -n N tclsh shared_bench.tcl ?K? ?REPS?

package require ptcl

set K [expr {$argc > 0 ? [lindex $argv 0] : 100000}]
set reps [expr {$argc > 1 ? [lindex $argv 1] : 5}]
set rank [mpi::rank]
set size [mpi::size]
set N 1000000

proc median {times} {
    lindex [lsort -real $times] [expr {[llength $times] / 2}]
}

proc report {case seconds count {total ""}} {
    if {$::rank == 0} {
        puts [string trim [format "ptcl %d %s %.6f %d %s" $::size $case \
            $seconds $count $total]]
        flush stdout
    }
}

# ---------------------------------------------------------------- (a)
ptcl::shared counter int64 1
set w [mpi::win allocate_shared [expr {$rank == 0 ? 1 : 0}] int64]

proc loop {case} {
    global K w
    switch -- $case {
        incr {
            for {set i 0} {$i < $K} {incr i} {
                counter incr 0
            }
        }
        locked {
            for {set i 0} {$i < $K} {incr i} {
                counter locked {counter set 0 [expr {[counter get 0] + 1}]}
            }
        }
        getset {
            for {set i 0} {$i < $K} {incr i} {
                counter set 0 [expr {[counter get 0] + 1}]
            }
        }
        winfao {
            $w lock_all
            for {set i 0} {$i < $K} {incr i} {
                $w fetch_and_op sum 0 0 1
            }
            $w unlock_all
        }
        winacc {
            $w lock_all
            for {set i 0} {$i < $K} {incr i} {
                $w accumulate sum 0 0 1
                $w flush 0
            }
            $w unlock_all
        }
    }
}

foreach case {incr locked getset winfao winacc} {
    set times {}
    for {set r 0} {$r < $reps} {incr r} {
        if {$rank == 0} {
            counter set 0 0
            $w lock -exclusive 0
            $w put 0 0 0
            $w unlock 0
        }
        mpi::barrier
        set t0 [clock microseconds]
        loop $case
        mpi::barrier
        lappend times [expr {([clock microseconds] - $t0) / 1e6}]
    }
    if {[string match win* $case]} {
        $w lock 0
        set total [$w get 0 0]
        $w unlock 0
    } else {
        set total [counter get 0]
    }
    report $case [median $times] $K $total
}
mpi::barrier
counter free
$w free

# ---------------------------------------------------------------- (b)
set target [expr {$size > 1 ? 1 : 0}]
ptcl::shared arr double $N
set w [mpi::win allocate_shared $N double]
set data {}
for {set i 0} {$i < $N} {incr i} {
    lappend data [expr {$i * 0.5}]
}
$w lock $rank
$w put $rank 0 $data
$w unlock $rank
unset data
if {$rank == 0} {
    arr fill 0.5
}
mpi::barrier

foreach case {list winget} {
    set times {}
    for {set r 0} {$r < $reps} {incr r} {
        mpi::barrier
        if {$rank == 0} {
            unset -nocomplain keep
            set t0 [clock microseconds]
            if {$case eq "list"} {
                set keep [arr list]
                set last 0.5
            } else {
                $w lock $target
                set keep [$w get $target 0 $N]
                $w unlock $target
                set last [expr {($N - 1) * 0.5}]
            }
            lappend times [expr {([clock microseconds] - $t0) / 1e6}]
            if {[llength $keep] != $N || [lindex $keep end] != $last} {
                error "shared_bench: $case read wrong data"
            }
        }
        mpi::barrier
    }
    report $case [expr {$rank == 0 ? [median $times] : 0}] $N
}
mpi::barrier
arr free
$w free
