# pingpong.tcl --
#
#	The ptcl side of bench/pingpong.sh: mpi::send/mpi::recv ping-pong
#	between ranks 0 and 1 in package mode (stock tclsh, package require
#	ptcl). Prints, on rank 0, "NAME SECONDS-PER-ONE-WAY-TRIP BYTES" for an
#	8-byte string, an 8 MiB byte array and a list of 1M doubles.
#	Usage: mpiexec -n 2 tclsh pingpong.tcl ?REPS?

package require ptcl

set reps [expr {$argc > 0 ? [lindex $argv 0] : 1000}]
set rank [mpi::rank]

proc pingpong {value reps} {
    global rank
    set warm [expr {$reps / 10 + 1}]
    for {set i -$warm} {$i < $reps} {incr i} {
        if {$i == 0} {
            mpi::barrier
            set t0 [mpi::wtime]
        }
        if {$rank == 0} {
            mpi::send $value 1
            set value [mpi::recv -source 1]
        } else {
            set value [mpi::recv -source 0]
            mpi::send $value 0
        }
    }
    expr {([mpi::wtime] - $t0) / (2.0 * $reps)}
}

set small "xxxxxxxx"
set bytes [binary format x[expr {8 << 20}]]
set doubles {}
for {set i 0} {$i < (1 << 20)} {incr i} {
    lappend doubles [expr {0.5 * $i}]
}

set t [pingpong $small [expr {$reps * 10}]]
if {$rank == 0} {puts "small $t 8"}
set t [pingpong $bytes [expr {$reps / 5 + 1}]]
if {$rank == 0} {puts "bytes $t [string length $bytes]"}
set t [pingpong $doubles [expr {$reps / 50 + 1}]]
if {$rank == 0} {puts "doubles $t [expr {8 * [llength $doubles]}]"}
