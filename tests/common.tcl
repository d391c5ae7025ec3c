# common.tcl --
#
#	Sourced by every tcltest suite of ptcl. Sets up tcltest, the rank
#	constraints, and helpers shared by the suites.
#
#	Constraints:
#	  ranks2, ranks3, ranks4         the job has at least that many ranks
#	  singleton                      the job has one rank
#	  shell                          running in ptclsh (px exists)

package require tcltest 2.5
namespace import -force ::tcltest::*
namespace eval ::ptcltest {}

# Job suites (*.job.test) set ::ptcltest::standalone: they run in a plain
# tclsh and start ptclsh jobs of their own, so they do not load ptcl.
if {[info exists ::ptcltest::standalone]} {
    set ::ptcltest::size 1
} else {
    if {[info commands ::mpi::size] eq ""} {
        package require ptcl
    }
    # In package mode (SPMD) every rank runs the suite; rank 0 reports.
    if {[mpi::rank -comm world] != 0} {
        tcltest::configure -outfile /dev/null -errfile /dev/null
    }
    set ::ptcltest::size [mpi::size -comm world]
}
foreach n {2 3 4} {
    testConstraint ranks$n [expr {$::ptcltest::size >= $n}]
}
testConstraint singleton [expr {$::ptcltest::size == 1}]
testConstraint shell [expr {![info exists ::ptcltest::standalone]
    && [info commands ::ptcl::px] ne "" && [catch {::ptcl::px {}}] == 0}]

namespace eval ::ptcltest {
    variable size
    namespace export ranks each job

    # ranks --
    #	0 .. size-1, the ranks of the job.
    proc ranks {} {
        variable size
        set r {}
        for {set i 0} {$i < $size} {incr i} {
            lappend r $i
        }
        return $r
    }

    # each --
    #	The list of VALUE repeated once per rank of the job (what a px
    #	gives when every rank answers VALUE).
    proc each {value {n ""}} {
        variable size
        if {$n eq ""} {
            set n $size
        }
        return [lrepeat $n $value]
    }

    # job --
    #	Runs `mpiexec -n RANKS ptclsh ARGS...` with STDIN as its input and
    #	returns {status stdout stderr}. For the job suites (*.job.test),
    #	which run under a plain tclsh and start ptclsh jobs themselves.
    proc job {ranks stdin args} {
        set dir [tcltest::temporaryDirectory]
        set in [file join $dir job-[pid].in]
        set out [file join $dir job-[pid].out]
        set err [file join $dir job-[pid].err]
        set f [open $in w]
        fconfigure $f -translation binary
        puts -nonewline $f $stdin
        close $f
        set status 0
        try {
            exec timeout -k 5 120 $::env(MPIEXEC) -n $ranks --oversubscribe \
                $::env(PTCLSH) {*}$args < $in > $out 2> $err
        } trap CHILDSTATUS {msg opts} {
            set status [lindex [dict get $opts -errorcode] end]
        }
        set result [list $status [Slurp $out] [Slurp $err]]
        file delete $out $err $in
        return $result
    }

    proc Slurp {file} {
        set f [open $file]
        set text [read $f]
        close $f
        return $text
    }
}
