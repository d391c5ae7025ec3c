# runner.tcl --
#
#	Runs every test suite of ptcl and adds up the counts into one line,
#	"N passed, N failed", which is the last line it prints. Exit status 0
#	when nothing failed, 1 otherwise.
#
#	Suites, by file name under the test folder:
#	  NAME.test        tcltest under `mpiexec -n R ptclsh NAME.test`, for
#	                   every R in -ranks (the script runs on rank 0 and
#	                   reaches the others with px);
#	  NAME.spmd.test   tcltest under `mpiexec -n R tclsh NAME.spmd.test`
#	                   (package mode: every rank runs the file; rank 0
#	                   reports);
#	  NAME.job.test    tcltest under a plain tclsh, once: each test starts
#	                   ptclsh jobs itself (pipes, script files, exit codes);
#	  term/NAME.test   tcltest under Expect, once (each test starts its
#	                   own mpiexec in a pseudo-terminal);
#	  -unit PROGRAMS   C unit test programs, once each.
#	A suite that crashes, hangs past -timeout or prints no tcltest summary
#	counts as one failure.
#
# Usage:
#	tclsh runner.tcl -ptclsh PATH -testdir DIR ?-tclsh PATH? ?-mpiexec PATH?
#	    ?-expect PATH? ?-ranks 1,2,3,4? ?-match GLOB? ?-unit {PROGRAM ...}?
#	    ?-timeout SECONDS? ?-logdir DIR? ?-verbose 0|1?

namespace eval ::runner {
    variable opt
    array set opt {
        -ptclsh ptclsh -tclsh tclsh -mpiexec mpiexec -expect ""
        -testdir . -ranks {1 2 3 4} -match * -unit {} -timeout 300
        -logdir test-logs -verbose 0
    }
    variable passed 0
    variable failed 0
    variable skipped 0
    variable failures {}
}

proc ::runner::Usage {} {
    puts stderr "usage: tclsh runner.tcl -ptclsh PATH -testdir DIR ?-tclsh PATH?\
        ?-mpiexec PATH? ?-expect PATH? ?-ranks LIST? ?-match GLOB?\
        ?-unit PROGRAMS? ?-timeout SECONDS? ?-logdir DIR? ?-verbose 0|1?"
    exit 2
}

proc ::runner::ParseArgs {argv} {
    variable opt
    if {[llength $argv] % 2} {
        Usage
    }
    foreach {k v} $argv {
        if {![info exists opt($k)]} {
            puts stderr "runner: unknown option \"$k\""
            Usage
        }
        set opt($k) $v
    }
    # "-ranks 2,4" as well as "-ranks {2 4}" (make variables split words).
    set opt(-ranks) [lsearch -all -inline -not [split $opt(-ranks) ", "] {}]
}

# ::runner::Run --
#
#	Runs one suite command with a time bound, keeps its output in a log
#	file and adds its tcltest summary (or one failure) to the counts.

proc ::runner::Run {label cmd} {
    variable opt
    variable passed
    variable failed
    variable skipped
    variable failures
    file mkdir $opt(-logdir)
    set log [file join $opt(-logdir) [regsub -all {[^A-Za-z0-9_.-]+} $label _].log]
    set start [clock milliseconds]
    set status 0
    set full [list timeout -k 10 $opt(-timeout) {*}$cmd]
    if {[catch {exec {*}$full < /dev/null > $log 2>@1} msg opts]} {
        set status [lindex [dict get $opts -errorcode] end]
    }
    set secs [format %.1f [expr {([clock milliseconds] - $start) / 1000.0}]]
    set f [open $log]
    set text [read $f]
    close $f
    set found 0
    foreach line [split $text \n] {
        if {[regexp {Total\s+(\d+)\s+Passed\s+(\d+)\s+Skipped\s+(\d+)\s+Failed\s+(\d+)} \
                $line -> t p s fl]} {
            set found 1
            incr passed $p
            incr skipped $s
            incr failed $fl
            break
        }
    }
    if {!$found} {
        incr failed
        set why [expr {$status == 124 ? "timed out after $opt(-timeout) s"
                       : "no tcltest summary (status $status)"}]
        lappend failures "$label: $why, see $log"
        puts [format "%-32s %s (%s s)" $label "FAILED: $why" $secs]
        if {$opt(-verbose)} {
            puts $text
        }
        return
    }
    set bad [regexp -all -line {^==== .* FAILED$} $text]
    if {$fl > 0 || $bad} {
        foreach line [regexp -all -inline -line {^==== .* FAILED$} $text] {
            lappend failures "$label: $line"
        }
        if {$opt(-verbose)} {
            puts $text
        }
    }
    puts [format "%-32s total %4d passed %4d skipped %3d failed %3d (%s s)" \
        $label $t $p $s $fl $secs]
}

proc ::runner::Main {argv} {
    variable opt
    variable passed
    variable failed
    variable skipped
    variable failures
    ParseArgs $argv
    set dir $opt(-testdir)
    # For the suites that start jobs of their own (job and term suites).
    set ::env(PTCLSH) [file normalize $opt(-ptclsh)]
    set ::env(MPIEXEC) $opt(-mpiexec)

    foreach prog $opt(-unit) {
        Run [file tail $prog] [list $prog]
    }
    foreach file [lsort [glob -nocomplain -directory $dir *.test]] {
        set name [file tail $file]
        if {![string match $opt(-match) $name]} {
            continue
        }
        if {[string match *.job.test $name]} {
            Run $name [list $opt(-tclsh) $file]
            continue
        } elseif {[string match *.spmd.test $name]} {
            set shell $opt(-tclsh)
        } else {
            set shell $opt(-ptclsh)
        }
        foreach n $opt(-ranks) {
            Run "$name@$n" [list $opt(-mpiexec) -n $n --oversubscribe $shell $file]
        }
    }
    set terms [lsort [glob -nocomplain -directory [file join $dir term] *.test]]
    if {[llength $terms] && $opt(-expect) eq ""} {
        puts "terminal suites skipped: no expect"
    }
    foreach file $terms {
        set name term/[file tail $file]
        if {$opt(-expect) eq "" || ![string match $opt(-match) [file tail $file]]} {
            continue
        }
        Run $name [list $opt(-expect) $file]
    }

    if {[llength $failures]} {
        puts "\nFailures:"
        foreach f $failures {
            puts "  $f"
        }
    }
    puts ""
    if {$skipped} {
        puts "$passed passed, $failed failed, $skipped skipped"
    } else {
        puts "$passed passed, $failed failed"
    }
    exit [expr {$failed > 0}]
}

::runner::Main $argv
