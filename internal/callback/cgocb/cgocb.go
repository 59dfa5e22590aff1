//go:build cgo

// Package cgocb is the cgo baseline for callbacks: a C loop, compiled into
// the binary, that calls an exported Go function (//export) n times on the
// calling thread or on a pthread it creates. `goractor bench` and the
// callback benchmarks set goractor's callbacks against it in the same run.
// Without cgo, Have is false and the functions panic.
package cgocb

/*
#include <stdint.h>
intptr_t cgocb_call_n(intptr_t n);
intptr_t cgocb_call_n_thread(intptr_t n);
*/
import "C"

// Have reports whether this binary was built with cgo.
const Have = true

// calls counts the handler's runs (one thread at a time calls it).
var calls uintptr

//export goractorCgocbHandler
func goractorCgocbHandler(i C.intptr_t) C.intptr_t {
	calls++
	return i + 1
}

// CallN has C call the exported handler n times on the calling thread and
// returns the sum of the results, n(n+1)/2.
func CallN(n int) uintptr { return uintptr(C.cgocb_call_n(C.intptr_t(n))) }

// CallNThread does the same on a pthread C creates and joins.
func CallNThread(n int) uintptr { return uintptr(C.cgocb_call_n_thread(C.intptr_t(n))) }
