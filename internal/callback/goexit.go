package callback

import (
	"runtime"
	"runtime/debug"
	"sync"
	"unsafe"
)

// Containing runtime.Goexit in a handler.
//
// A handler that calls runtime.Goexit (t.Fatal, t.FailNow) would end the
// goroutine C called on: on a thread C created the runtime kills the process
// ("runtime.Goexit called in a thread that was not created by the Go
// runtime"); on a Go thread the C frames under the callback are unwound
// without C knowing. recover cannot stop a Goexit (the runtime's recovery
// refuses to jump past a pending Goexit), and running every handler on a
// goroutine of its own would cost a goroutine switch per call (and, for a
// synchronous callback, move it off the owner's thread).
//
// So run has two deferred functions. The inner one, seeing the handler end
// without returning, reads the goroutine's innermost _panic record; when it
// is a Goexit's, it takes that record off the goroutine's panic chain and
// panics with a goexitEscape. The outer one recovers the goexitEscape like
// any panic: with no Goexit left on the chain, recovery resumes run's
// caller, which returns the exceptional value to C. Deferred calls of the
// handler have run (Goexit ran them before reaching run), no C frame is
// unwound, and the normal path costs one more open-coded defer.
// (asmDispatch, amd64, runs the synchronous call with the same two deferred
// functions in its own frame, in place of run's.)
//
// Two it must be: the recovering deferred function has to belong to a
// frame at or above run (recovery resumes that frame's caller), and has
// to run after the escape's panic starts; a deferred function that is
// already running (the one that escapes) is not run again, and the next
// frame above run with deferred calls is the runtime's cgocallbackg1.
//
// This reads two runtime-internal layouts: g._panic ("offset known to
// liblink": four words into g) and the _panic record's link and goexit
// fields. escapeOK checks them once, in goroutines of its own, against a
// panic, a nested panic and a Goexit, and then the whole escape; if any check
// fails (another architecture, a runtime whose layout moved) a Goexit in a
// handler keeps the runtime's behaviour and escapeOK says so.

const (
	ptrSize    = unsafe.Sizeof(uintptr(0))
	gPanicOff  = 4 * ptrSize    // g._panic: after stack{lo,hi}, stackguard0, stackguard1
	pLinkOff   = 2 * ptrSize    // _panic.link: after arg (an interface)
	pGoexitOff = 11*ptrSize + 2 // _panic.goexit: after arg, link, startPC, startSP, sp, lr, fp, retpc, deferBitsPtr, slotsPtr, recovered, repanicked
)

// goexitEscape is the panic value that carries a contained Goexit from the
// inner deferred function of run to the outer one.
type goexitEscape struct{ stack []byte }

// curPanic returns the calling goroutine's innermost _panic record, nil
// when none.
func curPanic() unsafe.Pointer {
	g := curG()
	if g == nil {
		return nil
	}
	return *(*unsafe.Pointer)(unsafe.Add(g, gPanicOff))
}

// inGoexit reports whether the innermost _panic record is a Goexit's.
func inGoexit() (p unsafe.Pointer, ok bool) {
	p = curPanic()
	return p, p != nil && *(*bool)(unsafe.Add(p, pGoexitOff))
}

// escapeGoexit is called by run's inner deferred function when the handler
// ended without returning: it turns a Goexit into a goexitEscape panic, and
// does nothing for a panic (the outer deferred function recovers it).
func escapeGoexit() {
	if escapeReady() {
		doEscape()
	}
}

// doEscape is escapeGoexit without the layout check.
func doEscape() {
	p, ok := inGoexit()
	if !ok {
		return
	}
	st := debug.Stack()
	g := curG()
	*(*unsafe.Pointer)(unsafe.Add(g, gPanicOff)) = *(*unsafe.Pointer)(unsafe.Add(p, pLinkOff))
	panic(goexitEscape{stack: st})
}

var escape struct {
	once sync.Once
	ok   bool
}

// escapeReady reports whether a Goexit in a handler is contained (see the
// comment at the top of this file); the first call checks the layouts.
func escapeReady() bool {
	escape.once.Do(func() { escape.ok = checkEscape() })
	return escape.ok
}

// checkEscape runs the layout checks and the escape itself, each in a
// goroutine of its own, and reports whether all passed.
func checkEscape() bool {
	if curG() == nil {
		return false
	}
	return inGoroutine(checkPanicLayout) && inGoroutine(checkGoexitLayout) && inGoroutine(checkEscapeWorks)
}

// inGoroutine runs f in a goroutine of its own and returns what f stored in
// ok once the goroutine ends (returning or not).
func inGoroutine(f func(ok *bool)) bool {
	ch := make(chan bool, 1)
	go func() {
		ok := false
		defer func() { ch <- ok }()
		f(&ok)
	}()
	return <-ch
}

type marker struct{ _ byte }

// checkPanicLayout: during a panic raised while another runs, the innermost
// record holds the second value, is not a Goexit's, and links to the first.
func checkPanicLayout(ok *bool) {
	m1, m2 := new(marker), new(marker)
	defer func() {
		p := curPanic()
		*ok = p != nil && *(*any)(p) == any(m2) && !*(*bool)(unsafe.Add(p, pGoexitOff))
		if *ok {
			l := *(*unsafe.Pointer)(unsafe.Add(p, pLinkOff))
			*ok = l != nil && *(*any)(l) == any(m1) && !*(*bool)(unsafe.Add(l, pGoexitOff))
		}
		recover()
	}()
	defer func() { panic(m2) }()
	panic(m1)
}

// checkGoexitLayout: during a Goexit the innermost record is a Goexit's,
// with no value and no earlier panic. The goroutine ends; ok is sent by
// inGoroutine's deferred function, which runs after this one.
func checkGoexitLayout(ok *bool) {
	defer func() {
		p := curPanic()
		*ok = p != nil && *(*bool)(unsafe.Add(p, pGoexitOff)) && *(*any)(p) == nil && *(*unsafe.Pointer)(unsafe.Add(p, pLinkOff)) == nil
	}()
	runtime.Goexit()
}

// checkEscapeWorks runs the escape on a Goexit: it must come back as a
// goexitEscape, and the goroutine must go on running.
func checkEscapeWorks(ok *bool) {
	_, *ok = contain(runtime.Goexit, doEscape).(goexitEscape)
}

// contain calls f with run's two deferred functions (esc in the inner one)
// and returns what the outer one recovered.
func contain(f, esc func()) (r any) {
	returned := false
	defer func() {
		if !returned {
			r = recover()
		}
	}()
	defer func() {
		if !returned {
			esc()
		}
	}()
	f()
	returned = true
	return nil
}
