package osthread

import (
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"
)

// The main goroutine keeps the main thread (as package actor's init does):
// the runtime never ends the main thread, it wedges it when a goroutine
// locked to it exits, so a Thread must not start there for
// TestThreadCloseRetiresThread to see its thread end.
func init() { runtime.LockOSThread() }

// TestThreadRunsInOrderOnOneThread hands closures from many goroutines,
// locked and not, to one Thread: each runs on the Thread's own thread, one
// at a time, in the order each caller handed its own over, and a panic
// comes back to its caller only.
func TestThreadRunsInOrderOnOneThread(t *testing.T) {
	th := NewThread[int]()
	defer th.Close()
	if th.ID() != 0 {
		t.Fatalf("ID() before the first Do = %d; want 0", th.ID())
	}
	const callers, each = 6, 200
	var (
		running int // touched only on the thread: the race detector checks it
		last    [callers]int
		ids     [callers]int
	)
	var wg sync.WaitGroup
	for c := range callers {
		wg.Go(func() {
			if c%2 == 0 {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
			}
			for i := range each {
				_, panicked, ok := th.Do(&ids[c], func() {
					if th.RunningFor() != &ids[c] {
						t.Errorf("RunningFor() in caller %d's closure = %p; want %p", c, th.RunningFor(), &ids[c])
					}
					running++
					if running != 1 || Gettid() != th.ID() || !th.OnThread() {
						t.Errorf("closure ran with %d running, on thread %d (Thread %d)", running, Gettid(), th.ID())
					}
					if last[c] != i {
						t.Errorf("caller %d: closure %d ran after %d", c, i, last[c])
					}
					last[c] = i + 1
					running--
				}, c%2 == 0)
				if !ok || panicked {
					t.Errorf("Do = ok %v, panicked %v; want ok, no panic", ok, panicked)
				}
			}
		})
	}
	wg.Wait()
	if th.OnThread() {
		t.Errorf("OnThread() on the test goroutine = true")
	}
	if th.RunningFor() != nil {
		t.Errorf("RunningFor() while idle = %p; want nil", th.RunningFor())
	}
	if p, panicked, ok := th.Do(nil, func() { panic("boom") }, false); !ok || !panicked || p != "boom" {
		t.Errorf("Do(panic) = %v, %v, %v; want boom, true, true", p, panicked, ok)
	}
	if _, _, ok := th.Do(nil, func() {}, false); !ok {
		t.Errorf("Do after a panic refused; the thread must survive its closures' panics")
	}
}

// TestThreadCloseRetiresThread: Close waits for the closures handed over
// before it, refuses those after it, and the OS thread is gone (locked for
// life, it retired with its goroutine) once Close returns.
func TestThreadCloseRetiresThread(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("thread lifetimes are read from /proc/self/task")
	}
	th := NewThread[int]()
	ran := false
	if _, _, ok := th.Do(nil, func() { ran = true }, false); !ok || !ran {
		t.Fatalf("Do = %v, ran %v; want it to run", ok, ran)
	}
	task := "/proc/self/task/" + strconv.Itoa(th.ID())
	if _, err := os.Stat(task); err != nil {
		t.Fatalf("the Thread's thread is not in /proc: %v", err)
	}
	th.Close()
	th.Close() // harmless
	if _, _, ok := th.Do(nil, func() { t.Error("a closure handed over after Close ran") }, false); ok {
		t.Errorf("Do after Close = ok; want refused")
	}
	// The goroutine has ended (Close waited for it); the runtime ends its
	// locked thread as the goroutine exits, shortly after.
	for i := 0; ; i++ {
		if _, err := os.Stat(task); os.IsNotExist(err) {
			break
		}
		if i == 10000 { // 10 s
			t.Fatalf("thread %d still exists after Close; want it retired", th.ID())
		}
		time.Sleep(time.Millisecond)
	}
	// A Thread closed before it ever started never starts.
	never := NewThread[int]()
	never.Close()
	if _, _, ok := never.Do(nil, func() {}, false); ok || never.ID() != 0 {
		t.Errorf("a Thread closed unstarted ran a closure or started (ID %d)", never.ID())
	}
}

// TestReplyEventStalePermit: a pooled reply event may carry a permit from
// its previous owner; Do must still wait for its own closure.
func TestReplyEventStalePermit(t *testing.T) {
	th := NewThread[int]()
	defer th.Close()
	for range 100 {
		ev := ReplyEvent(false)
		ev.Signal() // stale
		PutReplyEvent(ev)
		done := false
		th.Do(nil, func() { done = true }, false)
		if !done {
			t.Fatal("Do returned before its closure ran")
		}
	}
}

// TestThreadOnStart: the start hook runs on the thread, before the first
// closure, with the thread's id; the func it returns runs on the thread
// when the thread ends, before Close returns.
func TestThreadOnStart(t *testing.T) {
	th := NewThread[int]()
	var startTid, endTid int // written on the thread, read after Do/Close
	th.SetOnStart(func(tid int) func() {
		if tid != Gettid() {
			t.Errorf("start hook given tid %d on thread %d", tid, Gettid())
		}
		startTid = tid
		return func() { endTid = Gettid() }
	})
	var ran int
	if _, _, ok := th.Do(nil, func() { ran = Gettid() }, false); !ok {
		t.Fatal("Do on a new Thread: not ok")
	}
	if startTid == 0 || startTid != ran || startTid != th.ID() {
		t.Errorf("start hook tid %d, closure ran on %d, ID() %d; want all equal", startTid, ran, th.ID())
	}
	if endTid != 0 {
		t.Errorf("end func ran before Close")
	}
	th.Close()
	if endTid != startTid {
		t.Errorf("end func ran on thread %d; want %d, before Close returned", endTid, startTid)
	}
}
