# pingpong.tcl --
#
#	What it teaches: the cost of a message. Rank 0 sends a message to
#	rank 1, which sends it straight back (a ping-pong); half the time
#	of a round trip is the one-way time. For small messages that time
#	is the latency (a fixed cost per message); for large ones the bytes
#	per second are the bandwidth. Three kinds of value travel:
#	  string   the numbers as text, the way any Tcl value can travel
#	           (like pickle in mpi4py: general, but bigger and slower);
#	  doubles  a list of doubles that Tcl holds as numbers, sent packed,
#	           8 bytes a number (like a NumPy array with MPI.DOUBLE);
#	  bytes    a byte array made by binary format, sent as its bytes.
#	The size column is the data: SIZE bytes of doubles (SIZE/8 numbers)
#	or of bytes; the string kind carries the same SIZE/8 numbers as
#	text, which takes more bytes on the wire (shown at the end).
#
#	Run:    mpiexec -n 4 ptclsh scripts/demos/pingpong.tcl
#	        (needs 2 ranks; only ranks 0 and 1 take part)
#	Slide:  mpi4py "Point-to-Point: Python objects", "P2P: (NumPy) array
#	        data" and "Features Summary (cont.)": pickle "can be slow for
#	        large data", array data "very fast, almost C speed (for
#	        messages above 5-10 kB)".

if {[llength [targets]] < 2} {
    puts "pingpong needs 2 ranks (it sends between ranks 0 and 1):"
    puts "    mpiexec -n 2 ptclsh [info script]"
    return
}

# The code of ranks 0 and 1, defined on both.
px -targets {0 1} {
    # Values of SIZE bytes of data, of each kind.
    proc payload {kind size} {
        set count [expr {max(1, $size / 8)}]
        switch -- $kind {
            doubles {
                # expr makes doubles that Tcl holds as numbers: packed.
                set v {}
                for {set i 0} {$i < $count} {incr i} {
                    lappend v [expr {$i * 0.5 + 0.25}]
                }
                return $v
            }
            string {
                # The same numbers as text: a string, not a list of numbers.
                set v [payload doubles $size]
                return [string range "$v " 0 end-1]
            }
            bytes {
                return [binary format x$size]
            }
        }
    }

    # Round trips of VALUE between ranks 0 and 1 (of the px group):
    # returns the one-way time in seconds, the best of a few batches.
    proc pingpong {value reps} {
        set me [mpi::rank]
        set other [expr {1 - $me}]
        set best Inf
        for {set batch 0} {$batch < 3} {incr batch} {
            mpi::barrier
            set t0 [mpi::wtime]
            for {set i 0} {$i < $reps} {incr i} {
                if {$me == 0} {
                    mpi::send $value $other
                    set value [mpi::recv -source $other]
                } else {
                    set value [mpi::recv -source $other]
                    mpi::send $value $other
                }
            }
            set t [expr {([mpi::wtime] - $t0) / (2.0 * $reps)}]
            if {$t < $best} {
                set best $t
            }
        }
        return $best
    }
}

set sizes {8 64 512 4096 32768 262144 1048576 4194304}
set kinds {string doubles bytes}

proc human {bytes} {
    foreach {unit div} {MiB 1048576 KiB 1024} {
        if {$bytes >= $div} {
            return "[expr {$bytes / $div}] $unit"
        }
    }
    return "$bytes B"
}

puts "ping-pong between ranks 0 and 1: one-way time (us) and bandwidth (MB/s)"
puts "of SIZE bytes of data: text (string), packed doubles, byte array"
puts ""
set header [format "%-9s |" size]
foreach k $kinds {
    append header [format " %10s %12s |" "$k us" "$k MB/s"]
}
puts $header
puts [string repeat - [string length $header]]

foreach size $sizes {
    # Fewer round trips for big messages, to keep the demo short.
    set reps [expr {max(2, min(200, 4194304 / $size))}]
    set row [format "%-9s |" [human $size]]
    foreach kind $kinds {
        # The payload is made on both ranks before the timing starts.
        set t [lindex [px -targets {0 1} "pingpong \[payload $kind $size\] $reps"] 0]
        set us [expr {$t * 1e6}]
        set mbs [expr {$size / $t / 1e6}]
        append row [format " %10.1f %12.1f |" $us $mbs]
    }
    puts $row
}

puts ""
puts "latency: the one-way time of the smallest message; bandwidth: the MB/s"
puts "of the largest. On the wire the string kind is longer than its data:"
foreach size {8 4194304} {
    puts [format "  %s of doubles as text: %d bytes" [human $size] [px -targets 0 "string length \[payload string $size\]"]]
}
puts ""
puts "What to read: bytes move at the MPI library's speed (one block, no"
puts "conversion). Packed doubles move as 8-byte numbers too, but a Tcl list"
puts "of N doubles is N Tcl objects, made by the receiver and freed by the"
puts "next receive: that, not MPI, caps them. Text moves as one block, but"
puts "is longer and must still be parsed before any arithmetic. For big"
puts "numeric data, send byte arrays (binary format d*, binary scan d*)."
