package callback

import (
	"errors"
	"sync"
	"sync/atomic"

	"github.com/goractor/goractor/internal/execctx"
)

// A capture collects the failures of callbacks that C calls on the calling
// goroutine's own thread while a function runs: package ffi wraps each
// offloaded call in one, so that a handler that panics during a callback
// made from an offloaded native call resolves the call's future with an
// error (as well as being reported to the callback's owner and returning the
// exceptional value to C).
type capture struct {
	mu   sync.Mutex
	errs []error
}

var (
	captures  sync.Map     // goroutine (getg) -> *capture
	ncaptures atomic.Int32 // live captures: the failure path skips the lookup when 0
)

// Capture runs fn and returns the failures (panics, deadlines, wrong-thread
// and depth refusals) of callbacks that ran on this goroutine, that is, that
// C called synchronously on this thread during fn, joined with errors.Join;
// nil when there were none. Captures do not nest: an inner Capture on the
// same goroutine collects until it returns, then the outer one resumes.
func Capture(fn func()) error {
	g := execctx.G()
	c := &capture{}
	prev, had := captures.Swap(g, c)
	ncaptures.Add(1)
	defer func() {
		ncaptures.Add(-1)
		if had {
			captures.Store(g, prev)
		} else {
			captures.Delete(g)
		}
	}()
	fn()
	c.mu.Lock()
	defer c.mu.Unlock()
	return errors.Join(c.errs...)
}

// threadCapture, when set, is asked to record a failure no goroutine's
// capture took: package ffi's native pool threads run offloaded calls
// without a goroutine of their own, and find the job by thread.
var threadCapture atomic.Pointer[func(error) bool]

// SetThreadCapture installs h as the capture of last resort: it gets the
// failures of callbacks that ran on no capturing goroutine and reports
// whether it recorded them (it runs on the thread C called the callback on).
func SetThreadCapture(h func(err error) bool) { threadCapture.Store(&h) }

// captured records err in the calling goroutine's capture, if any, or else
// hands it to the thread capture.
func captured(err error) {
	if ncaptures.Load() != 0 {
		if v, ok := captures.Load(execctx.G()); ok {
			c := v.(*capture)
			c.mu.Lock()
			c.errs = append(c.errs, err)
			c.mu.Unlock()
			return
		}
	}
	if h := threadCapture.Load(); h != nil {
		(*h)(err)
	}
}
