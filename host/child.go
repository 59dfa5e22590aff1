package host

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"reflect"
	"runtime/pprof"
	"sync"
	"time"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/extension"
	"github.com/goractor/goractor/node"
)

// workerKind is the handler kind that runs native calls in a host.
const workerKind = "goractor.host.worker"

// Messages between a parent and its host. openMsg and its replyMsg are
// node messages (registered types). A call and its answer cross as a
// callFrame: a callMsg, and the replyMsg that answers it, encoded here to
// CBOR (see frame.go).
type (
	// openMsg opens an extension in the host.
	openMsg struct {
		Name      string
		Libraries []string
		Safety    int
		Policy    int
		Affinity  int
		Functions map[string]int
	}
	// callMsg calls Symbol of extension Ext with Args; In and Out are the
	// type codes of the parameters and results (error excluded). Bind only
	// binds the function, to report a missing symbol at Bind time.
	callMsg struct {
		_      struct{} `cbor:",toarray"`
		Ext    string
		Symbol string
		In     []uint8
		Out    []uint8
		Args   []any
		Actor  string
		Bind   bool
	}
	// replyMsg answers a callMsg or an openMsg: the results, then the
	// byte-slice arguments as the call left them.
	replyMsg struct {
		Outs []any
		Err  *node.Error
	}
)

func init() {
	node.RegisterType[openMsg]("goractor.host.open")
	node.RegisterType[replyMsg]("goractor.host.reply")
	node.RegisterHandlerKind(workerKind, func() actor.Handler {
		return &worker{fns: map[fnKey][]boundFn{}, labels: map[labelKey]context.Context{}}
	}, actor.Unpinned())
}

// Serve makes this process a host when its parent started it as one, and
// returns at once otherwise. Call it first thing in main (and in TestMain
// of tests that start hosts), after the init functions that register the
// kinds and extensions a host runs: in a host process it never returns.
func Serve() {
	if os.Getenv(roleEnv) == "" {
		return
	}
	_ = os.Unsetenv(roleEnv) // processes the host starts are not hosts
	os.Exit(serve())
}

// serve runs the host: a node on 127.0.0.1 whose address it prints, until
// its stdin closes (the parent closed it, or died: the fallback where
// PR_SET_PDEATHSIG does not exist or did not fire).
func serve() int {
	err := actor.Run(func(cx *actor.Context) error { return node.ServeChild(cx) },
		actor.WithShutdownTimeout(5*time.Second))
	if err != nil {
		fmt.Fprintln(os.Stderr, "host:", err)
		return 1
	}
	return 0
}

// opened are the extensions open in this host, by name.
var opened sync.Map // string -> *extension.Extension

var openMu sync.Mutex

// hostDeclaration is the declaration a host opens an extension with. The
// parent applied the call gate's refusals before sending a call; the host runs
// the calls it admitted with the guarantees the declaration asks for: a
// function that is not parallel-safe runs one call at a time (Serialize),
// and thread-affine functions always run on one thread (the host's
// dedicated thread stands for the main thread).
func hostDeclaration(m openMsg) extension.Declaration {
	d := extension.Declaration{
		Name: m.Name, Libraries: m.Libraries,
		Safety: extension.Safety(m.Safety), Policy: extension.Policy(m.Policy), Affinity: extension.Affinity(m.Affinity),
	}
	if len(m.Functions) > 0 {
		d.Functions = map[string]extension.Safety{}
		for k, v := range m.Functions {
			d.Functions[k] = extension.Safety(v)
		}
	}
	d.Policy = extension.Serialize
	if d.Affinity == extension.MainThread {
		d.Affinity = extension.DedicatedThread
	}
	return d
}

func openHere(m openMsg) error {
	openMu.Lock()
	defer openMu.Unlock()
	if _, ok := opened.Load(m.Name); ok {
		return nil
	}
	x, err := extension.Open(hostDeclaration(m))
	if err != nil {
		return err
	}
	opened.Store(m.Name, x)
	return nil
}

// worker runs native calls for the parent, one at a time.
type worker struct {
	fns    map[fnKey][]boundFn // bound functions by extension and symbol
	labels map[labelKey]context.Context
}

type fnKey struct{ ext, symbol string }

// boundFn is a symbol bound with one func type (parameter and result codes).
type boundFn struct {
	in, out []uint8
	fn      reflect.Value
}

type labelKey struct{ symbol, actor string }

// maxLabels bounds the label contexts a worker keeps: the callers' actor
// names are the parent's to choose.
const maxLabels = 1024

// labelled returns the context whose labels name the call in a crash's
// traceback (GODEBUG=tracebacklabels=1), which the parent parses. They are
// made once per symbol and actor.
func (w *worker) labelled(m callMsg) context.Context {
	k := labelKey{m.Symbol, m.Actor}
	if ctx, ok := w.labels[k]; ok {
		return ctx
	}
	ctx := pprof.WithLabels(context.Background(), pprof.Labels(labelSymbolKey, m.Symbol, labelActorKey, m.Actor))
	if len(w.labels) < maxLabels {
		w.labels[k] = ctx
	}
	return ctx
}

func (w *worker) Receive(hc *actor.HandlerContext, msg any) {
	switch m := msg.(type) {
	case openMsg:
		_ = hc.Respond(replyMsg{Err: node.ErrorOf(openHere(m))})
	case callFrame:
		var outs []any
		c, err := m.call()
		if err == nil {
			outs, err = w.call(c)
		}
		_ = hc.Respond(replyFrame(replyMsg{Outs: outs, Err: node.ErrorOf(err)}))
	}
}

func (w *worker) call(m callMsg) (outs []any, err error) {
	fn, err := w.bound(m)
	if err != nil || m.Bind {
		return nil, err
	}
	ft := fn.Type()
	if len(m.Args) != ft.NumIn() {
		return nil, fmt.Errorf("host: %s: %d arguments for %d parameters", m.Symbol, len(m.Args), ft.NumIn())
	}
	in := make([]reflect.Value, len(m.Args))
	for i, a := range m.Args {
		if in[i], err = toValue(a, ft.In(i)); err != nil {
			return nil, fmt.Errorf("host: %s argument %d: %w", m.Symbol, i, err)
		}
	}
	pprof.SetGoroutineLabels(w.labelled(m))
	res := fn.Call(in)
	pprof.SetGoroutineLabels(context.Background())
	if e := res[len(res)-1]; !e.IsNil() {
		err = e.Interface().(error)
	}
	for _, r := range res[:len(res)-1] {
		outs = append(outs, r.Interface())
	}
	for i, c := range m.In {
		if c == codeBytes {
			outs = append(outs, in[i].Interface())
		}
	}
	return outs, err
}

// bound returns the function m names, binding it on first use.
func (w *worker) bound(m callMsg) (reflect.Value, error) {
	k := fnKey{m.Ext, m.Symbol}
	for _, b := range w.fns[k] {
		if bytes.Equal(b.in, m.In) && bytes.Equal(b.out, m.Out) {
			return b.fn, nil
		}
	}
	v, ok := opened.Load(m.Ext)
	if !ok {
		return reflect.Value{}, fmt.Errorf("host: extension %q is not open in this host", m.Ext)
	}
	ft, err := funcType(m.In, m.Out)
	if err != nil {
		return reflect.Value{}, err
	}
	fp := reflect.New(ft)
	if err := v.(*extension.Extension).Bind(fp.Interface(), m.Symbol); err != nil {
		return reflect.Value{}, err
	}
	w.fns[k] = append(w.fns[k], boundFn{in: m.In, out: m.Out, fn: fp.Elem()})
	return fp.Elem(), nil
}
