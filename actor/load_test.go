package actor

import (
	"errors"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"
	"unsafe"

	"go.uber.org/goleak"

	"github.com/goractor/goractor/internal/testlib"
)

// balance checks the counter invariant once every actor has stopped.
func balance(t *testing.T, st Stats) {
	t.Helper()
	if st.Sent != st.Received+st.Rejected+st.Dropped+st.DeadLetters {
		t.Errorf("counters do not balance: sent %d != received %d + rejected %d + dropped %d + dead letters %d",
			st.Sent, st.Received, st.Rejected, st.Dropped, st.DeadLetters)
	}
}

// statsAfter runs main in a system and returns its final stats.
func statsAfter(t *testing.T, main func(ctx *Context) error) Stats {
	t.Helper()
	var sys *System
	run(t, func(ctx *Context) error {
		sys = ctx.System()
		return main(ctx)
	})
	return sys.Stats()
}

// L1: a ring of pinned actors passing a token.
func TestLoad_Ring(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	n := size(t, 1000, 200, 256)
	laps := size(t, 100, 10, 20)
	base := testlib.Threads()
	peak := 0
	st := statsAfter(t, func(ctx *Context) error {
		done := ctx.NewPort()
		refs := make([]*Ref, n)
		// Each actor forwards to the next one, which it learns from its
		// first message; the last one reports each completed lap.
		for i := n - 1; i >= 0; i-- {
			last := i == n-1
			r, err := ctx.Spawn(func(cx *Context) (any, error) {
				m, err := cx.Receive()
				if err != nil {
					return nil, err
				}
				next, _ := m.(*Ref)
				hops := 0
				for {
					m, err := cx.Receive()
					if err != nil {
						return hops, nil
					}
					hops++
					if last {
						err = done.Send(m)
					} else {
						err = next.Send(m)
					}
					if err != nil {
						return nil, err
					}
				}
			}, WithName(fmt.Sprint("ring-", i)))
			if err != nil {
				return err
			}
			refs[i] = r
		}
		for i := range n - 1 {
			_ = refs[i].Send(refs[i+1])
		}
		_ = refs[n-1].Send("last")
		for lap := range laps {
			if err := refs[0].Send(lap); err != nil {
				return err
			}
			v, err := done.Receive(timeout(t))
			if err != nil || v != lap {
				return fmt.Errorf("lap %d came back as %v, %v", lap, v, err)
			}
			if lap == 0 {
				peak = testlib.Threads()
			}
		}
		return nil
	})
	after := settleThreads(base + threadSlack)
	t.Logf("threads: base %d, peak %d, after %d; stats %+v", base, peak, after, st)
	if st.Received != uint64(n*laps+n+laps) {
		t.Errorf("received %d messages; want %d hops + %d introductions + %d laps reported", st.Received, n*laps, n, laps)
	}
	balance(t, st)
	if base > 0 && (peak < n || after > base+threadSlack) {
		t.Errorf("threads: peak %d (want >= %d), after %d (want <= %d)", peak, n, after, base+threadSlack)
	}
}

// L2: many senders into one bounded mailbox with blocking sends.
func TestLoad_FanInBackPressure(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	senders := size(t, 1000, 100, 200)
	per := size(t, 1000, 200, 500)
	var cpuPaused time.Duration
	st := statsAfter(t, func(ctx *Context) error {
		pause := ctx.NewPort()
		type msg struct{ from, seq int }
		ready := ctx.NewPort()
		recv, _ := ctx.Spawn(func(cx *Context) (any, error) {
			latch := cx.NewPort()
			_ = ready.Send(latch)
			last := make([]int, senders)
			for i := range last {
				last[i] = -1
			}
			got := 0
			for got < senders*per {
				if got == 100 {
					// Pause with a full mailbox so that senders block.
					_ = pause.Send(true)
					if _, err := latch.Receive(cx.Context()); err != nil {
						return nil, err
					}
				}
				m, err := cx.Receive()
				if err != nil {
					return nil, err
				}
				mm := m.(msg)
				if mm.seq != last[mm.from]+1 {
					return nil, fmt.Errorf("sender %d: got seq %d after %d", mm.from, mm.seq, last[mm.from])
				}
				last[mm.from] = mm.seq
				got++
			}
			return got, nil
		}, WithMailbox(4096, OverflowBlock), WithName("sink"))
		g, _ := ready.Receive(timeout(t))
		var wg sync.WaitGroup
		errs := make(chan error, senders)
		for s := range senders {
			wg.Add(1)
			go func() { // plain goroutines: they must park, not spin
				defer wg.Done()
				for i := range per {
					if err := recv.SendContext(timeout(t), msg{s, i}); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		_, _ = pause.Receive(timeout(t))
		time.Sleep(50 * time.Millisecond) // let the mailbox fill and senders block
		c0 := cpuTime()
		time.Sleep(time.Second)
		cpuPaused = cpuTime() - c0
		_ = g.(*Port).Send(true)
		wg.Wait()
		close(errs)
		for err := range errs {
			return err
		}
		v, err := recv.Value(timeout(t))
		if err != nil || v != senders*per {
			return fmt.Errorf("receiver = %v, %v; want %d", v, err, senders*per)
		}
		return nil
	})
	t.Logf("process CPU while the receiver paused 1s with blocked senders: %v", cpuPaused)
	if cpuPaused > 300*time.Millisecond {
		t.Errorf("process CPU time during a 1s pause with %d blocked senders = %v; want far less (blocked senders must not spin)", senders, cpuPaused)
	}
	balance(t, st)
}

// L3: ping-pong pairs with a copied 1 KiB mutable payload.
func TestLoad_PingPongCopy(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	pairs := size(t, 500, 50, 100)
	rounds := size(t, 2000, 200, 500)
	heap0 := heapBytes()
	st := statsAfter(t, func(ctx *Context) error {
		results := make([]*Ref, pairs)
		for p := range pairs {
			pong, _ := ctx.Spawn(func(cx *Context) (any, error) {
				m, err := cx.Receive()
				if err != nil {
					return nil, err
				}
				peer := m.(*Ref)
				for {
					m, err := cx.Receive()
					if err != nil {
						return nil, nil
					}
					b := m.([]byte)
					b[0]++ // mutate our copy
					if err := peer.Send(b); err != nil {
						return nil, err
					}
				}
			}, Unpinned())
			results[p], _ = ctx.Spawn(func(cx *Context) (any, error) {
				pong := cx.Args()[0].(*Ref)
				_ = pong.Send(cx.Self())
				payload := make([]byte, 1024)
				shared := 0
				for i := range rounds {
					if err := pong.Send(payload); err != nil {
						return nil, err
					}
					m, err := cx.Receive()
					if err != nil {
						return nil, err
					}
					b := m.([]byte)
					if i%100 == 0 && unsafe.SliceData(b) == unsafe.SliceData(payload) {
						shared++
					}
					if payload[0] != 0 {
						return nil, errors.New("the sender's payload changed")
					}
					if b[0] != 1 {
						return nil, fmt.Errorf("reply byte = %d; want 1", b[0])
					}
				}
				_ = pong.Stop(cx.Context())
				return shared, nil
			}, WithArgs(pong), Unpinned())
		}
		for _, r := range results {
			v, err := r.Value(timeout(t))
			if err != nil {
				return err
			}
			if v != 0 {
				t.Errorf("%d sampled replies shared memory with the sender; want 0", v)
			}
		}
		return nil
	})
	runtime.GC()
	heap1 := heapBytes()
	t.Logf("heap before %d, after %d", heap0, heap1)
	if heap1 > heap0+heap0/10+4<<20 {
		t.Errorf("heap after GC = %d; want back near %d", heap1, heap0)
	}
	balance(t, st)
}

func heapBytes() uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// L8 and E7: supervision churn, pinned handlers panicking repeatedly.
func TestLoad_SupervisionChurn(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	actors := size(t, 500, 100, 100)
	panics := size(t, 10, 5, 5)
	base := testlib.Threads()
	var sys *System
	run(t, func(ctx *Context) error {
		sys = ctx.System()
		refs := make([]*Ref, actors)
		for i := range refs {
			refs[i], _ = ctx.SpawnHandler(func() Handler {
				n := 0
				return HandlerFunc(func(hc *HandlerContext, msg any) {
					switch msg {
					case "panic":
						panic("churn")
					case "count":
						n++
						_ = hc.Respond(n)
					}
				})
			}, WithRestarts(panics+1, time.Minute))
		}
		for range panics {
			for _, r := range refs {
				_ = r.Send("panic")
			}
		}
		for _, r := range refs {
			if v, err := r.Request(timeout(t), "count"); err != nil || v != 1 {
				return fmt.Errorf("after %d restarts Request = %v, %v; want 1", panics, v, err)
			}
		}
		return nil
	})
	st := sys.Stats()
	after := settleThreads(base + threadSlack)
	t.Logf("threads base %d after %d; stats %+v", base, after, st)
	if st.Restarts != uint64(actors*panics) {
		t.Errorf("restarts = %d; want %d", st.Restarts, actors*panics)
	}
	if base > 0 && after > base+threadSlack {
		t.Errorf("threads after churn = %d; want <= %d", after, base+threadSlack)
	}
	balance(t, st)
}
