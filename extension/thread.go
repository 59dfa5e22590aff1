package extension

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/goractor/goractor/internal/osthread"
)

// dedicatedThread is the OS thread a DedicatedThread extension runs every call
// on: one goroutine, locked to its thread for its whole life, that runs the
// requests it receives one at a time. It starts on the first call and stops on
// Close; a thread that ran thread-affine native code is retired (its goroutine
// exits still locked, so the runtime terminates the thread) rather than reused.
type dedicatedThread struct {
	start sync.Once
	reqs  chan threadReq // never closed; stop tells the loop to end
	stop  chan struct{}  // closed by close
	done  chan struct{}  // closed by the loop when it has ended
	tid   atomic.Int64   // kernel thread id once started, 0 before

	mu     sync.Mutex // protects closed
	closed bool
}

type threadReq struct {
	f     func()
	reply chan threadReply
}

type threadReply struct {
	p        any
	panicked bool
}

func newDedicatedThread() *dedicatedThread {
	return &dedicatedThread{reqs: make(chan threadReq), stop: make(chan struct{}), done: make(chan struct{})}
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
	for {
		select {
		case r := <-t.reqs:
			r.reply <- runReq(r.f)
		case <-t.stop:
			return
		}
	}
}

func runReq(f func()) (rep threadReply) {
	defer func() {
		if p := recover(); p != nil {
			rep = threadReply{p: p, panicked: true}
		}
	}()
	f()
	return threadReply{}
}

// do runs f on the thread and waits. A panic in f is returned, to be re-raised
// on the caller's goroutine.
func (t *dedicatedThread) do(f func()) (p any, panicked bool, err error) {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return nil, false, ErrClosed
	}
	t.start.Do(func() {
		started := make(chan struct{})
		go t.loop(started)
		<-started
	})
	t.mu.Unlock()
	reply := make(chan threadReply, 1)
	select {
	case t.reqs <- threadReq{f: f, reply: reply}:
	case <-t.stop:
		return nil, false, ErrClosed
	}
	r := <-reply
	return r.p, r.panicked, nil
}

// close stops the thread after the call in progress, if any, and waits for it.
func (t *dedicatedThread) close() {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return
	}
	t.closed = true
	started := false
	t.start.Do(func() {}) // a thread never started stays unstarted
	started = t.tid.Load() != 0
	close(t.stop)
	t.mu.Unlock()
	if started {
		<-t.done
	}
}

// threadID returns the kernel thread id of the dedicated thread, 0 before it
// started.
func (t *dedicatedThread) threadID() int { return int(t.tid.Load()) }
