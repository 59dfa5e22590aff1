package execctx

import "testing"

// TestIdentityChecksByG: the checks package callback makes with one
// goroutine lookup (OwnG, GuestG, EnterGuestG) agree with OnOwnGoroutine,
// GuestHere and EnterGuest on the owner's goroutine, on a guest and on a
// goroutine that is neither.
func TestIdentityChecksByG(t *testing.T) {
	e := New("x", false, Hooks{})
	e.RetainLend()
	defer e.ReleaseLend()
	type view struct{ own, guest bool }
	check := func(where string) {
		t.Helper()
		g := G()
		byG := view{e.OwnG(g), e.GuestG(g)}
		want := view{e.OnOwnGoroutine(), e.GuestHere()}
		if byG != want {
			t.Errorf("%s: OwnG, GuestG = %v; OnOwnGoroutine, GuestHere = %v", where, byG, want)
		}
		if e.OwnG(0) || e.GuestG(0) {
			t.Errorf("%s: g = 0 (a thread Go never ran on) is the owner or a guest", where)
		}
	}
	done := make(chan struct{})
	go func() { // the owner's goroutine
		defer close(done)
		unbind := Bind(e)
		defer unbind()
		if !e.OwnG(G()) {
			t.Error("OwnG(G()) = false on the bound goroutine")
		}
		check("owner")
	}()
	<-done
	check("unbound goroutine")
	e.Enter() // hold the token, as a guest does
	prev := EnterGuestG(e, G())
	if !e.GuestG(G()) || !e.GuestHere() {
		t.Error("after EnterGuestG: GuestG or GuestHere = false")
	}
	check("guest")
	LeaveGuest(e, prev)
	if e.GuestG(G()) || e.GuestHere() {
		t.Error("after LeaveGuest: still a guest")
	}
	check("after LeaveGuest")
	e.Leave()
}
