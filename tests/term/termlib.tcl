# termlib.tcl --
#
#	Sourced by every terminal suite (tests/term/*.test, run by Expect).
#	Starts `mpiexec -n R ptclsh` in a pseudo-terminal of its own, with a
#	private HOME (so ~/.ptclsh_history and ~/.ptclshrc are the test's),
#	an inputrc that turns readline's bracketed paste off, TERM=dumb and a
#	wide screen (no escape sequences, no line wrapping in what the tests
#	read), and ends every job it started: a hang is a failure, never a
#	hung suite.
#
#	The runner (tests/runner.tcl) sets PTCLSH, MPIEXEC and the OMPI and
#	ptcl variables; run by hand, defaults are taken from the source tree:
#	    PTCLSH=$PWD/ptclsh MPIEXEC=mpiexec expect tests/term/prompt.test
#
#	mpiexec runs with `--stdin none` unless a test says otherwise (-flags).
#	OpenMPI 4.1's mpiexec keeps polling its stdin, the terminal, after rank
#	0 has taken the terminal's foreground, and reads a key when it sees it
#	before rank 0 does. From the background that read stops mpiexec
#	(SIGTTIN) under an interactive shell (prompt.test, term-prompt-9.1)
#	and fails harmlessly under Expect, whose job leads its own session;
#	but a read begun just before rank 0 hands the terminal back at exit
#	blocks mpiexec for good, and Ctrl-D then sometimes never ends the job.
#	The suites test ptclsh, not that race: the plain command is tested
#	where no exit status is awaited (term-prompt-1.1) and from bash.
#
#	Procedures (namespace ::term):
#	  start RANKS ?-home DIR? ?-env {NAME VALUE ...}? ?-cwd DIR?
#	        ?-flags LIST? ?-command LIST?
#	                          spawn the job (its spawn_id becomes the
#	                          global spawn_id); returns the HOME used.
#	                          -flags: mpiexec's options before -n
#	  prompt ?RE?             wait for the prompt (default "ptcl[R]% ")
#	  run CMD ?RE?            type CMD and Enter, wait for the next prompt,
#	                          return what was printed between the two
#	                          (lines joined with \n, no \r, no echo)
#	  send KEYS               type KEYS (no Enter)
#	  expectRE RE ?SECS?      wait for RE; returns all read up to the match
#	  promptRE                the default prompt, as a regexp
#	  clean TEXT              TEXT without \r and trailing newlines
#	  quit ?KEYS?             Ctrl-D (or KEYS), wait for the end; returns
#	                          the exit status
#	  finish                  end the job whatever its state (for -cleanup)
#	  descendants PID         the pids of the processes below PID
#	  alive PID               1 if PID runs (exists, not a zombie)
#	  newdir ?NAME?           a fresh directory in the suite's temp folder
#	  slurp FILE              a file's contents ("" if it does not exist)
#	  done                    end of the suite: cleanup and cleanupTests

package require tcltest 2.5
namespace import -force ::tcltest::*

namespace eval ::term {
    variable here [file dirname [file normalize [info script]]]
    variable top [file dirname [file dirname $here]]
    # Every wait is bounded: TERM_TIMEOUT seconds (20 by default).
    variable timeout 20
    if {[info exists ::env(TERM_TIMEOUT)]} {
        set timeout $::env(TERM_TIMEOUT)
    }
    variable ranksNow 1
    variable job ""
    variable pid ""
    variable done 1
    variable tmp [exec mktemp -d /tmp/ptcl-term.XXXXXX]
    variable seq 0
    variable mpiexecFlags {--stdin none}

    if {![info exists ::env(PTCLSH)]} {
        set ::env(PTCLSH) [file join $top ptclsh]
    }
    if {![info exists ::env(MPIEXEC)]} {
        set ::env(MPIEXEC) mpiexec
    }
    foreach {name value} [list \
            OMPI_ALLOW_RUN_AS_ROOT 1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM 1 \
            OMPI_MCA_rmaps_base_oversubscribe 1 \
            PTCL_LIBRARY [file join $top scripts] \
            TCLLIBPATH [file dirname $::env(PTCLSH)]] {
        if {![info exists ::env($name)]} {
            set ::env($name) $value
        }
    }
    # What a test's own environment must not pass on.
    foreach name {PTCLSH_HISTORY PTCLSH_INTERACTIVE} {
        unset -nocomplain ::env($name)
    }

    set f [open [file join $tmp inputrc] w]
    puts $f "set enable-bracketed-paste off"
    puts $f "set bell-style none"
    close $f

    # Killed (the runner's time limit): end the job, remove the files.
    trap {
        ::term::finish
        file delete -force $::term::tmp
        exit 1
    } {SIGTERM SIGINT SIGHUP}

    # A failure shows all the job printed (a crash's whole report).
    match_max -d 100000

    # Log the terminal's bytes to the suite's output only when asked
    # (TERMLOG=1): the runner keeps that output in its log.
    log_user [expr {[info exists ::env(TERMLOG)] && $::env(TERMLOG)}]
}

# ::term::newdir --
#
#	A fresh directory under the suite's temporary folder.

proc ::term::newdir {{name dir}} {
    variable tmp
    variable seq
    set dir [file join $tmp $name[incr seq]]
    file mkdir $dir
    return $dir
}

# ::term::start --
#
#	Spawns `$MPIEXEC -n RANKS --oversubscribe $PTCLSH` (or -command) in a
#	new pseudo-terminal. Any job still running from an earlier test is
#	ended first.

proc ::term::start {ranks args} {
    variable tmp
    variable job
    variable pid
    variable done
    variable mpiexecFlags
    variable ranksNow
    finish
    set opts [dict merge [list -home "" -env {} -cwd "" -command "" \
        -flags $mpiexecFlags] $args]
    set home [dict get $opts -home]
    if {$home eq ""} {
        set home [newdir home]
    }
    set command [dict get $opts -command]
    if {$command eq ""} {
        set command [list $::env(MPIEXEC) {*}[dict get $opts -flags] \
            -n $ranks --oversubscribe $::env(PTCLSH)]
    }
    # The job's environment goes through env(1): the suite's own ::env
    # stays as it is.
    set envs [list HOME=$home INPUTRC=[file join $tmp inputrc] TERM=dumb \
        COLUMNS=250 LINES=50]
    foreach {name value} [dict get $opts -env] {
        lappend envs $name=$value
    }
    set cwd [pwd]
    if {[dict get $opts -cwd] ne ""} {
        cd [dict get $opts -cwd]
    }
    try {
        set pid [spawn -noecho env {*}$envs {*}$command]
    } finally {
        cd $cwd
    }
    set job $spawn_id
    set ::spawn_id $spawn_id
    set done 0
    set ranksNow $ranks
    catch {stty rows 50 columns 250 < $spawn_out(slave,name)}
    return $home
}

# ::term::promptRE --
#
#	The default prompt of a job of the current size, as a regexp.

proc ::term::promptRE {} {
    variable ranksNow
    return "ptcl\\\[$ranksNow\\\]% $"
}

# ::term::expectRE --
#
#	Waits for RE in the job's output (bounded by the timeout). Returns
#	everything read up to and including the match; on timeout or end of
#	output, an error that shows what was read.

proc ::term::expectRE {re {secs ""}} {
    variable job
    variable timeout
    if {$secs eq ""} {
        set secs $timeout
    }
    set seen ""
    expect -i $job -timeout $secs -re $re {
        return $expect_out(buffer)
    } timeout {
        set why "timeout after $secs s (job: [Processes])"
    } eof {
        set why "end of output"
        if {[info exists expect_out(buffer)]} {
            set seen $expect_out(buffer)
        }
    }
    catch {
        expect -i $job -timeout 0 -re {.+} {
            set seen $expect_out(buffer)
        }
    }
    return -code error "waiting for /$re/: $why; unmatched output:\
        [Visible $seen]"
}

proc ::term::Visible {text} {
    string map [list \r {\r} \n {\n} \033 {\e} \007 {\a}] $text
}

proc ::term::prompt {{re ""}} {
    if {$re eq ""} {
        set re [promptRE]
    }
    expectRE $re
}

proc ::term::send {text} {
    variable job
    exp_send -i $job -- $text
}

# ::term::run --
#
#	Types CMD and Enter; returns the output between the echoed line and
#	the next prompt.

proc ::term::run {cmd {re ""}} {
    if {$re eq ""} {
        set re [promptRE]
    }
    send "$cmd\r"
    set text [expectRE "\r\n(.*)$re"]
    regexp -- "\r\n(.*)$re" $text -> out
    return [clean $out]
}

# ::term::clean --
#
#	Terminal text as a test compares it: no \r, no trailing newlines.

proc ::term::clean {text} {
    set text [string map [list \r ""] $text]
    return [string trimright $text \n]
}

# ::term::quit --
#
#	Sends KEYS (Ctrl-D by default) and waits for the job to end. Returns
#	its exit status, or "signal NAME" when it was killed by a signal.

proc ::term::quit {{keys \004}} {
    variable job
    variable timeout
    send $keys
    set why ""
    expect -i $job -timeout $timeout eof {
    } timeout {
        set why "no end of output after $timeout s"
    }
    if {$why ne ""} {
        append why "; still running: [Processes]"
        finish
        return -code error $why
    }
    return [Reap]
}

# ::term::Reap --
#
#	Waits for the spawned process (it has ended, or is being killed).

proc ::term::Reap {} {
    variable job
    variable done
    catch {close -i $job}
    set w [wait -i $job]
    set done 1
    if {[lindex $w 2] != 0} {
        return "error [lindex $w 3]"
    }
    if {[llength $w] > 4} {
        return "signal [lindex $w 5]"
    }
    return [lindex $w 3]
}

# ::term::descendants --
#
#	The processes below PID (from /proc), so that a stuck job can be
#	ended by process id, nothing else.

proc ::term::descendants {pid} {
    set children {}
    foreach stat [glob -nocomplain /proc/\[0-9\]*/stat] {
        if {[catch {
            set f [open $stat]
            set text [read $f]
            close $f
        }]} {
            continue
        }
        if {[regexp {\) \S (\d+)} $text -> ppid] && $ppid == $pid} {
            lappend children [file tail [file dirname $stat]]
        }
    }
    set all {}
    foreach child $children {
        lappend all $child {*}[descendants $child]
    }
    return $all
}

# ::term::Processes --
#
#	What a stuck job is doing: each process of it, its state and where
#	in the kernel it waits (for the message of a failing test).

proc ::term::Processes {} {
    variable pid
    set procs [list $pid {*}[descendants $pid]]
    if {[catch {exec ps -o pid=,stat=,wchan:24=,args= -p [join $procs ,]} text]} {
        return "(ps failed: $text)"
    }
    return [join [lmap line [split $text \n] {string trim $line}] "; "]
}

# ::term::alive --
#
#	Whether process PID still runs (exists and is not a zombie).

proc ::term::alive {pid} {
    if {[catch {
        set f [open /proc/$pid/stat]
        set text [read $f]
        close $f
    }]} {
        return 0
    }
    return [expr {![regexp {\) Z } $text]}]
}

# ::term::finish --
#
#	Ends the job whatever its state. First as a user would: Ctrl-U (kill
#	the line) and Ctrl-D, up to 3 s for the end. Then by force: close the
#	terminal (mpiexec and rank 0 get SIGHUP), up to 5 s more, then kill
#	what is left of the job, by pid.

proc ::term::finish {} {
    variable job
    variable pid
    variable done
    if {$done} {
        return
    }
    set procs [list $pid {*}[descendants $pid]]
    set ended 0
    catch {
        exp_send -i $job -- "\025\004"
        expect -i $job -timeout 3 eof {
            set ended 1
        } timeout {
        }
    }
    if {$ended} {
        Reap
        return
    }
    catch {close -i $job}
    set deadline [expr {[clock milliseconds] + 5000}]
    while {[clock milliseconds] < $deadline} {
        set left [lmap p $procs {expr {[alive $p] ? $p : [continue]}}]
        if {![llength $left]} {
            break
        }
        after 100
    }
    foreach p $procs {
        if {[alive $p]} {
            catch {exec kill -KILL $p}
        }
    }
    catch {wait -i $job}
    set done 1
}

# ::term::slurp --
#
#	A file's contents, "" if it does not exist.

proc ::term::slurp {file} {
    if {![file exists $file]} {
        return ""
    }
    set f [open $file]
    set text [read $f]
    close $f
    return $text
}

# ::term::done --
#
#	End of a suite: no job left, temporary files removed, counts printed.

proc ::term::done {} {
    variable tmp
    finish
    file delete -force $tmp
    cleanupTests
}
