package main

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/ebitengine/purego"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/extension/zlib"
	"github.com/goractor/goractor/ffi"
	"github.com/goractor/goractor/internal/actorbench"
	"github.com/goractor/goractor/internal/benchfix"
	"github.com/goractor/goractor/internal/dl"
	"github.com/goractor/goractor/shareable"
)

// Fixed figure names (issue 7). They are compared across versions and with
// the peers: never rename one.
const (
	figCallAdd          = "goractor.call.add"
	figCallHypot2       = "goractor.call.hypot2"
	figCallNoop         = "goractor.call.noop"
	figSyscallNAdd      = "goractor.baseline.purego_syscalln.add"
	figRegisterAdd      = "goractor.baseline.purego_registerlibfunc.add"
	figCgoAdd           = "goractor.baseline.cgo.add"
	figCallbackSync     = benchfix.CallbackSync    // goractor.callback.sync
	figCallbackForeign  = benchfix.CallbackForeign // goractor.callback.foreign_thread
	figRawCallbackSync  = "goractor.baseline.purego_callback.sync"
	figRawCallbackFgn   = "goractor.baseline.purego_callback.foreign_thread"
	figPingPinned       = actorbench.PingPongPinned   // goractor.pingpong.pinned
	figPingUnpinned     = actorbench.PingPongUnpinned // goractor.pingpong.unpinned
	figPingHandler      = actorbench.PingPongPinnedHandler
	figPingProto        = actorbench.BaselineProto
	figCSem             = actorbench.BaselineCSem  // goractor.baseline.c_sem_pingpong
	figSendShareable    = actorbench.SendShareable // goractor.send.shareable_array1000
	figSendCopy         = actorbench.SendCopy      // goractor.send.copy_array1000_int
	figSleepSingle      = "goractor.sleep_1ms_single"
	figConcurrent8      = "goractor.concurrent8_sleep_1ms.wall"
	figAsyncInflight128 = "goractor.async.sleep_1ms_inflight128"
	figAsyncCThreads    = "goractor.baseline.c_threads64.sleep_1ms"
	figZlibSpeedup      = "goractor.zlib.speedup_2v1"
	figCheckCached      = "goractor.check.cached"
)

// fixedFigures are the names issue 7 requires, each exactly once.
var fixedFigures = []string{
	figCallAdd, figCallHypot2, figCallNoop, figSyscallNAdd, figRegisterAdd,
	figCallbackSync, figCallbackForeign,
	figPingPinned, figPingUnpinned, figCSem,
	figSendShareable, figSendCopy,
	figSleepSingle, figConcurrent8, figAsyncInflight128,
	figZlibSpeedup, figCheckCached,
}

func measurements() []measurement {
	ms := []measurement{
		{[]string{figCallAdd, figCallHypot2, figCallNoop}, []string{"ns/call", "ns/call", "ns/call"}, measureCalls},
		{[]string{figSyscallNAdd, figRegisterAdd}, []string{"ns/call", "ns/call"}, measurePurego},
	}
	ms = append(ms, callMeasurements()...)
	if benchfix.HaveCgo {
		ms = append(ms, measurement{[]string{figCgoAdd, figRatioAddVs, figRatioAddLeafVs}, []string{"ns/call", "x", "x"}, measureCgo})
	}
	ms = append(ms,
		measurement{[]string{figCallbackSync}, []string{"ns/callback"}, callbackMeasure(benchfix.CallbackSync, 1_000_000)},
		measurement{[]string{figCallbackForeign}, []string{"ns/callback"}, callbackMeasure(benchfix.CallbackForeign, 100_000)},
		measurement{[]string{figRawCallbackSync}, []string{"ns/callback"}, callbackMeasure(benchfix.RawCallbackSync, 1_000_000)},
		measurement{[]string{figRawCallbackFgn}, []string{"ns/callback"}, callbackMeasure(benchfix.RawCallbackForeign, 100_000)},
	)
	ms = append(ms, callbackCgoMeasurements()...)
	ms = append(ms,
		// A figure and its baseline alternate within each repetition, so that
		// both see the same mode of this VM's bimodal cross-thread wake-ups.
		measurement{[]string{figPingPinned, figCSem}, []string{"us/roundtrip", "us/roundtrip"},
			actorPair(figPingPinned, figCSem, 20_000)},
		measurement{[]string{figPingHandler}, []string{"us/roundtrip"}, actorMeasure(figPingHandler, 20_000, false)},
		measurement{[]string{figPingUnpinned, figPingProto}, []string{"us/roundtrip", "us/roundtrip"},
			actorPair(figPingUnpinned, figPingProto, 50_000)},
		measurement{[]string{figSendShareable}, []string{"msgs/s"}, actorMeasure(figSendShareable, 1_000_000, true)},
		measurement{[]string{figSendCopy}, []string{"msgs/s"}, actorMeasure(figSendCopy, 100_000, true)},
		measurement{[]string{figSleepSingle, figConcurrent8}, []string{"ms", "ms"}, measureSleeps},
		measurement{[]string{figAsyncInflight128, figAsyncCThreads}, []string{"calls/s", "calls/s"}, measureAsync},
		measurement{[]string{figZlibSpeedup}, []string{"x"}, measureZlib},
		measurement{[]string{figCheckCached}, []string{"ns/op"}, measureCheck},
	)
	ms = append(ms, gateMeasurements()...)
	ms = append(ms, sendMeasurements()...)
	ms = append(ms, remoteMeasurements()...)
	return append(ms, hostMeasurements()...)
}

func ratios() []ratio {
	return append([]ratio{
		{"goractor.ratio.call_add_vs_syscalln", figCallAdd, figSyscallNAdd},
		{"goractor.ratio.call_add_vs_registerlibfunc", figCallAdd, figRegisterAdd},
		{"goractor.ratio.callback_foreign_vs_purego", figCallbackForeign, figRawCallbackFgn},
		{"goractor.ratio.pingpong_pinned_vs_c_sem", figPingPinned, figCSem},
		{"goractor.ratio.pingpong_unpinned_vs_protoactor", figPingUnpinned, figPingProto},
		{"goractor.ratio.concurrent8_vs_single", figConcurrent8, figSleepSingle},
		{"goractor.ratio.async_vs_c_threads", figAsyncInflight128, figAsyncCThreads},
	}, slices.Concat(gateRatios(), sendRatios(), callbackCgoRatios(), remoteRatios(), callRatios(), hostRatios())...)
}

// fixture is the bench library, opened through ffi, with the typed
// functions the measurements call.
type fixture struct {
	lib     *ffi.Library
	add     func(int32, int32) (int32, error)
	hypot2  func(float64, float64) (float64, error)
	noop    func() error
	sleepMs func(int32) (int32, error)
}

func openFixture(path string) (*fixture, error) {
	l, err := ffi.Open(path)
	if err != nil {
		return nil, err
	}
	f := &fixture{lib: l}
	err = l.BindAll(ffi.Binding{Symbol: "add", Target: &f.add}, ffi.Binding{Symbol: "hypot2", Target: &f.hypot2},
		ffi.Binding{Symbol: "noop", Target: &f.noop}, ffi.Binding{Symbol: "sleep_ms", Target: &f.sleepMs})
	if err != nil {
		_ = l.Close()
		return nil, err
	}
	return f, nil
}

// inActor runs fn as the body of a main actor (its own OS thread, bound to
// its execution context, holding its token), as user code calling native
// functions from an actor does.
func inActor(fn func(ctx *actor.Context) error) error {
	return actor.Run(fn)
}

var (
	sinkI int32
	sinkF float64
)

// perOp returns nanoseconds per operation.
func perOp(d time.Duration, n int) float64 { return float64(d.Nanoseconds()) / float64(n) }

// measureCalls: add, hypot2 and noop through ffi's typed functions, called
// from an actor.
func measureCalls(c *benchConfig) ([]float64, error) {
	f, err := openFixture(c.lib)
	if err != nil {
		return nil, err
	}
	defer f.lib.Close()
	n := c.n(2_000_000, 1000)
	out := make([]float64, 3)
	err = inActor(func(*actor.Context) error {
		if r, err := f.add(40, 2); err != nil || r != 42 {
			return fmt.Errorf("add(40, 2) = %d, %v: %w", r, err, errBadResult)
		}
		if r, err := f.hypot2(3, 4); err != nil || r != 25 {
			return fmt.Errorf("hypot2(3, 4) = %g, %v: %w", r, err, errBadResult)
		}
		start := time.Now()
		for i := range n {
			r, _ := f.add(int32(i), 1)
			sinkI += r
		}
		out[0] = perOp(time.Since(start), n)
		start = time.Now()
		for range n {
			r, _ := f.hypot2(3, 4)
			sinkF += r
		}
		out[1] = perOp(time.Since(start), n)
		start = time.Now()
		for range n {
			_ = f.noop()
		}
		out[2] = perOp(time.Since(start), n)
		return nil
	})
	return out, err
}

// onLockedThread runs fn on a goroutine locked to its OS thread, outside
// any actor: the setting of the raw purego and cgo baselines.
func onLockedThread(fn func() error) error {
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		done <- fn()
	}()
	return <-done
}

// measurePurego: add through purego.SyscallN and through a
// purego.RegisterLibFunc function (the two ways purego users call C).
func measurePurego(c *benchConfig) ([]float64, error) {
	h, err := dl.Open(c.lib)
	if err != nil {
		return nil, err
	}
	defer dl.Close(h)
	sym, err := dl.Sym(h, "add")
	if err != nil {
		return nil, err
	}
	var add func(int32, int32) int32
	purego.RegisterLibFunc(&add, h, "add")
	out := make([]float64, 2)
	err = onLockedThread(func() error {
		if r, _, _ := purego.SyscallN(sym, 40, 2); int32(r) != 42 {
			return errBadResult
		}
		n := c.n(2_000_000, 1000)
		start := time.Now()
		for i := range n {
			r, _, _ := purego.SyscallN(sym, uintptr(i), 1)
			sinkI += int32(r)
		}
		out[0] = perOp(time.Since(start), n)
		n = c.n(500_000, 1000)
		start = time.Now()
		for i := range n {
			sinkI += add(int32(i), 1)
		}
		out[1] = perOp(time.Since(start), n)
		return nil
	})
	return out, err
}

// callPairBatch is the batch of measureCgo: cgo's add and goractor's
// alternate in batches this long.
const callPairBatch = 20_000

// measureCgo measures add compiled into the binary, called through cgo, and
// the ratios of goractor's add (ordinary, and bound WithLeaf) to it, paired:
// in one actor, batches of cgo's calls, goractor's ordinary calls and its
// leaf calls alternate, and each ratio is goractor's time over cgo's in the
// same repetition. goractor.call.add and goractor.call.add_leaf are measured
// on their own as before; a ratio of those medians, measured seconds apart
// from cgo's, moved with whatever else the shared machine ran at the time.
// The batches are spread evenly over benchfix.Depths depths of the actor's
// stack, so each ratio is the ratio of the means over depths (ffi's
// BenchmarkCallDepths does the same; see benchfix.AtDepth for why).
func measureCgo(c *benchConfig) ([]float64, error) {
	f, err := openFixture(c.lib)
	if err != nil {
		return nil, err
	}
	defer f.lib.Close()
	var leaf func(int32, int32) (int32, error)
	if err := f.lib.Bind(&leaf, "add", ffi.WithLeaf()); err != nil {
		return nil, err
	}
	per := max(1, c.n(2_000_000, 1000)/benchfix.Depths)
	var tc, to, tl time.Duration
	err = inActor(func(*actor.Context) error {
		if r, err := leaf(40, 2); err != nil || r != 42 || benchfix.CgoAdd(40, 2) != 42 {
			return fmt.Errorf("leaf add(40, 2) = %d, %v: %w", r, err, errBadResult)
		}
		benchfix.AtDepth(4*benchfix.Depths, func() {}) // grow the stack once, before timing
		for d := range benchfix.Depths {
			benchfix.AtDepth(d, func() {
				for left := per; left > 0; left -= callPairBatch {
					k := min(left, callPairBatch)
					t0 := time.Now()
					for i := range k {
						sinkI += benchfix.CgoAdd(int32(i), 1)
					}
					t1 := time.Now()
					for i := range k {
						r, _ := f.add(int32(i), 1)
						sinkI += r
					}
					t2 := time.Now()
					for i := range k {
						r, _ := leaf(int32(i), 1)
						sinkI += r
					}
					t3 := time.Now()
					tc, to, tl = tc+t1.Sub(t0), to+t2.Sub(t1), tl+t3.Sub(t2)
				}
			})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return []float64{perOp(tc, per*benchfix.Depths), float64(to) / float64(tc), float64(tl) / float64(tc)}, nil
}

// callbackMeasure wraps internal/benchfix.MeasureCallback (the same code its
// benchmarks run).
func callbackMeasure(name string, full int) func(c *benchConfig) ([]float64, error) {
	return func(c *benchConfig) ([]float64, error) {
		ns, err := benchfix.MeasureCallback(c.lib, name, c.n(full, 100))
		return []float64{ns}, err
	}
}

// actorMeasure wraps internal/actorbench.Measure (the same code actor's
// benchmarks run): microseconds per round trip, or messages per second.
func actorMeasure(name string, full int, rate bool) func(c *benchConfig) ([]float64, error) {
	return func(c *benchConfig) ([]float64, error) {
		d, err := actorbench.Measure(name, c.n(full, 100))
		if err != nil {
			return nil, err
		}
		if d <= 0 {
			return nil, fmt.Errorf("%s: measured %v per operation", name, d)
		}
		if rate {
			return []float64{float64(time.Second) / float64(d)}, nil
		}
		return []float64{float64(d.Nanoseconds()) / 1e3}, nil
	}
}

// actorPair measures two round-trip figures back to back in each
// repetition.
func actorPair(a, b string, full int) func(c *benchConfig) ([]float64, error) {
	ma, mb := actorMeasure(a, full, false), actorMeasure(b, full, false)
	return func(c *benchConfig) ([]float64, error) {
		va, err := ma(c)
		if err != nil {
			return nil, err
		}
		vb, err := mb(c)
		if err != nil {
			return nil, err
		}
		return append(va, vb...), nil
	}
}

// measureSleeps: one actor calling sleep_ms(1) (the median of several
// calls), and 8 actors each calling sleep_ms(1) at the same time (the median
// wall time of several batches, from the first "go" to the last "done").
func measureSleeps(c *benchConfig) ([]float64, error) {
	f, err := openFixture(c.lib)
	if err != nil {
		return nil, err
	}
	defer f.lib.Close()
	calls, batches := c.n(21, 7), c.n(41, 9)
	var single, wall float64
	err = inActor(func(ctx *actor.Context) error {
		var ds []float64
		for range calls {
			start := time.Now()
			if r, err := f.sleepMs(1); err != nil || r != 1 {
				return fmt.Errorf("sleep_ms(1) = %d, %v: %w", r, err, errBadResult)
			}
			ds = append(ds, time.Since(start).Seconds()*1e3)
		}
		single = median(ds)

		done := ctx.NewPort()
		refs := make([]*actor.Ref, 8)
		for i := range refs {
			r, err := ctx.Spawn(func(cx *actor.Context) (any, error) {
				for {
					if _, err := cx.Receive(); err != nil {
						return nil, nil // closed: the run is over
					}
					r, err := f.sleepMs(1)
					if err != nil {
						return nil, err
					}
					if err := done.Send(r); err != nil {
						return nil, err
					}
				}
			}, actor.WithName(fmt.Sprintf("sleeper-%d", i)))
			if err != nil {
				return err
			}
			refs[i] = r
		}
		ds = ds[:0]
		for b := range batches {
			start := time.Now()
			for _, r := range refs {
				if err := r.Send(b); err != nil {
					return err
				}
			}
			for range refs {
				if _, err := done.Receive(context.Background()); err != nil {
					return err
				}
			}
			if b > 0 { // the first batch wakes threads up from cold
				ds = append(ds, time.Since(start).Seconds()*1e3)
			}
		}
		wall = median(ds)
		return nil
	})
	return []float64{single, wall}, err
}

// measureAsync: sleep_ms(1) offloaded to a pool of 64 threads, 128 calls in
// flight at all times; completed calls per second. Its same-run baseline is
// the ceiling of this machine: 64 C threads making the same calls back to
// back (sleep_ms_threads).
func measureAsync(c *benchConfig) ([]float64, error) {
	l, err := ffi.Open(c.lib)
	if err != nil {
		return nil, err
	}
	defer l.Close()
	pool := ffi.NewPool(64, 256)
	defer pool.Close()
	fn, err := l.Func("sleep_ms", ffi.MustSignature("func(int32) int32"), ffi.WithPool(pool))
	if err != nil {
		return nil, err
	}
	var ceiling func(int32, int64) (int64, error)
	if _, skip := c.skip[figAsyncCThreads]; !skip {
		if err = l.Bind(&ceiling, "sleep_ms_threads"); err != nil {
			return nil, err
		}
	}
	const inflight = 128
	total := c.n(5120, 512)
	ctx := context.Background()
	var rate, cRate float64
	err = inActor(func(*actor.Context) error {
		ring := make([]*ffi.Future[any], 0, inflight)
		start := time.Now()
		for i := range total {
			if len(ring) == inflight {
				if err := awaitOne(ctx, ring[i%inflight]); err != nil {
					return err
				}
				ring[i%inflight] = fn.Async(ctx, int32(1))
				continue
			}
			ring = append(ring, fn.Async(ctx, int32(1)))
		}
		for _, f := range ring {
			if err := awaitOne(ctx, f); err != nil {
				return err
			}
		}
		rate = float64(total) / time.Since(start).Seconds()

		if ceiling == nil {
			cRate = skipped
			return nil
		}
		start = time.Now()
		if n, err := ceiling(64, int64(total)); err != nil || n != int64(total) {
			return fmt.Errorf("sleep_ms_threads(64, %d) = %d, %v: %w", total, n, err, errBadResult)
		}
		cRate = float64(total) / time.Since(start).Seconds()
		return nil
	})
	return []float64{rate, cRate}, err
}

func awaitOne(ctx context.Context, f *ffi.Future[any]) error {
	v, err := f.Wait(ctx)
	if err != nil {
		return err
	}
	if v != int32(1) {
		return fmt.Errorf("async sleep_ms(1) = %v: %w", v, errBadResult)
	}
	return nil
}

// measureZlib: the same chunks compressed by one actor, then split between
// two actors running at once; the ratio of the wall times.
func measureZlib(c *benchConfig) ([]float64, error) {
	chunks := shareable.MustList(benchCorpus(c.n(16, 4), 256<<10)...)
	var speedup float64
	err := inActor(func(ctx *actor.Context) error {
		t1, err := compressIn(ctx, chunks, 1)
		if err != nil {
			return err
		}
		t2, err := compressIn(ctx, chunks, 2)
		if err != nil {
			return err
		}
		speedup = t1.Seconds() / t2.Seconds()
		return nil
	})
	return []float64{speedup}, err
}

// compressIn compresses every chunk with n actors (chunk i by actor i mod n)
// and returns the wall time from the start signal to the last result.
func compressIn(ctx *actor.Context, chunks shareable.List[string], n int) (time.Duration, error) {
	refs := make([]*actor.Ref, n)
	for k := range refs {
		r, err := ctx.Spawn(func(cx *actor.Context) (any, error) {
			z, err := zlib.Open()
			if err != nil {
				return nil, err
			}
			defer z.Close()
			if _, err := cx.Receive(); err != nil {
				return nil, err
			}
			out := 0
			for i := k; i < chunks.Len(); i += n {
				b, err := z.Compress([]byte(chunks.At(i)))
				if err != nil {
					return nil, err
				}
				out += len(b)
			}
			return out, nil
		}, actor.WithName(fmt.Sprintf("zlib-%d", k)))
		if err != nil {
			return 0, err
		}
		refs[k] = r
	}
	start := time.Now()
	for _, r := range refs {
		if err := r.Send("go"); err != nil {
			return 0, err
		}
	}
	for _, r := range refs {
		if _, err := r.Value(context.Background()); err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}

// benchCorpus returns n deterministic, compressible text chunks of size bytes.
func benchCorpus(n, size int) []string {
	words := strings.Fields("actor thread native call callback isolation frozen shareable copy move " +
		"gate extension parallel safe main pool future zlib sqlite message port select")
	var b strings.Builder
	x := uint32(2463534242)
	for b.Len() < size+n*64 {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b.WriteString(words[x%uint32(len(words))])
		b.WriteByte(" \n"[min(1, x%9/8)])
	}
	base := b.String()
	out := make([]string, n)
	for i := range out {
		out[i] = base[i*64 : i*64+size]
	}
	return out
}

// checkMsg is a shareable message: Check on it hits the per-type cache.
type checkMsg struct {
	ID    int
	Name  string
	Score float64
	Tags  [4]string
	When  time.Time
}

// measureCheck: shareable.Check on a shareable struct after the first call.
func measureCheck(c *benchConfig) ([]float64, error) {
	var msg any = checkMsg{ID: 1, Name: "x", Tags: [4]string{"a"}}
	if err := shareable.Check(msg); err != nil {
		return nil, err
	}
	n := c.n(10_000_000, 10_000)
	start := time.Now()
	for range n {
		if shareable.Check(msg) != nil {
			return nil, fmt.Errorf("check failed")
		}
	}
	return []float64{perOp(time.Since(start), n)}, nil
}
