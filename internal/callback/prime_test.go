package callback

import (
	"bytes"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// TestPrimeKeepsForeignThreadBound checks what priming changes: after a
// foreign thread's first callback returned, the thread keeps its Go M (and
// the M's goroutine) while it runs C code, until it exits, when the key's
// destructor gives the M back. Unprimed, the M is returned after every
// callback.
func TestPrimeKeepsForeignThreadBound(t *testing.T) {
	f := loadFixture(t)
	t.Logf("primed: %v", Primed())
	var calls atomic.Int32
	c := mustNew(t, func(i uintptr) uintptr { calls.Add(1); return i + 10 }, Owner(nil))
	defer mustClose(t, c)
	base := settleForeign(-1, 0)
	if rc := f.call(t, "held_start", c.Ptr()); rc != 0 {
		t.Fatalf("pthread_create: %d", rc)
	}
	deadline := time.Now().Add(10 * time.Second)
	for calls.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	want := base
	if Primed() {
		want = base + 1 // the bound M's goroutine, in a "system call" while C runs
	}
	between := settleForeign(want, 10*time.Second)
	f.call(t, "held_release")
	sum := f.call(t, "held_join")
	after := settleForeign(base, 10*time.Second)
	t.Logf("foreign-thread goroutines: base %d, between callbacks %d, after the thread exited %d", base, between, after)
	if sum != 21 || calls.Load() != 2 {
		t.Errorf("sum %d after %d calls; want 21 after 2", sum, calls.Load())
	}
	if between != want {
		t.Errorf("between callbacks %d foreign-thread goroutines; want %d (primed %v)", between, want, Primed())
	}
	if after != base {
		t.Errorf("after the thread exited %d foreign-thread goroutines; want %d (the key destructor must drop the M)", after, base)
	}
}

// foreignGoroutines counts the goroutines of Ms bound to threads Go did not
// create and currently running C: in a full dump they are "[syscall, locked
// to thread]" with runtime.goexit as their only frame. Counting them rather
// than runtime.NumGoroutine keeps the test independent of unrelated
// goroutines (timers, finalizers, earlier tests' stragglers) starting or
// ending while it runs.
func foreignGoroutines() int {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	count := 0
	for _, g := range bytes.Split(buf, []byte("\n\n")) {
		lines := bytes.Split(bytes.TrimSpace(g), []byte("\n"))
		if len(lines) == 3 && bytes.Contains(lines[0], []byte("[syscall, locked to thread]")) &&
			bytes.HasPrefix(lines[1], []byte("runtime.goexit(")) {
			count++
		}
	}
	return count
}

// settleForeign polls foreignGoroutines until it equals want (any value
// when want < 0) or d passes, and returns the last value.
func settleForeign(want int, d time.Duration) int {
	deadline := time.Now().Add(d)
	n := foreignGoroutines()
	for want >= 0 && n != want && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
		n = foreignGoroutines()
	}
	return n
}
