//go:build linux

package host_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/extension"
	"github.com/goractor/goractor/ffi"
	"github.com/goractor/goractor/host"
	"github.com/goractor/goractor/internal/selfexec"
	"github.com/goractor/goractor/internal/testlib"
	"github.com/goractor/goractor/safety"
)

// TestHostedCalls: calls run in another process and return their results;
// a []byte argument C fills comes back filled.
func TestHostedCalls(t *testing.T) {
	h, c := startHost(t)
	if pid := c.getpid(); int(pid) != h.Pid() || int(pid) == os.Getpid() {
		t.Errorf("getpid() in the host = %d; want the host's pid %d (this process: %d)", pid, h.Pid(), os.Getpid())
	}
	if v, err := c.add(40, 2); v != 42 || err != nil {
		t.Errorf("add(40, 2) = %d, %v; want 42, nil", v, err)
	}
	if v, err := c.add(-7, 2); v != -5 || err != nil {
		t.Errorf("add(-7, 2) = %d, %v; want -5, nil", v, err)
	}
	buf := make([]byte, 16)
	if n, err := c.fill(buf, 8, 0xab); n != 8 || err != nil {
		t.Fatalf("fill = %d, %v", n, err)
	}
	if want := append(bytes.Repeat([]byte{0xab}, 8), make([]byte, 8)...); !bytes.Equal(buf, want) {
		t.Errorf("buf after fill = %x; want %x", buf, want)
	}
	// A C string is bytes: one that is not UTF-8 crosses unchanged. Floats
	// and 64-bit integers cross at full width.
	libc, err := h.Open(context.Background(), extension.Declaration{Name: "libc-m",
		Libraries: []string{"libc.so.6", "libm.so.6"}, Safety: extension.ParallelSafe})
	if err != nil {
		t.Fatal(err)
	}
	var strlen func(string) (uint64, error)
	var ldexp func(float64, int32) (float64, error)
	var labs func(int64) (int64, error)
	libc.MustBind(&strlen, "strlen")
	libc.MustBind(&ldexp, "ldexp")
	libc.MustBind(&labs, "labs")
	if n, err := strlen("\xff\xfe caf\xe9"); n != 7 || err != nil {
		t.Errorf("strlen of 7 bytes that are not UTF-8 = %d, %v; want 7, nil", n, err)
	}
	if v, err := ldexp(0.75, 60); v != 0.75*(1<<60) || err != nil {
		t.Errorf("ldexp(0.75, 60) = %v, %v", v, err)
	}
	if v, err := labs(-(1<<62 + 3)); v != 1<<62+3 || err != nil {
		t.Errorf("labs(-(2^62+3)) = %d, %v", v, err)
	}
	var bad func(*int32) int32
	x, err := h.Open(context.Background(), declaration())
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Bind(&bad, "crashy_add"); !errors.Is(err, host.ErrNotHostable) {
		t.Errorf("Bind of a pointer parameter = %v; want ErrNotHostable", err)
	}
	var missing func() error
	if err := x.Bind(&missing, "crashy_nothing"); !errors.Is(err, ffi.ErrLoad) {
		t.Errorf("Bind of a missing symbol = %v; want an error wrapping ffi.ErrLoad", err)
	}
}

// crashCase crashes the host through one call made by an actor and checks
// the CrashError, then that calls after the restart succeed.
func crashCase(t *testing.T, signal, symbol string, crash func(*crashy) error) {
	h, c := startHost(t)
	pid := h.Pid()
	err := inActor(t, "crasher-"+signal, func() error { return crash(c) })
	var ce *host.CrashError
	if !errors.As(err, &ce) {
		t.Fatalf("call error = %v; want a *host.CrashError", err)
	}
	t.Logf("%v\nreport: %s", ce, ce.Report)
	if !errors.Is(err, host.ErrCrashed) || !errors.Is(err, actor.ErrNodeDown) {
		t.Errorf("%v does not match ErrCrashed and actor.ErrNodeDown", err)
	}
	if ce.Signal != signal || ce.Symbol != symbol || ce.Actor != "crasher-"+signal || ce.Pid != pid {
		t.Errorf("crash = signal %q symbol %q actor %q pid %d; want %q %q %q %d", ce.Signal, ce.Symbol, ce.Actor, ce.Pid, signal, symbol, "crasher-"+signal, pid)
	}
	if ce.Stderr == "" {
		t.Error("no stderr tail")
	}
	// Calls after the crash wait for the restart and succeed.
	if v, err := c.add(1, 2); v != 3 || err != nil {
		t.Fatalf("add after restart = %d, %v", v, err)
	}
	if h.Restarts() != 1 || h.Pid() == pid || h.LastCrash() == nil {
		t.Errorf("after restart: Restarts %d, Pid %d (old %d), LastCrash %v", h.Restarts(), h.Pid(), pid, h.LastCrash())
	}
	if testlib.Alive(pid) {
		t.Errorf("crashed host %d still alive", pid)
	}
}

func TestSegfault(t *testing.T) {
	crashCase(t, "SIGSEGV", "crashy_check", func(c *crashy) error {
		if v, err := c.check(4); v != 8 || err != nil {
			t.Errorf("check(4) = %d, %v", v, err)
		}
		_, err := c.check(13)
		return err
	})
}

func TestAbort(t *testing.T) {
	crashCase(t, "SIGABRT", "crashy_abort", func(c *crashy) error { return c.abort() })
}

func TestBusError(t *testing.T) {
	crashCase(t, "SIGBUS", "crashy_bus", func(c *crashy) error { return c.bus() })
}

// TestExit: a host whose native code exits reports the status.
func TestExit(t *testing.T) {
	h, c := startHost(t)
	err := c.exit(3)
	var ce *host.CrashError
	if !errors.As(err, &ce) || ce.Signal != "" || ce.ExitCode != 3 || ce.Symbol != "crashy_exit" {
		t.Fatalf("exit(3) = %#v; want a CrashError with exit status 3 in crashy_exit", err)
	}
	if v, err := c.add(2, 2); v != 4 || err != nil {
		t.Fatalf("add after restart = %d, %v", v, err)
	}
	_ = h
}

// TestKillMidCall: kill -9 of a host while calls are in flight fails every
// one of them with a CrashError naming SIGKILL; calls after it succeed.
func TestKillMidCall(t *testing.T) {
	h, c := startHost(t)
	pid := h.Pid()
	const n = 3
	errs := make(chan error, n)
	for i := range n {
		go func() {
			errs <- inActor(t, "sleeper-"+strconv.Itoa(i), func() error {
				_, err := c.sleep(20000)
				return err
			})
		}()
	}
	// Wait until the three calls are in the host (bounded: 10 s).
	for i := 0; i < 1000 && inSleep(pid) < n; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if got := inSleep(pid); got < n {
		t.Fatalf("%d of %d calls sleeping in host %d after 10 s (/proc/PID/task/*/wchan)", got, n, pid)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil { // the host we started
		t.Fatal(err)
	}
	for range n {
		err := <-errs
		var ce *host.CrashError
		if !errors.As(err, &ce) || ce.Signal != "SIGKILL" || ce.Symbol != "crashy_sleep_ms" {
			t.Errorf("call in flight = %v; want a CrashError naming SIGKILL in crashy_sleep_ms", err)
		}
	}
	if v, err := c.add(5, 5); v != 10 || err != nil {
		t.Fatalf("add after restart = %d, %v", v, err)
	}
}

// inSleep counts the threads of pid sleeping in nanosleep (our calls).
func inSleep(pid int) int {
	ents, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range ents {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/task/" + e.Name() + "/wchan")
		if err == nil && bytes.Contains(b, []byte("nanosleep")) {
			n++
		}
	}
	return n
}

// TestQueuedCalls: calls made while the host restarts are sent to the new
// host and succeed; none is lost.
func TestQueuedCalls(t *testing.T) {
	h, c := startHost(t)
	if _, err := c.check(13); !errors.Is(err, host.ErrCrashed) {
		t.Fatalf("check(13) = %v; want a crash", err)
	}
	queued := h.Pid() == 0 // the restart is under way
	const n = 16
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			var v int32
			v, errs[i] = c.add(int32(i), 1)
			if errs[i] == nil && v != int32(i)+1 {
				errs[i] = errors.New("wrong sum " + strconv.Itoa(int(v)))
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("call %d: %v", i, err)
		}
	}
	t.Logf("calls issued while the host restarted: %v", queued)
}

// TestGaveUp: past the restart intensity the host stays down and queued
// calls fail with ErrGaveUp instead of waiting.
func TestGaveUp(t *testing.T) {
	h, c := startHost(t, host.WithRestarts(0, time.Second))
	if _, err := c.check(13); !errors.Is(err, host.ErrCrashed) {
		t.Fatalf("check(13) = %v; want a crash", err)
	}
	if _, err := c.add(1, 1); !errors.Is(err, host.ErrGaveUp) {
		t.Fatalf("add after the host gave up = %v; want ErrGaveUp", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := h.Supervisor().Value(ctx); !errors.Is(err, host.ErrGaveUp) {
		t.Errorf("supervisor ended with %v; want ErrGaveUp", err)
	}
}

// TestParentKilled: a host never outlives its parent, even one killed with
// SIGKILL.
func TestParentKilled(t *testing.T) {
	parent, hostPid := startParent(t, "parent", nil)
	parent.Kill()
	for i := 0; i < 500; i++ { // 10 s at most
		if !testlib.Alive(hostPid) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = syscall.Kill(hostPid, syscall.SIGKILL) // ours, through the parent we started
	t.Fatalf("host %d still alive 10 s after its parent was killed", hostPid)
}

// startParent starts a process of this test binary in role, which starts a
// host, and returns it with the host's PID.
func startParent(t *testing.T, role string, onLine func(string)) (*selfexec.Child, int) {
	t.Helper()
	parent, err := selfexec.Start(roleEnv+"="+role, onLine, 60*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	hostPid, err := strconv.Atoi(parent.Addr)
	if err != nil || !testlib.Alive(hostPid) {
		parent.Kill()
		t.Fatalf("host pid %q not running: %v", parent.Addr, err)
	}
	return parent, hostPid
}

// TestRunShutdownStopsHost: Run's shutdown stops a host nobody closed, as
// it stops actors, and the program exits normally.
func TestRunShutdownStopsHost(t *testing.T) {
	lines := make(chan string, 4)
	parent, hostPid := startParent(t, "shutdown", func(l string) { lines <- l })
	if err := parent.Stop(30 * time.Second); err != nil {
		t.Fatal(err)
	}
	if err := parent.Err(); err != nil {
		t.Errorf("parent exited with %v; want 0", err)
	}
	select { // the parent has exited: its stdout is read to the end
	case l := <-lines:
		if l != "HOST ALIVE AFTER RUN false" {
			t.Errorf("parent said %q; want the host gone when Run returned", l)
		}
	default:
		t.Error("parent printed nothing after Run")
	}
	if testlib.Alive(hostPid) {
		_ = syscall.Kill(hostPid, syscall.SIGKILL)
		t.Errorf("host %d alive after its parent's Run returned", hostPid)
	}
}

// TestCloseStopsHost: Close ends the process; later calls fail with
// ErrClosed.
func TestCloseStopsHost(t *testing.T) {
	h, c := startHost(t)
	pid := h.Pid()
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if testlib.Alive(pid) {
		t.Errorf("host %d alive after Close", pid)
	}
	if _, err := c.add(1, 1); !errors.Is(err, host.ErrClosed) {
		t.Errorf("add after Close = %v; want ErrClosed", err)
	}
}

// TestGate: the extension's call gate applies to hosted calls as to local ones.
func TestGate(t *testing.T) {
	h, _ := startHost(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d := declaration()
	d.Name = "crashy-unsafe"
	d.Safety = extension.NotParallelSafe
	x, err := h.Open(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	var next func() (int32, error)
	x.MustBind(&next, "crashy_next")
	err = inActor(t, "other", func() error { _, err := next(); return err })
	var ue *safety.UnsafeError
	if !errors.As(err, &ue) || !errors.Is(err, safety.ErrNotParallelSafe) || ue.Actor != "other" {
		t.Errorf("call from a non-main actor = %v; want an UnsafeError naming actor \"other\"", err)
	}
	done := make(chan error, 1)
	onMain <- func() {
		v, err := next()
		if err == nil && v < 1 {
			err = errors.New("counter did not count")
		}
		done <- err
	}
	if err := <-done; err != nil {
		t.Errorf("call from the main actor: %v", err)
	}
}

// TestSpawnKind: a registered actor kind runs in the host.
func TestSpawnKind(t *testing.T) {
	h, _ := startHost(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ref, err := h.Spawn(ctx, "host-test.pid")
	if err != nil {
		t.Fatal(err)
	}
	v, err := ref.Request(ctx, "pid?")
	if err != nil {
		t.Fatal(err)
	}
	if pid, ok := v.(int64); !ok || int(pid) != h.Pid() {
		t.Errorf("kind answered %v (%T); want the host's pid %d", v, v, h.Pid())
	}
	if err := ref.Stop(ctx); err != nil {
		t.Error(err)
	}
}

// TestSpare: with WithSpare a crash promotes the waiting process; Close
// stops both processes.
func TestSpare(t *testing.T) {
	before := children(t)
	h, c := startHost(t, host.WithSpare())
	pid := h.Pid()
	// Wait (bounded: 30 s) for the spare: a second child of ours.
	for i := 0; i < 1500 && len(children(t)) < len(before)+2; i++ {
		time.Sleep(20 * time.Millisecond)
	}
	spare := 0
	for p := range children(t) {
		if !before[p] && p != pid {
			spare = p
		}
	}
	if spare == 0 {
		t.Fatal("no spare process started")
	}
	if _, err := c.check(13); !errors.Is(err, host.ErrCrashed) {
		t.Fatalf("check(13) = %v; want a crash", err)
	}
	if v, err := c.add(1, 2); v != 3 || err != nil {
		t.Fatalf("add after the crash = %d, %v", v, err)
	}
	if h.Pid() != spare {
		t.Errorf("host pid after the crash %d; want the spare %d", h.Pid(), spare)
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	for p := range children(t) {
		if !before[p] && testlib.Alive(p) {
			t.Errorf("process %d left after Close", p)
		}
	}
}

// children returns the PIDs of this process's children (from /proc).
func children(t *testing.T) map[int]bool {
	t.Helper()
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		t.Fatal(err)
	}
	out := map[int]bool{}
	for _, task := range tasks {
		b, err := os.ReadFile("/proc/self/task/" + task.Name() + "/children")
		if err != nil {
			continue // the thread ended
		}
		for _, f := range bytes.Fields(b) {
			if p, err := strconv.Atoi(string(f)); err == nil {
				out[p] = true
			}
		}
	}
	return out
}
