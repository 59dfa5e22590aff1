//go:build cgo

package benchfix

/*
// bench.c, which cgo compiles into this package, defines the C loops; the
// preamble of a file with an //export may only declare.
long call_cb_n(int (*cb)(int), int n);
long call_cb_n_thread(int (*cb)(int), int n);
int goractorBenchfixCallback(int);
*/
import "C"

// calls counts the handler's runs (one thread at a time calls it), the
// state goractor's measured handlers touch too.
var calls uintptr

//export goractorBenchfixCallback
func goractorBenchfixCallback(i C.int) C.int {
	calls++
	return i + 1
}

// The cgo callback baseline: the fixture's C loops (call_cb_n and
// call_cb_n_thread, the ones MeasureCallback runs through goractor's and
// bare purego's callbacks) calling a cgo //export function.

// CgoCallbackN has C call the exported handler n times on the calling
// thread and returns the sum of the results, n(n+1)/2.
func CgoCallbackN(n int) uintptr {
	return uintptr(C.call_cb_n((*[0]byte)(C.goractorBenchfixCallback), C.int(n)))
}

// CgoCallbackNThread does the same on a pthread C creates and joins.
func CgoCallbackNThread(n int) uintptr {
	return uintptr(C.call_cb_n_thread((*[0]byte)(C.goractorBenchfixCallback), C.int(n)))
}
