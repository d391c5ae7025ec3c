# ptcl.tcl --
#
#	The Tcl side of the ptcl package, sourced by Ptcl_Init in every
#	interpreter that loads ptcl (ptclsh on every rank, or a stock tclsh
#	with `package require ptcl`). The commands themselves are C; this
#	file exports them so that `namespace import ::ptcl::*` brings the
#	parallel commands into a namespace (ptclsh does that for the global
#	one).

namespace eval ::ptcl {
    namespace export px targets scatter gather allgather pull bcast reduce \
        allreduce barrier pmap autopx
    variable version 0.1
}
