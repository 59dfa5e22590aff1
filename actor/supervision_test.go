package actor

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/goractor/goractor/internal/testlib"
)

func TestSupervision_RestartSemantics(t *testing.T) {
	var log testlib.Log[Failure]
	var life testlib.Log[string]
	note := life.Add
	run(t, func(ctx *Context) error {
		h, err := ctx.SpawnHandler(func() Handler {
			state := 0 // fresh for every incarnation
			return HandlerFunc(func(hc *HandlerContext, msg any) {
				switch m := msg.(type) {
				case Started:
					note("started")
				case Restarting:
					note("restarting")
				case Stopping:
					note("stopping")
				case Stopped:
					note("stopped")
				case string:
					if m == "boom" {
						panic(fmt.Errorf("boom at state %d", state))
					}
				case int:
					state += m
					_ = hc.Respond(state)
				}
			})
		}, WithName("flaky"), WithRestarts(10, 5*time.Second))
		if err != nil {
			return err
		}
		for i := 1; i <= 10; i++ {
			if v, err := h.Request(timeout(t), 1); err != nil || v != 1 {
				t.Fatalf("round %d: Request(1) = %v, %v; want 1 (fresh state after each restart)", i, v, err)
			}
			_, err := h.Request(timeout(t), "boom")
			var re *RemoteError
			if !errors.As(err, &re) || re.Actor != "flaky" {
				t.Fatalf("round %d: Request(boom) = %v; want *RemoteError", i, err)
			}
		}
		// The 11th failure within the window stops the actor.
		_ = h.Send("boom")
		if err := h.Join(timeout(t)); err == nil {
			t.Errorf("Join() after the restart limit = nil; want the last failure")
		}
		return nil
	}, WithFailureHandler(log.Add))
	ev := log.All()
	if len(ev) != 11 {
		t.Fatalf("failure events = %d; want 11", len(ev))
	}
	for i, f := range ev {
		if f.Message != "boom" || f.Actor != "flaky" || f.Failures != i+1 || f.Restarted != (i < 10) {
			t.Errorf("event %d = %+v; want Message boom, Failures %d, Restarted %v", i, f, i+1, i < 10)
		}
		var pe *PanicError
		if !errors.As(f.Err, &pe) {
			t.Errorf("event %d error = %v; want *PanicError", i, f.Err)
		}
	}
	events := life.All()
	counts := map[string]int{}
	for _, s := range events {
		counts[s]++
	}
	want := map[string]int{"started": 11, "restarting": 10, "stopping": 1, "stopped": 1}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Errorf("lifecycle counts = %v; want %v", counts, want)
	}
	if events[len(events)-1] != "stopped" {
		t.Errorf("last lifecycle message = %s; want stopped", events[len(events)-1])
	}
}

func TestSupervision_PanicInLifecycleHook(t *testing.T) {
	var log testlib.Log[Failure]
	run(t, func(ctx *Context) error {
		// A panic in Stopping does not resurrect the actor.
		stopPanic, _ := ctx.SpawnHandler(func() Handler {
			return HandlerFunc(func(_ *HandlerContext, msg any) {
				if _, ok := msg.(Stopping); ok {
					panic("in stopping")
				}
			})
		})
		if err := stopPanic.Stop(timeout(t)); err != nil {
			t.Errorf("Stop() = %v", err)
		}
		if err := stopPanic.Send(1); !errors.Is(err, ErrClosed) {
			t.Errorf("Send after a Stopping panic = %v; want ErrClosed (no resurrection)", err)
		}
		// A panic in Started counts as a failure: restarts, then stops.
		startPanic, _ := ctx.SpawnHandler(func() Handler {
			return HandlerFunc(func(_ *HandlerContext, msg any) {
				if _, ok := msg.(Started); ok {
					panic("in started")
				}
			})
		}, WithName("bad-start"), WithRestarts(2, time.Minute))
		if err := startPanic.Join(timeout(t)); err == nil {
			t.Errorf("Join() of an actor that always panics in Started = nil; want its failure")
		}
		return nil
	}, WithFailureHandler(log.Add))
	n := 0
	for _, f := range log.All() {
		if f.Actor == "bad-start" {
			n++
		}
	}
	if n != 3 {
		t.Errorf("failures of bad-start = %d; want 3 (2 restarts, then stop)", n)
	}
}

func TestSupervision_ProducerRunsOnActorThread(t *testing.T) {
	run(t, func(ctx *Context) error {
		tids := make(chan int, 4)
		h, _ := ctx.SpawnHandler(func() Handler {
			tids <- gettid()
			return HandlerFunc(func(hc *HandlerContext, msg any) {
				switch msg.(type) {
				case Started:
					tids <- gettid()
				case string:
					panic("restart me")
				case int:
					_ = hc.Respond(gettid())
				}
			})
		})
		_ = h.Send("x")
		v, err := h.Request(timeout(t), 1)
		if err != nil {
			t.Fatal(err)
		}
		close(tids)
		for tid := range tids {
			if tid != v.(int) || tid != h.ThreadID() {
				t.Errorf("producer/Started ran on thread %d; want the actor's thread %d", tid, v)
			}
		}
		return nil
	})
}
