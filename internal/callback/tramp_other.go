//go:build !(amd64 && (linux || darwin || freebsd || netbsd))

package callback

import "github.com/ebitengine/purego"

// newTrampoline creates slot i's trampoline with purego.NewCallback (one of
// its 2000, never freed). The slot function receives every register argument
// of the call and the dispatcher decodes them by the handler's signature.
func newTrampoline(i int) uintptr {
	return purego.NewCallback(func(a0, a1, a2, a3, a4, a5 uintptr, f0, f1, f2, f3, f4, f5, f6, f7 float64) uintptr {
		a := &Args{Int: [6]uintptr{a0, a1, a2, a3, a4, a5}, Float: [8]float64{f0, f1, f2, f3, f4, f5, f6, f7}}
		return dispatch(i, 0, a)
	})
}

const usesPurego = true

// entryBinding: dispatch reads the slot's binding (purego's trampolines
// cannot read it first).
const entryBinding = false
