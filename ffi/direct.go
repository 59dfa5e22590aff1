package ffi

// Direct calls: the ordinary (not leaf) typed call of a library's function
// whose arguments and result are all scalars, bound without errno capture,
// with no gate or one that has a first phase (Admitter). Bind's scalar
// closures (scalarFn0 …) fill a dframe on their stack and hand it to the
// direct trampoline (ffidirect, call_amd64.s) through runtime.cgocall: no
// frame of 27 words to clear, no string, errno or relocation bookkeeping in
// the frame, and one inlined Go function (noLenders) between the closure and
// cgocall. The library is counted in flight exactly as on the other typed
// paths (the calling thread's slot, inflight.go), so Close's guarantees are
// unchanged; whatever is not the common case (a token to lend, no thread
// slot, a closed library, a gate) leaves the fast path for an outlined one
// (dcallLent, dcallEnd, dcallGated, call_amd64.go).

// direct reports whether f's scalar closures make direct calls.
func (f *Func) direct() bool {
	return directOK && f.lib != nil && f.errfn == 0 && (f.gate == nil || f.admit != nil) && !f.leaf
}
