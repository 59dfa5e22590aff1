//go:build linux && amd64

package ffi

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"

	"github.com/goractor/goractor/internal/callback"
	"github.com/goractor/goractor/internal/nativecrash"
	"github.com/goractor/goractor/internal/osthread"
)

// The native engine of a Pool: threads the pool creates with
// pthread_create that run an assembly loop (native_linux_amd64.s) over a
// ring of call frames and never enter the Go runtime between calls. A Go
// worker goroutine pays the scheduler on every return from C (exitsyscall
// must find a P; with 64 threads on 2 Ps most returns park the thread and
// hand the goroutine to another), which caps the rate of short blocking
// calls well below what C threads reach; the native loop reaches it
// (figures in docs/async.md and docs/performance.md, "Threads").
//
// Life of a job: the submitter takes a free slot (free), fills its frame and
// its Go side (info), stores state 1 and enqueues the slot index. A worker
// dequeues it, runs the frame, stores state 2, pushes the slot on the done
// stack and increments cseq (waking sleepers). Any Go party that takes the
// done stack (a waiter, a submitter, the completer goroutine, Close)
// harvests its slots: converts the results, leaves the library, frees the
// slot, and resolves the future. Waiters on their own actor thread sleep on
// the cseq futex; everyone else (Done, Then, Wait with a context that can
// end, a full pool with WaitWhenFull, Library.Close) is a watcher, served
// by a completer goroutine that runs while there are watchers.

var nativeWorkerABI0, nativeNoopABI0 uintptr

// The futex calls the assembly loop makes, named once in package osthread
// (go_asm.h gives the loop these as const_futexSyscall and so on).
const (
	futexSyscall     = syscall.SYS_FUTEX
	futexWaitPrivate = osthread.FutexWaitPrivate
	futexWakePrivate = osthread.FutexWakePrivate
)

// nativeRing is the state shared with the assembly loop; go_asm.h gives it the
// field offsets. Counters that both sides write sit on their own cache
// lines.
type nativeRing struct {
	deq       uint64 // next queue position to take
	_         [56]byte
	enq       uint64 // next queue position to fill
	_         [56]byte
	qseq      uint32 // futex: incremented after each enqueue and at close
	idle      int32  // workers asleep (or about to sleep) on qseq
	closing   uint32 // set by close: workers end once the queue is empty
	_         [52]byte
	cseq      uint32 // futex: incremented after each completion and resolution
	csleep    int32  // Go sleepers on cseq
	_         [56]byte
	done      uint64 // done stack: slot index + 1, 0 when empty
	completed uint64 // jobs completed by workers
	_         [48]byte
	mask      uint64 // queue cells - 1
	cells     uintptr
	slots     uintptr
	stride    uint64 // unsafe.Sizeof(nativeSlot{})
}

type nativeCell struct {
	seq  uint64
	slot uint64
}

// nativeSlot is a job's native half: the frame (its first field: the worker
// passes the slot's address to ffitramp), its state (0 free, 1 submitted,
// 2 done) and the done stack link.
type nativeSlot struct {
	fr    frame
	state uint32
	next  uint64
}

// nativeThread is one thread's record: the ring, the thread id (set by the
// thread) and the slot it is running (index + 1, 0 between jobs); for
// native crash reports, the thread's initial stack pointer (set by the
// thread) and the alternate signal stack it installs first thing.
type nativeThread struct {
	ring uintptr
	tid  uint64
	cur  uint64
	th   uint64 // pthread_t
	sp   uint64
	ss   stackT
	stk  []byte // ss's memory (mmap), unmapped once the thread is joined
	reg  nativecrash.Reg
}

// nativeJob is a job's Go half, owned by whoever holds the slot index (the
// submitter until state 1 is stored, then the harvester).
type nativeJob struct {
	f    *Func
	fut  *Future[any]
	in   []reflect.Value
	keep []unsafe.Pointer
	sh   *shard
	stop func() bool // the context's AfterFunc

	mu   sync.Mutex // errs is appended to by callbacks on the worker thread
	errs []error
}

type nativePool struct {
	p     *Pool
	ring  *nativeRing
	cells []nativeCell
	slots []nativeSlot
	info  []nativeJob
	free  chan uint32

	mu      sync.Mutex // protects workers and closed
	workers []*nativeThread
	closed  bool
	nthread atomic.Int32 // len(workers), for submitters to skip the lock at full size

	watchers  atomic.Int32
	completer atomic.Bool // a completer goroutine is running
}

// The live native pools, for callback failures (find the job by thread id)
// and Library.Close (watch them while calls are in flight).
var (
	nativePoolsMu sync.RWMutex
	nativePools   = map[*nativePool]struct{}{}
)

func init() {
	callback.SetThreadCapture(nativeCapture)
}

func newNativeEngine(p *Pool) nativeEngine {
	if !fastOK || nativeWorkerABI0 == 0 || pthreadCreate() == 0 {
		return nil
	}
	n := p.size + cap(p.q)
	cells := 1
	for cells < n {
		cells <<= 1
	}
	e := &nativePool{p: p, ring: &nativeRing{mask: uint64(cells - 1)},
		cells: make([]nativeCell, cells), slots: make([]nativeSlot, n), info: make([]nativeJob, n),
		free: make(chan uint32, n)}
	for i := range e.cells {
		e.cells[i].seq = uint64(i)
	}
	for i := range n {
		e.free <- uint32(i)
	}
	e.ring.cells = uintptr(unsafe.Pointer(&e.cells[0]))
	e.ring.slots = uintptr(unsafe.Pointer(&e.slots[0]))
	e.ring.stride = uint64(unsafe.Sizeof(nativeSlot{}))
	nativePoolsMu.Lock()
	nativePools[e] = struct{}{}
	nativePoolsMu.Unlock()
	return e
}

var libcSyms = sync.OnceValues(func() (uintptr, uintptr) {
	c, _ := defaultSym("pthread_create")
	j, _ := defaultSym("pthread_join")
	if c == 0 || j == 0 {
		return 0, 0
	}
	return c, j
})

func pthreadCreate() uintptr { c, _ := libcSyms(); return c }

// eligible reports whether f's call with in can run on a native thread: the
// register trampoline can make it, no gate must be asked on the pool thread,
// and the result is not a C string (converted at harvest, it could be
// overwritten by then).
func eligible(f *Func, in []reflect.Value) bool {
	if f.gate != nil || f.sig.plan.res.c == cString {
		return false
	}
	ok, err := f.frameable(in)
	return ok && err == nil
}

func (e *nativePool) submit(ctx context.Context, f *Func, in []reflect.Value) (*Future[any], bool) {
	if !eligible(f, in) {
		return nil, false
	}
	fut := newFuture[any](e.p)
	fut.src = e
	if err := ctx.Err(); err != nil {
		fut.resolve(nil, err)
		return fut, true
	}
	// The read lock keeps Pool.Close out until the job is queued: the
	// threads end only once the queue is empty.
	e.p.mu.RLock()
	defer e.p.mu.RUnlock()
	if e.p.closed {
		fut.resolve(nil, ErrPoolClosed)
		return fut, true
	}
	i, err := e.take(ctx)
	if err != nil {
		fut.resolve(nil, err)
		return fut, true
	}
	if err := e.grow(); err != nil {
		e.free <- i
		fut.resolve(nil, err)
		return fut, true
	}
	s, j := &e.slots[i], &e.info[i]
	s.fr = frame{}
	keep, err := f.setFrame(&s.fr, in)
	if err != nil {
		e.free <- i
		fut.resolve(nil, err)
		return fut, true
	}
	if l := f.lib; l != nil {
		sh, ok := l.enter()
		if !ok {
			e.free <- i
			fut.resolve(nil, f.callErr(ErrClosed))
			return fut, true
		}
		j.sh = sh
	}
	j.f, j.fut, j.in, j.keep = f, fut, in, keep
	if ctx.Done() != nil {
		j.stop = context.AfterFunc(ctx, func() { fut.resolve(nil, ctx.Err()) })
	}
	atomic.StoreUint32(&s.state, 1)
	if raceOn {
		runtime_cgocall(nativeNoopABI0, nil)
	}
	e.enqueue(uint64(i))
	return fut, true
}

// take returns a free slot: at once, after harvesting the done stack, or,
// with WaitWhenFull, when one is freed or ctx ends.
func (e *nativePool) take(ctx context.Context) (uint32, error) {
	select {
	case i := <-e.free:
		return i, nil
	default:
	}
	e.drain()
	select {
	case i := <-e.free:
		return i, nil
	default:
	}
	if !e.p.block {
		return 0, ErrPoolFull
	}
	e.watch()
	defer e.unwatch()
	select {
	case i := <-e.free:
		return i, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

func (e *nativePool) enqueue(idx uint64) {
	r := e.ring
	for {
		pos := atomic.LoadUint64(&r.enq)
		c := &e.cells[pos&r.mask]
		seq := atomic.LoadUint64(&c.seq)
		if seq == pos {
			if atomic.CompareAndSwapUint64(&r.enq, pos, pos+1) {
				c.slot = idx
				atomic.StoreUint64(&c.seq, pos+1)
				break
			}
		} else if seq < pos {
			// Every slot index is in the queue at most once and the queue
			// has a cell for each: it cannot be full.
			panic("ffi: native pool queue overflow")
		}
	}
	atomic.AddUint32(&r.qseq, 1)
	if atomic.LoadInt32(&r.idle) > 0 {
		osthread.FutexWake(&r.qseq, 1)
	}
}

// grow starts a thread, before a job is queued, when the sleeping threads
// do not outnumber the jobs already queued and the pool has room. A woken
// thread stays counted in idle until it runs, so "idle > 0" alone would let
// a burst queue every job behind one sleeper: the queued jobs claim the
// sleepers first. It fails only when the pool has no thread at all and none
// can be started (the process is out of threads): with at least one, a job
// waits for it.
func (e *nativePool) grow() error {
	if int(e.nthread.Load()) >= e.p.size || !e.short() {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed || len(e.workers) >= e.p.size || !e.short() {
		return nil
	}
	w := &nativeThread{ring: uintptr(unsafe.Pointer(e.ring))}
	prepareThread(w, e.p.name, len(e.workers))
	if errno := startThread(w); errno != 0 {
		releaseThread(w)
		if len(e.workers) == 0 {
			return fmt.Errorf("ffi: native pool: pthread_create: %w", errno)
		}
		return nil
	}
	e.workers = append(e.workers, w)
	e.nthread.Store(int32(len(e.workers)))
	return nil
}

// short reports whether one more queued job would find no sleeping thread
// left to take it (as the goroutine pool does: idle <= len(queue)).
func (e *nativePool) short() bool {
	r := e.ring
	deq := atomic.LoadUint64(&r.deq) // before enq: deq <= enq then holds
	queued := atomic.LoadUint64(&r.enq) - deq
	return uint64(max(0, atomic.LoadInt32(&r.idle))) <= queued
}

// startThread starts w's thread running the native loop (a variable for
// tests to simulate a process out of threads).
var startThread = func(w *nativeThread) syscall.Errno {
	fr := &frame{fn: pthreadCreate()}
	fr.regs[0] = uint64(uintptr(unsafe.Pointer(&w.th)))
	fr.regs[2] = uint64(nativeWorkerABI0)
	fr.regs[3] = uint64(uintptr(unsafe.Pointer(w)))
	callFrame(fr)
	return syscall.Errno(fr.r1)
}

// drain harvests every slot on the done stack.
func (e *nativePool) drain() {
	h := atomic.SwapUint64(&e.ring.done, 0)
	for h != 0 {
		i := uint32(h - 1)
		h = atomic.LoadUint64(&e.slots[i].next)
		e.harvest(i)
	}
}

func (e *nativePool) harvest(i uint32) {
	s, j := &e.slots[i], &e.info[i]
	if st := atomic.LoadUint32(&s.state); st != 2 {
		panic("ffi: native pool: harvesting a slot in state " + strconv.Itoa(int(st)))
	}
	f, fut, sh, stop := j.f, j.fut, j.sh, j.stop
	j.mu.Lock()
	errs := j.errs
	j.errs = nil
	j.mu.Unlock()
	var v any
	res, err := f.resultValue(&s.fr)
	if res.IsValid() {
		v = res.Interface()
	}
	if err == nil && f.errfn != 0 && s.fr.errno != 0 {
		err = f.callErr(syscall.Errno(s.fr.errno))
	}
	if err == nil && len(errs) > 0 {
		v, err = nil, &CallbackFailedError{Err: errors.Join(errs...)}
	}
	*j = nativeJob{}
	atomic.StoreUint32(&s.state, 0)
	e.free <- i
	if stop != nil {
		stop()
	}
	// Settle before leaving the library, so that a Library.Close that
	// returns finds every future of its calls resolved; run the Then
	// functions after, so that one may close the library itself.
	thens, _ := fut.settle(v, err)
	if l := f.lib; l != nil {
		l.exit(sh)
	}
	for _, fn := range thens {
		fut.runThen(fn, v, err)
	}
}

// notify wakes the sleepers on cseq after a resolution outside a worker.
func (e *nativePool) notify() {
	atomic.AddUint32(&e.ring.cseq, 1)
	if atomic.LoadInt32(&e.ring.csleep) > 0 {
		osthread.FutexWake(&e.ring.cseq, math.MaxInt32)
	}
}

// await blocks the calling thread (an actor's own) on the cseq futex until
// done is closed, harvesting whatever completes meanwhile. A worker or a
// harvester makes progress visible, increments cseq, then wakes if csleep
// is positive; await reads cseq before looking, so it cannot miss one.
func (e *nativePool) await(done <-chan struct{}) {
	for !e.sleep(done) {
	}
}

// sleep harvests, then sleeps on cseq unless done is closed or more has
// completed; it reports whether done is closed.
func (e *nativePool) sleep(done <-chan struct{}) bool {
	r := e.ring
	v := atomic.LoadUint32(&r.cseq)
	e.drain()
	if closed(done) {
		return true
	}
	atomic.AddInt32(&r.csleep, 1)
	if atomic.LoadUint64(&r.done) == 0 && !closed(done) {
		osthread.FutexWait(&r.cseq, v)
	}
	atomic.AddInt32(&r.csleep, -1)
	return closed(done)
}

// watch and unwatch bracket a wait that needs completions harvested
// without sleeping on the futex itself: the completer goroutine runs while
// the count is positive.
func (e *nativePool) watch() {
	e.watchers.Add(1)
	if e.completer.CompareAndSwap(false, true) {
		go e.complete()
	}
}

func (e *nativePool) unwatch() {
	if e.watchers.Add(-1) <= 0 {
		e.notify() // let the completer see it and end
	}
}

func (e *nativePool) complete() {
	for {
		if e.watchers.Load() <= 0 {
			e.completer.Store(false)
			if e.watchers.Load() > 0 && e.completer.CompareAndSwap(false, true) {
				continue
			}
			return
		}
		e.sleep(nil)
	}
}

func (e *nativePool) stats() (threads, running, queued int, completed uint64) {
	e.mu.Lock()
	threads = len(e.workers)
	e.mu.Unlock()
	r := e.ring
	done := atomic.LoadUint64(&r.completed)
	deq := atomic.LoadUint64(&r.deq)
	enq := atomic.LoadUint64(&r.enq)
	return threads, int(deq - min(done, deq)), int(enq - min(deq, enq)), done
}

// close ends the threads once the queue is empty, joins them and harvests
// what they completed. Submissions have stopped (Pool.closed).
func (e *nativePool) close() {
	e.mu.Lock()
	e.closed = true
	workers := e.workers
	e.mu.Unlock()
	atomic.StoreUint32(&e.ring.closing, 1)
	atomic.AddUint32(&e.ring.qseq, 1)
	osthread.FutexWake(&e.ring.qseq, math.MaxInt32)
	_, join := libcSyms()
	for _, w := range workers {
		fr := &frame{fn: join}
		fr.regs[0] = w.th
		callFrame(fr)
		releaseThread(w)
	}
	e.mu.Lock()
	e.workers = nil
	e.nthread.Store(0)
	e.mu.Unlock()
	e.drain()
	nativePoolsMu.Lock()
	delete(nativePools, e)
	nativePoolsMu.Unlock()
}

// nativeCapture records a callback failure in the job the calling thread
// is running, if it is a native pool thread (see callback.SetThreadCapture).
func nativeCapture(err error) bool {
	tid := uint64(syscall.Gettid())
	nativePoolsMu.RLock()
	defer nativePoolsMu.RUnlock()
	for e := range nativePools {
		e.mu.Lock()
		for _, w := range e.workers {
			if atomic.LoadUint64(&w.tid) != tid {
				continue
			}
			cur := atomic.LoadUint64(&w.cur)
			e.mu.Unlock()
			if cur == 0 {
				return false
			}
			j := &e.info[cur-1]
			j.mu.Lock()
			j.errs = append(j.errs, err)
			j.mu.Unlock()
			return true
		}
		e.mu.Unlock()
	}
	return false
}

// watchNativePools harvests and watches every native pool until the
// returned function is called: Library.Close waits for calls in flight,
// which leave the library when they are harvested.
func watchNativePools() func() {
	nativePoolsMu.RLock()
	var es []*nativePool
	for e := range nativePools {
		es = append(es, e)
	}
	nativePoolsMu.RUnlock()
	for _, e := range es {
		e.watch()
		e.drain()
	}
	return func() {
		for _, e := range es {
			e.unwatch()
		}
	}
}
