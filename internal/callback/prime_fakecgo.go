//go:build !cgo && linux && amd64

package callback

import (
	"os"
	"sync/atomic"
	"unsafe"

	"github.com/ebitengine/purego"
)

// With CGO_ENABLED=0 the process runs on purego's fakecgo, which gives the
// runtime every cgo hook except one: nothing ever creates the pthread key
// whose existence tells the runtime to keep a Go M bound to a foreign thread
// between callbacks (runtime.needAndBindM, the _cgo_pthread_key_created
// check in cgocallback). Real cgo creates it the first time C calls an
// //export'ed function. Without it every callback from a thread the runtime
// did not create pays needm + dropm: 9 system calls (docs/callbacks.md, "Cost").
//
// This file does what runtime/cgo's gcc_libinit.c does, without a C
// compiler: it creates the key with a destructor that gives the M back when
// the thread exits (crosscall2(NULL, g) → cgocallback's dropm path), installs
// a bindm hook that stores the thread's g under the key (fakecgo's own
// x_cgo_bindm receives its argument in the wrong register for asmcgocall, so
// it is replaced), and only then sets the flag the runtime checks. The Go
// runtime's side of the protocol is unchanged and is the same one cgo
// programs use.
//
// GORACTOR_NOPRIME=1 in the environment disables it (to measure the unprimed
// cost, or as a safety valve).

// _cgo_pthread_key_created and _cgo_bindm are the runtime's hook variables
// (runtime/cgo.go); fakecgo defines them.

//go:linkname cgoPthreadKeyCreated _cgo_pthread_key_created
var cgoPthreadKeyCreated unsafe.Pointer

//go:linkname cgoBindm _cgo_bindm
var cgoBindm unsafe.Pointer

// Read by the assembly (prime_fakecgo_amd64.s).
var (
	primeKey           uintptr // pthread_key_t, zero-extended
	pthreadSetspecific uintptr
)

var primed atomic.Bool

// bindmPC and keyDestructorPC return the C entry points in
// prime_fakecgo_amd64.s.
func bindmPC() unsafe.Pointer
func keyDestructorPC() uintptr

func init() {
	if os.Getenv("GORACTOR_NOPRIME") == "1" {
		return
	}
	primed.Store(primeFakecgo())
}

func primeFakecgo() bool {
	if cgoPthreadKeyCreated == nil || *(*uintptr)(cgoPthreadKeyCreated) != 0 {
		return false // not fakecgo, or somebody did it already
	}
	create, err := purego.Dlsym(purego.RTLD_DEFAULT, "pthread_key_create")
	if err != nil {
		return false
	}
	setspecific, err := purego.Dlsym(purego.RTLD_DEFAULT, "pthread_setspecific")
	if err != nil {
		return false
	}
	var key uint32
	if r, _, _ := purego.SyscallN(create, uintptr(unsafe.Pointer(&key)), keyDestructorPC()); r != 0 {
		return false
	}
	primeKey, pthreadSetspecific = uintptr(key), setspecific
	cgoBindm = bindmPC()
	// Last: from now on needAndBindM calls bindm and cgocallback skips dropm.
	*(*uintptr)(cgoPthreadKeyCreated) = 1
	return true
}

// Primed reports whether foreign threads keep their Go binding between
// callbacks: true after the start-up prime (disabled by GORACTOR_NOPRIME=1).
func Primed() bool { return primed.Load() }
