package ffi_test

// End-to-end callback tests through the real packages: actors (package
// actor) own callbacks (package ffi) that C code calls on their own thread,
// on threads it starts, and from offloaded calls.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/ffi"
	"github.com/goractor/goractor/internal/testlib"
)

var cbfix struct {
	sync.Mutex
	lib *ffi.Library
}

// cbFixture returns the callback fixture (internal/callback's, shared with
// that package's tests), built and opened once for the
// process. The library stays loaded until the process exits (its file lives
// in the first test's temporary directory; the mapping outlives it).
func cbFixture(t testing.TB) *ffi.Library {
	t.Helper()
	cbfix.Lock()
	defer cbfix.Unlock()
	if cbfix.lib == nil {
		path := testlib.SharedLib(t, []string{"../internal/callback/testdata/cbfix.c"})
		l, err := ffi.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		cbfix.lib = l
	}
	return cbfix.lib
}

// cbFuncs are the fixture's functions, bound per test.
type cbFuncs struct {
	callN        func(cb uintptr, n int64) int64
	callNThread  func(cb uintptr, n int64) int64
	callThreads  func(cb uintptr, nthreads, iters, exc int64, nexc *int64) int64
	spawnDet     func(cb uintptr, nthreads, iters int64) int64 // cb(thread, seq)
	detachedDone func() int64
	fired        func() int64
}

func bindCB(t testing.TB) *cbFuncs {
	t.Helper()
	l := cbFixture(t)
	var f cbFuncs
	if err := l.BindAll(
		ffi.Binding{Symbol: "call_cb_n", Target: &f.callN},
		ffi.Binding{Symbol: "call_cb_n_thread", Target: &f.callNThread},
		ffi.Binding{Symbol: "call_cb_threads", Target: &f.callThreads},
		ffi.Binding{Symbol: "spawn_detached", Target: &f.spawnDet},
		ffi.Binding{Symbol: "detached_done", Target: &f.detachedDone},
		ffi.Binding{Symbol: "cbfix_fired", Target: &f.fired},
	); err != nil {
		t.Fatal(err)
	}
	return &f
}

func sumDoubled(n int64) int64 { return n * (n - 1) } // Σ 2i for i < n

// deadline bounds every wait of these tests: a hang becomes a failure with
// all goroutines dumped, not a stuck test binary.
func deadline(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func dumpOnDeadline(t *testing.T, ctx context.Context, err error) {
	t.Helper()
	if ctx.Err() != nil {
		buf := make([]byte, 1<<20)
		t.Logf("goroutines:\n%s", buf[:runtime.Stack(buf, true)])
	}
	if err != nil {
		t.Fatal(err)
	}
}

// TestCallbackForeignThreadWhileOwnerInC is the deadlock no peer passes:
// actor A calls a C function that starts a pthread which calls A's
// thread-safe callback and waits for its answer before the C function
// returns. A's handler touches A's own state.
func TestCallbackForeignThreadWhileOwnerInC(t *testing.T) {
	fx := bindCB(t)
	l := cbFixture(t)
	const n = 200
	for _, mode := range []string{"bind", "call", "async", "async-on-pool-thread"} {
		t.Run(mode, func(t *testing.T) {
			ctx := deadline(t, 30*time.Second)
			before := ffi.ReadCallbackStats()
			var got, handled int64
			err := actor.Run(func(main *actor.Context) error {
				a, err := main.Spawn(func(cx *actor.Context) (any, error) {
					state := int64(0) // A's state: only A's code touches it, under A's token
					cb, err := ffi.NewCallback(func(i int64) int64 { state++; return 2 * i }, ffi.ThreadSafe(), ffi.Exceptional(int64(-1)))
					if err != nil {
						return nil, err
					}
					defer cb.Close()
					var r int64
					switch mode {
					case "bind":
						r = fx.callNThread(cb.Ptr(), n)
					case "call":
						f, err := l.Func("call_cb_n_thread", ffi.MustSignature("func(cb uintptr, n int64) int64"))
						if err != nil {
							return nil, err
						}
						v, err := f.Call(cb.Ptr(), n)
						if err != nil {
							return nil, err
						}
						r = v.(int64)
					case "async", "async-on-pool-thread":
						// The offloaded call runs on a pool thread; A waits for
						// the result as a message, serving callbacks meanwhile.
						// call_cb_n_thread calls back from a pthread it starts;
						// call_cb_n from the pool thread itself (a Go thread
						// that is not A's).
						sym := "call_cb_n_thread"
						if mode == "async-on-pool-thread" {
							sym = "call_cb_n"
						}
						f, err := l.Func(sym, ffi.MustSignature("func(cb uintptr, n int64) int64"))
						if err != nil {
							return nil, err
						}
						self := cx.Self()
						f.Async(ctx, cb.Ptr(), n).Then(func(v any, err error) {
							if err != nil {
								_ = self.Send("async: " + err.Error())
								return
							}
							_ = self.Send(v.(int64))
						})
						msg, err := cx.ReceiveContext(ctx)
						if err != nil {
							return nil, err
						}
						v, ok := msg.(int64)
						if !ok {
							return nil, fmt.Errorf("got %v", msg)
						}
						r = v
					}
					return [2]int64{r, state}, nil
				}, actor.WithName("A"))
				if err != nil {
					return err
				}
				v, err := a.Value(ctx)
				if err != nil {
					return err
				}
				res := v.([2]int64)
				got, handled = res[0], res[1]
				return nil
			})
			dumpOnDeadline(t, ctx, err)
			if got != sumDoubled(n) || handled != n {
				t.Errorf("C returned %d after %d handler runs, want %d after %d", got, handled, sumDoubled(n), n)
			}
			after := ffi.ReadCallbackStats()
			if d := after.Foreign - before.Foreign; d != n {
				t.Errorf("foreign deliveries = %d, want %d", d, n)
			}
			if d := after.Exceptional() - before.Exceptional(); d != 0 {
				t.Errorf("exceptional returns = %d, want 0 (%+v)", d, after)
			}
		})
	}
}

// A synchronous callback runs inline, on A's goroutine, during A's own call;
// with a thread-safe callback alive as well (so the call lends A's token) the
// inline handler takes the token back for its duration.
func TestCallbackInlineDuringOwnCall(t *testing.T) {
	fx := bindCB(t)
	const n = 500
	for _, lending := range []bool{false, true} {
		t.Run(fmt.Sprintf("lending=%v", lending), func(t *testing.T) {
			ctx := deadline(t, 30*time.Second)
			before := ffi.ReadCallbackStats()
			var res [3]int64
			err := actor.Run(func(main *actor.Context) error {
				a, err := main.Spawn(func(cx *actor.Context) (any, error) {
					if lending {
						ts, err := ffi.NewCallback(func() {}, ffi.ThreadSafe())
						if err != nil {
							return nil, err
						}
						defer ts.Close()
					}
					state, tid := int64(0), int64(0)
					cb, err := ffi.NewCallback(func(i int64) int64 {
						state++
						if tid == 0 {
							tid = int64(cx.ThreadID())
						}
						return 2 * i
					})
					if err != nil {
						return nil, err
					}
					defer cb.Close()
					if cb.Owner() != "A" || cb.IsThreadSafe() {
						return nil, fmt.Errorf("owner %q thread-safe %v", cb.Owner(), cb.IsThreadSafe())
					}
					r := fx.callN(cb.Ptr(), n)
					return [3]int64{r, state, tid}, nil
				}, actor.WithName("A"))
				if err != nil {
					return err
				}
				v, err := a.Value(ctx)
				if err == nil {
					res = v.([3]int64)
				}
				return err
			})
			dumpOnDeadline(t, ctx, err)
			if res[0] != sumDoubled(n) || res[1] != n || res[2] == 0 {
				t.Errorf("got sum %d, %d runs, tid %d; want %d, %d, non-zero", res[0], res[1], res[2], sumDoubled(n), n)
			}
			if d := ffi.ReadCallbackStats().Inline - before.Inline; d != n {
				t.Errorf("inline deliveries = %d, want %d", d, n)
			}
		})
	}
}

// A Go func in a bound signature is refused: every call would need a new
// callback (purego's trap: 2000 calls and the process panics).
func TestCallbackFuncParamRefused(t *testing.T) {
	l := cbFixture(t)
	var f func(cb func(int64) int64, n int64) int64
	err := l.Bind(&f, "call_cb_n")
	if !errors.Is(err, ffi.ErrUnsupportedSignature) {
		t.Fatalf("Bind with a func parameter: got %v, want an error wrapping ErrUnsupportedSignature", err)
	}
	if !strings.Contains(err.Error(), "callback") {
		t.Errorf("error %q does not point to callbacks", err)
	}
	if f != nil {
		t.Error("Bind set the function despite the error")
	}
}

// A panic in a handler, synchronous or on a foreign thread, is recovered: C
// gets the exceptional value and finishes, the owning actor gets a
// *CallbackPanicError. A runtime.Goexit (what t.Fatal calls) is treated
// the same way and becomes a *CallbackGoexitError; those cases run in a
// child process, since before they were contained a Goexit on a foreign
// thread killed the process and a synchronous one ended the owner's
// goroutine under C.
func TestCallbackPanicDeliveredToOwner(t *testing.T) {
	const n, bad, exc = 20, 7, int64(-1000)
	want := sumDoubled(n) - 2*bad + exc
	for _, goexit := range []bool{false, true} {
		for _, foreign := range []bool{false, true} {
			t.Run(fmt.Sprintf("goexit=%v/foreign=%v", goexit, foreign), func(t *testing.T) {
				if goexit && !testlib.InChild(t) {
					out, err := testlib.RunSelf(t, time.Minute)
					if err != nil || !strings.Contains(out, "--- PASS") {
						t.Fatalf("child: %v\n%s", err, out)
					}
					return
				}
				fx := bindCB(t)
				ctx := deadline(t, 30*time.Second)
				before := ffi.ReadCallbackStats()
				var sum int64
				var recvErr error
				deferred := 0
				err := runInA(ctx, func(cx *actor.Context) (any, error) {
					opts := []ffi.CallbackOption{ffi.Exceptional(exc), ffi.CallbackName("cmp")}
					if foreign {
						opts = append(opts, ffi.ThreadSafe())
					}
					cb, err := ffi.NewCallback(func(i int64) int64 {
						defer func() { deferred++ }()
						if i == bad {
							if goexit {
								runtime.Goexit()
							}
							panic(fmt.Errorf("boom at %d", i))
						}
						return 2 * i
					}, opts...)
					if err != nil {
						return nil, err
					}
					defer cb.Close()
					if foreign {
						sum = fx.callNThread(cb.Ptr(), n)
						return nil, nil // the failure surfaces when the body ends
					}
					sum = fx.callN(cb.Ptr(), n)
					_, recvErr = cx.ReceiveContext(ctx) // the failure arrives in place of a message
					return nil, nil
				})
				failure := recvErr
				if foreign {
					failure, err = err, nil
				}
				dumpOnDeadline(t, ctx, err)
				if sum != want || deferred != n {
					t.Errorf("C sum = %d after %d handler runs, want %d (exceptional value in place of the failing call) after %d", sum, deferred, want, n)
				}
				after := ffi.ReadCallbackStats()
				if goexit {
					var ge *ffi.CallbackGoexitError
					if !errors.As(failure, &ge) || !errors.Is(failure, ffi.ErrCallbackGoexit) {
						t.Fatalf("owner got %v, want a *CallbackGoexitError", failure)
					}
					if ge.Owner != "A" || ge.Callback != "cmp" || !strings.Contains(string(ge.Stack), "runtime.Goexit") || !strings.Contains(ge.Error(), "Goexit") {
						t.Errorf("goexit error = %+v", ge)
					}
					if d := after.ExGoexit - before.ExGoexit; d != 1 {
						t.Errorf("ExGoexit delta = %d, want 1", d)
					}
					return
				}
				var pe *ffi.CallbackPanicError
				if !errors.As(failure, &pe) {
					t.Fatalf("owner got %v, want a *CallbackPanicError", failure)
				}
				if pe.Owner != "A" || pe.Callback != "cmp" || !strings.Contains(fmt.Sprint(pe.Value), "boom at 7") || len(pe.Stack) == 0 {
					t.Errorf("panic error = %+v", pe)
				}
				if d := after.ExPanic - before.ExPanic; d != 1 {
					t.Errorf("ExPanic delta = %d, want 1", d)
				}
			})
		}
	}
}

// The main actor owns a thread-safe callback; detached pthreads call it while
// main waits in Receive (not inside any C call).
func TestCallbackIntoMainWhileReceiving(t *testing.T) {
	fx := bindCB(t)
	const threads, iters = 4, 50
	ctx := deadline(t, 30*time.Second)
	var got, sum int64
	err := actor.Run(func(main *actor.Context) error {
		self := main.Self()
		count := int64(0)
		cb, err := ffi.NewCallback(func(th, i int64) int64 {
			count++ // main's state, under main's token
			sum += i
			if count == threads*iters {
				_ = self.Send("done")
			}
			return i + th*1000000
		}, ffi.ThreadSafe())
		if err != nil {
			return err
		}
		defer cb.Close()
		fx.spawnDet(cb.Ptr(), threads, iters)
		msg, err := main.ReceiveContext(ctx)
		if err != nil {
			return err
		}
		if msg != "done" {
			return fmt.Errorf("got %v", msg)
		}
		got = count
		// Let the threads leave the callback and exit before cb is closed.
		for fx.detachedDone() != threads {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			time.Sleep(time.Millisecond)
		}
		return nil
	})
	dumpOnDeadline(t, ctx, err)
	if got != threads*iters || sum != threads*iters*(iters-1)/2 {
		t.Errorf("main ran the handler %d times (sum %d), want %d (sum %d)", got, sum, threads*iters, threads*iters*(iters-1)/2)
	}
}

// stormSize is the D3/L6 load: threads × iters callbacks into one actor.
func stormSize(t *testing.T) (threads, iters int64) {
	threads, iters = 16, 2000
	if raceEnabled || testing.Short() {
		threads, iters = 8, 250
	}
	t.Logf("storm size: %d foreign threads × %d callbacks (race=%v short=%v)", threads, iters, raceEnabled, testing.Short())
	return threads, iters
}

// runStorm: actor A owns a thread-safe callback and serves messages in a
// Receive loop; the main actor's C call starts the threads that call A's
// callback, while a goroutine keeps sending A messages. Every callback is
// delivered exactly once, in per-thread order, and the counters balance.
func runStorm(t *testing.T, threads, iters int64) {
	fx := bindCB(t)
	ctx := deadline(t, 120*time.Second)
	const exc = int64(-7)
	const minMessages = 200
	before := ffi.ReadCallbackStats()
	firedBefore := fx.fired()
	type report struct {
		Delivered, OutOfOrder, Messages int64
	}
	var rep report
	var bad, nexc int64
	var sent atomic.Int64
	err := actor.Run(func(main *actor.Context) error {
		mainRef := main.Self()
		a, err := main.Spawn(func(cx *actor.Context) (any, error) {
			next := make([]int64, threads) // per-thread expected sequence number
			var r report
			cb, err := ffi.NewCallback(func(k, seq uintptr) uintptr {
				if int64(seq) != next[k] {
					r.OutOfOrder++
				}
				next[k] = int64(seq) + 1
				r.Delivered++
				return seq + k*1000000
			}, ffi.ThreadSafe(), ffi.Exceptional(^uintptr(6))) // -7 as C sees it
			if err != nil {
				return nil, err
			}
			defer cb.Close()
			if err := mainRef.Send(cb.Ptr()); err != nil {
				return nil, err
			}
			for {
				msg, err := cx.ReceiveContext(ctx)
				if err != nil {
					return nil, err
				}
				if msg == "stop" {
					return r, nil
				}
				r.Messages++
			}
		}, actor.WithName("A"))
		if err != nil {
			return err
		}
		msg, err := main.ReceiveContext(ctx)
		if err != nil {
			return err
		}
		ptr := msg.(uintptr)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { // messages to A while the callbacks arrive
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					if i >= minMessages {
						return
					}
				default:
				}
				if a.Send(1) == nil {
					sent.Add(1)
				}
				runtime.Gosched()
			}
		}()
		bad = fx.callThreads(ptr, threads, iters, exc, &nexc)
		close(stop)
		wg.Wait()
		if err := a.Send("stop"); err != nil {
			return err
		}
		v, err := a.Value(ctx)
		if err != nil {
			return err
		}
		rep = v.(report)
		return nil
	})
	dumpOnDeadline(t, ctx, err)
	total := threads * iters
	if bad != 0 || nexc != 0 {
		t.Errorf("C saw %d wrong answers and %d exceptional values, want 0 and 0", bad, nexc)
	}
	if rep.Delivered != total || rep.OutOfOrder != 0 {
		t.Errorf("delivered %d (out of order %d), want exactly %d in order", rep.Delivered, rep.OutOfOrder, total)
	}
	if rep.Messages != sent.Load() {
		t.Errorf("A processed %d messages, %d were sent", rep.Messages, sent.Load())
	}
	after := ffi.ReadCallbackStats()
	fired := fx.fired() - firedBefore
	delivered := after.Delivered - before.Delivered
	exceptional := after.Exceptional() - before.Exceptional()
	if fired != total || after.Fired-before.Fired != fired || fired != delivered+exceptional {
		t.Errorf("fired (C) %d, fired (Go) %d, delivered %d, exceptional %d: want fired == delivered + exceptional == %d",
			fired, after.Fired-before.Fired, delivered, exceptional, total)
	}
	t.Logf("%d callbacks and %d messages delivered to one actor", total, rep.Messages)
}

func TestCallbackStormExactlyOnce(t *testing.T) {
	threads, iters := stormSize(t)
	runStorm(t, threads, iters)
}

// D13: the same storm while the CPU profiler sends SIGPROF to every thread,
// foreign ones included.
func TestCallbackStormWithCPUProfile(t *testing.T) {
	threads, iters := stormSize(t)
	var buf bytes.Buffer
	if err := pprof.StartCPUProfile(&buf); err != nil {
		t.Fatalf("StartCPUProfile: %v", err)
	}
	runStorm(t, threads/2, iters)
	pprof.StopCPUProfile()
	if buf.Len() == 0 {
		t.Error("the CPU profile is empty")
	}
}

// D9: a cycle between two actors. A and B each call C, which starts a thread
// calling the other's callback; each handler calls C again, starting a thread
// that calls back into the first actor, whose token is held by the other
// handler. Nothing can proceed until a deadline passes: the waiting side gets
// the exceptional value and its owner an error wrapping ErrCallbackTimeout;
// nothing hangs.
func TestCallbackCrossActorCycle(t *testing.T) {
	fx := bindCB(t)
	ctx := deadline(t, 60*time.Second)
	const timeout = 300 * time.Millisecond
	const exc = int64(-1)
	before := ffi.ReadCallbackStats()
	type outcome struct {
		C   int64
		Err string
		N   int64 // timeout reports received
	}
	var oa, ob outcome
	err := actor.Run(func(main *actor.Context) error {
		mainRef := main.Self()
		body := func(cx *actor.Context) (any, error) {
			var peer uintptr
			cb, err := ffi.NewCallback(func(i int64) int64 {
				// Runs under this actor's token, on a foreign thread; calls
				// back into the peer from yet another thread.
				return fx.callNThread(peer, 1) + 1
			}, ffi.ThreadSafe(), ffi.CallbackTimeout(timeout), ffi.Exceptional(exc))
			if err != nil {
				return nil, err
			}
			defer cb.Close()
			if err := mainRef.Send([2]any{cx.Name(), cb.Ptr()}); err != nil {
				return nil, err
			}
			msg, err := cx.ReceiveContext(ctx) // the peer's callback pointer
			if err != nil {
				return nil, err
			}
			peer = msg.(uintptr)
			// The peer may call this actor's callback as soon as it has
			// the pointer: tell main that peer is set before anyone starts.
			if err := mainRef.Send("ready"); err != nil {
				return nil, err
			}
			if _, err := cx.ReceiveContext(ctx); err != nil { // "go"
				return nil, err
			}
			o := outcome{C: fx.callNThread(peer, 1)}
			// A deadline on this actor's side is reported to it.
			// (The deadline error wraps ErrCallbackTimeout, not the
			// context's DeadlineExceeded; a Receive that merely times out
			// wraps only the latter.)
			// Each call that timed out is reported on its own: drain them.
			wait := deadline(t, timeout*4)
			for {
				e, err := cx.ReceiveContext(wait)
				switch {
				case errors.Is(err, ffi.ErrCallbackTimeout) && !errors.Is(err, context.DeadlineExceeded):
					if o.Err == "" {
						o.Err = err.Error()
					}
					o.N++
					continue
				case err != nil && !errors.Is(err, context.DeadlineExceeded):
					o.Err = "unexpected: " + err.Error()
				case e != nil:
					o.Err = fmt.Sprint("unexpected message ", e)
				}
				return o, nil
			}
		}
		a, err := main.Spawn(body, actor.WithName("A"))
		if err != nil {
			return err
		}
		b, err := main.Spawn(body, actor.WithName("B"))
		if err != nil {
			return err
		}
		ptrs := map[string]uintptr{}
		for range 2 {
			msg, err := main.ReceiveContext(ctx)
			if err != nil {
				return err
			}
			m := msg.([2]any)
			ptrs[m[0].(string)] = m[1].(uintptr)
		}
		_ = a.Send(ptrs["B"])
		_ = b.Send(ptrs["A"])
		for range 2 {
			if _, err := main.ReceiveContext(ctx); err != nil { // "ready"
				return err
			}
		}
		_ = a.Send("go")
		_ = b.Send("go")
		va, err := a.Value(ctx)
		if err != nil {
			return err
		}
		vb, err := b.Value(ctx)
		if err != nil {
			return err
		}
		oa, ob = va.(outcome), vb.(outcome)
		return nil
	})
	dumpOnDeadline(t, ctx, err)
	after := ffi.ReadCallbackStats()
	deadlines := after.ExDeadline - before.ExDeadline
	t.Logf("A: %+v; B: %+v; deadlines %d", oa, ob, deadlines)
	if deadlines < 1 {
		t.Errorf("no callback hit its deadline; the cycle cannot complete otherwise")
	}
	// Without a deadline the handlers would recurse forever; each side's C
	// call returns the exceptional value plus the nesting depth it reached.
	for _, c := range []int64{oa.C, ob.C} {
		if c < exc || c > exc+64 {
			t.Errorf("a side's C call returned %d, want the exceptional value %d plus a small nesting depth (0 when its own thread timed out)", c, exc)
		}
	}
	nerr := 0
	for _, o := range []outcome{oa, ob} {
		if o.Err != "" {
			nerr++
			if !strings.Contains(o.Err, "call not run: waited") {
				t.Errorf("owner error %q does not say the call waited and did not run", o.Err)
			}
		}
	}
	if nerr < 1 || oa.N+ob.N != deadlines {
		t.Errorf("%d owners were told of %d timed-out calls, %d were counted", nerr, oa.N+ob.N, deadlines)
	}
}

// D11: a foreign-thread callback adds one goroutine while it runs (the extra
// M's), and the count returns to its baseline afterwards. NumGoroutine is
// process-wide, so an unrelated goroutine (an actor's, a timer's) starting or
// ending mid-sample shifts it; each attempt first waits for a stable
// baseline, and the test passes when one of five attempts sees exactly +1
// inside and the baseline after. A callback that leaked its goroutine, or
// did not show one, fails all five.
func TestCallbackNumGoroutineReturns(t *testing.T) {
	fx := bindCB(t)
	ctx := deadline(t, 30*time.Second)
	type sample struct{ base, inside, after int }
	var samples []sample
	err := actor.Run(func(main *actor.Context) error {
		var inside int
		cb, err := ffi.NewCallback(func(i int64) int64 {
			inside = runtime.NumGoroutine()
			return i
		}, ffi.ThreadSafe())
		if err != nil {
			return err
		}
		defer cb.Close()
		for attempt := 0; attempt < 5 && ctx.Err() == nil; attempt++ {
			base := stableNumGoroutine(20 * time.Millisecond)
			fx.callNThread(cb.Ptr(), 1)
			after := runtime.NumGoroutine()
			for wait := time.Now().Add(2 * time.Second); after != base && time.Now().Before(wait); {
				time.Sleep(time.Millisecond)
				after = runtime.NumGoroutine()
			}
			samples = append(samples, sample{base, inside, after})
			if inside == base+1 && after == base {
				break
			}
		}
		return nil
	})
	dumpOnDeadline(t, ctx, err)
	for _, s := range samples {
		t.Logf("goroutines: %d before, %d inside the callback, %d after", s.base, s.inside, s.after)
	}
	if len(samples) == 0 {
		t.Fatal("no sample was taken")
	}
	if s := samples[len(samples)-1]; s.inside != s.base+1 || s.after != s.base {
		t.Errorf("in %d attempts NumGoroutine never went +1 inside the callback and back after; last %+v", len(samples), s)
	}
}

// stableNumGoroutine returns runtime.NumGoroutine once it has not changed
// for d (or after 100 tries).
func stableNumGoroutine(d time.Duration) int {
	n := runtime.NumGoroutine()
	for range 100 {
		time.Sleep(d)
		m := runtime.NumGoroutine()
		if m == n {
			return n
		}
		n = m
	}
	return n
}

// D2 for a message-handler actor: a handler that panics on a foreign thread
// fails the owning actor; its supervisor (the failure handler) gets the
// *CallbackPanicError, C gets the exceptional value, and the process lives.
func TestCallbackPanicForeignThreadSupervised(t *testing.T) {
	fx := bindCB(t)
	ctx := deadline(t, 30*time.Second)
	const exc = int64(-5)
	failures := make(chan actor.Failure, 4)
	var failure actor.Failure
	var got int64
	err := actor.Run(func(main *actor.Context) error {
		h, err := main.SpawnHandler(func() actor.Handler {
			return actor.HandlerFunc(func(hc *actor.HandlerContext, msg any) {
				if msg != "go" {
					return
				}
				cb, err := ffi.NewCallback(func(i int64) int64 { panic("boom on a foreign thread") },
					ffi.ThreadSafe(), ffi.Exceptional(exc), ffi.CallbackName("supervised"))
				if err != nil {
					_ = hc.Respond(err.Error())
					return
				}
				defer cb.Close()
				_ = hc.Respond(fx.callNThread(cb.Ptr(), 1))
			})
		}, actor.WithName("H"))
		if err != nil {
			return err
		}
		v, err := h.Request(ctx, "go")
		if err != nil {
			return err
		}
		got, _ = v.(int64)
		select {
		case failure = <-failures:
		case <-ctx.Done():
			return ctx.Err()
		}
		return nil
	}, actor.WithFailureHandler(func(f actor.Failure) { failures <- f }))
	dumpOnDeadline(t, ctx, err)
	if got != exc {
		t.Errorf("C got %d, want the exceptional value %d", got, exc)
	}
	var pe *ffi.CallbackPanicError
	if failure.Actor != "H" || !errors.As(failure.Err, &pe) || pe.Callback != "supervised" || pe.Owner != "H" {
		t.Errorf("supervisor got %+v, want a failure of H with a *CallbackPanicError of callback supervised", failure)
	}
}
