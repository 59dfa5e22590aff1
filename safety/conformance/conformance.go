package conformance

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/extension"
	"github.com/goractor/goractor/ffi"
	"github.com/goractor/goractor/internal/execctx"
	"github.com/goractor/goractor/safety"
)

// Function is one function of the extension under test.
type Function struct {
	// Name is the native symbol. It names the function in reports and, unless
	// Call is set, is bound through the extension with Signature.
	Name string
	// Signature is the function's signature in ffi syntax, for example
	// "func(float64) float64". Required unless Call is set.
	Signature string
	// Library, when set, binds the function from these libraries instead of
	// the extension's (extension.FromLibrary).
	Library []string
	// Inputs lists argument lists. At least one is required; the more
	// distinct inputs, the likelier a shared buffer shows.
	Inputs [][]any
	// Call, when set, is called instead of binding Name: a Go wrapper built on
	// the extension's gated functions (for example zlib's Compress). It must
	// be safe to call from any goroutine as far as Go is concerned.
	Call func(args ...any) (any, error)
	// Safety is the function's declared safety when Call is set. Undeclared
	// takes the extension's declaration for Name.
	Safety extension.Safety
	// Result, when set, declares the result (unsafe.Pointer or uintptr in
	// Signature) a pointer to this content: the content is compared, read
	// at once and again a while later, instead of the address.
	Result *Layout
	// Steps, when set, makes the function a call sequence run as one unit
	// (strtok then strtok(NULL, …), srand48 then drand48): Name only names
	// it in reports, and each input is one argument list ([]any) per step.
	// Arguments may carry values from earlier steps (StepResult, StepArg).
	// Its safety is the extension's declaration for the first step's symbol
	// unless Safety is set.
	Steps []Step
}

// Subject is what the suite tests: an extension and some of its functions.
type Subject struct {
	// Extension is the registered name of the extension.
	Extension string
	// Registry is where Extension is registered; nil means the default.
	Registry *extension.Registry
	// Declaration, when set, is used instead of looking Extension up: the
	// extension is opened with extension.Open (tools reading manifests).
	Declaration *extension.Declaration
	// Functions are the functions to exercise.
	Functions []Function
	// LoadOptions are passed to extension.Load or extension.Open.
	LoadOptions []extension.LoadOption
}

// Option configures Check and Draw (and safetytest.Run and
// safetytest.TestExtension, which call Check).
type Option interface{ apply(*config) }

type config struct {
	actors  int
	calls   int
	timeout time.Duration
	fresh   FreshRunner
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// WithActors sets how many actors call parallel-safe functions at once. The
// default, and the minimum, is 2×GOMAXPROCS (at least 4).
func WithActors(n int) Option { return optionFunc(func(c *config) { c.actors = n }) }

// WithCalls sets how many times each actor calls each function in the
// parallel phase, cycling through its inputs (default DefaultCalls).
func WithCalls(m int) Option { return optionFunc(func(c *config) { c.calls = m }) }

// WithTimeout bounds each phase (default 2 minutes); a phase that does not
// finish in time is reported as a violation (a hang), not waited for.
func WithTimeout(d time.Duration) Option { return optionFunc(func(c *config) { c.timeout = d }) }

// DefaultCalls is how many times each actor calls each function in the
// parallel phase unless WithCalls says otherwise; `goractor check` uses it
// too. With it, a static-buffer function wrongly declared parallel-safe is
// caught in at least 99 runs of 100, also with both cores busy (the hit
// rates are in docs/extensions.md).
const DefaultCalls = 200

func newConfig(opts []Option) config {
	c := config{calls: DefaultCalls, timeout: 2 * time.Minute}
	for _, o := range opts {
		o.apply(&c)
	}
	if floor := max(2*runtime.GOMAXPROCS(0), 4); c.actors < floor {
		c.actors = floor
	}
	if c.calls < 1 {
		c.calls = 1
	}
	return c
}

// Verdict is the outcome for one function.
type Verdict int

const (
	// VerdictOK: every declaration held.
	VerdictOK Verdict = iota + 1
	// VerdictViolation: a declaration did not hold (for example a function
	// declared parallel-safe returned different results under parallel
	// calls, or an unsafe function ran off the main actor).
	VerdictViolation
	// VerdictInconclusive: the function's results already differ between two
	// serial runs (rand, time), so parallel results cannot be judged. It is
	// not a violation.
	VerdictInconclusive
)

// String returns "ok", "violation" or "inconclusive".
func (v Verdict) String() string {
	switch v {
	case VerdictOK:
		return "ok"
	case VerdictViolation:
		return "violation"
	case VerdictInconclusive:
		return "inconclusive"
	}
	return fmt.Sprintf("Verdict(%d)", int(v))
}

// FunctionReport is what the suite observed for one function.
type FunctionReport struct {
	Name       string             // the symbol
	Declared   extension.Safety   // the safety it was bound with
	Policy     extension.Policy   // the extension's policy
	Affinity   extension.Affinity // the extension's affinity
	Calls      int                // calls made from non-main actors
	Mismatches int                // of those, results that differed from the serial run
	Refused    int                // of those, calls refused by the gate
	Example    string             // one differing result, or one violation, described
	Threads    int                // distinct native threads gated calls ran on (0: not gated)
	Verdict    Verdict
	// Reason says how the verdict was reached when results could not be
	// compared call by call (a stateful function, a gated pointer result),
	// and why a verdict is inconclusive.
	Reason string
}

// Report is the outcome of Check.
type Report struct {
	Extension  string
	Actors     int // actors used in the parallel phase
	Calls      int // calls per actor per function in the parallel phase
	Functions  []FunctionReport
	Violations []*Violation // every violation, in the order found
}

// Err returns the violations joined (errors.Join), or nil.
func (r *Report) Err() error {
	errs := make([]error, len(r.Violations))
	for i, v := range r.Violations {
		errs[i] = v
	}
	return errors.Join(errs...)
}

// Violation is one broken rule.
type Violation struct {
	Case     string // the case that found it
	Rule     string // the rule, as the case states it
	Source   string // where the rule is written (file:line)
	Function string // the function concerned
	Detail   string // what was observed
}

// Error returns the error's message.
func (v *Violation) Error() string {
	return fmt.Sprintf("conformance: %s: %s: %s (rule: %s, %s)", v.Case, v.Function, v.Detail, v.Rule, v.Source)
}

// ErrSetup is wrapped by errors Check returns when it cannot run at all (the
// extension or a function does not load, a subject is malformed).
var ErrSetup = errors.New("conformance: setup")

func setupErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrSetup, fmt.Sprintf(format, args...))
}

// outcome is one call's result, comparable across runs.
type outcome struct {
	v   any
	err string
}

func (o outcome) String() string {
	if o.err != "" {
		return "error " + o.err
	}
	return fmt.Sprintf("%#v", o.v)
}

func sameOutcome(a, b outcome) bool {
	if a.err != b.err {
		return false
	}
	fa, aok := a.v.(float64)
	fb, bok := b.v.(float64)
	if aok && bok && math.IsNaN(fa) && math.IsNaN(fb) {
		return true
	}
	ga, aok := a.v.(float32)
	gb, bok := b.v.(float32)
	if aok && bok && ga != ga && gb != gb {
		return true
	}
	return reflect.DeepEqual(a.v, b.v)
}

func callOutcome(call func(args ...any) (any, error), args []any) (o outcome) {
	defer func() {
		if p := recover(); p != nil {
			o = outcome{err: fmt.Sprintf("panic: %v", p)}
		}
	}()
	v, err := call(args...)
	if err != nil {
		return outcome{err: err.Error()}
	}
	return outcome{v: v}
}

// bound is a function ready to call, with what the suite knows about it.
type bound struct {
	fn       Function
	call     func(args ...any) (any, error)
	safety   extension.Safety
	serial   []outcome
	flaky    bool   // serial runs differ: judged by distribution (stateful)
	reason   string // why the verdict is what it is, when not plain
	report   *FunctionReport
	parallel bool // called from N actors in the parallel phase
	refusal  bool // expected to be refused off the main actor
	// unit, when set, is how the suite calls the function itself (instead
	// of call): strings and pointer results read by the suite, so that a
	// returned pointer is read again lateDelay after the call.
	unit *unit
	// compare: the parallel phase compares results (false for a unit that
	// reads memory after the call under a gate: the gate has let the next
	// call in by then, so the content is not the call's result any more).
	compare bool
	// sample: the outcomes of a serial run as long as the parallel phase,
	// for a stateful function.
	sample []timed
	// burst: how many calls a stateful function with scalar results makes
	// per call of the others (statefulBurst), 0 for one.
	burst int
	// fallback: why a stateful function was not judged in fresh processes.
	fallback string
}

// statefulBurst multiplies the parallel calls of a stateful function whose
// results are scalars (drand48, lrand48): an unlocked generator's race
// window is a few instructions, and nothing can be re-read later to widen
// it, so only many more calls make two of them overlap in every run.
const statefulBurst = 32

// statefulMinTime is how long, at least, each actor calls such a function.
// On a 2-vCPU machine loaded by other processes, 250ms caught lrand48 in 14
// runs of 20, one second in every run (docs/extensions.md has the rates).
const statefulMinTime = time.Second

// invoke calls b once with input k.
func (b *bound) invoke(k int, kp *keeper) (now, later outcome) {
	if b.unit != nil {
		return b.unit.run(b.fn.Inputs[k], kp)
	}
	o := callOutcome(b.call, b.fn.Inputs[k])
	return o, o
}

// lateDelay is how long the suite waits between a call and reading again
// the memory its pointer result points to: the window in which another
// actor's call of a static-buffer function overwrites the buffer. ffi copies
// a string result right after the call, which leaves a window of
// nanoseconds; a race that narrow shows only now and then (l64a declared
// safe was caught in 1 of 3 runs of 2000 calls), this one shows every time.
// Sequences pause as long between their steps.
const lateDelay = 20 * time.Microsecond

// cString copies the NUL-terminated string at p (at most 64 KiB).
func cString(p unsafe.Pointer) string {
	n := 0
	for n < 1<<16 && *(*byte)(unsafe.Add(p, n)) != 0 {
		n++
	}
	return string(unsafe.Slice((*byte)(p), n))
}

// tracer aggregates the gate's trace per function.
type tracer struct {
	mu     sync.Mutex // protects by
	by     map[string]*traceAgg
	active bool // record only while a phase runs; written by the main actor between phases under mu
}

type traceAgg struct {
	threads map[int]int
	routes  map[extension.Route]int
	actors  map[string]bool
}

func (tr *tracer) record(ci extension.CallInfo) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if !tr.active {
		return
	}
	a := tr.by[ci.Function]
	if a == nil {
		a = &traceAgg{threads: map[int]int{}, routes: map[extension.Route]int{}, actors: map[string]bool{}}
		tr.by[ci.Function] = a
	}
	if ci.Route != extension.RouteRefused && ci.Thread != 0 {
		a.threads[ci.Thread]++
	}
	a.routes[ci.Route]++
	a.actors[ci.Actor] = true
}

func (tr *tracer) reset(active bool) {
	tr.mu.Lock()
	tr.by = map[string]*traceAgg{}
	tr.active = active
	tr.mu.Unlock()
}

func (tr *tracer) snapshot() map[string]*traceAgg {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	out := tr.by
	tr.by = map[string]*traceAgg{}
	return out
}

// Check runs the suite against s and returns what it observed. It starts its
// own actor system (actor.Run), so it must not be called from inside one. The
// error reports a setup failure (wrapping ErrSetup, or the extension's load
// error); violations are in the Report, not in the error.
func Check(s Subject, opts ...Option) (*Report, error) {
	cfg := newConfig(opts)
	var rep *Report
	var setup error
	runErr := actor.Run(func(cx *actor.Context) error {
		rep, setup = check(cx, s, cfg)
		return nil
	}, actor.WithShutdownTimeout(10*time.Second))
	if setup != nil {
		return nil, setup
	}
	if runErr != nil && rep != nil {
		rep.Violations = append(rep.Violations, &Violation{Case: "System", Rule: "the actor system shuts down cleanly", Source: sourceOf(1), Function: "*", Detail: runErr.Error()})
	} else if runErr != nil {
		return nil, runErr
	}
	return rep, nil
}

// check runs the suite's phases in order on the main actor cx: bind, the
// serial reference, the parallel phase, the main actor's thread affinity, the
// refusals. Each phase records its violations in the run's report.
func check(cx *actor.Context, s Subject, cfg config) (*Report, error) {
	restore := execctx.SetMain(execctx.Current())
	defer restore()
	r, err := bindPhase(cx, s, cfg)
	if err != nil {
		return nil, err
	}
	defer r.x.Close()
	defer runtime.KeepAlive(r.kp)
	r.serialPhase()
	r.parallelPhase()
	r.mainAffinity()
	r.refusalPhase()
	return r.report(), nil
}

// run is one Check in progress: what the phases share.
type run struct {
	cx  *actor.Context
	cfg config
	tr  *tracer
	x   *extension.Extension
	d   extension.Declaration
	rep *Report
	fns []*bound
	kp  *keeper // the main actor's argument memory, kept until the run ends

	mainTrace map[string]*traceAgg // the serial phase's gated calls
	mainTid   int                  // the main actor's thread
}

// bindPhase opens the subject's extension with a tracer on its gate and binds
// every function. Its errors are setup errors: nothing was checked yet. On
// success the caller closes r.x.
func bindPhase(cx *actor.Context, s Subject, cfg config) (*run, error) {
	r := &run{cx: cx, cfg: cfg, tr: &tracer{}, kp: &keeper{}}
	r.tr.reset(false)
	lopts := append(append([]extension.LoadOption{}, s.LoadOptions...), extension.WithTrace(r.tr.record))
	x, err := openSubject(s, lopts)
	if err != nil {
		return nil, err
	}
	r.x, r.d = x, x.Declaration()
	r.rep = &Report{Extension: x.Name(), Actors: cfg.actors, Calls: cfg.calls}
	if len(s.Functions) == 0 {
		x.Close()
		return nil, setupErr("subject lists no functions")
	}
	for _, f := range s.Functions {
		b, err := newBound(x, r.d, f)
		if err != nil {
			x.Close()
			return nil, err
		}
		r.fns = append(r.fns, b)
	}
	return r, nil
}

// where returns the run's functions for which keep is true, in order.
func (r *run) where(keep func(*bound) bool) []*bound {
	var out []*bound
	for _, b := range r.fns {
		if keep(b) {
			out = append(out, b)
		}
	}
	return out
}

// violate records a violation of rule c by b's function.
func (r *run) violate(b *bound, c *testCase, format string, args ...any) {
	v := &Violation{Case: c.name, Rule: c.rule, Source: c.source, Function: b.fn.Name, Detail: fmt.Sprintf(format, args...)}
	r.rep.Violations = append(r.rep.Violations, v)
	b.report.Verdict = VerdictViolation
	if b.report.Example == "" {
		b.report.Example = v.Detail
	}
}

// serialPhase runs every function on the main actor: a warm-up round, then
// the serial reference twice (a function whose two runs disagree is flaky,
// judged later as stateful). A main-actor call the gate refuses violates
// MainActorAllowed. It records which threads the gated calls ran on.
func (r *run) serialPhase() {
	r.tr.reset(true)
	// A warm-up round: every function with every input once, so that lazy
	// initialisation one function triggers for another (OpenSSL's error
	// strings) happens before the serial reference, whatever the order.
	for _, b := range r.fns {
		for k := range b.fn.Inputs {
			b.invoke(k, r.kp)
		}
	}
	// The serial reference on the main actor, twice: it must agree with
	// itself to be trusted.
	for _, b := range r.fns {
		for k := range b.fn.Inputs {
			o, _ := b.invoke(k, r.kp)
			b.serial = append(b.serial, o)
		}
		for k := range b.fn.Inputs {
			if again, _ := b.invoke(k, r.kp); !sameOutcome(again, b.serial[k]) {
				b.flaky = true
			}
		}
		for k, o := range b.serial {
			if strings.Contains(o.err, "safety: call") {
				r.violate(b, caseMain, "main actor's call with input %v was refused: %s", b.fn.Inputs[k], o.err)
				break
			}
		}
	}
	r.mainTrace = r.tr.snapshot()
	r.mainTid = r.cx.ThreadID()
}

// parallelPhase calls every function bound for parallel calls from
// cfg.actors actors at once and judges each against its serial reference:
// call by call, or, for a flaky (stateful) function, by fresh-process draws
// or by the distribution of its results. Calls the gate refused, and calls
// routed against the declared policy or affinity, are violations too.
func (r *run) parallelPhase() {
	par := r.where(func(b *bound) bool { return b.parallel })
	if len(par) == 0 {
		return
	}
	cfg := r.cfg
	for _, b := range par {
		if b.flaky && b.compare && cfg.fresh == nil && (b.unit == nil || !b.unit.readsAfterReturn(b.fn.Inputs)) {
			b.burst = statefulBurst
		}
	}
	r.tr.reset(true)
	t0 := time.Now()
	results, err := inActors(r.cx, cfg, cfg.actors, func(a int) []actorResult {
		res := make([]actorResult, len(par))
		akp := &keeper{}
		defer runtime.KeepAlive(akp)
		for c := range cfg.calls {
			for i, b := range par {
				for rr := range max(b.burst, 1) {
					k := (a + c + rr) % len(b.fn.Inputs)
					callOnce(b, k, a, &res[i], akp, t0)
				}
			}
		}
		for i, b := range par {
			// A stateful function with scalar results goes on
			// for statefulMinTime, so that the actors' threads
			// share the CPUs for a while even on a busy machine.
			if b.burst > 0 {
				for n, tail := 0, time.Now(); time.Since(tail) < statefulMinTime; n++ {
					callOnce(b, (a+n)%len(b.fn.Inputs), a, &res[i], akp, t0)
				}
			}
		}
		return res
	})
	if err != nil {
		for _, b := range par {
			r.violate(b, caseParallel, "the parallel phase did not complete: %v", err)
		}
	}
	outcomes := make([][]timed, len(par))
	lateChanged := make([]int, len(par))
	lateExample := make([]string, len(par))
	for _, res := range results {
		for i, ar := range res {
			b := par[i]
			b.report.Calls += ar.Calls
			b.report.Mismatches += ar.Mismatches
			b.report.Refused += ar.Refused
			outcomes[i] = append(outcomes[i], ar.Outcomes...)
			lateChanged[i] += ar.LateChanged
			if lateExample[i] == "" {
				lateExample[i] = ar.LateExample
			}
		}
	}
	trace := r.tr.snapshot()
	// A stateful function's serial sample, as many calls as the
	// parallel phase made, in the order one actor makes them.
	for i, b := range par {
		if b.flaky && b.compare {
			t0 := time.Now()
			for c := range len(outcomes[i]) {
				k := c % len(b.fn.Inputs)
				o, _ := b.invoke(k, r.kp)
				b.sample = append(b.sample, timed{V: fmt.Sprintf("%d|%s", k, o), T: int64(time.Since(t0))})
			}
		}
	}
	for i, b := range par {
		c := caseParallel
		if !b.safety.IsParallelSafe() || r.d.Affinity != extension.AnyThread {
			c = casePolicy
		}
		switch {
		case b.report.Refused > 0:
			r.violate(b, c, "%d of %d calls from non-main actors were refused (%s)", b.report.Refused, b.report.Calls, firstExample(results, par, b))
		case b.flaky && !b.compare:
			b.report.Verdict = VerdictInconclusive
			b.reason = "results differ between two serial runs, and under a gate they are not compared"
		case b.flaky && lateChanged[i] == 0 && cfg.fresh != nil && judgeFresh(b, c, cfg, r.violate):
		case b.flaky:
			judgeStateful(b, c, outcomes[i], lateChanged[i], lateExample[i], cfg, r.violate)
		case b.report.Mismatches > 0:
			r.violate(b, c, "declared %v, but %d of %d results under %d parallel actors differed from the serial run, e.g. %s",
				b.safety, b.report.Mismatches, b.report.Calls, cfg.actors, firstExample(results, par, b))
		}
		checkRoutes(b, r.d, trace[b.fn.Name], r.mainTid, r.x, r.violate)
	}
}

// mainAffinity checks that, for a DedicatedThread extension, the main
// actor's calls of the serial phase ran on the extension's one thread.
func (r *run) mainAffinity() {
	if r.d.Affinity != extension.DedicatedThread {
		return
	}
	for _, b := range r.fns {
		if agg := r.mainTrace[b.fn.Name]; agg != nil {
			for tid := range agg.threads {
				if tid != r.x.ThreadID() {
					r.violate(b, caseAffinity, "a main-actor call ran on thread %d, not the dedicated thread %d", tid, r.x.ThreadID())
				}
			}
		}
	}
}

// refusalPhase has one non-main actor call each function the gate must
// refuse there, with each input: every call must fail with a
// *safety.UnsafeError naming the extension, function and actor, wrapping
// ErrNotParallelSafe (ErrWrongThread for a MainThread extension), and never
// run.
func (r *run) refusalPhase() {
	ref := r.where(func(b *bound) bool { return b.refusal })
	if len(ref) == 0 {
		return
	}
	want := safety.ErrNotParallelSafe
	if r.d.Affinity == extension.MainThread {
		want = safety.ErrWrongThread
	}
	x := r.x
	results, err := inActors(r.cx, r.cfg, 1, func(a int) []actorResult {
		res := make([]actorResult, len(ref))
		name := fmt.Sprintf("conformance-%d", a)
		akp := &keeper{}
		defer runtime.KeepAlive(akp)
		for i, b := range ref {
			for _, args := range b.fn.Inputs {
				res[i].Calls++
				var err error
				if b.unit != nil {
					err = b.unit.first(args, akp)
				} else {
					_, err = safeCall(b.call, args)
				}
				var ue *safety.UnsafeError
				switch {
				case err == nil:
					res[i].Mismatches++
					res[i].Example = fmt.Sprintf("call with input %v from actor %q ran; want *safety.UnsafeError", args, name)
				case !errors.As(err, &ue) || !errors.Is(err, want):
					res[i].Mismatches++
					res[i].Example = fmt.Sprintf("call with input %v from actor %q = %v; want *safety.UnsafeError wrapping %v", args, name, err, want)
				case ue.Extension != x.Name() || ue.Actor != name || (b.fn.Call == nil && ue.Function != b.fn.Name):
					res[i].Mismatches++
					res[i].Example = fmt.Sprintf("UnsafeError names extension %q function %q actor %q; want %q %q %q", ue.Extension, ue.Function, ue.Actor, x.Name(), b.fn.Name, name)
				default:
					res[i].Refused++
				}
			}
		}
		return res
	})
	if err != nil {
		for _, b := range ref {
			r.violate(b, caseRefused, "the refusal phase did not complete: %v", err)
		}
	}
	for _, res := range results {
		for i, ar := range res {
			b := ref[i]
			b.report.Calls += ar.Calls
			b.report.Refused += ar.Refused
			if ar.Mismatches > 0 {
				r.violate(b, caseRefused, "%s", ar.Example)
			}
		}
	}
}

// report fills in each function's reason (unless it is a violation, whose
// example says why) and returns the report.
func (r *run) report() *Report {
	for _, b := range r.fns {
		if b.report.Verdict != VerdictViolation {
			b.report.Reason = b.reason
		}
		r.rep.Functions = append(r.rep.Functions, *b.report)
	}
	return r.rep
}

// openSubject opens or loads the subject's extension.
func openSubject(s Subject, lopts []extension.LoadOption) (*extension.Extension, error) {
	switch {
	case s.Declaration != nil:
		return extension.Open(*s.Declaration, lopts...)
	case s.Extension != "":
		if s.Registry != nil {
			lopts = append(lopts, extension.WithRegistry(s.Registry))
		}
		return extension.Load(s.Extension, lopts...)
	default:
		return nil, setupErr("subject names no extension")
	}
}

// newBound binds f for the suite's calls, with what its declaration says
// about where those calls run.
func newBound(x *extension.Extension, d extension.Declaration, f Function) (*bound, error) {
	if len(f.Inputs) == 0 {
		return nil, setupErr("function %q has no inputs", f.Name)
	}
	b := &bound{fn: f, call: f.Call, safety: f.Safety, compare: true}
	if b.call == nil {
		if b.safety == extension.Undeclared {
			b.safety = x.SafetyOf(f.Name)
		}
		u, err := bindUnit(x, f, b.safety)
		if err != nil {
			return nil, err
		}
		direct := b.safety.IsParallelSafe() && d.Affinity == extension.AnyThread
		switch {
		case direct:
			// Nothing serializes the calls: read pointer results
			// late.
			u.late = true
			b.unit = u
		case len(f.Steps) > 0 || f.Result != nil || hasPointerArgs(f.Inputs):
			b.unit = u
			if u.readsAfterReturn(f.Inputs) {
				b.compare = false
				b.reason = "results are read after the call, outside the gate, so they are not compared under parallel calls"
			}
		default:
			// Under a gate, ffi's copy of a string result is made
			// inside the gate.
			var fopts []extension.FuncOption
			if len(f.Library) > 0 {
				fopts = append(fopts, extension.FromLibrary(f.Library...))
			}
			sig, err := ffi.ParseSignature(f.Signature)
			if err != nil {
				return nil, err
			}
			ff, err := x.Func(f.Name, sig, fopts...)
			if err != nil {
				return nil, err
			}
			b.call = ff.Call
		}
	}
	if b.safety == extension.Undeclared {
		b.safety = x.SafetyOf(f.Name)
	}
	b.report = &FunctionReport{Name: f.Name, Declared: b.safety, Policy: d.Policy, Affinity: d.Affinity, Verdict: VerdictOK}
	switch {
	case d.Affinity == extension.DedicatedThread:
		b.parallel = true
	case d.Affinity == extension.MainThread:
		b.parallel = d.Policy == extension.OnMain
		b.refusal = !b.parallel
	case b.safety.IsParallelSafe():
		b.parallel = true
	case d.Policy == extension.Raise:
		b.refusal = true
	default:
		b.parallel = true // OnMain and Serialize must give serial results too
	}
	return b, nil
}

// callOnce makes one parallel-phase call of b with input k in actor a and
// records what it saw in r.
func callOnce(b *bound, k, a int, r *actorResult, kp *keeper, t0 time.Time) {
	o, late := b.invoke(k, kp)
	r.Calls++
	if strings.Contains(o.err, "safety: call") {
		r.Refused++
		if r.Example == "" {
			r.Example = fmt.Sprintf("input %v refused: %s", b.fn.Inputs[k], o.err)
		}
		return
	}
	if !b.compare {
		return
	}
	if b.flaky {
		r.Outcomes = append(r.Outcomes, timed{V: fmt.Sprintf("%d|%s", k, o), T: int64(time.Since(t0))})
		if !sameOutcome(o, late) {
			r.LateChanged++
			if r.LateExample == "" {
				r.LateExample = fmt.Sprintf("%s%v in actor %d returned %s, which read %s %v after the call",
					b.fn.Name, b.fn.Inputs[k], a, o, late, lateDelay)
			}
		}
		return
	}
	switch {
	case !sameOutcome(o, b.serial[k]):
		r.Mismatches++
		if r.Example == "" {
			r.Example = fmt.Sprintf("%s%v = %s serially, %s in actor %d", b.fn.Name, b.fn.Inputs[k], b.serial[k], o, a)
		}
	case !sameOutcome(late, b.serial[k]):
		r.Mismatches++
		if r.Example == "" {
			r.Example = fmt.Sprintf("%s%v = %s serially; in actor %d what it returned read %s %v after the call",
				b.fn.Name, b.fn.Inputs[k], b.serial[k], a, late, lateDelay)
		}
	}
}

func firstExample(results [][]actorResult, par []*bound, b *bound) string {
	for _, res := range results {
		for i, r := range res {
			if par[i] == b && r.Example != "" {
				return r.Example
			}
		}
	}
	return "(no example recorded)"
}

// checkRoutes compares the gate's trace of the parallel phase with what the
// declaration promises.
func checkRoutes(b *bound, d extension.Declaration, agg *traceAgg, mainTid int, x *extension.Extension, violate func(*bound, *testCase, string, ...any)) {
	if agg == nil {
		return
	}
	b.report.Threads = len(agg.threads)
	switch {
	case d.Affinity == extension.DedicatedThread:
		if len(agg.threads) != 1 {
			violate(b, caseAffinity, "calls ran on %d threads %v; want all on one dedicated thread", len(agg.threads), keys(agg.threads))
		} else if _, ok := agg.threads[x.ThreadID()]; !ok {
			violate(b, caseAffinity, "calls ran on thread %v, not the extension's dedicated thread %d", keys(agg.threads), x.ThreadID())
		}
	case d.Affinity == extension.MainThread || (!b.safety.IsParallelSafe() && d.Policy == extension.OnMain):
		for tid := range agg.threads {
			if mainTid != 0 && tid != mainTid {
				violate(b, casePolicy, "a call forwarded to the main actor ran on thread %d; the main actor's is %d", tid, mainTid)
				break
			}
		}
		if n := agg.routes[extension.RouteDirect] + agg.routes[extension.RouteSerialized]; n > 0 {
			violate(b, casePolicy, "%d calls from non-main actors ran without being forwarded to the main actor", n)
		}
	case !b.safety.IsParallelSafe() && d.Policy == extension.Serialize:
		if n := agg.routes[extension.RouteDirect] + agg.routes[extension.RouteOnMain]; n > 0 {
			violate(b, casePolicy, "%d calls ran outside the extension's lock", n)
		}
	}
}

func keys(m map[int]int) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

func safeCall(call func(args ...any) (any, error), args []any) (v any, err error) {
	defer func() {
		if p := recover(); p != nil {
			if e, ok := p.(error); ok {
				err = e
			} else {
				err = fmt.Errorf("panic: %v", p)
			}
		}
	}()
	return call(args...)
}

// actorResult is what one actor reports for one function. It crosses back to
// the main actor through the isolation gate, so it is plain data.
type actorResult struct {
	Calls       int
	Mismatches  int
	Refused     int
	Example     string
	Outcomes    []timed // a stateful function's results, "input|outcome", with when they returned
	LateChanged int     // results whose memory changed between the return and the late re-read
	LateExample string
}

// inActors runs body(i) in n actors at once, released together, and returns
// their results. The main actor waits with the phase's deadline.
func inActors(cx *actor.Context, cfg config, n int, body func(i int) []actorResult) ([][]actorResult, error) {
	start := make(chan struct{})
	var arrived atomic.Int32
	refs := make([]*actor.Ref, 0, n)
	for i := range n {
		r, err := cx.Spawn(func(_ *actor.Context) (any, error) {
			<-start
			// A barrier: begin only when every actor is running, so the
			// calls really overlap instead of trickling in as threads wake.
			arrived.Add(1)
			for arrived.Load() < int32(n) {
				runtime.Gosched()
			}
			return body(i), nil
		}, actor.WithName(fmt.Sprintf("conformance-%d", i)))
		if err != nil {
			close(start)
			return nil, err
		}
		refs = append(refs, r)
	}
	close(start)
	ctx, cancel := context.WithTimeout(context.Background(), cfg.timeout)
	defer cancel()
	var out [][]actorResult
	var errs []error
	for _, r := range refs {
		v, err := r.Value(ctx)
		if err != nil {
			errs = append(errs, fmt.Errorf("%v: %w", r, err))
			continue
		}
		res, ok := v.([]actorResult)
		if !ok {
			errs = append(errs, fmt.Errorf("%v returned %T", r, v))
			continue
		}
		out = append(out, res)
	}
	return out, errors.Join(errs...)
}
