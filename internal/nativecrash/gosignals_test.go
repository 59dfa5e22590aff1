//go:build unix

package nativecrash_test

import (
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/goractor/goractor/actor"
	_ "github.com/goractor/goractor/internal/nativecrash"
)

// Go's own faults keep their meaning with the crash handler installed: a
// nil dereference in Go code is an ordinary recoverable panic, in an
// actor (on its own locked thread) and on any goroutine.
func TestGoNilDerefInActorIsARecoverablePanic(t *testing.T) {
	var got any
	err := actor.Run(func(main *actor.Context) error {
		a, err := main.Spawn(func(cx *actor.Context) (any, error) {
			defer func() { got = recover() }()
			var p *int
			return *p, nil
		}, actor.WithName("nilderef"))
		if err != nil {
			return err
		}
		return a.Join(main)
	})
	if err != nil {
		t.Fatal(err)
	}
	re, ok := got.(runtime.Error)
	if !ok || !strings.Contains(re.Error(), "nil pointer dereference") {
		t.Fatalf("recovered %v (%T), want the runtime's nil dereference error", got, got)
	}
}

// A fault at an unmapped address in Go code with SetPanicOnFault is a
// panic carrying the address, as the runtime makes it.
func TestGoFaultPanicsWithAddress(t *testing.T) {
	mem, err := syscall.Mmap(-1, 0, os.Getpagesize(), syscall.PROT_READ, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		t.Fatal(err)
	}
	p := &mem[0]
	if err := syscall.Munmap(mem); err != nil {
		t.Fatal(err)
	}
	done := make(chan any)
	go func() {
		defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
		defer func() { done <- recover() }()
		_ = *p
	}()
	r := <-done
	ae, ok := r.(interface{ Addr() uintptr })
	if !ok {
		t.Fatalf("recovered %v (%T), want a runtime error with Addr", r, r)
	}
	if ae.Addr() == 0 {
		t.Fatalf("fault address 0, want the unmapped page")
	}
}

// A crash signal another process (here, this one through kill) sends is not
// a crash: it reaches os/signal.Notify as before.
func TestSentCrashSignalsReachNotify(t *testing.T) {
	for _, s := range []syscall.Signal{syscall.SIGSEGV, syscall.SIGABRT} {
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, s)
		if err := syscall.Kill(os.Getpid(), s); err != nil {
			t.Fatal(err)
		}
		select {
		case got := <-ch:
			if got != s {
				t.Errorf("got %v, want %v", got, s)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("%v never reached signal.Notify", s)
		}
		signal.Stop(ch)
	}
}

// Asynchronous preemption (SIGURG) still interrupts a loop without calls:
// with one P, the main goroutine runs again only if the loop is preempted.
func TestPreemptionStillWorks(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	var stop atomic.Bool
	started := make(chan struct{})
	go func() {
		close(started)
		for !stop.Load() {
		}
	}()
	<-started
	time.Sleep(10 * time.Millisecond)
	stop.Store(true)
}
