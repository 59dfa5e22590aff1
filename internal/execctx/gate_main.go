package execctx

// The functions in the gate_*.go files serve the call gate's first phase
// (package extension, route.go): the hot path of every gated call.

// OwnMain returns the main actor's Exec when the calling goroutine is the main
// actor's own goroutine (the one bound by Bind), and nil otherwise. It is
// Main().OnOwnGoroutine() with one read of the goroutine pointer instead of
// two.
func OwnMain() *Exec {
	if e := mainExec.Load(); e != nil && e.OwnG(getg()) {
		return e
	}
	return nil
}
