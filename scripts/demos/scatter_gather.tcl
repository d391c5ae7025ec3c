# scatter_gather.tcl --
#
#	What it teaches: the data commands. Each rank has its own variables
#	(px {set x 10} and then set x 5 on rank 0 leave 5 10 10 10);
#	scatter cuts a list into one block per rank; px -targets runs code
#	on some ranks only; gather joins the blocks back in rank order.
#	This is the slides' IPython session, line for line, ending with
#	"hello WORLD" on four ranks.
#
#	Run:    mpiexec -n 4 ptclsh scripts/demos/scatter_gather.tcl
#	Slide:  "Slaves have local namespaces", "Scatter", "Gather"
#	        (mec.execute("x = 10"), mec.scatter("a", 'hello world'),
#	        mec.execute("a = a.upper()", targets=[2, 3]),
#	        ''.join(mec.gather("a"))).

set n [llength [targets]]
puts "targets: [targets]   (IPython: mec.targets)"

# Slaves have local namespaces.
puts "px {set x 10}               -> [px {set x 10}]"
puts "set x 5                     -> [set x 5]"
puts "pull x                      -> [pull x]   (rank 0's x is the prompt's)"

# Scatter: "hello world" cut into one block of characters per rank.
scatter a [split "hello world" ""]
puts "scatter a \[split \"hello world\" \"\"\]"
puts "pull a                      -> [pull a]"

# Only ranks 2 and 3 change their block, as targets=[2, 3] does. On a
# smaller job some of these ranks do not exist: px -targets would fail
# with "bad rank", so keep the ones the job has.
set upper {}
foreach r {2 3} {
    if {$r < $n} {
        lappend upper $r
    } else {
        puts "rank $r does not exist in this $n-rank job: its block stays as it is"
    }
}
if {[llength $upper]} {
    puts "px -targets {$upper} {string toupper} -> [px -targets $upper {set a [string toupper $a]}]"
} else {
    puts "no rank of {2 3} exists here: nothing is changed (run with 4 ranks)"
}

# Gather: the blocks back in rank order, joined into one string.
set result [join [gather a] ""]
puts "join \[gather a\] \"\"          -> $result"
puts "result: $result"
