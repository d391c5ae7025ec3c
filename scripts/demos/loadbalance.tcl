# loadbalance.tcl --
#
#	What it teaches: load balancing. 24 tasks of uneven length (task i
#	takes i units of time, so the last ones are the longest) are shared
#	by the ranks in two ways:
#	  pmap           static: each rank gets one contiguous block of the
#	                 list, as scatter cuts it; the rank with the block of
#	                 long tasks finishes last while the others sit idle;
#	  pmap -dynamic  each rank takes the next task as soon as it is free,
#	                 so every rank stays busy until the list runs out.
#	On more than one rank, rank 0 only hands out the tasks (like the
#	IPython client) and ranks 1 .. N-1 compute (pmap -targets); on one
#	rank, rank 0 does everything.
#	The job ends when its slowest rank does: the demo prints the wall
#	time of each way and the busy time of each rank, and draws the busy
#	times as a bar chart (SVG). The tasks wait (after) rather than
#	compute, so that the lesson shows even on a machine with fewer cores
#	than ranks.
#
#	Run:    mpiexec -n 4 ptclsh scripts/demos/loadbalance.tcl ?SVGFILE?
#	        (SVGFILE: default loadbalance.svg in the current directory)
#	Slide:  "Glossary": Load balancing, "divide work so all threads
#	        finish on time"; "Embarrassingly Parallel" (mec.map).

set svgfile [expr {$argc > 0 ? [lindex $argv 0] : "loadbalance.svg"}]
set unit 3          ;# milliseconds per unit of work
set tasks {}
for {set i 1} {$i <= 24} {incr i} {
    lappend tasks $i
}
set n [llength [targets]]
# The computing ranks.
set workers [expr {$n > 1 ? [lrange [targets] 1 end] : 0}]

# task --
#	Task I: I units of "work". Returns {I*I rank busy-seconds}: a result,
#	and who did it in how long.
px [string map [list @UNIT@ $unit] {
    proc task {i} {
        set t0 [mpi::wtime]
        after [expr {$i * @UNIT@}]
        list [expr {$i * $i}] [mpi::rank -comm world] [expr {[mpi::wtime] - $t0}]
    }
}]

set ways {static dynamic}
foreach way $ways {
    set cmd [expr {$way eq "static" ? {pmap} : {pmap -dynamic}}]
    lappend cmd -targets $workers task
    set t0 [clock microseconds]
    set res($way) [{*}$cmd $tasks]
    set wall($way) [expr {([clock microseconds] - $t0) / 1e6}]
    foreach r $workers {
        set busy($way,$r) 0.0
        set count($way,$r) 0
    }
    foreach item $res($way) {
        lassign $item value rank secs
        set busy($way,$rank) [expr {$busy($way,$rank) + $secs}]
        incr count($way,$rank)
    }
}

set serial [expr {[tcl::mathop::+ {*}$tasks] * $unit / 1000.0}]
set nw [llength $workers]
puts "24 tasks, task i takes i x $unit ms: [format %.2f $serial] s of work"
puts "job of $n ranks; computing ranks: $workers"
puts [format "a perfect share would take %.2f s" [expr {$serial / $nw}]]
puts ""
set header [format "%4s | %-24s | %-24s" rank "pmap (static)" "pmap -dynamic"]
puts $header
puts [format "%4s | %-24s | %-24s" "" "busy (s)  tasks" "busy (s)  tasks"]
puts [string repeat - [string length $header]]
foreach r $workers {
    puts [format "%4d | %8.3f  %5d          | %8.3f  %5d" $r \
        $busy(static,$r) $count(static,$r) $busy(dynamic,$r) $count(dynamic,$r)]
}
puts [string repeat - [string length $header]]
puts [format "%4s | %8.3f                 | %8.3f" wall $wall(static) $wall(dynamic)]
puts ""
set same [expr {[lmap x $res(static) {lindex $x 0}] eq [lmap x $res(dynamic) {lindex $x 0}]}]
puts "same results both ways, in list order: [expr {$same ? "yes" : "NO"}]"

# ------------------------------------------------------------ the chart
# Grouped bars: for each rank, its busy time in the static and the
# dynamic way; a dashed line at the perfect share.
set ymax 0.0
foreach way $ways {
    foreach r $workers {
        set ymax [expr {max($ymax, $busy($way,$r))}]
    }
}
# A round top for the y axis, a tick step, and room for the legend
# (the top quarter of the plot) above the tallest bar.
set step [expr {$ymax <= 0.4 ? 0.1 : ($ymax <= 0.8 ? 0.2 : 0.5)}]
set ymax [expr {$step * ceil($ymax / 0.75 / $step)}]
set W 640; set H 420
set left 70; set right 20; set top 50; set bottom 60
set pw [expr {$W - $left - $right}]
set ph [expr {$H - $top - $bottom}]
proc Y {v} {
    global top ph ymax
    format %.1f [expr {$top + $ph * (1.0 - double($v) / $ymax)}]
}
set color(static) "#c0392b"
set color(dynamic) "#1f5fbf"

set svg {}
lappend svg {<?xml version="1.0" encoding="UTF-8"?>}
lappend svg "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"$W\" height=\"$H\" viewBox=\"0 0 $W $H\" font-family=\"sans-serif\" font-size=\"12\">"
lappend svg "<rect x=\"0\" y=\"0\" width=\"$W\" height=\"$H\" fill=\"white\"/>"
lappend svg "<text x=\"[expr {$W / 2}]\" y=\"28\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">Load balancing: busy time per rank, pmap vs pmap -dynamic</text>"
for {set i 0} {$i * $step <= $ymax + 1e-9} {incr i} {
    set v [expr {$i * $step}]
    lappend svg "<line x1=\"$left\" y1=\"[Y $v]\" x2=\"[expr {$left + $pw}]\" y2=\"[Y $v]\" stroke=\"#dddddd\"/>"
    lappend svg "<text x=\"[expr {$left - 8}]\" y=\"[expr {[Y $v] + 4}]\" text-anchor=\"end\">[format %.1f $v]</text>"
}
set slot [expr {double($pw) / $nw}]
set bw [expr {min(60.0, $slot * 0.35)}]
set k 0
foreach r $workers {
    set cx [expr {$left + $slot * ($k + 0.5)}]
    incr k
    set i 0
    foreach way $ways {
        set x [expr {$cx - $bw + $i * $bw}]
        set y [Y $busy($way,$r)]
        set h [expr {$top + $ph - $y}]
        lappend svg [format {<rect x="%.1f" y="%s" width="%.1f" height="%.1f" fill="%s"><title>rank %d, %s: %.3f s, %d tasks</title></rect>} \
            $x $y $bw $h $color($way) $r $way $busy($way,$r) $count($way,$r)]
        incr i
    }
    lappend svg [format {<text x="%.1f" y="%d" text-anchor="middle">%d</text>} $cx [expr {$top + $ph + 20}] $r]
}
set share [Y [expr {$serial / $nw}]]
lappend svg "<line x1=\"$left\" y1=\"$share\" x2=\"[expr {$left + $pw}]\" y2=\"$share\" stroke=\"#333333\" stroke-dasharray=\"6 4\"/>"
lappend svg "<line x1=\"$left\" y1=\"[expr {$top + $ph}]\" x2=\"[expr {$left + $pw}]\" y2=\"[expr {$top + $ph}]\" stroke=\"black\"/>"
lappend svg "<line x1=\"$left\" y1=\"$top\" x2=\"$left\" y2=\"[expr {$top + $ph}]\" stroke=\"black\"/>"
lappend svg "<text x=\"[expr {$left + $pw / 2}]\" y=\"[expr {$H - 15}]\" text-anchor=\"middle\">rank</text>"
lappend svg "<text x=\"18\" y=\"[expr {$top + $ph / 2}]\" text-anchor=\"middle\" transform=\"rotate(-90 18 [expr {$top + $ph / 2}])\">busy time (s)</text>"
# Legend, top right.
set lx [expr {$left + $pw - 240}]; set ly [expr {$top + 8}]
lappend svg "<rect x=\"$lx\" y=\"$ly\" width=\"232\" height=\"66\" fill=\"white\" stroke=\"#bbbbbb\"/>"
set i 0
foreach way $ways label [list [format "pmap (static), wall %.2f s" $wall(static)] [format "pmap -dynamic, wall %.2f s" $wall(dynamic)]] {
    set y [expr {$ly + 10 + 18 * $i}]
    lappend svg "<rect x=\"[expr {$lx + 10}]\" y=\"$y\" width=\"14\" height=\"12\" fill=\"$color($way)\"/>"
    lappend svg "<text x=\"[expr {$lx + 32}]\" y=\"[expr {$y + 10}]\">$label</text>"
    incr i
}
set y [expr {$ly + 10 + 18 * 2 + 6}]
lappend svg "<line x1=\"[expr {$lx + 10}]\" y1=\"$y\" x2=\"[expr {$lx + 24}]\" y2=\"$y\" stroke=\"#333333\" stroke-dasharray=\"4 2\"/>"
lappend svg "<text x=\"[expr {$lx + 32}]\" y=\"[expr {$y + 4}]\">perfect share (work / ranks)</text>"
lappend svg "</svg>"

set f [open $svgfile w]
puts $f [join $svg \n]
close $f
puts "chart written to $svgfile"
