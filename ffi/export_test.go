package ffi

// Fast reports whether calls of f go through ffi's register trampoline (true
// on linux/amd64 for signatures without structs and with at most 6 integer
// and 8 float arguments); otherwise they go through purego.
func (f *Func) Fast() bool { return f.sig.plan.fast }

// FastArch reports whether this platform has ffi's register trampoline
// (the typed paths that ask a gate's Admitter).
const FastArch = fastArch

// MakeFunc sets *fptr to a Go function calling f (a Func bound without a
// library, for the in-flight-count benchmark).
func MakeFunc(f *Func, fptr any) { f.makeFunc(fptr) }
