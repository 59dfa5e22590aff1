//go:build amd64 && (linux || freebsd || netbsd || darwin)

package ffi

import (
	"unsafe"

	"github.com/goractor/goractor/internal/execctx"

	_ "github.com/ebitengine/purego" // fakecgo: the runtime hooks cgocall needs when CGO_ENABLED=0
)

const fastArch = true

// runtime_cgocall is the runtime's entry into C code, the one cgo and purego
// use (go.dev/issue/67401 keeps it linkable). It switches to the g0 stack,
// tells the scheduler the goroutine is in a system call, and calls fn(arg)
// with the C calling convention. The frame does not escape: the runtime only
// hands it to the trampoline for the duration of the call.
//
//go:linkname runtime_cgocall runtime.cgocall
//go:noescape
func runtime_cgocall(fn uintptr, arg unsafe.Pointer) int32

// trampABI0 is the address of the assembly trampoline (call_amd64.s).
var trampABI0 uintptr

// gstack returns the calling goroutine's g and its stack bounds.
//
//go:noescape
func gstack() (gp, lo, hi uintptr)

// fastOK is false when the runtime's g layout does not look like the one the
// trampoline assumes (g.stack.lo, g.stack.hi as its first words); then every
// call goes through purego.
var fastOK = checkGLayout()

//go:noinline
func checkGLayout() bool {
	var probe [64]byte
	g, lo, hi := gstack()
	sp := uintptr(unsafe.Pointer(&probe))
	size := hi - lo
	return g != 0 && lo < sp && sp < hi && size >= 2048 && size&(size-1) == 0
}

// callFrame makes the native call described by fr on the calling thread.
func callFrame(fr *frame) {
	g, lo, hi := gstack()
	p := uintptr(unsafe.Pointer(fr))
	if p >= lo && p < hi {
		fr.g, fr.depth = g, hi-p
	} else {
		fr.g = 0
	}
	runtime_cgocall(trampABI0, unsafe.Pointer(fr))
}

// scall makes the call whose arguments are set in fr (on the caller's
// stack), counting it as a call into f's library exactly as Library.enter
// and Library.exit do (see enter for why Close never unloads under it). It
// returns false, without calling, when the library is closed. It is the
// scalar fast path's whole call sequence in one function: enter, the lend
// check, the stack bookkeeping of callFrame and cgocall, then exit.
func (f *Func) scall(fr *frame) bool {
	fr.fn = f.ptr
	fr.nflt = uintptr(f.sig.plan.nflt)
	fr.errfn = f.errfn
	l := f.lib
	var sh *shard
	if l != nil {
		sh = l.shardOf(uintptr(unsafe.Pointer(fr)))
		sh.n.Add(1)
		if l.closed.Load() {
			l.exit(sh)
			return false
		}
	}
	if execctx.AnyLenders() {
		nativeFrame(fr)
	} else {
		g, lo, hi := gstack()
		p := uintptr(unsafe.Pointer(fr))
		if p >= lo && p < hi {
			fr.g, fr.depth = g, hi-p
		}
		runtime_cgocall(trampABI0, unsafe.Pointer(fr))
	}
	if l != nil {
		sh.n.Add(-1)
		if l.closed.Load() {
			l.lastExit()
		}
	}
	return true
}
