package callback

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/ebitengine/purego"

	"github.com/goractor/goractor/internal/execctx"
)

// srec is one record of testdata/cbfix.c's close storm: a C function
// pointer, the handle C passes as its first argument, and the tag it passes
// as its second.
type srec struct{ fn, h, tag uintptr }

// stormSet is one record set of the close storm: its callbacks, who
// creates and closes them, and what their handlers saw.
type stormSet struct {
	name     string
	id       uintptr
	handle   bool // handle form (UserData(0)); else the pointer form
	owned    bool // owned by the test actor (ThreadSafe); else unowned
	byOwner  bool // created and closed by the owner, holding its token
	selfStop bool // each handler closes its own callback on its 20th run

	recs []srec
	cur  int64    // index of the newest record (C stores and loads it atomically)
	stop int64    // set once the closer is done: the C threads stop
	out  [4]int64 // C: calls, exceptional answers, wrong answers, stale-Handle answers (0)

	runs      atomic.Int64 // handler runs
	misrouted atomic.Int64 // a handler ran for a call made for another callback (handle form)
	reused    atomic.Int64 // a stale pointer reached the callback now in its trampoline, maybe another set's (pointer form)
	inline    int64        // calls the owner made inline (byOwner sets)
	inlineExc int64        // of which answered with the exceptional value (the handler closed its callback)
	late      atomic.Int64 // a handler started after a Close under the owner's token returned
	outside   atomic.Int64 // an owned handler did not see its owner as execctx.Current
	cycles    int
}

// stormCB is one callback of the storm.
type stormCB struct {
	c      *Callback
	closed atomic.Bool // a Close under the owner's token has returned
	runs   int         // handler runs, under the owner's token (selfStop)
}

// newStormCB creates the callback of record k of s, owned by e when s says
// so, and publishes the record to the C threads (nil, reported, when New
// fails).
func newStormCB(t *testing.T, s *stormSet, k int, e *execctx.Exec, exc, publish uintptr) *stormCB {
	tag := s.id<<32 | uintptr(k)<<8
	sc := &stormCB{}
	var h atomic.Uintptr
	opts := []Option{Exceptional(exc)}
	if s.handle {
		opts = append(opts, UserData(0))
	}
	if s.owned {
		opts = append(opts, ThreadSafe(), Owner(e), Timeout(time.Minute))
	} else {
		opts = append(opts, Owner(nil))
	}
	var self atomic.Pointer[Callback]
	c, err := New(func(hArg, tagArg uintptr) uintptr {
		s.runs.Add(1)
		if sc.closed.Load() {
			s.late.Add(1)
		}
		if s.owned && execctx.Current() != e {
			s.outside.Add(1)
		}
		switch {
		case s.handle && (hArg != h.Load() || tagArg != tag):
			s.misrouted.Add(1)
		case !s.handle && tagArg != tag:
			s.reused.Add(1)
		}
		if s.selfStop {
			// A Close inside the handler, on the token's holder: the
			// release waits for the handler to end.
			sc.runs++
			if sc.runs == 20 && self.Load().Close() == nil {
				sc.closed.Store(true)
			}
		}
		return tagArg + 1
	}, opts...)
	if err != nil {
		t.Errorf("%s: New: %v", s.name, err)
		return nil
	}
	self.Store(c)
	h.Store(uintptr(c.Handle()))
	sc.c = c
	s.recs[k] = srec{fn: c.Ptr(), h: uintptr(c.Handle()), tag: tag}
	purego.SyscallN(publish, uintptr(unsafe.Pointer(&s.cur)), uintptr(k))
	return sc
}

// TestCloseDuringCallStorm: C threads call callbacks while Go closes them
// and creates new ones in the same trampolines and handle entries: the
// owner (holding its token, and calling the new one inline), handlers closing their own callback, another
// goroutine, for owned and unowned callbacks. No call reaches a callback
// other than the one its Handle names; no handler starts after a Close
// under the owner's token returned; an owned handler always runs inside its
// owner; every call is answered by its handler or
// the exceptional value and counted once (Fired == Delivered +
// Exceptional()); the owner is left with nothing live or lent.
func TestCloseDuringCallStorm(t *testing.T) {
	f := loadFixture(t)
	const exc = uintptr(1 << 40)
	const threads, maxIters = 2, 50_000_000
	cycles := 500
	if raceEnabled || testing.Short() {
		cycles = 200
	}
	a := newActor("close-storm", execctx.Hooks{})
	defer a.stop()
	sets := []*stormSet{
		{name: "owner/handle", handle: true, owned: true, byOwner: true, selfStop: true},
		{name: "owner/pointer", owned: true, byOwner: true},
		{name: "other/handle", handle: true, owned: true},
		{name: "other/pointer", owned: true, selfStop: true},
		{name: "unowned/handle", handle: true},
		{name: "unowned/pointer"},
	}
	// Looked up once: fixture.fn is not safe for concurrent use.
	storm, callUD, publish := f.fn(t, "storm_run"), f.fn(t, "call_cb_ud"), f.fn(t, "storm_publish")
	before := ReadStats()
	var stormWG, closerWG sync.WaitGroup
	for i, s := range sets {
		s.id = uintptr(i + 1)
		s.recs = make([]srec, cycles+1)
		var first *stormCB
		if s.byOwner {
			a.do(func() { first = newStormCB(t, s, 0, a.e, exc, publish) })
		} else {
			first = newStormCB(t, s, 0, a.e, exc, publish)
		}
		if first == nil {
			t.FailNow()
		}
		closerWG.Add(1)
		go func() { // the closer: replace the newest callback until the C threads are done
			defer closerWG.Done()
			closeOne := func(sc *stormCB) {
				if err := sc.c.Close(); err == nil {
					if s.byOwner {
						sc.closed.Store(true)
					}
				} else if !s.selfStop || !errors.Is(err, ErrClosed) {
					t.Errorf("%s: Close: %v", s.name, err)
				}
			}
			// The C threads reach the first callback before it is replaced:
			// on a loaded machine they may start after every cycle is done,
			// and the set would storm nothing.
			for wait := time.Now().Add(30 * time.Second); s.runs.Load() == 0 && time.Now().Before(wait); {
				time.Sleep(100 * time.Microsecond)
			}
			cur := first
			for k := 1; k <= cycles && cur != nil; k++ {
				old := cur
				if s.byOwner {
					a.do(func() {
						cur = newStormCB(t, s, k, a.e, exc, publish)
						closeOne(old)
						if cur == nil {
							return
						}
						// An inline call, taking the lent token back
						// among the foreign threads' calls.
						r := s.recs[k]
						s.inline++
						switch got := a.native(callUD, r.fn, r.h, r.tag); {
						case got == exc && s.selfStop: // the C threads' 20th call closed it
							s.inlineExc++
						case got != r.tag+1:
							t.Errorf("%s: inline call answered %#x; want %#x", s.name, got, r.tag+1)
						}
					})
				} else {
					cur = newStormCB(t, s, k, a.e, exc, publish)
					closeOne(old)
				}
				s.cycles = k
				if k%16 == 0 {
					runtime.Gosched()
				}
			}
			atomic.StoreInt64(&s.stop, 1)
			if cur != nil && s.byOwner {
				a.do(func() { closeOne(cur) })
			} else if cur != nil {
				closeOne(cur)
			}
		}()
		stormWG.Add(1)
		go func() {
			defer stormWG.Done()
			if r, _, _ := purego.SyscallN(storm, threads, maxIters, uintptr(unsafe.Pointer(&s.recs[0])), uintptr(unsafe.Pointer(&s.cur)), uintptr(unsafe.Pointer(&s.stop)), exc, uintptr(unsafe.Pointer(&s.out[0]))); r != 0 {
				t.Errorf("%s: storm_run = %d (a thread could not start)", s.name, r)
			}
		}()
	}
	closerWG.Wait()
	stormWG.Wait()
	for _, s := range sets {
		runtime.KeepAlive(s.recs)
	}

	// Once idle, the owner releases what Closes from other goroutines left
	// for its token.
	deadline := time.Now().Add(30 * time.Second)
	for (a.e.NeedsLend() || Live(a.e) != 0) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if a.e.NeedsLend() || Live(a.e) != 0 || Refs(a.e) != 0 {
		t.Errorf("after the storm: NeedsLend %v, Live %d, Refs %d; want false, 0, 0", a.e.NeedsLend(), Live(a.e), Refs(a.e))
	}
	after := ReadStats()
	var calls, excs, runs, pcalls, pexcs, pruns int64
	for _, s := range sets {
		if !s.handle {
			pcalls += s.out[0] + s.inline
			pexcs += s.out[1] + s.inlineExc
			pruns += s.runs.Load()
		}
		calls += s.out[0] + s.inline
		excs += s.out[1] + s.inlineExc
		runs += s.runs.Load()
		t.Logf("%s: %d cycles, %d inline calls, %d calls, %d exceptional (%d of them stale Handles), %d handler runs, %d stale pointers reached a newer callback",
			s.name, s.cycles, s.inline, s.out[0], s.out[1], s.out[3], s.runs.Load(), s.reused.Load())
		if s.out[0] == 0 || s.out[2] != 0 {
			t.Errorf("%s: C made %d calls with %d wrong answers; want some and 0", s.name, s.out[0], s.out[2])
		}
		if !s.handle && s.out[3] != 0 {
			t.Errorf("%s: %d calls through a pointer got 0, not the exceptional value", s.name, s.out[3])
		}
		if m := s.misrouted.Load(); m != 0 {
			t.Errorf("%s: %d calls reached a callback other than the one their Handle names", s.name, m)
		}
		if o := s.outside.Load(); o != 0 {
			t.Errorf("%s: %d handlers did not run inside their owner (execctx.Current)", s.name, o)
		}
		if l := s.late.Load(); l != 0 {
			t.Errorf("%s: %d handlers started after a Close under the owner's token had returned", s.name, l)
		}
		// A stale pointer may reach the callback of another set that took
		// its trampoline (the pointer form cannot tell; see doc.go): the
		// pointer sets balance in total, the handle sets each.
		if s.handle && s.out[1]+s.inlineExc+s.runs.Load() != s.out[0]+s.inline {
			t.Errorf("%s: %d handler runs + %d exceptional answers != %d calls", s.name, s.runs.Load(), s.out[1]+s.inlineExc, s.out[0]+s.inline)
		}
	}
	if pruns+pexcs != pcalls {
		t.Errorf("pointer sets: %d handler runs + %d exceptional answers != %d calls", pruns, pexcs, pcalls)
	}
	fired, delivered, exceptional := after.Fired-before.Fired, after.Delivered-before.Delivered, after.Exceptional()-before.Exceptional()
	if fired != calls || delivered != runs || exceptional != excs || fired != delivered+exceptional {
		t.Errorf("Fired %d, Delivered %d, Exceptional %d; want %d, %d, %d (C's calls, handler runs, exceptional answers)",
			fired, delivered, exceptional, calls, runs, excs)
	}
}

// TestCloseReleasesUnderToken: a Close from another goroutine while the
// owner holds its token returns at once and leaves the release (here: the
// owner's lending) to the token's next holder; a Close inside the handler
// itself releases once the handler has returned.
func TestCloseReleasesUnderToken(t *testing.T) {
	f := loadFixture(t)
	a := newActor("release", execctx.Hooks{})
	defer a.stop()

	c := mustNew(t, func(uintptr) uintptr { return 1 }, Owner(a.e), ThreadSafe())
	hold, held := make(chan struct{}), make(chan struct{})
	a.post(func() { close(held); <-hold }) // the owner runs, holding its token
	<-held
	mustClose(t, c)
	if !a.e.NeedsLend() {
		t.Error("Close from another goroutine released under a token the owner held")
	}
	close(hold)
	deadline := time.Now().Add(30 * time.Second)
	for a.e.NeedsLend() && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if a.e.NeedsLend() || Live(a.e) != 0 {
		t.Fatalf("after the owner gave its token up: NeedsLend %v, Live %d; want false, 0", a.e.NeedsLend(), Live(a.e))
	}

	var self *Callback
	var lentInside bool
	a.do(func() {
		self = mustNew(t, func(uintptr) uintptr {
			mustClose(t, self)
			lentInside = a.e.NeedsLend() // still retained: the handler runs
			return 7
		}, ThreadSafe())
		if r := a.native(f.fn(t, "call_cb_n_thread"), self.Ptr(), 1); r != 7 {
			t.Errorf("the self-closing handler's call answered %d; want 7", r)
		}
	})
	if !lentInside || a.e.NeedsLend() {
		t.Errorf("inside the handler NeedsLend %v, after it %v; want true, false", lentInside, a.e.NeedsLend())
	}
}
