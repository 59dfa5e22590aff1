package host

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/extension"
)

// Sentinel errors of package host.
var (
	// ErrCrashed is wrapped by every *CrashError.
	ErrCrashed = errors.New("host: crashed")
	// ErrClosed reports a call on a host that was closed, or whose
	// supervisor stopped (Run's shutdown).
	ErrClosed = errors.New("host: closed")
	// ErrGaveUp reports a call on a host that crashed more often than its
	// restart intensity allows (WithRestarts) and is not restarted again.
	ErrGaveUp = errors.New("host: restart intensity exceeded, not restarted")
	// ErrNotHostable reports a function type that cannot be called in a
	// host: its arguments and results must cross a process.
	ErrNotHostable = errors.New("host: type cannot cross to a host")
)

// CrashError reports a host process that died while calls were in flight:
// every such call fails with it. It names what the child's stderr shows:
// the signal or exit status, the C symbol and the goractor actor that were
// running when the crash report names them, and the tail of that stderr.
// errors.Is(err, ErrCrashed) and errors.Is(err, actor.ErrNodeDown) hold.
type CrashError struct {
	Host     string // the host's name
	Pid      int    // the process that died
	Signal   string // "SIGSEGV", "SIGABRT", "SIGKILL"...; "" when it exited
	ExitCode int    // its exit status; -1 when a signal killed it
	Symbol   string // the C function that was running, when known
	Actor    string // the goractor actor that called it, when known
	Report   string // the crash report's line that named the signal, if any
	Stderr   string // the last lines of the child's stderr
}

// Error reads like: host "zlib" (pid 4242) crashed: SIGSEGV in
// crashy_check called by actor "worker-3".
func (e *CrashError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "host: %q (pid %d) crashed: ", e.Host, e.Pid)
	switch {
	case e.Signal != "":
		b.WriteString(e.Signal)
	default:
		fmt.Fprintf(&b, "exit status %d", e.ExitCode)
	}
	if e.Symbol != "" {
		b.WriteString(" in " + e.Symbol)
	}
	if e.Actor != "" {
		b.WriteString(" called by actor " + strconv.Quote(e.Actor))
	}
	return b.String()
}

// Unwrap returns ErrCrashed and actor.ErrNodeDown.
func (e *CrashError) Unwrap() []error { return []error{ErrCrashed, actor.ErrNodeDown} }

// Crash reports:
//   - goractor's own line, written before the Go runtime's report:
//     "goractor: native crash: signal=SIGSEGV ... at=lib.so:sym+0x10
//     call=lib.so:sym tid=42 caller=actor NAME" (call= is the function
//     goractor called, at= where the fault was);
//   - the Go runtime's "signal SIGSEGV: segmentation violation ..." or
//     "SIGABRT: abort", followed by the crashing goroutine's header, which
//     carries the host worker's labels (GODEBUG=tracebacklabels=1):
//     [... labels:{"goractor.actor": "w", "goractor.symbol": "f"}]. In a
//     host the labels name the caller in the parent, so their actor wins.
var (
	nativeLine  = regexp.MustCompile(`goractor: native crash: .*`)
	sigName     = regexp.MustCompile(`\b(SIG[A-Z0-9]+)\b`)
	callField   = regexp.MustCompile(`\bcall=(?:[^\s:]*:)?([A-Za-z_][A-Za-z0-9_.@]*)`)
	atField     = regexp.MustCompile(`\bat=[^\s:]*:([A-Za-z_][A-Za-z0-9_.@]*)`)
	symbolField = regexp.MustCompile(`(?:\bsymbol[=: ]+|\bin )"?([A-Za-z_][A-Za-z0-9_.@]*)"?`)
	callerActor = regexp.MustCompile(`\bcaller=actor (.+)$`)
	actorField  = regexp.MustCompile(`\bactor[=: ]+"((?:[^"\\]|\\.)*)"|\bactor[=: ]+([^\s,;)"]+)`)
	goSignal    = regexp.MustCompile(`^(?:\[?signal (SIG[A-Z0-9]+)[^\]]*\]?|(SIG[A-Z0-9]+): .*)$`)
	labelSymbol = regexp.MustCompile(`"` + labelSymbolKey + `": "((?:[^"\\]|\\.)*)"`)
	labelActor  = regexp.MustCompile(`"` + labelActorKey + `": "((?:[^"\\]|\\.)*)"`)
)

// Labels the host worker puts on the goroutine that runs a native call,
// printed in a crash's traceback.
const (
	labelSymbolKey = "goractor.symbol"
	labelActorKey  = "goractor.actor"
)

// crashReport is what a child's stderr said about its death.
type crashReport struct {
	signal, symbol, actor, line string
}

// ParseCrashReport reads a crash report (a dying process's stderr) and
// returns the signal, C symbol and goractor actor it names ("" for what it
// does not name) and the line that named the signal.
func ParseCrashReport(stderr string) (signal, symbol, actor, line string) {
	var p reportParser
	for l := range strings.SplitSeq(stderr, "\n") {
		p.line(l)
	}
	return p.r.signal, p.r.symbol, p.r.actor, p.r.line
}

// reportParser reads stderr line by line and keeps the first report.
type reportParser struct {
	r        crashReport
	native   bool // a goractor native-crash line was seen: it wins
	inSignal bool // after a crash line, before the goroutine header
	done     bool // the report names all it will: the process is dying
}

func (p *reportParser) line(l string) {
	l = strings.TrimRight(l, "\r")
	if m := nativeLine.FindString(l); m != "" && !p.native {
		p.native = true
		rest := strings.TrimPrefix(m, "goractor: native crash: ")
		p.r = crashReport{line: m}
		if s := sigName.FindStringSubmatch(rest); s != nil {
			p.r.signal = s[1]
		}
		for _, re := range []*regexp.Regexp{callField, atField, symbolField} {
			if s := re.FindStringSubmatch(rest); s != nil {
				p.r.symbol = s[1]
				break
			}
		}
		if s := callerActor.FindStringSubmatch(rest); s != nil {
			p.r.actor = strings.TrimSpace(s[1])
		} else if s := actorField.FindStringSubmatch(rest); s != nil {
			p.r.actor = s[1] + s[2]
		}
		// The Go runtime's report may follow, with the goroutine's labels.
		p.inSignal = true
		return
	}
	if p.r.line == "" {
		if m := goSignal.FindStringSubmatch(strings.TrimSpace(l)); m != nil {
			p.r.signal, p.r.line = m[1]+m[2], strings.TrimSpace(l)
			p.inSignal = true
		}
		return
	}
	if p.inSignal && strings.HasPrefix(l, "goroutine ") {
		p.inSignal, p.done = false, true
		if m := labelSymbol.FindStringSubmatch(l); m != nil && p.r.symbol == "" {
			p.r.symbol = unquote(m[1])
		}
		if m := labelActor.FindStringSubmatch(l); m != nil {
			p.r.actor = unquote(m[1])
		}
	}
}

func unquote(s string) string {
	if u, err := strconv.Unquote(`"` + s + `"`); err == nil {
		return u
	}
	return s
}

// stderrTail consumes a child's stderr: it parses the crash report as it
// arrives, keeps the last lines, and copies everything to out (nil: drop).
type stderrTail struct {
	mu    sync.Mutex
	p     reportParser
	lines []string
	next  int
	full  bool
	out   io.Writer
	// onReport is called once, when a crash report has named what it will:
	// the process is dying, and need not be waited for.
	onReport func()
	reported bool
}

const tailLines = 24

func newStderrTail(out io.Writer) (*stderrTail, io.WriteCloser) {
	t := &stderrTail{lines: make([]string, tailLines), out: out}
	pr, pw := io.Pipe()
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			t.add(sc.Text())
		}
		_, _ = io.Copy(io.Discard, pr) // a line longer than 1 MiB: drop the rest
	}()
	return t, pw
}

func (t *stderrTail) add(l string) {
	t.mu.Lock()
	t.p.line(l)
	var fire func()
	if t.p.done && !t.reported {
		t.reported, fire = true, t.onReport
	}
	t.lines[t.next] = l
	t.next = (t.next + 1) % len(t.lines)
	if t.next == 0 {
		t.full = true
	}
	if t.out != nil {
		fmt.Fprintln(t.out, l)
	}
	t.mu.Unlock()
	if fire != nil {
		fire()
	}
}

// setOnReport sets the function called once a crash report is complete.
func (t *stderrTail) setOnReport(f func()) {
	t.mu.Lock()
	t.onReport = f
	t.mu.Unlock()
}

func (t *stderrTail) report() (crashReport, string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []string
	if t.full {
		out = append(out, t.lines[t.next:]...)
	}
	out = append(out, t.lines[:t.next]...)
	return t.p.r, strings.Join(out, "\n")
}

// crashOf builds the CrashError of a child that exited with state st.
func crashOf(name string, pid int, st *os.ProcessState, t *stderrTail) *CrashError {
	r, tail := t.report()
	e := &CrashError{Host: name, Pid: pid, ExitCode: -1, Symbol: r.symbol, Actor: r.actor, Report: r.line, Stderr: tail}
	if st != nil {
		e.ExitCode = st.ExitCode()
		if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			e.Signal = extension.SignalName(ws.Signal())
		}
	}
	if e.Signal == "" && r.signal != "" {
		// The Go runtime turns a fault in native code into its report and
		// exit status 2.
		e.Signal = r.signal
	}
	return e
}
