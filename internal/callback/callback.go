package callback

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/goractor/goractor/internal/ctype"
	"github.com/goractor/goractor/internal/execctx"
	"github.com/goractor/goractor/safety"
)

// DefaultTimeout is how long a call from a foreign thread waits for its
// owner's execution token before C gets the exceptional value.
const DefaultTimeout = 5 * time.Second

// MaxDepth bounds re-entrant nesting of synchronous callbacks on one actor's
// goroutine (C → Go → C → Go ...). Deeper calls get the exceptional value.
const MaxDepth = 64

// ErrDepth reports re-entrant callback nesting deeper than MaxDepth.
var ErrDepth = errors.New("callback: re-entrant nesting deeper than callback.MaxDepth")

// Option configures New.
type Option interface{ apply(*config) error }

type config struct {
	owner      *execctx.Exec
	ownerSet   bool
	threadSafe bool
	timeout    time.Duration
	exc        any
	ref        *bool
	ud         int
	name       string
}

type optFunc func(*config) error

func (f optFunc) apply(c *config) error { return f(c) }

// Owner makes e the owning actor instead of execctx.Current() (nil: no owner;
// the handler then runs directly on whichever thread calls it).
func Owner(e *execctx.Exec) Option {
	return optFunc(func(c *config) error { c.owner, c.ownerSet = e, true; return nil })
}

// ThreadSafe lets C call the callback from any thread: the call runs inside
// the owning actor (under its execution token) and the calling thread blocks
// until it has run, or until the timeout. Without it a callback is
// synchronous: it runs only when C calls it on the owner's own thread during
// the owner's native call, and any other caller gets the exceptional value.
func ThreadSafe() Option {
	return optFunc(func(c *config) error { c.threadSafe = true; return nil })
}

// Timeout sets how long a foreign-thread call waits for the owner's token
// (default DefaultTimeout). It must be positive.
func Timeout(d time.Duration) Option {
	return optFunc(func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("%w: timeout %v must be positive", ErrBadOption, d)
		}
		c.timeout = d
		return nil
	})
}

// Exceptional sets the value C receives when the handler cannot run or
// panics (default: the zero value). It must be assignable to the handler's
// result type.
func Exceptional(v any) Option {
	return optFunc(func(c *config) error { c.exc = v; return nil })
}

// Ref sets whether the callback starts ref'ed (it keeps its owner alive).
// Default: thread-safe callbacks are ref'ed, synchronous ones are not.
func Ref(on bool) Option {
	return optFunc(func(c *config) error { c.ref = &on; return nil })
}

// UserData selects the handle form: parameter param of the handler (an
// integer-register parameter of type uintptr, unsafe.Pointer or Handle)
// carries the callback's Handle, which C received as user data. Callbacks of
// this form share one trampoline per register, so they do not count against
// MaxSlots, and a stale Handle is detected by its generation.
func UserData(param int) Option {
	return optFunc(func(c *config) error { c.ud = param; return nil })
}

// Name names the callback in errors (default: the handler's type).
func Name(s string) Option {
	return optFunc(func(c *config) error { c.name = s; return nil })
}

// Callback is a C function pointer bound to a Go handler. All methods are safe
// for concurrent use.
type Callback struct {
	// What a call reads, together at the object's start.
	owner  *execctx.Exec
	ost    *ownerState
	call   invoker // plan.call
	handle Handle
	exc    uintptr
	// state: bit 0 closed, bit 1 resources released; for an unowned
	// callback, calls in flight << 2 (an owned one releases under its
	// owner's token instead; see doc.go, "Calls in flight").
	state atomic.Int64

	name       string
	plan       *plan
	threadSafe bool
	timeout    time.Duration
	slot       int // pointer-form slot, -1 for the handle form
	ptr        uintptr
	refd       bool // guarded by ost.mu
}

// New returns a callback that calls fn, a Go function whose signature C can
// call (see the package documentation for the supported types). The owner is
// execctx.Current() unless the Owner option says otherwise.
func New(fn any, opts ...Option) (*Callback, error) {
	cfg := config{timeout: DefaultTimeout, ud: -1}
	for _, o := range opts {
		if err := o.apply(&cfg); err != nil {
			return nil, err
		}
	}
	p, err := compile(fn)
	if err != nil {
		return nil, err
	}
	escapeReady() // check the Goexit escape's layouts once, off the call path
	c := &Callback{plan: p, call: p.call, threadSafe: cfg.threadSafe, timeout: cfg.timeout, name: cfg.name, slot: -1}
	if c.name == "" {
		c.name = p.typ.String()
	}
	if cfg.ownerSet {
		c.owner = cfg.owner
	} else {
		c.owner = execctx.Current()
	}
	if cfg.exc != nil {
		if c.exc, err = excBits(p, cfg.exc); err != nil {
			return nil, err
		}
	}
	udReg := -1
	if cfg.ud >= 0 {
		if udReg, err = udRegister(p, cfg.ud); err != nil {
			return nil, err
		}
	}
	h, err := allocHandle()
	if err != nil {
		return nil, err
	}
	c.handle = h
	if udReg >= 0 {
		c.slot = -1
		i, err := udSlot(udReg)
		if err != nil {
			freeHandle(h)
			return nil, err
		}
		c.ptr = slots[i].ptr
	} else {
		i, err := takeSlot(h)
		if err != nil {
			freeHandle(h)
			return nil, err
		}
		c.slot = i
		c.ptr = slots[i].ptr
	}
	attach(c)
	if c.threadSafe && c.owner != nil {
		c.owner.RetainLend()
	}
	ref := c.threadSafe
	if cfg.ref != nil {
		ref = *cfg.ref
	}
	if ref {
		c.setRef(true)
	}
	stats.created.Add(1)
	publish(c)
	return c, nil
}

func excBits(p *plan, v any) (uintptr, error) {
	if !p.hasRet {
		return 0, fmt.Errorf("%w: Exceptional(%v) for a handler without a result", ErrBadOption, v)
	}
	rv := reflect.ValueOf(v)
	if p.raw {
		if rv.Kind() != reflect.Uintptr {
			return 0, fmt.Errorf("%w: Exceptional(%T) for a raw handler: want uintptr", ErrBadOption, v)
		}
		return uintptr(rv.Uint()), nil
	}
	out := p.typ.Out(0)
	if !rv.IsValid() || !rv.Type().AssignableTo(out) {
		if rv.IsValid() && rv.CanConvert(out) && rv.Type().ConvertibleTo(out) && ctype.IntRegister(rv.Type()) && rv.Kind() != reflect.Pointer && out.Kind() != reflect.Pointer {
			c := rv.Convert(out)
			if !c.Convert(rv.Type()).Equal(rv) {
				return 0, fmt.Errorf("%w: Exceptional(%v) is out of the range of the result type %v", ErrBadOption, v, out)
			}
			rv = c
		} else {
			return 0, fmt.Errorf("%w: Exceptional(%T) does not fit the result type %v", ErrBadOption, v, out)
		}
	}
	return toBits(rv, out.Kind()), nil
}

func udRegister(p *plan, param int) (int, error) {
	if p.raw {
		if param >= MaxIntArgs {
			return -1, fmt.Errorf("%w: UserData(%d): a raw handler has %d integer registers", ErrBadOption, param, MaxIntArgs)
		}
		return param, nil
	}
	if param >= p.typ.NumIn() {
		return -1, fmt.Errorf("%w: UserData(%d): %v has %d parameters", ErrBadOption, param, p.typ, p.typ.NumIn())
	}
	switch p.typ.In(param).Kind() {
	case reflect.Uintptr, reflect.UnsafePointer:
		return int(p.regs[param]), nil
	}
	return -1, fmt.Errorf("%w: UserData(%d): parameter type %v cannot carry a Handle (want uintptr, unsafe.Pointer or a Handle)", ErrBadOption, param, p.typ.In(param))
}

// Ptr returns the C function pointer. It stays callable forever: after Close
// it returns the exceptional value (until its trampoline is reused by another
// callback; see Handle for the form that detects that).
func (c *Callback) Ptr() uintptr { return c.ptr }

// Handle returns the callback's Handle, for C APIs that pass user data back.
func (c *Callback) Handle() Handle { return c.handle }

// Owner returns the owning actor's Exec (nil when unowned).
func (c *Callback) Owner() *execctx.Exec { return c.owner }

// IsThreadSafe reports whether the callback accepts calls from any thread.
func (c *Callback) IsThreadSafe() bool { return c.threadSafe }

// Closed reports whether Close was called.
func (c *Callback) Closed() bool { return c.state.Load()&1 != 0 }

// Ref makes the callback keep its owner alive (see Refs, Idle).
func (c *Callback) Ref() { c.setRef(true) }

// Unref lets the owner end while the callback is still open.
func (c *Callback) Unref() { c.setRef(false) }

func (c *Callback) setRef(on bool) {
	st := c.ost
	st.mu.Lock()
	if !c.Closed() || !on {
		st.setRef(c, on)
	}
	st.mu.Unlock()
}

// Close frees the callback: from now on C calls through its pointer or Handle
// get the exceptional value and are counted. Calls already running finish;
// the trampoline and handle are reused only after the last one returns (for
// an owned callback: under the owner's execution token, see doc.go). A
// second Close returns an error wrapping ErrClosed.
func (c *Callback) Close() error { return c.close(false) }

// close is Close; noToken says the caller is known not to hold the owner's
// token (CloseOwned on a stopping actor's goroutine).
func (c *Callback) close(noToken bool) error {
	for {
		s := c.state.Load()
		if s&1 != 0 {
			return fmt.Errorf("%w: %s", ErrClosed, c.name)
		}
		if c.state.CompareAndSwap(s, s|1) {
			break
		}
	}
	if c.slot >= 0 {
		unbindSlot(c.slot, c.exc)
	}
	unpublish(c)
	detach(c)
	stats.closed.Add(1)
	if c.owner == nil {
		if c.state.CompareAndSwap(1, 3) {
			c.release()
		}
		return nil
	}
	c.releaseUnderToken(noToken)
	return nil
}

// releaseUnderToken releases an owned callback's resources while holding its
// owner's token, so that no handler of the owner runs meanwhile: at once
// when the caller holds the token outside any handler or can take it now;
// by the outermost handler running on the token's holder when Close is
// called inside a handler; otherwise by a goroutine that waits for the
// token (a Close from another goroutine must not wait for the owner: it may
// be waiting for that goroutine).
func (c *Callback) releaseUnderToken(noToken bool) {
	e, st := c.owner, c.ost
	if !noToken {
		if own := e.OnOwnGoroutine(); own || e.GuestHere() {
			// The token's holder (the owner's goroutine outside a native
			// call, or a handler running inside the owner).
			if st.depth > 0 {
				st.later(c, false)
				return
			}
			if own && !e.Lent() {
				c.release()
				st.drain()
				return
			}
		}
	}
	if e.TryAcquire() {
		c.release()
		st.drain()
		e.Release()
		return
	}
	st.later(c, true)
}

// release returns the trampoline and the handle: for an unowned callback
// once no call is in flight, for an owned one under its owner's token.
func (c *Callback) release() {
	if c.threadSafe && c.owner != nil {
		c.owner.ReleaseLend()
	}
	if c.slot >= 0 {
		releaseSlot(c.slot)
	}
	freeHandle(c.handle)
	unhold(c)
}

// exit ends a call of an unowned callback.
func (c *Callback) exit() {
	if c.state.Add(-4) == 1 && c.state.CompareAndSwap(1, 3) {
		c.release()
	}
}

// invoke runs one C call of c with the register image a. A call that
// reaches the owner's token is counted in the owner's counts by the token's
// holder (bump, no locked instruction); every other call in the global
// atomic counters. On amd64 the synchronous call (inlineReady) does not
// come here: asmDispatch runs it itself, with the same steps as nested.
func (c *Callback) invoke(a *Args) uintptr { return c.invokeAt(a, execctx.G()) }

// inlineReady reports whether a call of c on goroutine g (execctx.G) is
// the plain synchronous one: C called back on the owner's goroutine,
// during a native call of the owner's that kept its token (no lend), not
// too deep, and c is open (state 0: an owned callback keeps no count of
// calls in flight there). The caller then runs it as nested does. The
// depth is read last, once the caller is known to hold the owner's token
// (its goroutine, no lend): a guest on another thread may hold it
// otherwise.
func (c *Callback) inlineReady(g uintptr) bool {
	e := c.owner
	return e != nil && e.OwnG(g) && !e.Lent() && c.state.Load() == 0 && c.ost.depth < MaxDepth
}

// invokeAt is invoke on goroutine g (execctx.G of the caller).
func (c *Callback) invokeAt(a *Args, g uintptr) uintptr {
	e, st := c.owner, c.ost
	if e == nil {
		return c.direct(a)
	}
	if e.OwnG(g) {
		// Synchronous: C called back on the owner's thread, during the
		// owner's own native call. Run inline. The owner holds its token
		// unless the call lent it (some thread-safe callback exists): then
		// take it back for the handler.
		if !e.Lent() {
			if st.depth >= MaxDepth {
				return c.tooDeep()
			}
			return c.nested(a)
		}
		if !e.TryAcquire() {
			if err := c.acquireSlow(e); err != nil {
				return c.exc
			}
		}
		// depth is read under the token: a guest handler on another
		// thread may have held it until now.
		var r uintptr
		if st.depth >= MaxDepth {
			r = c.tooDeep()
		} else {
			r = c.nested(a)
		}
		e.Release()
		return r
	}
	if e.GuestG(g) {
		// C called back on the thread of a callback that already runs inside
		// the owner (it holds the token): run inline, as on the owner's own
		// thread; waiting for the token would wait for ourselves.
		if st.depth >= MaxDepth {
			return c.tooDeep()
		}
		return c.nested(a)
	}
	if !c.threadSafe {
		stats.fired.Add(1)
		stats.exWrongThread.Add(1)
		c.fail(&safety.UnsafeError{Op: "callback", Function: c.name, Actor: e.Name(), Err: errNotThreadSafe})
		return c.exc
	}
	if c.Closed() {
		return c.closedCall()
	}
	if !e.TryAcquire() {
		if err := c.acquireSlow(e); err != nil {
			return c.exc
		}
	}
	// The handler runs inside its owner: code it calls sees the owner's
	// identity (the call gate's re-entry checks, nested callbacks).
	prev := execctx.EnterGuestG(e, g)
	r := c.inside(a, &st.counts.foreign)
	execctx.LeaveGuest(e, prev)
	if st.npending.Load() != 0 {
		st.drain()
	}
	e.Release()
	return r
}

// direct runs a call of an unowned callback on the calling thread, counted
// in flight (c.state) so that Close releases its resources after it.
func (c *Callback) direct(a *Args) uintptr {
	if c.state.Add(4)&1 != 0 {
		c.exit()
		return c.closedCall()
	}
	defer c.exit()
	stats.fired.Add(1)
	r, ok := c.run(a)
	if ok {
		stats.direct.Add(1)
	}
	return r
}

// closedCall counts a call of a closed callback and returns its
// exceptional value.
func (c *Callback) closedCall() uintptr {
	stats.fired.Add(1)
	stats.exClosed.Add(1)
	return c.exc
}

// inside runs a call under the owner's token: the closed check (Close
// releases under the token, so a handler that passed it cannot overlap the
// release), the owner's counts (fired, then delivered if the handler
// returned), and the nesting depth (only the token's holder touches it).
func (c *Callback) inside(a *Args, delivered *int64) uintptr {
	if c.Closed() {
		return c.closedCall()
	}
	st := c.ost
	bump(&st.counts.fired)
	st.depth++
	r, ok := c.run(a)
	st.depth--
	if ok {
		bump(delivered)
	}
	return r
}

// errNotThreadSafe is the reason a callback created without ThreadSafe
// refuses a call from another thread; it says how to accept such calls.
var errNotThreadSafe = fmt.Errorf("%w (the callback was created without ThreadSafe: create it with ffi.ThreadSafe() to accept calls from any thread)", safety.ErrWrongThread)

// nested runs an inline call: the caller holds the owner's token. The
// outermost one releases what a Close inside it left for later (drain; the
// check is inlined: one atomic load).
func (c *Callback) nested(a *Args) uintptr {
	st := c.ost
	r := c.inside(a, &st.counts.inline)
	if st.depth == 0 && st.npending.Load() != 0 {
		st.drain()
	}
	return r
}

func (c *Callback) tooDeep() uintptr {
	stats.fired.Add(1)
	stats.exDepth.Add(1)
	c.fail(fmt.Errorf("%w (%s)", ErrDepth, c.name))
	return c.exc
}

func (c *Callback) acquireSlow(e *execctx.Exec) error {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	err := e.Acquire(ctx)
	cancel()
	if err != nil {
		stats.fired.Add(1)
		stats.exDeadline.Add(1)
		c.fail(Errors.Timeout(c.name, e.Name(), c.timeout, e.Waiters()))
	}
	return err
}

// run calls the handler, turning a panic or a runtime.Goexit into the
// exceptional value (see goexit.go), counted; ok reports a normal return,
// which the caller counts. asmDispatch (amd64) has the same two deferred
// functions for the synchronous call.
func (c *Callback) run(a *Args) (ret uintptr, ok bool) {
	defer func() {
		if !ok {
			ret = c.exc
			c.failed(recover())
		}
	}()
	defer func() {
		if !ok {
			escapeGoexit()
		}
	}()
	return c.call(a), true
}

// failed counts and reports a handler that did not return: r is what the
// outer deferred function recovered (a goexitEscape for a contained
// Goexit).
func (c *Callback) failed(r any) {
	if ge, isEsc := r.(goexitEscape); isEsc || r == nil {
		// r == nil: a Goexit the escape could not contain (see
		// goexit.go); it is reported, and goes on.
		if !isEsc {
			ge.stack = debug.Stack()
		}
		stats.exGoexit.Add(1)
		c.fail(Errors.Goexit(c.name, c.owner.Name(), ge.stack))
		return
	}
	stats.exPanic.Add(1)
	c.fail(Errors.Panic(c.name, c.owner.Name(), r, debug.Stack()))
}

// fail reports err to the capture of the goroutine C called on (an
// offloaded call; see Capture), if any, and to the owner's Fail hook, if
// any. A panicking hook is swallowed: nothing may unwind into C.
func (c *Callback) fail(err error) { report(c.owner, err) }

// ReportLeaf reports that C called the callback with Handle h during a leaf
// call of the C function fn and got the exceptional value (leafRefuse). It
// is called by package ffi on the goroutine that made the leaf call, once
// that call has returned. The report goes where the callback's other
// failures go; a callback without an owner reports to the actor that made
// the leaf call.
func ReportLeaf(h Handle, fn string) {
	owner, name := execctx.Current(), "a callback"
	if c, _ := lookup(h); c != nil {
		name = c.name
		if c.owner != nil {
			owner = c.owner
		}
	}
	report(owner, fmt.Errorf("%w: C function %s called %s; a function that calls back into Go must not be bound as a leaf function", ErrInLeafCall, fn, name))
}

// report gives err to the capture of the calling goroutine (an offloaded
// call; see Capture), if any, and to owner's Fail hook, if any.
func report(owner *execctx.Exec, err error) {
	captured(err)
	if owner == nil {
		return
	}
	f := owner.Hooks().Fail
	if f == nil {
		return
	}
	defer func() { _ = recover() }()
	f(err)
}
