//go:build linux && amd64

package ffi

import (
	"context"
	"errors"
	"syscall"
	"testing"

	"github.com/goractor/goractor/internal/testlib"
)

// A process out of threads: the first Async of a native pool cannot start a
// thread, so it fails with the errno instead of queueing a call nothing
// would ever run; the slot and the library are given back, and once
// threads can start again the pool works.
func TestNativePool_NoThread(t *testing.T) {
	l, err := Open("libc.so.6")
	testlib.SkipIfLibraryMissing(t, "libc.so.6", err)
	defer l.Close()
	p := NewPool(2, 0)
	defer p.Close()
	id, err := l.Func("labs", MustSignature("func(int64) int64"), WithPool(p))
	if err != nil {
		t.Fatal(err)
	}
	orig := startThread
	startThread = func(*nativeThread) syscall.Errno { return syscall.EAGAIN }
	bg := context.Background()
	for range 3 { // more than the pool's two slots: none may leak
		if _, err := id.Async(bg, int64(7)).Wait(bg); !errors.Is(err, syscall.EAGAIN) {
			startThread = orig
			t.Fatalf("Async with no thread startable: %v; want EAGAIN", err)
		}
	}
	startThread = orig
	if n := l.InFlight(); n != 0 {
		t.Errorf("%d calls counted in the library after the refusals", n)
	}
	if v, err := id.Async(bg, int64(-7)).Wait(bg); err != nil || v != int64(7) {
		t.Errorf("Async once threads start again: %v, %v; want 7", v, err)
	}
}

// Looking at a pool (Stats) before its first Async does not decide that it
// has no native threads.
func TestNativePool_StatsBeforeFirstCall(t *testing.T) {
	l, err := Open("libc.so.6")
	testlib.SkipIfLibraryMissing(t, "libc.so.6", err)
	defer l.Close()
	p := NewPool(2, 4)
	defer p.Close()
	if st := p.Stats(); st.Threads != 0 || st.Completed != 0 {
		t.Fatalf("a new pool's stats: %+v", st)
	}
	labs, err := l.Func("labs", MustSignature("func(int64) int64"), WithPool(p))
	if err != nil {
		t.Fatal(err)
	}
	bg := context.Background()
	if v, err := labs.Async(bg, int64(-3)).Wait(bg); err != nil || v != int64(3) {
		t.Fatalf("labs(-3) = %v, %v", v, err)
	}
	if p.nativeIfStarted() == nil {
		t.Error("the call ran on worker goroutines: Stats before the first Async turned native threads off")
	}
	if st := p.Stats(); st.Completed != 1 || st.Threads != 1 {
		t.Errorf("stats after one call: %+v; want 1 thread, 1 completed", st)
	}
	p.Close() // and again by the deferred Close: harmless
	if _, err := labs.Async(bg, int64(-3)).Wait(bg); !errors.Is(err, ErrPoolClosed) {
		t.Errorf("Async after Close: %v; want ErrPoolClosed", err)
	}
}

// A pool closed before its first Async makes no native engine afterwards.
func TestNativePool_ClosedBeforeFirstCall(t *testing.T) {
	l, err := Open("libc.so.6")
	testlib.SkipIfLibraryMissing(t, "libc.so.6", err)
	defer l.Close()
	p := NewPool(2, 4)
	p.Close()
	labs, err := l.Func("labs", MustSignature("func(int64) int64"), WithPool(p))
	if err != nil {
		t.Fatal(err)
	}
	bg := context.Background()
	if _, err := labs.Async(bg, int64(-3)).Wait(bg); !errors.Is(err, ErrPoolClosed) {
		t.Errorf("Async on a pool closed first: %v; want ErrPoolClosed", err)
	}
	if p.nativeIfStarted() != nil {
		t.Error("a closed pool made a native engine")
	}
}
