package ffi_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/ffi"
	"github.com/goractor/goractor/internal/testlib"
)

// Issue #11 item 7: libuv's thread pool calls an actor's thread-safe
// callback from 64 threads at once (uv_queue_work, UV_THREADPOOL_SIZE=64).
// The handler is slow and the callback's token timeout short, so calls that
// wait past it do not run. Every call is either run or reported to the
// owner, one *CallbackTimeoutError per call that did not run: none is lost.
// The libuv part runs in a child process, where UV_THREADPOOL_SIZE is set
// before libuv reads it.
//
// The 64 works are queued by one C call (the fixture's queue_n): the first
// handler holds A's token until another call has given up waiting for it,
// and A needs its token back after each native call. Queued one
// uv_queue_work call at a time, a handler that started before the last of
// them held the token while A waited to reclaim it, so no further work was
// queued, no call could time out, and the test hung until its deadline
// (the hang seen in 1 of 6 runs: A in Reclaim after its first
// uv_queue_work, the holder in its loop, libuv's other threads idle).
func TestCallbackLibuvQueueWorkEveryCallRunOrReported(t *testing.T) {
	const works = 64
	if !testlib.InChild(t) {
		out, err := testlib.RunSelf(t, 2*time.Minute, "UV_THREADPOOL_SIZE=64")
		if strings.Contains(out, "--- SKIP") {
			t.Skip(lastLine(out, "testlib: skipping"))
		}
		if err != nil || !strings.Contains(out, "--- PASS") {
			t.Fatalf("child: %v\n%s", err, out)
		}
		t.Log(lastLine(out, "ran "))
		return
	}
	uv, err := ffi.Open("libuv.so.1")
	testlib.SkipIfLibraryMissing(t, "libuv (libuv1)", err)
	defer uv.Close()
	libc, err := ffi.Open("libc.so.6")
	testlib.SkipIfLibraryMissing(t, "libc", err)
	defer libc.Close()
	var (
		defaultLoop func() uintptr
		run         func(loop uintptr, mode int32) int32
		queueN      func(submit, loop, reqs, stride, work, after uintptr, n int64) int32
		calloc      func(n, size uintptr) uintptr
		free        func(p uintptr)
	)
	if err := uv.BindAll(ffi.Binding{Symbol: "uv_default_loop", Target: &defaultLoop},
		ffi.Binding{Symbol: "uv_run", Target: &run}); err != nil {
		t.Fatal(err)
	}
	queueWorkPtr, err := uv.Sym("uv_queue_work")
	if err != nil {
		t.Fatal(err)
	}
	if err := cbFixture(t).Bind(&queueN, "queue_n"); err != nil {
		t.Fatal(err)
	}
	if err := libc.BindAll(ffi.Binding{Symbol: "calloc", Target: &calloc}, ffi.Binding{Symbol: "free", Target: &free}); err != nil {
		t.Fatal(err)
	}
	// uv_work_t is 128 bytes on 64-bit libuv 1.x; give each request more.
	const reqSize = 512
	reqs := calloc(works, reqSize)
	if reqs == 0 {
		t.Fatal("calloc failed")
	}
	defer free(reqs)

	ctx := deadline(t, 30*time.Second)
	before := ffi.ReadCallbackStats()
	var ran, reported, other int64
	var sample string
	err = runInA(ctx, func(cx *actor.Context) (any, error) {
		var first atomic.Bool
		cb, err := ffi.NewCallback(func(req uintptr) {
			ran++ // under A's token: only one handler runs at a time
			if first.CompareAndSwap(false, true) {
				// Hold the token until a call has given up waiting for
				// it, so that at least one is reported whatever the
				// machine's load (bounded by ctx).
				for ffi.ReadCallbackStats().ExDeadline == before.ExDeadline && ctx.Err() == nil {
					time.Sleep(time.Millisecond)
				}
			}
			time.Sleep(100 * time.Millisecond) // slow handler, as in the issue
		}, ffi.ThreadSafe(), ffi.CallbackTimeout(100*time.Millisecond), ffi.CallbackName("uv-work"))
		if err != nil {
			return nil, err
		}
		defer cb.Close()
		loop := defaultLoop()
		if rc := queueN(queueWorkPtr, loop, reqs, reqSize, cb.Ptr(), 0, works); rc != 0 {
			return nil, fmt.Errorf("uv_queue_work: %d", rc)
		}
		if rc := run(loop, 0); rc != 0 { // UV_RUN_DEFAULT: until every work is done
			return nil, fmt.Errorf("uv_run: %d", rc)
		}
		// Every call has returned to libuv: each one that did not run
		// is already reported. Drain them; a done context ends the
		// drain once none is left.
		done, cancel := context.WithCancel(context.Background())
		cancel()
		for {
			_, err := cx.ReceiveContext(done)
			var te *ffi.CallbackTimeoutError
			switch {
			case errors.As(err, &te):
				reported++
				if sample == "" {
					sample = err.Error()
				}
				if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || te.Owner != "A" || te.Callback != "uv-work" {
					other++
				}
			case errors.Is(err, context.Canceled):
				return nil, nil
			default:
				return nil, fmt.Errorf("unexpected receive: %v", err)
			}
		}
	})
	dumpOnDeadline(t, ctx, err)
	after := ffi.ReadCallbackStats()
	t.Logf("ran %d, reported %d of %d works; e.g. %q", ran, reported, works, sample)
	if ran+reported != works {
		t.Errorf("ran %d + reported %d != %d works: calls were lost", ran, reported, works)
	}
	if reported < 1 {
		t.Errorf("no call was reported although the first handler held the token past the timeout")
	}
	if d := after.ExDeadline - before.ExDeadline; d != reported {
		t.Errorf("ExDeadline counted %d, owner was told of %d", d, reported)
	}
	if other != 0 {
		t.Errorf("%d reports wrap a context error or name the wrong owner or callback", other)
	}
	if !strings.Contains(sample, "call not run: waited 100ms behind") {
		t.Errorf("report %q does not say the call waited and did not run", sample)
	}
}

// lastLine returns the last line of out containing s, or "".
func lastLine(out, s string) string {
	lines := strings.Split(out, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.Contains(lines[i], s) {
			return strings.TrimSpace(lines[i])
		}
	}
	return ""
}

// runInA runs body as actor A, spawned by a main actor that waits for its
// value (bounded by ctx), and returns A's error.
func runInA(ctx context.Context, body func(cx *actor.Context) (any, error)) error {
	return actor.Run(func(main *actor.Context) error {
		a, err := main.Spawn(body, actor.WithName("A"))
		if err != nil {
			return err
		}
		_, err = a.Value(ctx)
		return err
	})
}
