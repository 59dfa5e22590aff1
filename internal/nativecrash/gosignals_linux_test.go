//go:build linux && (amd64 || arm64)

package nativecrash

import (
	"syscall"
	"testing"
)

// The handler is in front of the runtime's for exactly the crash signals,
// with SA_ONSTACK (Go runs handlers on its signal stacks) and the runtime's
// mask and restorer; every other signal the runtime handles (preemption,
// profiling, os/signal's) still goes straight to the runtime's handler.
func TestInstalledOnlyForCrashSignals(t *testing.T) {
	if !Installed() {
		t.Fatal("not installed")
	}
	goHandler := saved[syscall.SIGSEGV].handler
	if goHandler <= 1 {
		t.Fatalf("saved SIGSEGV handler %#x: not the runtime's", goHandler)
	}
	for _, s := range signals {
		var cur sigaction
		if e := rtSigaction(uintptr(s), nil, &cur); e != 0 {
			t.Fatal(e)
		}
		if cur.handler != trampABI0 || cur.flags&saOnStack == 0 || cur.flags&saSiginfo == 0 {
			t.Errorf("%v: handler %#x flags %#x, want %#x with SA_ONSTACK|SA_SIGINFO", s, cur.handler, cur.flags, trampABI0)
		}
		if cur.mask != saved[s].mask || cur.restorer != saved[s].restorer || saved[s].handler != goHandler {
			t.Errorf("%v: mask/restorer changed or saved handler %#x is not the runtime's %#x", s, saved[s].handler, goHandler)
		}
	}
	for _, s := range []syscall.Signal{syscall.SIGURG, syscall.SIGPROF, syscall.SIGINT, syscall.SIGTERM, syscall.SIGUSR1, syscall.SIGPIPE} {
		var cur sigaction
		if e := rtSigaction(uintptr(s), nil, &cur); e != 0 {
			t.Fatal(e)
		}
		if cur.handler == trampABI0 {
			t.Errorf("%v: the crash handler is installed for it", s)
		}
	}
}

// The offset of m.curg the handler found is the one the runtime uses: a
// goroutine reads itself back through g.m.curg.
func TestCurgOffset(t *testing.T) {
	if curgOff == 0 {
		t.Fatal("probe found no m.curg offset")
	}
	done := make(chan bool)
	go func() {
		g := tlsg()
		done <- load(load(g+gM)+curgOff) == g
	}()
	if !<-done {
		t.Fatal("g.m.curg is not the goroutine")
	}
}
