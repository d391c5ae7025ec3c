/*
 * ptclCompat.h --
 *
 *	Everything that differs between the Tcl versions ptcl builds with
 *	(8.6 and 9.0), in one place, and the visibility of ptcl's own
 *	functions. Every file of libptcl includes it first (through
 *	ptclRuntime.h).
 *
 *	- Tcl_Size: the type of every length and index Tcl hands out. Tcl 9
 *	  made it 64-bit (ptrdiff_t); Tcl 8.6 has int and no Tcl_Size, so it
 *	  is defined here. Code that passes a length pointer to Tcl
 *	  (Tcl_GetStringFromObj, Tcl_ListObjGetElements, ...) uses Tcl_Size,
 *	  never int.
 *	- MODULE_SCOPE: the functions that the files of libptcl share with
 *	  each other are declared MODULE_SCOPE, which hides them from the
 *	  library's exported symbols (only Ptcl_Init, Ptcl_SafeInit and the
 *	  small shell API of ptclShell.h are exported).
 */

#ifndef PTCL_COMPAT_H
#define PTCL_COMPAT_H

#include <limits.h>

/*
 * MODULE_SCOPE must be defined before tcl.h, which would make it a plain
 * extern.
 */

#ifndef MODULE_SCOPE
#   if defined(__GNUC__) && !defined(_WIN32)
#	define MODULE_SCOPE extern __attribute__((__visibility__("hidden")))
#   else
#	define MODULE_SCOPE extern
#   endif
#endif

/*
 * What libptcl exports: the package's entry points and the shell API.
 */

#if defined(__GNUC__) && !defined(_WIN32)
#   define PTCL_EXPORT __attribute__((__visibility__("default")))
#else
#   define PTCL_EXPORT
#endif

#include <tcl.h>

#if TCL_MAJOR_VERSION < 9
typedef int Tcl_Size;
#   ifndef TCL_SIZE_MAX
#	define TCL_SIZE_MAX INT_MAX
#   endif
#endif

#endif /* PTCL_COMPAT_H */
