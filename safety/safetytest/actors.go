package safetytest

import (
	"fmt"
	"testing"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/internal/execctx"
)

// RunInActors runs f in n actors at once, each with its own testing.TB, the
// way Ruby's RUBY_TESTS_WITH_RACTORS=N runs each test in N Ractors: an
// extension's own tests, run this way, exercise it from n threads at once
// under the real call gate (run it with -race). f must not call t.Parallel,
// t.Setenv or t.Chdir. Fatal, FailNow and Skip in one actor end that actor's
// run only; the others continue. The actors are released together.
func RunInActors(t *testing.T, n int, f func(t testing.TB, ctx *actor.Context)) {
	t.Helper()
	if n < 1 {
		n = 1
	}
	err := actor.Run(func(cx *actor.Context) error {
		restore := execctx.SetMain(execctx.Current())
		defer restore()
		start := make(chan struct{})
		refs := make([]*actor.Ref, 0, n)
		for i := range n {
			name := fmt.Sprintf("%s#actor-%d", t.Name(), i)
			r, err := cx.Spawn(func(ac *actor.Context) (any, error) {
				<-start
				tb := &actorTB{TB: t, name: name}
				tb.run(func() { f(tb, ac) })
				return nil, nil
			}, actor.WithName(fmt.Sprintf("test-%d", i)))
			if err != nil {
				close(start)
				return err
			}
			refs = append(refs, r)
		}
		close(start)
		for _, r := range refs {
			if _, err := r.Value(cx); err != nil {
				t.Errorf("%v: %v", r, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
}

// actorTB is the testing.TB one actor of RunInActors sees: failures are
// reported on the real test (its methods are safe for concurrent use), and
// FailNow/SkipNow end only this actor's run (runtime.Goexit would end the
// actor's goroutine instead of the test's).
type actorTB struct {
	testing.TB
	name string
}

type stopRun struct{ skip bool }

func (tb *actorTB) run(f func()) {
	defer func() {
		if p := recover(); p != nil {
			if _, ok := p.(stopRun); ok {
				return
			}
			tb.TB.Errorf("%s: panic: %v", tb.name, p)
		}
	}()
	f()
}

func (tb *actorTB) Name() string { return tb.name }
func (tb *actorTB) Helper()      {}
func (tb *actorTB) Log(args ...any) {
	tb.TB.Log(append([]any{tb.name + ":"}, args...)...)
}
func (tb *actorTB) Logf(format string, args ...any) { tb.TB.Logf(tb.name+": "+format, args...) }
func (tb *actorTB) Error(args ...any) {
	tb.TB.Error(append([]any{tb.name + ":"}, args...)...)
}
func (tb *actorTB) Errorf(format string, args ...any) { tb.TB.Errorf(tb.name+": "+format, args...) }
func (tb *actorTB) FailNow()                          { tb.TB.Fail(); panic(stopRun{}) }
func (tb *actorTB) Fatal(args ...any)                 { tb.Error(args...); panic(stopRun{}) }
func (tb *actorTB) Fatalf(format string, args ...any) { tb.Errorf(format, args...); panic(stopRun{}) }
func (tb *actorTB) SkipNow()                          { panic(stopRun{skip: true}) }
func (tb *actorTB) Skip(args ...any)                  { tb.Log(append([]any{"skip:"}, args...)...); tb.SkipNow() }
func (tb *actorTB) Skipf(format string, args ...any)  { tb.Logf("skip: "+format, args...); tb.SkipNow() }
