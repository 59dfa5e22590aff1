package execctx

// Goroutine-identity checks for package callback's dispatch, which asks
// "is this the owner's goroutine, or its guest?" on every C call: it looks
// the calling goroutine up once (G, in table.go) and passes it to the checks below,
// which inline, instead of calling OnOwnGoroutine, GuestHere and EnterGuest
// (each looks the goroutine up, one or two assembly calls, and is not
// inlined). The results are the same as theirs.

// OwnG is OnOwnGoroutine for g = G() of the calling goroutine.
func (e *Exec) OwnG(g uintptr) bool { return g != 0 && e.g.Load() == g }

// GuestG is GuestHere for g = G() of the calling goroutine.
func (e *Exec) GuestG(g uintptr) bool { return g != 0 && e.guest.Load() == g }

// EnterGuestG is EnterGuest for g = G() of the calling goroutine, with the
// same contract (the caller holds e's token; LeaveGuest undoes it).
func EnterGuestG(e *Exec, g uintptr) (prev uintptr) {
	prev = e.guest.Load()
	storeGuest(&e.guest, g)
	return prev
}
