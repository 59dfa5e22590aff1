package actor

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/goractor/goractor/internal/testlib"
)

// latched spawns a body actor that waits for one message on its own port
// (given to the caller through ready) before it drains its inbox.
func latched(t *testing.T, ctx *Context, opts ...SpawnOption) (*Ref, *Port) {
	t.Helper()
	ready := ctx.NewPort()
	r, err := ctx.Spawn(func(cx *Context) (any, error) {
		latch := cx.NewPort()
		if err := ready.Send(latch); err != nil {
			return nil, err
		}
		if _, err := latch.Receive(cx.Context()); err != nil {
			return 0, nil
		}
		n := 0
		for {
			m, err := cx.Receive()
			if err != nil || m == "end" {
				return n, nil
			}
			n++
		}
	}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	v, err := ready.Receive(timeout(t))
	if err != nil {
		t.Fatal(err)
	}
	return r, v.(*Port)
}

func cpuTime() time.Duration {
	cpu, _ := testlib.Usage()
	return cpu
}

func TestMailbox_BoundedRejectsNoSpin(t *testing.T) {
	run(t, func(ctx *Context) error {
		r, latch := latched(t, ctx, WithMailbox(3, OverflowFail))
		for i := range 3 {
			if err := r.TrySend(i); err != nil {
				t.Fatalf("TrySend(%d) = %v; want nil", i, err)
			}
		}
		if err := r.TrySend(3); !errors.Is(err, ErrMailboxFull) {
			t.Fatalf("4th TrySend = %v; want ErrMailboxFull", err)
		}
		if err := r.Send(3); !errors.Is(err, ErrMailboxFull) {
			t.Fatalf("4th Send (OverflowFail) = %v; want ErrMailboxFull", err)
		}
		cpu0 := cpuTime()
		sctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		err := r.SendContext(sctx, 3)
		cancel()
		cpu := cpuTime() - cpu0
		if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, ErrMailboxFull) {
			t.Fatalf("blocking SendContext = %v; want DeadlineExceeded and ErrMailboxFull", err)
		}
		// A blocked sender parks: the whole process used far less CPU than
		// the 300ms it waited (a spinning sender would use all of it).
		if cpu > 150*time.Millisecond {
			t.Errorf("process CPU time while a sender was blocked for 300ms = %v; want well under it (no spinning)", cpu)
		}
		// Room appears: a blocked sender gets through.
		done := make(chan error, 1)
		go func() {
			done <- r.SendContext(timeout(t), "end")
		}()
		_ = latch.Send(true)
		if err := <-done; err != nil {
			t.Fatalf("SendContext after the receiver drained = %v", err)
		}
		n, err := r.Value(timeout(t))
		if err != nil || n != 3 {
			t.Errorf("receiver got %v messages (err %v); want 3", n, err)
		}
		return nil
	})
}

func TestMailbox_SelfSendWhenFull(t *testing.T) {
	run(t, func(ctx *Context) error {
		r, _ := ctx.Spawn(func(cx *Context) (any, error) {
			self := cx.Self()
			for i := range 2 {
				if err := self.Send(i); err != nil {
					return nil, err
				}
			}
			return nil, self.SendContext(context.Background(), 2)
		}, WithMailbox(2, OverflowBlock))
		err := r.Join(timeout(t))
		if !errors.Is(err, ErrMailboxFull) || !errors.Is(err, errSelfSend) {
			t.Errorf("self-send into a full mailbox = %v; want ErrMailboxFull (self send)", err)
		}
		return nil
	})
}

func TestMailbox_NoSilentDrop(t *testing.T) {
	n := size(t, 10000, 2000, 2000)
	run(t, func(ctx *Context) error {
		before := ctx.System().Stats()
		r, latch := latched(t, ctx, WithMailbox(16, OverflowDrop))
		for i := range n {
			if err := r.Send(i); err != nil {
				t.Fatalf("Send(%d) under OverflowDrop = %v; want nil", i, err)
			}
		}
		_ = latch.Send(true)
		for r.SendContext(timeout(t), "end") != nil {
		}
		got, err := r.Value(timeout(t))
		if err != nil {
			t.Fatal(err)
		}
		st := ctx.System().Stats()
		sent := st.Sent - before.Sent - 2 // the latch and the ready messages are port sends
		dropped := st.Dropped - before.Dropped
		if got.(int) != 16 || dropped != uint64(n-16) {
			t.Errorf("received %v, dropped %d; want 16 and %d", got, dropped, n-16)
		}
		if sent < uint64(n+1) {
			t.Errorf("sent = %d; want at least %d", sent, n+1)
		}
		return nil
	})
}

func TestMailbox_PerSenderFIFO(t *testing.T) {
	senders := size(t, 100, 20, 20)
	per := size(t, 10000, 1000, 200)
	run(t, func(ctx *Context) error {
		type msg struct{ from, seq int }
		recv, _ := ctx.Spawn(func(cx *Context) (any, error) {
			last := make([]int, senders)
			for i := range last {
				last[i] = -1
			}
			for range senders * per {
				m, err := cx.Receive()
				if err != nil {
					return nil, err
				}
				mm := m.(msg)
				if mm.seq != last[mm.from]+1 {
					return nil, errors.New("out of order")
				}
				last[mm.from] = mm.seq
			}
			return senders * per, nil
		}, WithMailbox(4096, OverflowBlock))
		for s := range senders {
			_, _ = ctx.Spawn(func(cx *Context) (any, error) {
				for i := range per {
					if err := recv.SendContext(cx.Context(), msg{s, i}); err != nil {
						return nil, err
					}
				}
				return nil, nil
			}, Unpinned())
		}
		v, err := recv.Value(timeout(t))
		if err != nil || v != senders*per {
			t.Errorf("receiver = %v, %v; want %d in per-sender order", v, err, senders*per)
		}
		return nil
	})
}

func TestSend_ToStoppedActor(t *testing.T) {
	run(t, func(ctx *Context) error {
		b, _ := ctx.Spawn(func(*Context) (any, error) { return nil, nil })
		h, _ := ctx.SpawnHandler(func() Handler { return HandlerFunc(func(*HandlerContext, any) {}) })
		_ = b.Join(timeout(t))
		if err := h.Stop(timeout(t)); err != nil {
			t.Fatal(err)
		}
		before := ctx.System().Stats()
		for _, r := range []*Ref{b, h} {
			if err := r.Send(1); !errors.Is(err, ErrClosed) {
				t.Errorf("Send to finished %s = %v; want ErrClosed", r, err)
			}
		}
		if _, err := h.Request(timeout(t), 1); !errors.Is(err, ErrClosed) {
			t.Errorf("Request to a stopped handler = %v; want ErrClosed", err)
		}
		if d := ctx.System().Stats().DeadLetters - before.DeadLetters; d != 3 {
			t.Errorf("dead letters = %d; want 3 (one per send)", d)
		}
		return nil
	})
}

// Messages queued in a body actor's inbox when it is stopped are dead
// letters: Sent == Received + Rejected + Dropped + DeadLetters (issue 11,
// item 8; requestStop discarded them uncounted).
func TestStop_QueuedMessagesAreDeadLetters(t *testing.T) {
	run(t, func(ctx *Context) error {
		before := ctx.System().Stats()
		b, err := ctx.Spawn(func(cx *Context) (any, error) {
			<-cx.Done() // never receives
			return nil, nil
		})
		if err != nil {
			return err
		}
		for i := range 10 {
			if err := b.Send(i); err != nil {
				return err
			}
		}
		if err := b.Stop(timeout(t)); err != nil {
			return err
		}
		st := ctx.System().Stats()
		sent, dead := st.Sent-before.Sent, st.DeadLetters-before.DeadLetters
		if sent != 10 || dead != 10 {
			t.Errorf("after Stop: Sent %d, DeadLetters %d; want 10, 10", sent, dead)
		}
		if st.Sent != st.Received+st.Rejected+st.Dropped+st.DeadLetters {
			t.Errorf("counters do not balance: %+v", st)
		}
		return nil
	})
}
