package gate // want package:`registered\(copier:vettest/gate.Cloner, copier:vettest/gate.Copied, vettest/gate.Reg\)`

// The cases of the gate check: what the send gate will
// certainly refuse (reported, with the gate's path) and what it accepts or
// may accept (not reported).

import (
	"context"
	"iter"
	"log"
	"net"
	"os"
	"reflect"
	"sync"
	"sync/atomic"
	"unique"
	"unsafe"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/shareable"
)

type Order struct {
	ID     int
	Items  []string
	Notify func()
}

type Locked struct {
	Name string
	Mu   sync.Mutex
}

type Nested struct {
	Inner Order
	Any   any
}

type Counter struct {
	N atomic.Int64
}

type Safe struct {
	mu sync.Mutex
}

// ShareableByReference declares Safe shareable: the gate shares it.
func (*Safe) ShareableByReference() {}

type Reg struct {
	mu sync.Mutex
}

func init() { shareable.RegisterType[Reg]() }

// Copied has a copier: the gate copies it with that, whatever it holds.
type Copied struct {
	mu sync.Mutex
	F  func()
}

// Cloner is an interface with a copier: it applies to every implementation.
type Cloner interface{ Clone() Cloner }

// Impl implements Cloner.
type Impl struct{ mu sync.Mutex }

// Clone copies i.
func (i *Impl) Clone() Cloner { return &Impl{} }

func init() {
	shareable.RegisterCopierFunc(func(c Copied) (Copied, error) { return Copied{}, nil })
	shareable.RegisterCopier(reflect.TypeFor[Cloner](), func(v any) (any, error) { return v.(Cloner).Clone(), nil })
}

func work() {}

func (o Order) Run() {}

func (o *Order) Clear() { o.Notify = nil }

func positives(ctx context.Context, r *actor.Ref, hc *actor.HandlerContext, p *actor.Port, f *os.File) {
	var mu sync.Mutex
	_ = r.Send(func() {})                               // want `goractor: the send gate refuses this value sent: func\(\): func is not shareable`
	_ = r.Send(work)                                    // want `func\(\): func is not shareable`
	_ = r.TrySend(Order{Notify: work})                  // want `gate.Order.Notify: func is not shareable`
	_ = r.SendContext(ctx, &Order{ID: 1, Notify: work}) // want `\*gate.Order.Notify: func is not shareable`
	_, _ = r.Request(ctx, Locked{Name: "x"})            // want `gate.Locked.Mu: sync.Mutex is not shareable: it must not be copied`
	_ = hc.Send(r, &mu)                                 // want `\*sync.Mutex: sync.Mutex is not shareable: it must not be copied`
	_ = hc.Respond(Counter{})                           // want `gate.Counter.N: atomic.Int64 is not shareable: atomics must not be copied`
	_ = p.Send(*f)                                      // want `os.File: os.File is not shareable: it is an OS resource`
	_ = r.Send(unsafe.Pointer(&mu))                     // want `unsafe.Pointer: unsafe.Pointer is not shareable`
	_ = r.Send(make(chan *int))                         // want `chan \*int: chan of \*int is not shareable: its element type is not shareable`
	_ = r.Send(Nested{Inner: Order{Notify: func() {}}}) // want `gate.Nested.Inner.Notify: func is not shareable`
	_ = r.Send(Nested{Any: Order{Notify: work}})        // want `gate.Nested.Any.Notify: func is not shareable`
	_ = r.Send([]func(){nil, work})                     // want `\[\]func\(\)\[1\]: func is not shareable`
	_ = r.Send([2]sync.WaitGroup{})                     // want `\[2\]sync.WaitGroup\[0\]: sync.WaitGroup is not shareable`
	_ = r.Send(Order{}.Run)                             // want `func\(\): func is not shareable`
	_ = r.Send(reflect.ValueOf(1))                      // want `reflect.Value: reflect.Value is not shareable: it can reach any memory`
	_ = r.Send(iter.Seq[int](func(func(int) bool) {}))  // want `iter.Seq\[int\]: iter.Seq\[int\] is not shareable: an iterator is a func`
	_ = r.Send(sync.Map{})                              // want `sync.Map: sync.Map is not shareable: it must not be copied: send a map built from its Range`
	_ = r.Send(net.TCPConn{})                           // want `net.TCPConn: net.TCPConn is not shareable: it is an OS resource`
	notify := func() {}
	_ = r.Send(Order{Notify: notify})                      // want `gate.Order.Notify: func is not shareable`
	_ = actor.WithArgs(1, "two", work)                     // want `passed to WithArgs: func\(\): func is not shareable`
	_ = r.Send(any(work))                                  // want `func\(\): func is not shareable`
	_ = r.Send(Nested{Any: r, Inner: Order{Notify: work}}) // want `gate.Nested.Inner.Notify: func is not shareable`
}

func bodies(cx *actor.Context) {
	_, _ = cx.Spawn(func(*actor.Context) (any, error) {
		return Locked{}, nil // want `returned from the body: gate.Locked.Mu: sync.Mutex is not shareable`
	})
	_, _ = cx.Spawn(func(*actor.Context) (any, error) {
		inner := func() (any, error) { return Locked{}, nil } // not the body's own return
		return inner()
	})
}

func negatives(ctx context.Context, r *actor.Ref, fn func(), ch chan *int, p *sync.Mutex, up unsafe.Pointer, v any, f *os.File, args []any) {
	_ = r.Send(Order{ID: 1})                     // a nil func field crosses
	_ = r.Send(Order{Items: []string{"a"}})      // copied
	_ = r.Send(fn)                               // may be nil
	_ = r.Send(ch)                               // may be nil
	_ = r.Send(p)                                // may be nil
	_ = r.Send(up)                               // may be nil
	_ = r.Send(v)                                // judged by its dynamic value
	_ = r.Send(f)                                // *os.File: may be nil
	_ = r.Send(make(chan int))                   // chan of a shareable element: shared
	_ = r.Send(&Safe{})                          // declares itself shareable
	_ = r.Send(Reg{})                            // registered
	_ = r.Send(Copied{F: work})                  // its copier decides
	_ = r.Send(&Impl{})                          // the copier of Cloner decides
	_ = r.Send(make(chan unique.Handle[string])) // unique.Handle is shared
	_ = r.Send(make(chan context.Context))       // so is context.Context
	_ = r.Send(&log.Logger{})                    // *log.Logger is pre-registered (log.Logger holds a mutex)
	var seq iter.Seq[int]
	_ = r.Send(seq)                          // may be nil
	_ = r.Send([]sync.Mutex{})               // empty: nothing to walk
	_ = r.Send(map[string]func(){"a": work}) // map order: not judged
	_ = r.Send([0]sync.Mutex{})              // empty array: shared
	_ = r.Send(Order{Notify: fn})            // fn may be nil
	_ = r.Send(Order{Notify: nil})           // nil crosses
	var later func()
	later = work
	_ = r.Send(Order{Notify: later}) // written twice: not followed
	_ = actor.WithArgs(args...)
	cleared := Order{Notify: work}
	cleared.Clear()
	_ = r.Send(cleared)   // Clear took &cleared: its value is not followed
	_ = r.Send(func() {}) //goractor:ignore a test of the gate's refusal
	//goractor:ignore the line below sends a func on purpose
	_ = r.Send(work)
}
