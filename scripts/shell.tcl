# shell.tcl --
#
#	Helpers of the ptclsh prompt that are better written in Tcl:
#	the default prompt and Tab completion. Sourced by ptclsh on every
#	rank; only rank 0 uses them.

namespace eval ::ptcl::shell {
    namespace export prompt complete
}

# ::ptcl::shell::prompt --
#
#	The default prompt when tcl_prompt1/tcl_prompt2 are not set:
#	"ptcl[N]% " for a new command, N the number of ranks, and a short
#	"> " for a command continued on the next line.
#
# Arguments:
#	which	1 for a new command, 2 for a continued one.
#
# Results:
#	The prompt string.

proc ::ptcl::shell::prompt {which} {
    if {$which == 2} {
        return "> "
    }
    set mode [expr {[info exists ::ptcl::shell::autopx]
        && $::ptcl::shell::autopx ? ":px" : ""}]
    return "ptcl\[[mpi::size -comm world]$mode\]% "
}

# ::ptcl::shell::complete --
#
#	Tab completion for readline. Decides from the text before the word
#	what the word is: a variable after "$", a command name at the start
#	of a command (line start, after "[", ";" or "{"), a file name
#	anywhere else.
#
# Arguments:
#	line	the whole line being edited
#	start	index of the word being completed in line
#	end	index just past it
#	text	the word itself
#
# Results:
#	A list of candidates, or "-files" to let readline complete a file
#	name.

proc ::ptcl::shell::complete {line start end text} {
    if {[string index $text 0] eq "\$"} {
        return [Variables [string range $text 1 end]]
    }
    set before [string trimright [string range $line 0 [expr {$start - 1}]]]
    if {$before eq "" || [string index $before end] in {[ ; \{}} {
        return [Commands $text]
    }
    return -files
}

# ::ptcl::shell::Commands --
#
#	Command names and namespaces (as "ns::") starting with text; names
#	are given back qualified the way the user typed them.

proc ::ptcl::shell::Commands {text} {
    set qualified [string match ::* $text]
    set pattern [expr {$qualified ? $text : "::$text"}]
    set ns [namespace qualifiers $pattern]
    if {$ns eq ""} {
        set ns ::
    }
    set found {}
    foreach name [info commands $pattern*] {
        lappend found [Shown $name $qualified]
    }
    if {[namespace exists $ns]} {
        foreach child [namespace children $ns $pattern*] {
            lappend found [Shown $child $qualified]::
        }
    }
    return [lsort -unique $found]
}

proc ::ptcl::shell::Shown {name qualified} {
    if {!$qualified} {
        return [string range $name 2 end]
    }
    return $name
}

# ::ptcl::shell::Variables --
#
#	"$name" candidates for variables (and namespace variables when the
#	name is qualified) starting with text.

proc ::ptcl::shell::Variables {text} {
    set found {}
    if {[string match *::* $text]} {
        set pattern [expr {[string match ::* $text] ? $text : "::$text"}]
        set ns [namespace qualifiers $pattern]
        foreach name [info vars $pattern*] {
            lappend found \$[expr {[string match ::* $text] ? $name
                                   : [string range $name 2 end]}]
        }
        if {$ns eq ""} {
            set ns ::
        }
        if {[namespace exists $ns]} {
            foreach child [namespace children $ns $pattern*] {
                lappend found \$[expr {[string match ::* $text] ? $child
                                       : [string range $child 2 end]}]::
            }
        }
    } else {
        foreach name [uplevel #0 [list info vars $text*]] {
            lappend found \$$name
        }
        foreach child [namespace children :: ::$text*] {
            lappend found \$[string range $child 2 end]::
        }
    }
    return [lsort -unique $found]
}
