# autopx.tcl --
#
#	The prompt's px mode. `autopx` (a C command in ::ptcl that checks it
#	is typed at the prompt of ptclsh, then loads this file) toggles
#	::ptcl::shell::autopx; while it is on, ptclsh's prompt loop
#	(interp/prompt.c) hands each complete command to AutopxEval instead
#	of evaluating it, and the prompt reads "ptcl[N:px]% "
#	(::ptcl::shell::prompt in shell.tcl).

namespace eval ::ptcl::shell {
    variable autopx 0
}

# ::ptcl::shell::Autopx --
#
#	Turns the mode on or off.
#
# Results:
#	A line saying which, as IPython's %autopx does.

proc ::ptcl::shell::Autopx {} {
    variable autopx
    set autopx [expr {!$autopx}]
    if {$autopx} {
        return "autopx on: each command now runs as px COMMAND;\
            type autopx to turn it off"
    }
    return "autopx off"
}

# ::ptcl::shell::AutopxEval --
#
#	Runs one command typed at the prompt while autopx is on: as px on
#	every rank, except `autopx` itself, which turns the mode off.
#
# Arguments:
#	command	the complete command, as typed
#
# Results:
#	What px gives.

proc ::ptcl::shell::AutopxEval {command} {
    set words [string trim $command]
    if {$words in {autopx ::ptcl::autopx ::autopx}} {
        return [uplevel #0 $words]
    }
    if {$words eq ""} {
        return
    }
    return [uplevel #0 [list ::ptcl::px $command]]
}
