package callback

import (
	"context"
	"errors"
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/goractor/goractor/internal/execctx"
	"github.com/goractor/goractor/internal/testlib"
	"github.com/goractor/goractor/safety"
)

func TestSignatureRefusals(t *testing.T) {
	type pt struct{ X, Y int32 }
	cases := []struct {
		fn    any
		param int
		want  string
	}{
		{func(string) uintptr { return 0 }, 0, "strings cannot cross"},
		{func(uintptr) float64 { return 0 }, -1, "floating-point results"},
		{func(uintptr) float32 { return 0 }, -1, "floating-point results"},
		{func(pt) uintptr { return 0 }, 0, "structs by value"},
		{func(a, b, c, d, e, f, g uintptr) {}, 6, "more than 6 integer"},
		{func(a, b, c, d, e, f, g, h, i float64) {}, 8, "more than 8 floating-point"},
		{func(a ...uintptr) {}, 0, "variadic"},
		{func() (uintptr, uintptr) { return 0, 0 }, -1, "at most one value"},
		{func([]byte) {}, 0, "arrays and slices"},
		{func(func()) {}, 0, "a Go func cannot cross to C"},
		{func(complex128) {}, 0, "complex"},
		{func(map[int]int) {}, 0, "maps cannot cross to C"},
		{func() string { return "" }, -1, "strings cannot cross"},
		{42, -1, "not a function"},
		{(func())(nil), -1, "nil function"},
	}
	before := Slots()
	for _, c := range cases {
		_, err := New(c.fn)
		var se *sigErr
		if !errors.As(err, &se) || !errors.Is(err, ErrUnsupported) {
			t.Errorf("New(%T) = %v; want a signature error wrapping ErrUnsupported", c.fn, err)
			continue
		}
		if se.param != c.param || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%T) = %q (param %d); want param %d and %q", c.fn, err, se.param, c.param, c.want)
		}
	}
	if got := Slots(); got != before {
		t.Errorf("Slots() after refusals = %d; want %d (refused signatures must not take trampolines)", got, before)
	}
	if _, err := New(func(uintptr) uintptr { return 0 }, Exceptional("x")); !errors.Is(err, ErrBadOption) {
		t.Errorf("Exceptional(string) = %v; want ErrBadOption", err)
	}
	if _, err := New(func(float64) uintptr { return 0 }, UserData(0)); !errors.Is(err, ErrBadOption) {
		t.Errorf("UserData on a float parameter = %v; want ErrBadOption", err)
	}
}

func TestMixedArguments(t *testing.T) {
	f := loadFixture(t)
	var got []any
	c := mustNew(t, func(a int8, b float64, c uint16, d float32, e int32, g float64, h bool, i int64, j float32, p unsafe.Pointer, k, l, m, n float64) int16 {
		got = []any{a, b, c, d, e, g, h, i, j, uintptr(p), k, l, m, n}
		return -7
	}, Owner(nil))
	defer mustClose(t, c)
	r := f.call(t, "call_cb_mix", c.Ptr())
	want := []any{int8(-5), 1.5, uint16(65535), float32(2.25), int32(-100000), 3.5, true, int64(1) << 40, float32(-0.5), uintptr(0x1234), 5.5, 6.5, 7.5, 8.5}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("handler got %v; want %v", got, want)
	}
	if int16(r) != -7 {
		t.Errorf("C got %d; want -7", int16(r))
	}

	c8 := mustNew(t, func(x int8) int8 { return x - 1 }, Owner(nil))
	defer mustClose(t, c8)
	if r := f.call(t, "call_cb_i8", c8.Ptr(), uintptr(0xffffff80)); int8(r) != 127 {
		t.Errorf("int8 wraparound: C got %d; want 127", int8(r))
	}
	raw := mustNew(t, func(a Args) uintptr { return a.Int[0]*10 + uintptr(math.Round(a.Float[0])) }, Owner(nil))
	defer mustClose(t, raw)
	if r := f.call(t, "call_cb_n", raw.Ptr(), 3); r != 0+10+20 {
		t.Errorf("raw handler sum = %d; want 30", r)
	}
}

func TestSyncInline(t *testing.T) {
	f := loadFixture(t)
	a := newActor("sync", execctx.Hooks{})
	defer a.stop()
	var calls int
	var onOwner = true
	var c *Callback
	a.do(func() {
		c = mustNew(t, func(i uintptr) uintptr {
			calls++
			onOwner = onOwner && execctx.Current() == a.e
			return i * 2
		})
	})
	defer mustClose(t, c)
	if c.Owner() != a.e || c.IsThreadSafe() {
		t.Fatalf("owner %v threadSafe %v; want the creating actor, synchronous", c.Owner(), c.IsThreadSafe())
	}
	var sum uintptr
	a.do(func() { sum = a.native(f.fn(t, "call_cb_n"), c.Ptr(), 100) })
	if sum != 9900 || calls != 100 || !onOwner {
		t.Errorf("sum %d calls %d onOwner %v; want 9900, 100, true", sum, calls, onOwner)
	}
}

// TestDeadlockForeignThreadWhileOwnerInC is the test no peer passes: actor A
// calls C synchronously; C starts a pthread that calls A's thread-safe
// callback and waits for the answer before returning to A (D8).
func TestDeadlockForeignThreadWhileOwnerInC(t *testing.T) {
	f := loadFixture(t)
	a := newActor("A", execctx.Hooks{})
	defer a.stop()
	var state int // A's state: touched by messages and by the callback; -race checks it
	var c *Callback
	a.do(func() {
		c = mustNew(t, func(i uintptr) uintptr { state++; return i + 1 }, ThreadSafe(), Timeout(time.Minute))
	})
	defer mustClose(t, c)
	const n = 1000
	for _, mode := range []string{"syscalln", "registerfunc"} {
		var sum uintptr
		a.do(func() {
			state++
			switch mode {
			case "syscalln":
				sum = a.native(f.fn(t, "call_cb_n_thread"), c.Ptr(), n)
			case "registerfunc":
				var fn func(uintptr, int) int
				registerFunc(&fn, f.fn(t, "call_cb_n_thread"))
				if a.e.NeedsLend() {
					a.e.Lend()
				}
				sum = uintptr(fn(c.Ptr(), n))
				if a.e.NeedsLend() {
					a.e.Reclaim()
				}
			}
			state++
		})
		if want := uintptr(n * (n + 1) / 2); sum != want {
			t.Errorf("%s: sum = %d; want %d", mode, sum, want)
		}
	}
	if state != 2*(n+2) {
		t.Errorf("state = %d; want %d", state, 2*(n+2))
	}
}

func TestWrongThreadAndDeadline(t *testing.T) {
	f := loadFixture(t)
	var sink testlib.Log[error] // errors delivered through Hooks.Fail
	a := newActor("W", execctx.Hooks{Fail: sink.Add})
	defer a.stop()
	var sc, tc *Callback
	a.do(func() {
		sc = mustNew(t, func(i uintptr) uintptr { return 1 }, Exceptional(uintptr(77)))
		tc = mustNew(t, func(i uintptr) uintptr { return 1 }, ThreadSafe(), Timeout(20*time.Millisecond), Exceptional(uintptr(55)))
	})
	defer mustClose(t, sc)
	defer mustClose(t, tc)
	before := ReadStats()
	// A synchronous callback called from a foreign thread: refused.
	var r uintptr
	a.do(func() { r = a.native(f.fn(t, "call_cb_n_thread"), sc.Ptr(), 3) })
	if r != 3*77 {
		t.Errorf("sync callback from a foreign thread: sum %d; want 3*77", r)
	}
	// A thread-safe callback while the owner holds its token and is not in C
	// (it runs Go code): the foreign caller waits until the deadline.
	a.do(func() {
		r, _ = callPlain(f.fn(t, "call_cb_n_thread"), tc.Ptr(), 2) // no Lend: the token stays held
	})
	if r != 2*55 {
		t.Errorf("thread-safe callback while the token is held: sum %d; want 2*55", r)
	}
	after := ReadStats()
	if d := after.ExWrong - before.ExWrong; d != 3 {
		t.Errorf("ExWrong grew by %d; want 3", d)
	}
	if d := after.ExDeadline - before.ExDeadline; d != 2 {
		t.Errorf("ExDeadline grew by %d; want 2", d)
	}
	var wrong, dead int
	for _, err := range sink.All() {
		switch {
		case errors.Is(err, safety.ErrWrongThread):
			wrong++
			if !strings.Contains(err.Error(), "ThreadSafe()") {
				t.Errorf("wrong-thread error %q does not say how to fix it (ThreadSafe())", err)
			}
		case errors.Is(err, ErrTokenTimeout) && !errors.Is(err, safety.ErrWouldDeadlock) && !errors.Is(err, context.DeadlineExceeded):
			dead++
		}
	}
	if wrong != 3 || dead != 2 {
		t.Errorf("Fail got %d wrong-thread and %d would-deadlock errors; want 3 and 2 (token timeouts wrap ErrTokenTimeout alone)", wrong, dead)
	}
}

func TestClosedCallbackReturnsExceptional(t *testing.T) {
	f := loadFixture(t)
	c := mustNew(t, func(i uintptr) int32 { return 1 }, Owner(nil), Exceptional(int32(-1)))
	f.call(t, "store_cb", c.Ptr())
	if r := f.call(t, "call_stored", 0); int32(r) != 1 {
		t.Fatalf("live call = %d; want 1", int32(r))
	}
	mustClose(t, c)
	if err := c.Close(); !errors.Is(err, ErrClosed) {
		t.Errorf("second Close = %v; want ErrClosed", err)
	}
	before := ReadStats().ExClosed
	if r := f.call(t, "call_stored", 0); int32(r) != -1 {
		t.Errorf("call after Close = %d; want -1", int32(r))
	}
	if r := f.call(t, "call_stored_thread", 0); int32(r) != -1 {
		t.Errorf("foreign call after Close = %d; want -1", int32(r))
	}
	if d := ReadStats().ExClosed - before; d != 2 {
		t.Errorf("ExClosed grew by %d; want 2", d)
	}
}

// TestAfterActorStopped is D4: the owner stops (CloseOwned), detached threads
// keep calling; every call gets the exceptional value and is counted.
func TestAfterActorStopped(t *testing.T) {
	f := loadFixture(t)
	a := newActor("D4", execctx.Hooks{})
	var c *Callback
	a.do(func() {
		c = mustNew(t, func(th, i uintptr) uintptr { return i + th*1000000 }, ThreadSafe(), Exceptional(uintptr(1<<40)))
	})
	if Live(a.e) != 1 || Refs(a.e) != 1 {
		t.Fatalf("Live %d Refs %d; want 1 and 1", Live(a.e), Refs(a.e))
	}
	// After the actor's goroutine ended, as package actor does once the
	// actor finished (closeCallbacks): the token is free, so CloseOwned
	// releases at once. (Before the stop it raced with the actor's Leave,
	// which follows do's return: a held token defers the release to a
	// goroutine that waits for it.)
	a.stop()
	if n := CloseOwned(a.e); n != 1 {
		t.Fatalf("CloseOwned = %d; want 1", n)
	}
	if Live(a.e) != 0 || Refs(a.e) != 0 || a.e.NeedsLend() {
		t.Fatalf("after CloseOwned: Live %d Refs %d NeedsLend %v; want 0, 0, false", Live(a.e), Refs(a.e), a.e.NeedsLend())
	}
	before := ReadStats()
	const threads, iters = 4, 100
	f.call(t, "spawn_detached", c.Ptr(), threads, iters)
	waitDetached(t, f, threads)
	if bad := f.call(t, "detached_bad"); bad != threads*iters {
		t.Errorf("calls that did not get the exceptional value: %d; want all %d to mismatch", threads*iters-bad, 0)
	}
	after := ReadStats()
	if d := after.ExClosed - before.ExClosed; d != threads*iters {
		t.Errorf("ExClosed grew by %d; want %d", d, threads*iters)
	}
	if d := after.Delivered - before.Delivered; d != 0 {
		t.Errorf("Delivered grew by %d after the actor stopped; want 0", d)
	}
}

func waitDetached(t *testing.T, f *fixture, n uintptr) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for f.call(t, "detached_done") < n {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("detached threads did not finish: %d of %d\n%s", f.call(t, "detached_done"), n, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(time.Millisecond)
	}
}

func TestRefUnrefIdle(t *testing.T) {
	e := execctx.New("refs", false, execctx.Hooks{})
	c := mustNew(t, func() {}, Owner(e), ThreadSafe())
	if Refs(e) != 1 || !e.NeedsLend() {
		t.Fatalf("thread-safe callback: Refs %d NeedsLend %v; want 1, true", Refs(e), e.NeedsLend())
	}
	idle := Idle(e)
	select {
	case <-idle:
		t.Fatal("Idle closed while a ref'ed callback is open")
	default:
	}
	c.Unref()
	<-idle // closed by Unref
	s := mustNew(t, func() {}, Owner(e))
	if Refs(e) != 0 {
		t.Errorf("synchronous callback: Refs %d; want 0 (unref'ed by default)", Refs(e))
	}
	s.Ref()
	if Refs(e) != 1 {
		t.Errorf("after Ref: Refs %d; want 1", Refs(e))
	}
	mustClose(t, s)
	mustClose(t, c)
	if Refs(e) != 0 || Live(e) != 0 || e.NeedsLend() {
		t.Errorf("after Close: Refs %d Live %d NeedsLend %v; want 0, 0, false", Refs(e), Live(e), e.NeedsLend())
	}
	<-Idle(e)
}
