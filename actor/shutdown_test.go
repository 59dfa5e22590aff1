package actor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/goractor/goractor/internal/cbuild"
	"github.com/goractor/goractor/internal/testlib"
)

func init() {
	helpers["inflight"] = helperInflight
	helpers["sigint"] = helperSigint
}

// helperInflight: actors stuck in a 2s native sleep when Run's shutdown
// deadline (500ms) passes. Run must report them and the process must exit
// cleanly afterwards.
func helperInflight() int {
	nat, err := buildNative()
	if err != nil {
		fmt.Println("SKIP:", err)
		return 0
	}
	n := 16
	err = Run(func(ctx *Context) error {
		started := ctx.NewPort()
		for i := range n {
			_, _ = ctx.Spawn(func(cx *Context) (any, error) {
				_ = started.Send(true)
				nat.sleepMS(2000)
				return nil, nil
			}, WithName(fmt.Sprintf("sleeper-%02d", i)))
		}
		for range n {
			_, _ = started.Receive(context.Background())
		}
		return nil
	}, WithShutdownTimeout(500*time.Millisecond))
	var se *ShutdownError
	if !errors.As(err, &se) || !errors.Is(err, ErrShutdownTimeout) {
		fmt.Println("Run() =", err)
		return 1
	}
	fmt.Println("stuck:", strings.Join(se.Stuck, ","))
	return 0
}

func TestShutdown_InflightNativeCalls(t *testing.T) {
	if _, err := cbuild.CC(); err != nil {
		t.Skipf("no C compiler: %v", err)
	}
	cmd := testlib.ProgramCmd("inflight")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helper exited with %v; output:\n%s", err, out)
	}
	t.Logf("helper ran %v", time.Since(start))
	s := string(out)
	if strings.Contains(s, "SKIP:") {
		t.Skip(s)
	}
	for i := range 16 {
		if name := fmt.Sprintf("sleeper-%02d", i); !strings.Contains(s, name) {
			t.Errorf("output does not list %s:\n%s", name, s)
		}
	}
	if strings.Contains(s, "SIGSEGV") || strings.Contains(s, "panic") {
		t.Errorf("helper crashed:\n%s", s)
	}
}

// helperSigint: SIGINT while the main actor blocks in Receive; the signal
// handler asks main to finish, and the program shuts down in order.
func helperSigint() int {
	err := Run(func(ctx *Context) error {
		sigs := make(chan os.Signal, 1)
		signal.Notify(sigs, syscall.SIGINT)
		defer signal.Stop(sigs)
		self := ctx.Self()
		go func() {
			<-sigs
			_ = self.Send("interrupted")
		}()
		w, _ := ctx.Spawn(func(cx *Context) (any, error) {
			_, err := cx.Receive()
			return nil, err
		}, WithName("worker"))
		if me, err := os.FindProcess(os.Getpid()); err == nil {
			_ = me.Signal(os.Interrupt)
		}
		m, err := ctx.Receive()
		fmt.Println("main got:", m, err, "worker alive:", !isDone(w))
		return err
	})
	if err != nil {
		fmt.Println("Run() =", err)
		return 1
	}
	fmt.Println("clean exit")
	return 0
}

func isDone(r *Ref) bool { return r.c.isDone() }

func TestSignal_DuringBlockingReceive(t *testing.T) {
	out, err := testlib.ProgramCmd("sigint").CombinedOutput()
	if err != nil {
		t.Fatalf("helper exited with %v; output:\n%s", err, out)
	}
	if s := string(out); !strings.Contains(s, "main got: interrupted <nil>") || !strings.Contains(s, "clean exit") {
		t.Errorf("helper output:\n%s\nwant the signal delivered to main and a clean exit", s)
	}
}

func TestShutdown_CleanupExactlyOnce(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	n := size(t, 100, 50, 30)
	var mu sync.Mutex
	tally := map[string]int{}
	run(t, func(ctx *Context) error {
		started := ctx.NewPort()
		for i := range n {
			_, _ = ctx.Spawn(func(cx *Context) (any, error) {
				var wg sync.WaitGroup
				wg.Add(1)
				go func() { // an owned goroutine, stopped through Done
					defer wg.Done()
					<-cx.Done()
				}()
				defer func() {
					wg.Wait()
					mu.Lock()
					tally[cx.Name()]++
					mu.Unlock()
				}()
				_ = started.Send(true)
				for {
					if _, err := cx.Receive(); err != nil {
						return nil, nil
					}
				}
			}, WithName(fmt.Sprint("c", i)))
		}
		for range n {
			_, _ = started.Receive(timeout(t))
		}
		// Traffic while shutting down.
		return nil
	})
	mu.Lock()
	defer mu.Unlock()
	if len(tally) != n {
		t.Errorf("cleanups ran for %d actors; want %d", len(tally), n)
	}
	for name, c := range tally {
		if c != 1 {
			t.Errorf("cleanup of %s ran %d times; want 1", name, c)
		}
	}
}

func TestStop_WhileInNativeCall(t *testing.T) {
	nat := loadNative(t)
	run(t, func(ctx *Context) error {
		var events testlib.Log[string]
		note := events.Add
		inCall := ctx.NewPort()
		// The call blocks in C until the test writes a byte: it outlasts
		// Stop's deadline however the threads are scheduled.
		rd, wr, err := os.Pipe()
		if err != nil {
			return err
		}
		defer rd.Close()
		defer wr.Close()
		fd := int32(rd.Fd())
		r, _ := ctx.Spawn(func(cx *Context) (any, error) {
			_ = inCall.Send(true)
			nat.waitFD(fd)
			note("native returned")
			_, err := cx.Receive()
			if errors.Is(err, ErrClosed) {
				note("saw closed inbox")
			}
			return nil, nil
		}, WithName("sleeper"))
		_, _ = inCall.Receive(timeout(t))
		// Stop cannot interrupt C: with a short deadline it reports the
		// deadline; the inbox is released at once (E14).
		sctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		err = r.Stop(sctx)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Stop() during a native call = %v; want DeadlineExceeded", err)
		}
		note("stop returned")
		if err := r.Send(1); !errors.Is(err, ErrClosed) {
			t.Errorf("Send after Stop while in C = %v; want ErrClosed (mailbox released promptly)", err)
		}
		if _, err := wr.Write([]byte{1}); err != nil { // let the call return
			return err
		}
		if err := r.Stop(timeout(t)); err != nil {
			t.Errorf("second Stop() = %v; want nil once the call returned", err)
		}
		if got, want := strings.Join(events.All(), ","), "stop returned,native returned,saw closed inbox"; got != want {
			t.Errorf("events = %s; want %s", got, want)
		}
		return nil
	})
}

func TestStop_SystemStopsEverything(t *testing.T) {
	run(t, func(ctx *Context) error {
		h, _ := ctx.SpawnHandler(func() Handler { return HandlerFunc(func(*HandlerContext, any) {}) }, Unpinned())
		b, _ := ctx.Spawn(func(cx *Context) (any, error) {
			_, err := cx.Receive()
			return nil, err
		}, Unpinned())
		if err := ctx.System().Stop(timeout(t)); err != nil {
			t.Fatalf("System.Stop() = %v", err)
		}
		if !isDone(h) || !isDone(b) {
			t.Errorf("actors still running after Stop")
		}
		if _, err := ctx.Spawn(func(*Context) (any, error) { return nil, nil }); !errors.Is(err, ErrStopping) {
			t.Errorf("Spawn after Stop = %v; want ErrStopping", err)
		}
		st := ctx.System().Stats()
		if st.Sent != st.Received+st.Rejected+st.Dropped+st.DeadLetters {
			t.Errorf("counters do not balance: %+v", st)
		}
		return nil
	})
}

// Stop and Run return at their deadline when an actor is stuck in C: the
// grace for lingering actors does not apply to it (issue 11, item 9: Stop
// with 300 ms returned after 1.3 s, after the native call had returned).
// The native call outlasts the deadline by 700 ms; Stop must return first.
func TestStop_DeadlineNotExtendedForActorInC(t *testing.T) {
	nat := loadNative(t)
	var events *testlib.Log[string]
	note := func(s string) { events.Add(s) }
	sleeper := func(inCall *Port, out chan<- struct{}) func(*Context) (any, error) {
		return func(cx *Context) (any, error) {
			defer close(out)
			_ = inCall.Send(true)
			nat.sleepMS(1000)
			note("native returned")
			return nil, nil
		}
	}
	t.Run("System.Stop", func(t *testing.T) {
		events = new(testlib.Log[string])
		out := make(chan struct{})
		run(t, func(ctx *Context) error {
			inCall := ctx.NewPort()
			if _, err := ctx.Spawn(sleeper(inCall, out), WithName("stuck")); err != nil {
				return err
			}
			_, _ = inCall.Receive(timeout(t))
			sctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			err := ctx.System().Stop(sctx)
			cancel()
			note("stop returned")
			if !errors.Is(err, ErrShutdownTimeout) {
				t.Errorf("Stop = %v; want ErrShutdownTimeout", err)
			}
			<-out
			return nil
		})
		if got, want := strings.Join(events.All(), ","), "stop returned,native returned"; got != want {
			t.Errorf("events = %s; want %s", got, want)
		}
	})
	t.Run("Run", func(t *testing.T) {
		events = new(testlib.Log[string])
		out := make(chan struct{})
		err := Run(func(ctx *Context) error {
			inCall := ctx.NewPort()
			if _, err := ctx.Spawn(sleeper(inCall, out), WithName("stuck")); err != nil {
				return err
			}
			_, _ = inCall.Receive(timeout(t))
			return nil
		}, WithShutdownTimeout(300*time.Millisecond))
		note("run returned")
		if !errors.Is(err, ErrShutdownTimeout) {
			t.Errorf("Run = %v; want ErrShutdownTimeout", err)
		}
		<-out
		if got, want := strings.Join(events.All(), ","), "run returned,native returned"; got != want {
			t.Errorf("events = %s; want %s", got, want)
		}
	})
}
