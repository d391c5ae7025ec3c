# data_common.tcl --
#
#	Shared by the suites of the data commands (data_*.test): the corpus
#	of awkward values every command is tried with, and small helpers.
#	Every rank builds the same corpus, so SPMD suites can compare.

namespace eval ::datatest {
    namespace export corpus blocks expectBlocks collectives rep concatN

    # corpus --
    #	A dict name -> value of awkward values: empty, unicode, NUL bytes,
    #	64-bit and bignum integers, doubles whose string form matters,
    #	nested lists, dicts, pure bytearrays, 100 000-element lists of pure
    #	doubles and integers, and (unless small) a 10 MB string.
    proc corpus {{small 0}} {
        set c [dict create]
        dict set c empty {}
        dict set c space " "
        dict set c unicode "h\u00e9llo \u2603 \U1d11e \u4e16\u754c"
        dict set c nul "a\u0000b\u0000"
        dict set c brace "\{"
        dict set c backslash "a\\ b\\"
        dict set c wide 9223372036854775807
        dict set c minwide -9223372036854775808
        dict set c bignum 18446744073709551616123456789
        dict set c strnums {1.50 2.0e0 0x10 -0 1e-300 007}
        dict set c puredoubles [list [expr {1.5}] [expr {-0.0}] [expr {1e-300}] \
            [expr {0.1}] [expr {2.0**60}]]
        dict set c pureints [list [expr {0}] [expr {-1}] [expr {2**62}] \
            [expr {-(2**63)}]]
        dict set c nested {a {b c} {{d}} {} {e {f {g}}}}
        dict set c dict [dict create k1 v1 "k 2" {v 2} k3 {}]
        dict set c bytes [binary format c* [lmap i [Range 256] {expr {$i - 128}}]]
        set d {}
        set w {}
        for {set i 0} {$i < 100000} {incr i} {
            lappend d [expr {$i * 0.25 - 7.0}]
            lappend w [expr {$i * 3 - 12345}]
        }
        dict set c doubles100k $d
        dict set c ints100k $w
        if {!$small} {
            dict set c string10M [string repeat "0123456789\u00e9" 900000]
        }
        return $c
    }

    proc Range {n} {
        set r {}
        for {set i 0} {$i < $n} {incr i} {
            lappend r $i
        }
        return $r
    }

    # blocks --
    #	The sizes scatter cuts N items into over P ranks: differing by at
    #	most one, the larger first.
    proc blocks {n p} {
        set r {}
        for {set i 0} {$i < $p} {incr i} {
            lappend r [expr {$n / $p + ($i < $n % $p ? 1 : 0)}]
        }
        return $r
    }

    # expectBlocks --
    #	LIST cut as scatter cuts it over P ranks: the list of blocks.
    proc expectBlocks {list p} {
        set r {}
        set off 0
        foreach size [blocks [llength $list] $p] {
            lappend r [lrange $list $off [expr {$off + $size - 1}]]
            incr off $size
        }
        return $r
    }

    # concatN --
    #	N copies of LIST, concatenated as lists.
    proc concatN {list n} {
        set r {}
        for {set i 0} {$i < $n} {incr i} {
            lappend r {*}$list
        }
        return $r
    }

    # rep --
    #	The internal type of a value ("double", "list", "bytearray", ...).
    proc rep {value} {
        regexp {value is a (\S+)} [tcl::unsupported::representation $value] -> t
        return $t
    }
}
namespace import ::datatest::*
