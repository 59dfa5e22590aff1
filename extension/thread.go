package extension

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/goractor/goractor/internal/execctx"
	"github.com/goractor/goractor/internal/osthread"
)

// dedicatedThread is the OS thread a DedicatedThread extension runs every call
// on: one goroutine, locked to its thread for its whole life, that runs the
// requests queued to it one at a time, in order. It starts on the first call
// and stops on Close; a thread that ran thread-affine native code is retired
// (its goroutine exits still locked, so the runtime terminates the thread)
// rather than reused.
//
// A hand-off is a queue append and an osthread.Event signal each way (a
// futex, after an adaptive spin, as actors use), not a Go channel between
// locked goroutines, whose every send goes through the scheduler's
// locked-thread hand-off (several times slower a call; docs/performance.md,
// "Threads").
type dedicatedThread struct {
	start sync.Once
	ev    osthread.Event // the thread's: signalled when a request is queued or on close
	done  chan struct{}  // closed by the loop when it has ended
	tid   atomic.Int64   // kernel thread id once started, 0 before

	busyFor atomic.Pointer[execctx.Exec] // caller of the request running now, nil when idle or outside actors

	mu     sync.Mutex // protects closed and queue
	closed bool
	queue  []*threadReq
}

type threadReq struct {
	caller   *execctx.Exec
	f        func()
	p        any
	panicked bool
	ev       *osthread.Event // the caller's: signalled when f has run
}

// Reply events: a futex for callers that are actors on their own (locked)
// goroutine, a channel for other goroutines, which must not hold a thread
// while they wait.
var (
	futexEvents = sync.Pool{New: func() any {
		e := &osthread.Event{}
		e.SetSpin(spin)
		e.SetReplyPolicy()
		return e
	}}
	chanEvents = sync.Pool{New: func() any { return osthread.NewChanEvent() }}
)

// spin is how long either side polls before it parks: a short native call
// answers within it, and then neither side pays a futex wake-up.
const spin = 10 * time.Microsecond

func newDedicatedThread() *dedicatedThread {
	t := &dedicatedThread{done: make(chan struct{})}
	t.ev.SetSpin(spin)
	t.ev.SetReplyPolicy()
	return t
}

// onThread reports whether the caller runs on the dedicated thread (a call
// made from a callback during another call of the extension): such a call
// runs inline, since waiting for the thread would wait for itself.
func (t *dedicatedThread) onThread() bool {
	tid := t.tid.Load()
	return tid != 0 && int64(osthread.Gettid()) == tid
}

func (t *dedicatedThread) loop(started chan<- struct{}) {
	runtime.LockOSThread() // never unlocked: the thread retires with the goroutine
	defer close(t.done)
	t.tid.Store(int64(osthread.Gettid()))
	close(started)
	var batch []*threadReq
	for {
		t.mu.Lock()
		batch = append(batch[:0], t.queue...)
		clear(t.queue)
		t.queue = t.queue[:0]
		closed := t.closed
		t.mu.Unlock()
		for i, r := range batch {
			t.busyFor.Store(r.caller)
			r.p, r.panicked = runReq(r.f)
			t.busyFor.Store(nil)
			r.ev.Signal()
			batch[i] = nil
		}
		if len(batch) == 0 {
			if closed {
				return
			}
			t.ev.Wait()
		}
	}
}

func runReq(f func()) (p any, panicked bool) {
	defer func() {
		if r := recover(); r != nil {
			p, panicked = r, true
		}
	}()
	f()
	return nil, false
}

// do runs f on the thread and waits. A panic in f is returned, to be re-raised
// on the caller's goroutine.
func (t *dedicatedThread) do(caller *execctx.Exec, f func()) (p any, panicked bool, err error) {
	pool := &chanEvents
	if e := execctx.Current(); e != nil && e.OnOwnGoroutine() {
		pool = &futexEvents
	}
	r := &threadReq{caller: caller, f: f, ev: pool.Get().(*osthread.Event)}
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		pool.Put(r.ev)
		return nil, false, ErrClosed
	}
	t.start.Do(func() {
		started := make(chan struct{})
		go t.loop(started)
		<-started
	})
	t.queue = append(t.queue, r)
	t.mu.Unlock()
	t.ev.Signal()
	r.ev.Wait()
	pool.Put(r.ev)
	return r.p, r.panicked, nil
}

// close stops the thread once the calls queued before it have run, and
// waits for it.
func (t *dedicatedThread) close() {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return
	}
	t.closed = true
	t.start.Do(func() {}) // a thread never started stays unstarted
	started := t.tid.Load() != 0
	t.mu.Unlock()
	if started {
		t.ev.Signal()
		<-t.done
	}
}

// threadID returns the kernel thread id of the dedicated thread, 0 before it
// started.
func (t *dedicatedThread) threadID() int { return int(t.tid.Load()) }
