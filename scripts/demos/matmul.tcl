# matmul.tcl --
#
#	What it teaches: a distributed matrix multiply C = A B by block
#	rows, with the data commands at ptclsh's prompt:
#	  scatter A's rows, one block of rows per rank;
#	  bcast   B (transposed, so that each entry of C is a dot product of
#	          two rows) to every rank;
#	  px      each rank multiplies its block of rows;
#	  gather  the blocks of C back, in rank order.
#	The same multiply runs on 1, 2, ..., N ranks (-targets 0..P-1), and
#	the table gives its time, including the messages, next to a serial
#	multiply on rank 0, like the slides' table. Every parallel result
#	is checked against the serial one (integer entries: exact).
#
#	Run:    mpiexec -n 4 ptclsh scripts/demos/matmul.tcl ?SIZE?
#	        (SIZE: the matrices are SIZE x SIZE, default 120)
#	Slide:  "Mat mul 4000x2000 * 2000x4000" (1 CPU, MP 4 CPU, MPI 4 CPU
#	        ...) and mpi4py "Scatter & Gather", "Collective Messages".

set size [expr {$argc > 0 ? [lindex $argv 0] : 120}]
if {![string is integer -strict $size] || $size < 1} {
    error "usage: mpiexec -n N ptclsh [info script] ?SIZE?: SIZE must be an integer of at least 1, not \"$size\""
}
set n [llength [targets]]

# The multiply, defined on every rank (rank 0 uses it for the serial one).
px {
    # mulrows --
    #	The rows of A times B, B given as its transpose BT: a list of
    #	rows of C.
    proc mulrows {rows bt} {
        set c {}
        foreach row $rows {
            set crow {}
            foreach col $bt {
                set s 0
                foreach a $row b $col {
                    incr s [expr {$a * $b}]
                }
                lappend crow $s
            }
            lappend c $crow
        }
        return $c
    }
}

# transpose --
#	The transpose of a matrix given as a list of rows.
proc transpose {m} {
    set t {}
    set cols [llength [lindex $m 0]]
    for {set j 0} {$j < $cols} {incr j} {
        lappend t [lmap row $m {lindex $row $j}]
    }
    return $t
}

# Two SIZE x SIZE matrices of small integers.
set A {}
set B {}
for {set i 0} {$i < $size} {incr i} {
    set ra {}
    set rb {}
    for {set j 0} {$j < $size} {incr j} {
        lappend ra [expr {($i + 2 * $j) % 7 - 3}]
        lappend rb [expr {($i * $j + 1) % 5 - 2}]
    }
    lappend A $ra
    lappend B $rb
}
set BT [transpose $B]

puts "C = A B with A, B ${size}x$size integer matrices, block rows over 1 to $n ranks"
puts ""
set t0 [clock microseconds]
set C [mulrows $A $BT]
set tserial [expr {([clock microseconds] - $t0) / 1e6}]

set header [format "%-28s  %9s  %7s  %s" "how" "time (s)" speedup check]
puts $header
puts [string repeat - [string length $header]]
puts [format "%-28s  %9.3f  %7.2f  %s" "serial, rank 0 alone" $tserial 1.0 reference]

set allok 1
set ranks {}
for {set p 1} {$p <= $n} {incr p} {
    lappend ranks [expr {$p - 1}]
    set t0 [clock microseconds]
    scatter rows $A -targets $ranks
    bcast bt $BT -targets $ranks
    px -targets $ranks {set c [mulrows $rows $bt]; return}
    set D [gather c -targets $ranks]
    set t [expr {([clock microseconds] - $t0) / 1e6}]
    set ok [expr {$D eq $C}]
    if {!$ok} {
        set allok 0
    }
    puts [format "%-28s  %9.3f  %7.2f  %s" "scatter/bcast/gather, P=$p" $t \
        [expr {$tserial / $t}] [expr {$ok ? "ok" : "WRONG"}]]
}
puts ""
puts "C\[0\]\[0\] = [lindex $C 0 0], trace = [tcl::mathop::+ {*}[lmap i [lsearch -all $C *] {lindex $C $i $i}]]"
puts "matmul check: [expr {$allok ? "passed" : "FAILED"}] (every P gives the serial C)"
