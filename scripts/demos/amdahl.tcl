# amdahl.tcl --
#
#	What it teaches: Amdahl's law. A job of which a fraction s must run
#	serially (here rank 0 works alone while the others wait) and the
#	rest, 1-s, is shared by P ranks, takes T(P) = T(1) * (s + (1-s)/P),
#	so its speedup T(1)/T(P) = 1 / (s + (1-s)/P) can never pass 1/s,
#	however many ranks there are. The demo measures the speedup of such
#	a job on 1, 2, ..., N ranks (px -targets 0..P-1), prints it next to
#	the law, and draws both, with the ideal speedup P, as an SVG plot.
#	Measured points fall below the curve where the ranks outnumber the
#	cores (they then share them) and by the cost of the messages.
#
#	Run:    mpiexec -n 4 ptclsh scripts/demos/amdahl.tcl ?SVGFILE? ?S?
#	        (SVGFILE: default amdahl.svg in the current directory;
#	         S: the serial fraction, default 0.2)
#	        then open amdahl.svg in a browser.
#	Slide:  "Maximum Theoretical Speedup from Amdahl's Law" and
#	        "Glossary" (Speedup, Scalability).

set svgfile [expr {$argc > 0 ? [lindex $argv 0] : "amdahl.svg"}]
set serial [expr {$argc > 1 ? double([lindex $argv 1]) : 0.2}]
if {!($serial > 0.0 && $serial <= 1.0)} {
    error "the serial fraction S must be more than 0 and at most 1, not $serial"
}
set work 800000
set n [llength [targets]]

px {
    # spin --
    #	K steps of arithmetic: the unit of work.
    proc spin {k} {
        set x 0.0
        for {set i 0} {$i < $k} {incr i} {
            set x [expr {$x + sin($i)}]
        }
        return $x
    }

    # job --
    #	WORK steps, the fraction S of them on rank 0 alone, the rest
    #	shared by the ranks of this px. Returns the time it took.
    proc job {work s} {
        set p [mpi::size]
        mpi::barrier
        set t0 [mpi::wtime]
        if {[mpi::rank] == 0} {
            spin [expr {int($work * $s)}]
        }
        mpi::barrier
        spin [expr {int($work * (1.0 - $s) / $p)}]
        mpi::barrier
        expr {[mpi::wtime] - $t0}
    }
}

proc amdahl {s p} {
    expr {1.0 / ($s + (1.0 - $s) / $p)}
}

# Measure.
set cores ?
catch {set cores [exec nproc --all]}
puts [format "Amdahl's law: serial fraction s = %.2f, limit 1/s = %.1f; %s cores here" \
    $serial [expr {1.0 / $serial}] $cores]
puts ""
set header [format "%5s  %9s  %8s  %8s  %6s" ranks "time (s)" measured amdahl ideal]
puts $header
puts [string repeat - [string length $header]]
set measured {}
set ranks {}
for {set p 1} {$p <= $n} {incr p} {
    lappend ranks [expr {$p - 1}]
    # The best of 2 runs: other programs on the machine only add time.
    set t [lindex [px -targets $ranks [list job $work $serial]] 0]
    set t [expr {min($t, [lindex [px -targets $ranks [list job $work $serial]] 0])}]
    if {$p == 1} {
        set t1 $t
    }
    set s [expr {$t1 / $t}]
    lappend measured $p $s
    puts [format "%5d  %9.3f  %8.2f  %8.2f  %6d" $p $t $s [amdahl $serial $p] $p]
}

# ------------------------------------------------------------ the plot
# A plain SVG line chart: x = ranks, y = speedup.
set pmax [expr {max(16, $n)}]
set ymax [expr {int(ceil(min($pmax, 1.0 / $serial + 1)))}]
set W 640; set H 440
set left 70; set right 20; set top 50; set bottom 60
set pw [expr {$W - $left - $right}]
set ph [expr {$H - $top - $bottom}]
proc X {p} {
    global left pw pmax
    format %.1f [expr {$left + $pw * ($p - 1.0) / ($pmax - 1.0)}]
}
proc Y {v} {
    global top ph ymax
    format %.1f [expr {$top + $ph * (1.0 - double($v) / $ymax)}]
}
proc esc {text} {
    string map {& &amp; < &lt; > &gt; \" &quot;} $text
}

set svg {}
lappend svg {<?xml version="1.0" encoding="UTF-8"?>}
lappend svg "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"$W\" height=\"$H\" viewBox=\"0 0 $W $H\" font-family=\"sans-serif\" font-size=\"12\">"
lappend svg "<rect x=\"0\" y=\"0\" width=\"$W\" height=\"$H\" fill=\"white\"/>"
lappend svg "<text x=\"[expr {$W / 2}]\" y=\"28\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">[esc [format "Amdahl's law: speedup with serial fraction s = %.2f" $serial]]</text>"
# Grid and ticks.
for {set v 0} {$v <= $ymax} {incr v [expr {$ymax > 10 ? 2 : 1}]} {
    lappend svg "<line x1=\"$left\" y1=\"[Y $v]\" x2=\"[expr {$left + $pw}]\" y2=\"[Y $v]\" stroke=\"#dddddd\"/>"
    lappend svg "<text x=\"[expr {$left - 8}]\" y=\"[expr {[Y $v] + 4}]\" text-anchor=\"end\">$v</text>"
}
for {set p 1} {$p <= $pmax} {incr p} {
    if {$p == 1 || $p % 2 == 0} {
        lappend svg "<line x1=\"[X $p]\" y1=\"[expr {$top + $ph}]\" x2=\"[X $p]\" y2=\"[expr {$top + $ph + 5}]\" stroke=\"black\"/>"
        lappend svg "<text x=\"[X $p]\" y=\"[expr {$top + $ph + 20}]\" text-anchor=\"middle\">$p</text>"
    }
}
# Axes and their labels.
lappend svg "<line x1=\"$left\" y1=\"[expr {$top + $ph}]\" x2=\"[expr {$left + $pw}]\" y2=\"[expr {$top + $ph}]\" stroke=\"black\"/>"
lappend svg "<line x1=\"$left\" y1=\"$top\" x2=\"$left\" y2=\"[expr {$top + $ph}]\" stroke=\"black\"/>"
lappend svg "<text x=\"[expr {$left + $pw / 2}]\" y=\"[expr {$H - 15}]\" text-anchor=\"middle\">ranks P</text>"
lappend svg "<text x=\"18\" y=\"[expr {$top + $ph / 2}]\" text-anchor=\"middle\" transform=\"rotate(-90 18 [expr {$top + $ph / 2}])\">speedup T(1) / T(P)</text>"
# Clip the lines to the plot area.
lappend svg "<clipPath id=\"area\"><rect x=\"$left\" y=\"$top\" width=\"$pw\" height=\"$ph\"/></clipPath>"
# Ideal speedup P.
lappend svg "<line x1=\"[X 1]\" y1=\"[Y 1]\" x2=\"[X $pmax]\" y2=\"[Y $pmax]\" stroke=\"#999999\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\" clip-path=\"url(#area)\"/>"
# The limit 1/s.
lappend svg "<line x1=\"$left\" y1=\"[Y [expr {1.0 / $serial}]]\" x2=\"[expr {$left + $pw}]\" y2=\"[Y [expr {1.0 / $serial}]]\" stroke=\"#cc6600\" stroke-width=\"1\" stroke-dasharray=\"2 3\"/>"
# Amdahl's curve.
set pts {}
for {set i 0} {$i <= 100} {incr i} {
    set p [expr {1.0 + ($pmax - 1.0) * $i / 100.0}]
    lappend pts "[X $p],[Y [amdahl $serial $p]]"
}
lappend svg "<polyline points=\"[join $pts { }]\" fill=\"none\" stroke=\"#1f5fbf\" stroke-width=\"2\"/>"
# Measured points, joined.
set pts {}
foreach {p s} $measured {
    lappend pts "[X $p],[Y $s]"
}
lappend svg "<polyline points=\"[join $pts { }]\" fill=\"none\" stroke=\"#c0392b\" stroke-width=\"1.5\"/>"
foreach {p s} $measured {
    lappend svg "<circle cx=\"[X $p]\" cy=\"[Y $s]\" r=\"4.5\" fill=\"#c0392b\"><title>[format "P=%d speedup %.2f" $p $s]</title></circle>"
}
# Legend, bottom right, where the curves do not go.
set lx [expr {$left + $pw - 262}]; set ly [expr {$top + $ph - 88}]
lappend svg "<rect x=\"[expr {$lx - 8}]\" y=\"[expr {$ly - 6}]\" width=\"250\" height=\"84\" fill=\"white\" stroke=\"#bbbbbb\"/>"
set i 0
foreach {style label} [list \
        {stroke="#999999" stroke-dasharray="6 4"} "ideal speedup P" \
        {stroke="#1f5fbf" stroke-width="2"} "Amdahl: 1 / (s + (1-s)/P)" \
        {stroke="#cc6600" stroke-dasharray="2 3"} [format "limit 1/s = %.1f" [expr {1.0 / $serial}]] \
        {stroke="#c0392b" stroke-width="1.5"} "measured on this machine"] {
    set y [expr {$ly + 8 + 19 * $i}]
    lappend svg "<line x1=\"$lx\" y1=\"$y\" x2=\"[expr {$lx + 30}]\" y2=\"$y\" $style/>"
    lappend svg "<text x=\"[expr {$lx + 40}]\" y=\"[expr {$y + 4}]\">[esc $label]</text>"
    incr i
}
lappend svg "<circle cx=\"[expr {$lx + 15}]\" cy=\"[expr {$ly + 8 + 19 * 3}]\" r=\"4\" fill=\"#c0392b\"/>"
lappend svg "</svg>"

set f [open $svgfile w]
puts $f [join $svg \n]
close $f
puts ""
puts "plot written to $svgfile ([expr {[llength $measured] / 2}] measured points, curve to P = $pmax)"
