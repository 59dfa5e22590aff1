package host

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/goractor/goractor/extension"
	"github.com/goractor/goractor/ffi"
	"github.com/goractor/goractor/internal/execctx"
	"github.com/goractor/goractor/safety"
)

// Extension is an extension opened in a host: functions bound through it
// run in the host process, through the same call gate and policies as a local
// extension's, at the cost of a round trip.
type Extension struct {
	h    *Host
	decl extension.Declaration
	msg  openMsg
}

// Load opens the registered extension name (extension.Register) in the
// host. The host process opens the library, so its constructors run there.
func (h *Host) Load(ctx context.Context, name string) (*Extension, error) {
	d, err := extension.Lookup(name)
	if err != nil {
		return nil, err
	}
	return h.Open(ctx, d)
}

// Open opens an extension with declaration d in the host, as
// extension.Open does in this process. After a restart the new host
// process opens it again before its first call.
func (h *Host) Open(ctx context.Context, d extension.Declaration) (*Extension, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	d.Name = strings.ToLower(strings.TrimSpace(d.Name))
	m := openMsg{Name: d.Name, Libraries: d.Libraries, Safety: int(d.Safety), Policy: int(d.Policy), Affinity: int(d.Affinity)}
	if len(d.Functions) > 0 {
		m.Functions = map[string]int{}
		for k, v := range d.Functions {
			m.Functions[k] = int(v)
		}
	}
	x := &Extension{h: h, decl: d, msg: m}
	g, err := h.current(ctx)
	if err != nil {
		return nil, err
	}
	if err := x.open(ctx, g); err != nil {
		return nil, err
	}
	h.mu.Lock()
	h.exts = append(h.exts, x)
	h.mu.Unlock()
	// A spare started before this Open opens it on promotion, at its first call.
	return x, nil
}

// Name returns the extension's name.
func (x *Extension) Name() string { return x.decl.Name }

// Host returns the host the extension runs in.
func (x *Extension) Host() *Host { return x.h }

// open opens x in the process g once; concurrent callers wait for the first.
func (x *Extension) open(ctx context.Context, g *gen) error {
	g.mu.Lock()
	o, ok := g.opened[x.decl.Name]
	if !ok {
		o = &opening{done: make(chan struct{})}
		g.opened[x.decl.Name] = o
	}
	g.mu.Unlock()
	if ok {
		select {
		case <-o.done:
			return o.err
		case <-ctx.Done():
			return ctx.Err()
		case <-g.ctx.Done():
			return g.crashFor()
		}
	}
	v, err := x.h.request(ctx, g, flight{symbol: "(open " + x.decl.Name + ")"}, x.msg)
	if err == nil {
		if r := v.(replyMsg); r.Err != nil {
			err = r.Err
		}
	}
	o.err = err
	if err != nil {
		// Let a later call try again (a crash, a cancelled context).
		g.mu.Lock()
		delete(g.opened, x.decl.Name)
		g.mu.Unlock()
	}
	close(o.done)
	return err
}

// Bind sets *fptr to a Go function that calls symbol in the host. The func
// type's parameters and results may be booleans, integers, floats, strings
// and []byte (passed to C as a pointer to a copy, and copied back into the
// caller's slice after the call, so C may fill it), with an optional final
// error result. Pointers cannot cross to another process: such a type is
// refused with an error wrapping ErrNotHostable. The host binds the symbol
// now, so a missing one is an error here.
//
// A call the call gate refuses returns its *safety.UnsafeError inside an
// *ffi.CallError, as a local call does; a call in flight when the host
// dies returns its *CrashError. A func type without an error result panics
// with the error instead.
func (x *Extension) Bind(fptr any, symbol string) error {
	pv := reflect.ValueOf(fptr)
	if pv.Kind() != reflect.Pointer || pv.IsNil() || pv.Elem().Kind() != reflect.Func {
		panic(fmt.Sprintf("host: Bind needs a non-nil pointer to a func variable, got %T", fptr))
	}
	ft := pv.Elem().Type()
	b, err := newBinding(x, symbol, ft)
	if err != nil {
		return err
	}
	ctx, cancel := x.h.callContext()
	defer cancel()
	m := b.msg
	m.Bind = true
	if _, err := b.send(ctx, m); err != nil {
		return err
	}
	pv.Elem().Set(reflect.MakeFunc(ft, b.invoke))
	return nil
}

// MustBind is Bind that panics on error.
func (x *Extension) MustBind(fptr any, symbol string) {
	if err := x.Bind(fptr, symbol); err != nil {
		panic(err)
	}
}

// binding is one function bound through a hosted extension.
type binding struct {
	x      *Extension
	ft     reflect.Type
	msg    callMsg // Ext, Symbol, In, Out set
	hasErr bool
	nbytes int // byte-slice parameters
}

func newBinding(x *Extension, symbol string, ft reflect.Type) (*binding, error) {
	b := &binding{x: x, ft: ft, msg: callMsg{Ext: x.decl.Name, Symbol: symbol}}
	if ft.IsVariadic() {
		return nil, fmt.Errorf("host: bind %q: variadic functions: %w", symbol, ErrNotHostable)
	}
	for i := range ft.NumIn() {
		c, err := codeOf(ft.In(i))
		if err != nil {
			return nil, fmt.Errorf("host: bind %q parameter %d: %w", symbol, i, err)
		}
		if c == codeBytes {
			b.nbytes++
		}
		b.msg.In = append(b.msg.In, c)
	}
	nout := ft.NumOut()
	if nout > 0 && ft.Out(nout-1) == errorType {
		b.hasErr = true
		nout--
	}
	for i := range nout {
		c, err := codeOf(ft.Out(i))
		if err != nil {
			return nil, fmt.Errorf("host: bind %q result %d: %w", symbol, i, err)
		}
		b.msg.Out = append(b.msg.Out, c)
	}
	return b, nil
}

// refusal applies the caller's side of the extension's call gate: the calls a
// local call gate refuses are refused here, before anything is sent.
func (b *binding) refusal(caller *execctx.Exec) error {
	d := &b.x.decl
	var reason error
	switch d.Affinity {
	case extension.DedicatedThread:
	case extension.MainThread:
		if !caller.IsMain() && d.Policy != extension.OnMain {
			reason = safety.ErrWrongThread
		}
	default:
		if !d.SafetyOf(b.msg.Symbol).IsParallelSafe() && d.Policy == extension.Raise && !caller.IsMain() {
			reason = safety.ErrNotParallelSafe
		}
	}
	if reason == nil {
		return nil
	}
	return &ffi.CallError{Library: d.Name, Function: b.msg.Symbol, Refused: true,
		Err: &safety.UnsafeError{Op: "call", Extension: d.Name, Function: b.msg.Symbol, Actor: caller.Name(), Err: reason}}
}

func (b *binding) invoke(args []reflect.Value) []reflect.Value {
	outs, err := b.do(args)
	res := make([]reflect.Value, 0, b.ft.NumOut())
	for i, c := range b.msg.Out {
		t := b.ft.Out(i)
		if err != nil {
			res = append(res, reflect.Zero(t))
			continue
		}
		v, cerr := fromWire(outs[i], t, c)
		if cerr != nil {
			err = fmt.Errorf("host: %s result %d: %w", b.msg.Symbol, i, cerr)
			v = reflect.Zero(t)
		}
		res = append(res, v)
	}
	if b.hasErr {
		ev := reflect.Zero(errorType)
		if err != nil {
			ev = reflect.ValueOf(&err).Elem()
		}
		res = append(res, ev)
	} else if err != nil {
		panic(err)
	}
	return res
}

func (b *binding) do(args []reflect.Value) ([]any, error) {
	caller := execctx.Current()
	if err := b.refusal(caller); err != nil {
		return nil, err
	}
	m := b.msg
	m.Actor = caller.Name()
	m.Args = make([]any, len(args))
	for i, a := range args {
		m.Args[i] = toWire(a, m.In[i])
	}
	ctx, cancel := b.x.h.callContext()
	defer cancel()
	outs, err := b.send(ctx, m)
	if err != nil {
		return nil, err
	}
	if len(outs) != len(m.Out)+b.nbytes {
		return nil, fmt.Errorf("host: %s: %d values in the answer, want %d", m.Symbol, len(outs), len(m.Out)+b.nbytes)
	}
	j := len(m.Out)
	for i, c := range m.In {
		if c == codeBytes {
			if got, ok := outs[j].([]byte); ok {
				copy(args[i].Bytes(), got)
			}
			j++
		}
	}
	return outs, nil
}

// send sends m to the host, opening the extension first in a host process
// that has not opened it yet (after a restart).
func (b *binding) send(ctx context.Context, m callMsg) ([]any, error) {
	h := b.x.h
	g, err := h.current(ctx)
	if err != nil {
		return nil, err
	}
	if err := b.x.open(ctx, g); err != nil {
		return nil, err
	}
	f, err := callFrameOf(&m)
	if err != nil {
		return nil, err
	}
	v, err := h.request(ctx, g, flight{symbol: m.Symbol, actor: m.Actor}, f)
	if err != nil {
		return nil, err
	}
	rf, ok := v.(callFrame)
	if !ok {
		return nil, fmt.Errorf("host: %s: answered %T", m.Symbol, v)
	}
	r, err := rf.reply()
	if err != nil {
		return nil, err
	}
	if r.Err != nil {
		return nil, r.Err
	}
	return r.Outs, nil
}

// callContext bounds a call by WithCallTimeout; without it the call's
// context never ends (a crash ends the wait: see request).
func (h *Host) callContext() (context.Context, context.CancelFunc) {
	if h.cfg.callTimeout > 0 {
		return context.WithTimeout(context.Background(), h.cfg.callTimeout)
	}
	return context.Background(), func() {}
}
