package osthread

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// LockForLife locks the calling goroutine to its OS thread and never
// unlocks it: when the goroutine exits, still locked, the runtime
// terminates the thread, so no thread-local native state (errno, a GL
// context, a library's per-thread handle) outlives it or reaches other
// goroutines. Every thread goractor keeps for one owner (an actor, an
// extension's dedicated thread, a locked pool worker) is locked here.
func LockForLife() {
	runtime.LockOSThread() // never unlocked: the thread retires with the goroutine
}

// Go runs fn on a new goroutine locked for life to its own OS thread (see
// [LockForLife]).
func Go(fn func()) {
	go func() {
		LockForLife()
		fn()
	}()
}

// Thread is one OS thread that runs the closures handed to it ([Thread.Do])
// one at a time, in the order they were handed over, and records for whom
// (a caller of type *C) it runs the closure it runs now ([Thread.RunningFor]). It starts on the first
// Do and stops on [Thread.Close]; it is locked for life ([LockForLife]), so
// a thread that ran thread-affine native code is retired rather than
// reused.
//
// A hand-off is a queue append and an [Event] signal each way (a futex,
// after an adaptive spin), not a Go channel between locked goroutines,
// whose every send goes through the scheduler's locked-thread hand-off
// (several times slower; docs/performance.md, "Threads").
type Thread[C any] struct {
	start sync.Once
	ev    Event         // the thread's: signalled when a request is queued or on close
	done  chan struct{} // closed by the loop when it has ended
	tid   atomic.Int64  // kernel thread id once started, 0 before

	mu     sync.Mutex // protects closed and queue
	closed bool
	queue  []*request[C]

	runningFor atomic.Pointer[C] // caller of the closure running now, nil when idle

	onStart func(tid int) (end func()) // see SetOnStart
}

type request[C any] struct {
	caller   *C
	f        func()
	p        any
	panicked bool
	ran      atomic.Bool // f has run: the reply event may hold an older permit
	ev       *Event      // the caller's: signalled when f has run
}

// replySpin is how long either side of a Thread hand-off polls before it
// parks: a short native call answers within it, and then neither side pays
// a futex wake-up.
const replySpin = 10 * time.Microsecond

// Reply events: a futex for callers locked to their own thread (an actor on
// its own goroutine), a channel for other goroutines, which must not hold a
// thread while they wait.
var (
	futexReplies = sync.Pool{New: func() any {
		e := &Event{}
		e.SetSpin(replySpin)
		e.SetReplyPolicy()
		return e
	}}
	chanReplies = sync.Pool{New: func() any { return NewChanEvent() }}
)

// ReplyEvent returns a pooled Event for a caller about to wait for a reply:
// futex-mode (spinning briefly first) when the caller's goroutine is locked
// to its own thread, channel-mode otherwise. A pooled Event may hold a
// stale permit: its waiter re-checks its condition after every Wait. Give
// it back with [PutReplyEvent].
func ReplyEvent(locked bool) *Event {
	if locked {
		return futexReplies.Get().(*Event)
	}
	return chanReplies.Get().(*Event)
}

// PutReplyEvent returns an Event [ReplyEvent] gave.
func PutReplyEvent(e *Event) {
	if e.ch != nil {
		chanReplies.Put(e)
		return
	}
	futexReplies.Put(e)
}

// NewThread returns a Thread that has not started.
func NewThread[C any]() *Thread[C] {
	t := &Thread[C]{done: make(chan struct{})}
	t.ev.SetSpin(replySpin)
	t.ev.SetReplyPolicy()
	return t
}

// SetOnStart makes t call f on its thread when it starts, with the thread's
// kernel id, and the func f returns (if not nil) when it ends: a thread's
// registration for its life (a native crash report names it). Call it
// before the first Do.
func (t *Thread[C]) SetOnStart(f func(tid int) (end func())) { t.onStart = f }

// OnThread reports whether the caller runs on t (a closure run by t that
// calls back into its owner): such a caller must run its work inline, since
// waiting for the thread would wait for itself.
func (t *Thread[C]) OnThread() bool {
	tid := t.tid.Load()
	return tid != 0 && int64(Gettid()) == tid
}

// ID returns t's kernel thread id, 0 before it started.
func (t *Thread[C]) ID() int { return int(t.tid.Load()) }

func (t *Thread[C]) loop(started chan<- struct{}) {
	LockForLife()
	defer close(t.done)
	tid := Gettid()
	t.tid.Store(int64(tid))
	if t.onStart != nil {
		if end := t.onStart(tid); end != nil {
			defer end()
		}
	}
	close(started)
	var batch []*request[C]
	for {
		t.mu.Lock()
		batch = append(batch[:0], t.queue...)
		clear(t.queue)
		t.queue = t.queue[:0]
		closed := t.closed
		t.mu.Unlock()
		for i, r := range batch {
			t.runningFor.Store(r.caller)
			r.p, r.panicked = runRecover(r.f)
			t.runningFor.Store(nil)
			r.ran.Store(true)
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

func runRecover(f func()) (p any, panicked bool) {
	defer func() {
		if r := recover(); r != nil {
			p, panicked = r, true
		}
	}()
	f()
	return nil, false
}

// Do runs f on t for caller (nil: none) and waits for it; locked says
// whether the caller's goroutine is locked to its own thread (it then waits
// on a futex, see [ReplyEvent]). A panic in f is returned, for the caller to re-raise on
// its own goroutine. ok is false, and f did not run, when t was closed.
func (t *Thread[C]) Do(caller *C, f func(), locked bool) (p any, panicked, ok bool) {
	r := &request[C]{caller: caller, f: f, ev: ReplyEvent(locked)}
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		PutReplyEvent(r.ev)
		return nil, false, false
	}
	t.start.Do(func() {
		started := make(chan struct{})
		go t.loop(started)
		<-started
	})
	t.queue = append(t.queue, r)
	t.mu.Unlock()
	t.ev.Signal()
	for !r.ran.Load() {
		r.ev.Wait()
	}
	PutReplyEvent(r.ev)
	return r.p, r.panicked, true
}

// RunningFor returns the caller of the closure t runs now, nil when t is
// idle or the closure was handed over without one.
func (t *Thread[C]) RunningFor() *C { return t.runningFor.Load() }

// Close stops t once the closures handed to it before have run, and waits
// for it. Do after Close reports !ok. Closing twice is harmless.
func (t *Thread[C]) Close() {
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
