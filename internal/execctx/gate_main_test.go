package execctx

import "testing"

// OwnMain finds the main actor only on its own goroutine, and only while it
// is recorded with SetMain.
func TestOwnMain(t *testing.T) {
	m := New("main", true, Hooks{})
	run := func(f func()) {
		done := make(chan struct{})
		go func() { defer close(done); f() }()
		<-done
	}
	run(func() {
		unbind := Bind(m)
		defer unbind()
		if got := OwnMain(); got != nil {
			t.Errorf("OwnMain before SetMain = %v; want nil", got.Name())
		}
		restore := SetMain(m)
		defer restore()
		if got := OwnMain(); got != m {
			t.Errorf("OwnMain on the main actor's goroutine = %v; want it", got)
		}
		run(func() {
			if got := OwnMain(); got != nil {
				t.Errorf("OwnMain on another goroutine = %v; want nil", got.Name())
			}
		})
	})
	if got := OwnMain(); got != nil {
		t.Errorf("OwnMain after restore = %v; want nil", got.Name())
	}
}
