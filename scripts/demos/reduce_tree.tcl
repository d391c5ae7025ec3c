# reduce_tree.tcl --
#
#	What it teaches: how a parallel sum (a reduction) works. Each rank
#	holds a value; in step 1, every odd rank sends its value to the
#	even rank on its left, which adds it to its own; in step 2, ranks
#	2, 6, 10 ... send to 0, 4, 8 ...; and so on, until rank 0 holds the
#	total. Half the ranks drop out at each step, so N ranks need
#	ceil(log2 N) steps of messages: highly parallel at first, serial at
#	the end. The hand-written tree (mpi::send/mpi::recv) gives the same
#	answer as mpi::reduce, which MPI implements in much the same way.
#
#	Run:    mpiexec -n 4 ptclsh scripts/demos/reduce_tree.tcl
#	        (try 3, 5 or 8 ranks: ranks without a partner skip a step)
#	Slide:  "Example: Parallel Sum (Reduce)": initially highly parallel,
#	        becomes serial, O(log N) computation and communication.

set n [llength [targets]]

# The value of rank r: (r+1) squared, so the total is 1 + 4 + 9 + ...
px {
    proc value {r} {
        expr {($r + 1) * ($r + 1)}
    }

    # treesum --
    #	The binary-tree sum of every rank's VALUE, on rank 0 (the other
    #	ranks return the empty string). Also records, in ::trace, the
    #	messages this rank took part in.
    proc treesum {value} {
        set r [mpi::rank]; set n [mpi::size]
        set ::trace {}
        for {set step 1; set level 1} {$step < $n} {set step [expr {$step * 2}]; incr level} {
            if {$r % (2 * $step) == 0} {
                # A receiver at this level, if it has a partner.
                set from [expr {$r + $step}]
                if {$from < $n} {
                    set got [mpi::recv -source $from -tag $level]
                    set value [expr {$value + $got}]
                    lappend ::trace [list $level "rank $from -> rank $r: $got, sum now $value"]
                }
            } else {
                # A sender: give the partial sum away and stop.
                mpi::send $value [expr {$r - $step}] -tag $level
                return ""
            }
        }
        return $value
    }
}

set tree [lindex [px {treesum [value [mpi::rank]]}] 0]
set traces [pull trace]
puts "binary-tree reduction over $n ranks; rank r holds (r+1)^2: [px {value [mpi::rank]}]"
set levels 0
foreach t [lsort -index 0 -integer [concat {*}$traces]] {
    lassign $t level what
    puts "  step $level: $what"
    set levels [expr {max($levels, $level)}]
}
puts "steps: $levels (ceil(log2 $n) = [expr {$n > 1 ? int(ceil(log($n) / log(2))) : 0}])"

set lib [lindex [px {mpi::reduce [value [mpi::rank]] sum -root 0}] 0]
set formula [expr {$n * ($n + 1) * (2 * $n + 1) / 6}]
puts ""
puts "hand-written tree: $tree"
puts "mpi::reduce sum:   $lib"
puts "formula n(n+1)(2n+1)/6: $formula"
puts "same answer: [expr {$tree == $lib && $lib == $formula ? "yes" : "NO"}]"
