package callback

import (
	"errors"
	"testing"
)

// Capture collects the failures of callbacks C calls on the capturing
// goroutine's thread, and only those; captures nest.
func TestCapture(t *testing.T) {
	f := loadFixture(t)
	c := mustNew(t, func(i uintptr) uintptr {
		if i == 1 {
			panic("captured")
		}
		return i
	}, Owner(nil), Exceptional(uintptr(100)))
	defer mustClose(t, c)

	var r uintptr
	err := Capture(func() { r = f.call(t, "call_cb_n", c.Ptr(), 3) })
	var pe *panicErr
	if !errors.As(err, &pe) || pe.value != "captured" || r != 0+100+2 {
		t.Errorf("Capture: %v, C sum %d; want a panic error and 102", err, r)
	}

	// A failure on another goroutine is not this capture's.
	err = Capture(func() {
		done := make(chan struct{})
		go func() {
			defer close(done)
			f.call(t, "call_cb_n", c.Ptr(), 2)
		}()
		<-done
	})
	if err != nil {
		t.Errorf("Capture saw another goroutine's failure: %v", err)
	}

	// Nested: the inner capture takes its own failures, the outer resumes.
	var inner error
	outer := Capture(func() {
		inner = Capture(func() { f.call(t, "call_cb_n", c.Ptr(), 2) })
		f.call(t, "call_cb_n", c.Ptr(), 2)
		f.call(t, "call_cb_n", c.Ptr(), 2)
	})
	if n := countPanics(inner); n != 1 {
		t.Errorf("inner capture has %d panics; want 1", n)
	}
	if n := countPanics(outer); n != 2 {
		t.Errorf("outer capture has %d panics; want 2", n)
	}
	if Capture(func() {}) != nil {
		t.Error("an empty capture returned an error")
	}
}

func countPanics(err error) int {
	if err == nil {
		return 0
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		n := 0
		for _, e := range j.Unwrap() {
			n += countPanics(e)
		}
		return n
	}
	var pe *panicErr
	if errors.As(err, &pe) {
		return 1
	}
	return 0
}
