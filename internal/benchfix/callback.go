//go:build darwin || freebsd || linux || netbsd

package benchfix

import (
	"fmt"
	"runtime"
	"time"

	"github.com/ebitengine/purego"

	"github.com/goractor/goractor/internal/callback"
	"github.com/goractor/goractor/internal/execctx"
)

// MeasureCallback runs n callbacks of the named measurement against the
// fixture library at libPath (Build's; it needs call_cb_n and
// call_cb_n_thread) and returns nanoseconds per callback:
//
//   - CallbackSync: an actor (a goroutine locked to its thread, bound to an
//     Exec, holding its token) calls call_cb_n, which calls an actor-owned
//     synchronous callback n times on the same thread (inline dispatch).
//   - CallbackForeign: the actor calls call_cb_n_thread, lending its token
//     as package ffi does; a pthread calls the actor's thread-safe callback n
//     times, each one taking the token, running the handler, giving it back.
//   - RawCallbackSync, RawCallbackForeign: the same C loops through a bare
//     purego.NewCallback (the baseline; uses one purego slot each, once).
func MeasureCallback(libPath, name string, n int) (float64, error) {
	lib, err := purego.Dlopen(libPath, purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		return 0, fmt.Errorf("benchfix: callback measure: %w", err)
	}
	sym := "call_cb_n"
	if name == CallbackForeign || name == RawCallbackForeign {
		sym = "call_cb_n_thread"
	}
	fn, err := purego.Dlsym(lib, sym)
	if err != nil {
		return 0, fmt.Errorf("benchfix: callback measure: %w", err)
	}
	switch name {
	case RawCallbackSync, RawCallbackForeign:
		ptr := rawCallback()
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		start := time.Now()
		r, _, _ := purego.SyscallN(fn, ptr, uintptr(n))
		d := time.Since(start)
		if r != uintptr(n)*uintptr(n+1)/2 {
			return 0, fmt.Errorf("benchfix: callback measure %s: C returned %d", name, r)
		}
		return float64(d.Nanoseconds()) / float64(n), nil
	case CallbackSync, CallbackForeign:
	default:
		return 0, fmt.Errorf("benchfix: callback measure: unknown measurement %q", name)
	}
	type result struct {
		d   time.Duration
		err error
	}
	done := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		e := execctx.New("bench", false, execctx.Hooks{})
		defer execctx.Bind(e)()
		e.Enter()
		defer e.Leave()
		var opts []callback.Option
		if name == CallbackForeign {
			opts = append(opts, callback.ThreadSafe())
		}
		var state uintptr // actor state, touched under the token
		c, err := callback.New(func(i uintptr) uintptr { state++; return i + 1 }, opts...)
		if err != nil {
			done <- result{err: err}
			return
		}
		defer c.Close()
		start := time.Now()
		if e.NeedsLend() {
			e.Lend()
		}
		r, _, _ := purego.SyscallN(fn, c.Ptr(), uintptr(n))
		if e.NeedsLend() {
			e.Reclaim()
		}
		d := time.Since(start)
		if r != uintptr(n)*uintptr(n+1)/2 || state != uintptr(n) {
			done <- result{err: fmt.Errorf("benchfix: callback measure %s: C returned %d, handler ran %d times", name, r, state)}
			return
		}
		done <- result{d: d}
	}()
	res := <-done
	if res.err != nil {
		return 0, res.err
	}
	return float64(res.d.Nanoseconds()) / float64(n), nil
}

var rawCallback = func() func() uintptr {
	var ptr uintptr
	return func() uintptr {
		if ptr == 0 {
			ptr = purego.NewCallback(func(i uintptr) uintptr { return i + 1 })
		}
		return ptr
	}
}()
