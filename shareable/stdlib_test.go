package shareable_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unique"
	"weak"

	"github.com/goractor/goractor/shareable"
)

// stdlibSamples holds, per row of the standard-library table in
// docs/shareability.md (keyed by the row's first cell), values of the types
// in that row. They are built per test so that OS resources are closed.
func stdlibSamples(t *testing.T) map[string][]any {
	timer := time.NewTimer(time.Hour)
	ticker := time.NewTicker(time.Hour)
	t.Cleanup(func() { timer.Stop(); ticker.Stop() })
	pc, _, _, _ := runtime.Caller(0)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	udp, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = udp.Close() })
	tcp, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tcp.Close() })
	x := 1
	cctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	tctx, tcancel := context.WithTimeout(cctx, time.Hour)
	t.Cleanup(tcancel)
	return map[string][]any{
		"`*time.Timer`":      {timer},
		"`*time.Ticker`":     {ticker},
		"`time.Timer`":       {struct{ T time.Timer }{}},
		"`time.Ticker`":      {struct{ T time.Ticker }{}},
		"`unique.Handle[T]`": {unique.Make("x"), unique.Make(42)},
		"`*runtime.Func`":    {runtime.FuncForPC(pc)},
		"`runtime.Func`":     {struct{ F runtime.Func }{}},
		"`strings.Builder`":  {struct{ B strings.Builder }{}},
		"`*strings.Builder`": {&strings.Builder{}},
		"`sync.Mutex`, `sync.RWMutex`, `sync.WaitGroup`, `sync.Once`, `sync.Cond`, `sync.Pool`": {
			&sync.Mutex{}, &sync.RWMutex{}, &sync.WaitGroup{}, &sync.Once{}, sync.NewCond(&sync.Mutex{}), &sync.Pool{}},
		"`sync.Map`": {&sync.Map{}},
		"`atomic.Int64`, `atomic.Value`, `atomic.Pointer[T]` and the other `sync/atomic` types": {
			new(atomic.Int64), new(atomic.Value), new(atomic.Pointer[int]), new(atomic.Bool)},
		"`weak.Pointer[T]`":          {weak.Make(&x)},
		"`*os.File`":                 {os.Stdout},
		"`*os.Process`, `*exec.Cmd`": {&os.Process{Pid: 1}, exec.Command("true")},
		"`*net.TCPListener`, `*net.UDPConn`, `*net.TCPConn` and the other `net` connections": {ln, udp, tcp},
		"`reflect.Value`":                                {reflect.ValueOf(1)},
		"`runtime.Pinner`":                               {&runtime.Pinner{}},
		"`iter.Seq[V]`, `iter.Seq2[K, V]`":               {slices.Values([]int{1}), slices.All([]int{1})},
		"`*testing.T`, `*testing.B`, `*testing.F`":       {t},
		"contexts of package `context`":                  {context.Background(), cctx, tctx, context.WithValue(cctx, ctxKey{}, 1)},
		"`*log.Logger`":                                  {log.New(io.Discard, "", 0)},
		"`*slog.Logger`":                                 {slog.New(slog.NewTextHandler(io.Discard, nil))},
		"`*regexp.Regexp`":                               {regexp.MustCompile("a+")},
		"`time.Time`, `*time.Location`, `time.Duration`": {time.Now(), time.UTC, time.Second},
		"`reflect.Type`":                                 {reflect.TypeOf(1)},
		"`*bytes.Buffer`":                                {bytes.NewBufferString("x")},
	}
}

type ctxKey struct{}

// stdlibTable reads the rows of the standard-library table.
func stdlibTable(t *testing.T) map[string]string {
	data, err := os.ReadFile("../docs/shareability.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(data), "<!-- stdlib-verdicts:")
	if !ok {
		t.Fatal("docs/shareability.md has no stdlib-verdicts table")
	}
	rows := map[string]string{}
	for i, line := range strings.Split(after, "\n")[1:] {
		if !strings.HasPrefix(line, "|") {
			break
		}
		if i < 2 {
			continue // header and separator
		}
		cells := strings.Split(line, "|")
		rows[strings.TrimSpace(cells[1])] = strings.TrimSpace(cells[2])
	}
	return rows
}

// TestStdlibVerdicts: one subtest per row of the table; every sample gets the
// row's verdict, refusals say what to do instead, and every row has samples.
func TestStdlibVerdicts(t *testing.T) {
	rows := stdlibTable(t)
	samples := stdlibSamples(t)
	for row := range samples {
		if _, ok := rows[row]; !ok {
			t.Errorf("samples for %s, which is no row of the table", row)
		}
	}
	for row, verdict := range rows {
		t.Run(row, func(t *testing.T) {
			vs := samples[row]
			if len(vs) == 0 {
				t.Fatalf("no sample for the row")
			}
			for _, v := range vs {
				got, err := shareable.Pass(v)
				switch {
				case strings.HasPrefix(verdict, "shared"):
					if err := shareable.Check(v); err != nil {
						t.Errorf("Check(%T) = %v; want shared", v, err)
					}
					if err != nil || !same(got, v) {
						t.Errorf("Pass(%T) = %v, %v; want the value itself", v, got, err)
					}
				case strings.HasPrefix(verdict, "refused"):
					var ie *shareable.IsolationError
					if got != nil || !errors.As(err, &ie) {
						t.Errorf("Pass(%T) = %v, %v; want a refusal", v, got, err)
						continue
					}
					if !strings.Contains(ie.Reason, ": send ") && !strings.Contains(ie.Reason, ": keep ") &&
						!strings.Contains(ie.Reason, ": pin ") && !strings.Contains(ie.Reason, ": report ") {
						t.Errorf("Pass(%T) refused with %q, which does not say what to do instead", v, ie.Reason)
					}
					if _, err := shareable.Freeze(v); err == nil {
						t.Errorf("Freeze(%T) succeeded; want a refusal", v)
					}
				case verdict == "copied":
					if err != nil || got == nil || same(got, v) {
						t.Errorf("Pass(%T) = %v, %v; want a copy", v, got, err)
					}
				default:
					t.Fatalf("unknown verdict %q", verdict)
				}
			}
		})
	}
}

// same reports whether a and b are the same value (for pointers, the same
// object).
func same(a, b any) bool {
	ra, rb := reflect.ValueOf(a), reflect.ValueOf(b)
	if ra.Type() != rb.Type() {
		return false
	}
	if ra.Kind() == reflect.Pointer {
		return ra.Pointer() == rb.Pointer()
	}
	if ra.Comparable() {
		return ra.Equal(rb)
	}
	return true
}

// TestStdlib_TimerUsedFromTwoGoroutines: a *time.Timer and a *time.Ticker
// cross as themselves, and Reset and Stop from the sender and the receiver at
// once neither race (under -race) nor corrupt the runtime timer.
func TestStdlib_TimerUsedFromTwoGoroutines(t *testing.T) {
	timer := time.NewTimer(time.Hour)
	ticker := time.NewTicker(time.Hour)
	defer ticker.Stop()
	gt, err := shareable.Pass(timer)
	if err != nil || gt != timer {
		t.Fatalf("Pass(*time.Timer) = %p, %v", gt, err)
	}
	gk, err := shareable.Pass(struct{ T *time.Ticker }{ticker})
	if err != nil || gk.(struct{ T *time.Ticker }).T != ticker {
		t.Fatalf("Pass(struct{*time.Ticker}) = %v, %v", gk, err)
	}
	var wg sync.WaitGroup
	for g := range 2 {
		wg.Go(func() {
			for i := range 1000 {
				gt.(*time.Timer).Reset(time.Hour + time.Duration(g*i))
				ticker.Reset(time.Hour)
				if i%3 == 0 {
					gt.(*time.Timer).Stop()
				}
			}
		})
	}
	wg.Wait()
	// The timer still works: it fires once reset to a short duration.
	timer.Reset(time.Millisecond)
	<-timer.C
	// The copied value the send gate refuses is what used to kill the runtime.
	if _, err := shareable.Copy(struct{ T time.Timer }{}); err == nil {
		t.Errorf("Copy of a time.Timer value succeeded")
	}
}

// TestStdlib_UniqueHandleStaysEqual: a unique.Handle crosses as itself, so
// the receiver's handle is == to a new one for the same value.
func TestStdlib_UniqueHandleStaysEqual(t *testing.T) {
	h := unique.Make("interned")
	got, err := shareable.CopyAny(struct{ H unique.Handle[string] }{h})
	if err != nil {
		t.Fatal(err)
	}
	if got.(struct{ H unique.Handle[string] }).H != unique.Make("interned") {
		t.Errorf("a unique.Handle that crossed is no longer == to the original")
	}
}
