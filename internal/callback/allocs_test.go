package callback

import (
	"runtime"
	"testing"

	"github.com/goractor/goractor/internal/execctx"
)

// puregoCallAllocs bounds what purego's own callback path (reflect.Call over
// the slot function's 14 arguments) allocates per call.
const puregoCallAllocs = 6

// The common paths allocate nothing per call (with goractor's own amd64
// trampolines): an inline callback, and a
// foreign-thread callback whose token is free (no context, no timer). The
// heap's malloc count over n calls must not grow with n (thread creation by
// the C fixture and the test's own bookkeeping allocate a bounded amount).
func TestCallbackPathsDoNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates on its own; this checks the normal build")
	}
	f := loadFixture(t)
	a := newActor("allocs", execctx.Hooks{})
	defer a.stop()
	for _, foreign := range []bool{false, true} {
		var c *Callback
		var opts []Option
		sym := "call_cb_n"
		if foreign {
			opts, sym = append(opts, ThreadSafe()), "call_cb_n_thread"
		}
		state := uintptr(0)
		a.do(func() { c = mustNew(t, func(i uintptr) uintptr { state++; return i }, opts...) })
		fn := f.fn(t, sym)
		mallocs := func(n uintptr) uint64 {
			var before, after runtime.MemStats
			var r uintptr
			a.do(func() {
				runtime.ReadMemStats(&before)
				r = a.native(fn, c.Ptr(), n)
				runtime.ReadMemStats(&after)
			})
			if r != n*(n-1)/2 {
				t.Fatalf("C returned %d, want %d", r, n*(n-1)/2)
			}
			return after.Mallocs - before.Mallocs
		}
		mallocs(100) // warm up: the first foreign callback of a thread sets things up
		small, large := mallocs(100), mallocs(20100)
		t.Logf("foreign=%v primed=%v: %d mallocs for 100 calls, %d for 20100", foreign, Primed(), small, large)
		if usesPurego {
			// purego's trampolines (off amd64) enter Go through its
			// reflect.Call, which allocates a fixed few objects per call
			// (4 on linux/arm64); goractor's dispatch adds nothing to it.
			if perCall := (large - small) / 20000; perCall > puregoCallAllocs {
				t.Errorf("foreign=%v: %d mallocs per call through purego's trampolines, want at most %d", foreign, perCall, puregoCallAllocs)
			}
		} else if large > small+50 {
			t.Errorf("foreign=%v: %d mallocs for 20100 calls against %d for 100: the call path allocates", foreign, large, small)
		}
		mustClose(t, c)
	}
}
