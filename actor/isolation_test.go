package actor

import (
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"go.uber.org/zap"

	"github.com/goractor/goractor/shareable"
)

// frozenBox declares itself shareable: it must cross by reference.
type frozenBox struct{ vals [4]int }

func (*frozenBox) ShareableByReference() {}

// echo spawns a pinned body actor that sends every message it receives to
// the port it was given first, until its inbox closes.
func echo(t *testing.T, ctx *Context, out *Port) *Ref {
	t.Helper()
	r, err := ctx.Spawn(func(cx *Context) (any, error) {
		for {
			m, err := cx.Receive()
			if err != nil {
				return nil, nil
			}
			if err := out.Send(m); err != nil {
				return nil, err
			}
		}
	}, WithName("echo"))
	if err != nil {
		t.Fatalf("Spawn() = %v", err)
	}
	return r
}

// Package actor registers zap's loggers with the send gate (package
// shareable does not import zap): a logger, alone or in a message, crosses
// by reference.
func TestSend_ZapLoggerPassedByReference(t *testing.T) {
	type withLogger struct {
		Log   *zap.Logger
		Sugar *zap.SugaredLogger
	}
	run(t, func(ctx *Context) error {
		out := ctx.NewPort()
		e := echo(t, ctx, out)
		log := ctx.Logger()
		sugar := log.Sugar()
		for _, v := range []any{log, sugar, withLogger{log, sugar}} {
			if err := e.Send(v); err != nil {
				t.Fatalf("Send(%T) = %v; want nil", v, err)
			}
			got, err := out.Receive(timeout(t))
			if err != nil {
				t.Fatalf("Receive() = %v", err)
			}
			var gotLog *zap.Logger
			var gotSugar *zap.SugaredLogger
			switch g := got.(type) {
			case *zap.Logger:
				gotLog, gotSugar = g, sugar
			case *zap.SugaredLogger:
				gotLog, gotSugar = log, g
			case withLogger:
				gotLog, gotSugar = g.Log, g.Sugar
			default:
				t.Fatalf("received %T; want %T", got, v)
			}
			if gotLog != log || gotSugar != sugar {
				t.Errorf("%T: a logger was copied: got %p, %p; want %p, %p", v, gotLog, gotSugar, log, sugar)
			}
		}
		for _, typ := range []reflect.Type{reflect.TypeFor[*zap.Logger](), reflect.TypeFor[*zap.SugaredLogger]()} {
			if err := shareable.CheckType(typ); err != nil {
				t.Errorf("shareable.CheckType(%v) = %v; want nil", typ, err)
			}
		}
		return nil
	})
}

func TestSend_ShareablePassedByReference(t *testing.T) {
	run(t, func(ctx *Context) error {
		out := ctx.NewPort()
		e := echo(t, ctx, out)
		box := &frozenBox{vals: [4]int{1, 2, 3, 4}}
		str := "hello, actor"
		for _, v := range []any{42, str, [3]int{1, 2, 3}, box, e, out} {
			if err := e.Send(v); err != nil {
				t.Fatalf("Send(%T) = %v; want nil", v, err)
			}
			got, err := out.Receive(timeout(t))
			if err != nil {
				t.Fatalf("Receive() = %v", err)
			}
			if !reflect.DeepEqual(got, v) {
				t.Errorf("received %v; want %v", got, v)
			}
			if p, ok := v.(*frozenBox); ok && got.(*frozenBox) != p {
				t.Errorf("declared-shareable pointer was copied: got %p; want %p", got, p)
			}
			if s, ok := got.(string); ok && unsafe.StringData(s) != unsafe.StringData(str) {
				t.Errorf("string was copied")
			}
		}
		// A shareable send does not allocate (the inbox grows only while
		// the receiver is behind; it is drained between rounds here).
		sink, _ := ctx.Spawn(func(cx *Context) (any, error) {
			for {
				if _, err := cx.Receive(); err != nil {
					return nil, nil
				}
			}
		})
		var v any = box
		for range 1000 {
			_ = sink.Send(v)
		}
		if allocs := testing.AllocsPerRun(1000, func() { _ = sink.Send(v) }); allocs > 0.1 {
			t.Errorf("AllocsPerRun(Send shareable) = %v; want 0", allocs)
		}
		return nil
	})
}

type order struct {
	ID    int
	Items []string
	Meta  map[string]int
	Next  *order
}

func TestSend_MutableCopiedOrRejected(t *testing.T) {
	run(t, func(ctx *Context) error {
		out := ctx.NewPort()
		e := echo(t, ctx, out)
		o := &order{ID: 1, Items: []string{"a", "b"}, Meta: map[string]int{"x": 1}}
		o.Next = o // a cycle must survive the copy
		sl := []int{1, 2, 3}
		m := map[string][]int{"k": {1}}
		var iface any = []byte("bytes")
		for _, v := range []any{o, sl, m, iface} {
			if err := e.Send(v); err != nil {
				t.Fatalf("Send(%T) = %v; want nil", v, err)
			}
		}
		// Mutate everything after sending: the receiver must not see it.
		o.Items[0], o.Meta["x"], o.ID = "MUT", 99, 7
		sl[0] = 100
		m["k"][0] = 100
		iface.([]byte)[0] = 'X'

		got, _ := out.Receive(timeout(t))
		g := got.(*order)
		if g == o || g.ID != 1 || g.Items[0] != "a" || g.Meta["x"] != 1 {
			t.Errorf("received order %+v; want an unchanged deep copy", g)
		}
		if g.Next != g {
			t.Errorf("cycle lost: copy.Next = %p; want %p", g.Next, g)
		}
		if &g.Items[0] == &o.Items[0] {
			t.Errorf("slice backing array shared between sender and receiver")
		}
		got, _ = out.Receive(timeout(t))
		if gs := got.([]int); gs[0] != 1 || &gs[0] == &sl[0] {
			t.Errorf("received slice %v (shared=%v); want [1 2 3], not shared", gs, &gs[0] == &sl[0])
		}
		got, _ = out.Receive(timeout(t))
		if gm := got.(map[string][]int); gm["k"][0] != 1 {
			t.Errorf("received map %v; want k:[1]", gm)
		}
		got, _ = out.Receive(timeout(t))
		if gb := got.([]byte); string(gb) != "bytes" {
			t.Errorf("received %q; want %q", gb, "bytes")
		}

		// A receiver mutating its copy never changes the sender's value.
		mut, _ := ctx.Spawn(func(cx *Context) (any, error) {
			v, err := cx.Receive()
			if err != nil {
				return nil, err
			}
			v.([]int)[0] = -1
			return nil, nil
		})
		orig := []int{5, 6}
		if err := mut.Send(orig); err != nil {
			t.Fatal(err)
		}
		if err := mut.Join(timeout(t)); err != nil {
			t.Fatal(err)
		}
		if orig[0] != 5 {
			t.Errorf("sender's slice = %v after the receiver mutated its copy; want [5 6]", orig)
		}

		// Uncopyable values are rejected and nothing is delivered.
		before := ctx.System().Stats()
		var mu sync.Mutex
		for _, bad := range []any{func() {}, struct{ F func() }{func() {}}, &mu, unsafe.Pointer(&mu)} {
			err := e.Send(bad)
			var ie *shareable.IsolationError
			if !errors.As(err, &ie) || !errors.Is(err, shareable.ErrNotShareable) {
				t.Errorf("Send(%T) = %v; want *shareable.IsolationError", bad, err)
			}
		}
		after := ctx.System().Stats()
		if d := after.Rejected - before.Rejected; d != 4 {
			t.Errorf("Stats.Rejected grew by %d; want 4", d)
		}
		if err := e.Send("marker"); err != nil {
			t.Fatal(err)
		}
		if got, _ := out.Receive(timeout(t)); got != "marker" {
			t.Errorf("after rejected sends, received %v; want marker (a rejected send must deliver nothing)", got)
		}
		return nil
	})
}

func TestMove_SourceUnusable(t *testing.T) {
	run(t, func(ctx *Context) error {
		out := ctx.NewPort()
		e := echo(t, ctx, out)
		buf := []int{1, 2, 3}
		first := &buf[0]
		if err := e.SendMove(&buf); err != nil {
			t.Fatalf("SendMove() = %v", err)
		}
		if buf != nil {
			t.Errorf("after SendMove the sender's slice = %v; want nil", buf)
		}
		got, _ := out.Receive(timeout(t)) // the echo re-sent (copied) it
		if gs := got.([]int); gs[2] != 3 {
			t.Errorf("received %v; want [1 2 3]", gs)
		}
		// The receiver itself gets the very same memory.
		addr, _ := ctx.Spawn(func(cx *Context) (any, error) {
			v, err := cx.Receive()
			if err != nil {
				return nil, err
			}
			return uintptr(unsafe.Pointer(&v.([]int)[0])), nil
		})
		buf = []int{4, 5}
		first = &buf[0]
		if err := addr.SendMove(&buf); err != nil {
			t.Fatal(err)
		}
		if v, err := addr.Value(timeout(t)); err != nil || v != uintptr(unsafe.Pointer(first)) {
			t.Errorf("moved slice arrived at %#x (err %v); want the sender's array %p", v, err, first)
		}
		fn := func() {}
		if err := e.SendMove(&fn); err == nil {
			t.Errorf("SendMove(&func) = nil; want an isolation error")
		}
		if fn == nil {
			t.Errorf("a refused move zeroed the source")
		}
		n := 5
		if err := e.SendMove(n); !errors.Is(err, shareable.ErrNotShareable) || !strings.Contains(err.Error(), "pointer") {
			t.Errorf("SendMove(non-pointer) = %v; want an error asking for a pointer", err)
		}
		return nil
	})
}

type customErr struct{ code int }

func (e *customErr) Error() string { return "custom failure" }

func TestRemoteError_CausePreserved(t *testing.T) {
	run(t, func(ctx *Context) error {
		p, _ := ctx.Spawn(func(*Context) (any, error) { panic(&customErr{code: 7}) }, WithName("panicker"))
		_, err := p.Value(timeout(t))
		var re *RemoteError
		if !errors.As(err, &re) || re.Actor != "panicker" {
			t.Fatalf("Value() = %v; want *RemoteError from panicker", err)
		}
		var pe *PanicError
		if !errors.As(err, &pe) || len(pe.Stack) == 0 {
			t.Fatalf("Value() = %v; want a *PanicError with a stack", err)
		}
		if string(pe.Stack[:len("goroutine")]) == "goroutine" {
			t.Errorf("stack starts with the goroutine header; want it trimmed")
		}
		var ce *customErr
		if !errors.As(err, &ce) || ce.code != 7 {
			t.Errorf("errors.As(customErr) failed on %v", err)
		}
		if got, want := reflect.TypeOf(pe.Value).String(), "*actor.customErr"; got != want {
			t.Errorf("panic value type = %s; want %s", got, want)
		}

		sentinel := errors.New("plain failure")
		f, _ := ctx.Spawn(func(*Context) (any, error) { return nil, sentinel })
		if err := f.Join(timeout(t)); !errors.Is(err, sentinel) || !errors.As(err, &re) {
			t.Errorf("Join() = %v; want *RemoteError wrapping the body's error", err)
		}
		nonErr, _ := ctx.Spawn(func(*Context) (any, error) { panic(42) })
		err = nonErr.Join(timeout(t))
		if !errors.As(err, &pe) || pe.Value != 42 || pe.Unwrap() != nil {
			t.Errorf("Join() = %v; want *PanicError{Value: 42} with nil Unwrap", err)
		}
		return nil
	})
}

func TestResult_ExactlyOnce(t *testing.T) {
	run(t, func(ctx *Context) error {
		latch := ctx.NewPort()
		target, _ := ctx.Spawn(func(cx *Context) (any, error) {
			_, err := cx.Receive()
			return []int{1, 2, 3}, err
		}, WithName("target"))
		const n = 10
		waiters := make([]*Ref, n)
		for i := range waiters {
			waiters[i], _ = ctx.Spawn(func(cx *Context) (any, error) {
				_ = latch.Send(true)
				v, err := target.Value(cx.Context())
				if err != nil {
					return "err", err
				}
				return v, nil
			})
		}
		for range n {
			_, _ = latch.Receive(timeout(t))
		}
		_ = target.Send("go")
		tally := map[string]int{}
		for _, w := range waiters {
			v, err := w.Value(timeout(t))
			switch {
			case err == nil && reflect.DeepEqual(v, []int{1, 2, 3}):
				tally["ok"]++
			case errors.Is(err, ErrValueTaken):
				tally["taken"]++
			default:
				tally["other: "+errString(err)]++
			}
		}
		if want := map[string]int{"ok": 1, "taken": n - 1}; !reflect.DeepEqual(tally, want) {
			t.Errorf("tally = %v; want %v", tally, want)
		}
		if _, err := target.Value(timeout(t)); !errors.Is(err, ErrValueTaken) {
			t.Errorf("late Value() = %v; want ErrValueTaken", err)
		}
		if err := target.Join(timeout(t)); err != nil {
			t.Errorf("Join() after the value was taken = %v; want nil", err)
		}
		return nil
	})
}
