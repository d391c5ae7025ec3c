# data_bench.tcl --
#
#	ptcl's half of bench/data_bench.sh, run by `mpiexec -n 2 ptclsh`:
#	scatter, gather and bcast of 1 000 000 doubles and of 8 MiB of bytes,
#	typed at the prompt and inside px code. Prints "ptcl-prompt OP KIND
#	SECONDS" and "ptcl-px OP KIND SECONDS" lines, each the median of the
#	runs.
#
#	scatter-changed (px code only) scatters d and an equal-sized list
#	of other objects in turn, so that the root's list is never the one it
#	scattered last time (the root's own block then costs a new list).
#
#	Bytes: bcast sends one 8 MiB bytearray; scatter cuts a list of one
#	bytearray per rank (8 MiB in all); gather is pull (at the prompt) or
#	mpi::gather (in px code) of one bytearray per rank, since gather
#	proper concatenates lists.

set reps [expr {[llength $argv] ? [lindex $argv 0] : 11}]
set N [mpi::size]

proc median {times} {
    lindex [lsort -real $times] [expr {[llength $times] / 2}]
}

proc timed {reps script} {
    set times {}
    for {set i 0} {$i < $reps} {incr i} {
        set t0 [clock microseconds]
        uplevel #0 $script
        lappend times [expr {([clock microseconds] - $t0) / 1e6}]
    }
    median $times
}

proc report {where op kind seconds} {
    puts [format "%s %s %s %.6f" $where $op $kind $seconds]
    flush stdout
}

# The data, on every rank (the root's is what counts).
px {
    set d {}
    for {set i 0} {$i < 1000000} {incr i} {
        lappend d [expr {$i * 0.5}]
    }
    set bytes [binary format x[expr {8 * 1024 * 1024}]]
    set parts {}
    for {set i 0} {$i < [mpi::size]} {incr i} {
        lappend parts [binary format x[expr {8 * 1024 * 1024 / [mpi::size]}]]
    }
    set mine [lindex $parts 0]
    # A second list of as many numbers, all different objects: scattering
    # d and d2 in turn is a root whose list changed since the last time.
    set d2 {}
    foreach v $d {
        lappend d2 [expr {$v + 1.0}]
    }
    set turn 0
    proc timed {reps script} {
        set times {}
        for {set i 0} {$i < $reps} {incr i} {
            barrier
            set t0 [clock microseconds]
            uplevel #0 $script
            barrier
            lappend times [expr {([clock microseconds] - $t0) / 1e6}]
        }
        lindex [lsort -real $times] [expr {[llength $times] / 2}]
    }
}

# At the prompt.
report ptcl-prompt scatter doubles [timed $reps {scatter x $d}]
report ptcl-prompt gather doubles [timed $reps {gather x}]
report ptcl-prompt bcast doubles [timed $reps {bcast x $d}]
report ptcl-prompt scatter bytes [timed $reps {scatter b $parts}]
report ptcl-prompt gather bytes [timed $reps {pull mine}]
report ptcl-prompt bcast bytes [timed $reps {bcast b $bytes}]

# In px code (timed on rank 0, between barriers).
px {unset -nocomplain x b}
proc pxtimed {reps script} {
    lindex [px [list timed $reps $script]] 0
}
report ptcl-px scatter doubles [pxtimed $reps {scatter x $d}]
report ptcl-px scatter-changed doubles [pxtimed $reps {
    scatter x [if {[incr turn] % 2} {set d} else {set d2}]
}]
report ptcl-px gather doubles [pxtimed $reps {gather x}]
report ptcl-px bcast doubles [pxtimed $reps {bcast x $d}]
report ptcl-px scatter bytes [pxtimed $reps {scatter b $parts}]
report ptcl-px gather bytes [pxtimed $reps {mpi::gather $mine}]
report ptcl-px bcast bytes [pxtimed $reps {bcast b $bytes}]
