package actor

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// A sender blocked on a full OverflowBlock mailbox gets the slot that frees
// up before a sender that comes later: the slot is handed to the waiter,
// not left to whoever takes it first. Before, senders that kept sending
// took every freed slot before a woken waiter ran (TestLoad_FanInBackPressure
// saw a sender starved past its 30 s deadline under load).
func TestMailboxBlockedSenderGoesFirst(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	run(t, func(ctx *Context) error {
		sink, err := ctx.Spawn(func(cx *Context) (any, error) {
			<-cx.Done() // never takes a message out: the test frees slots
			return nil, nil
		}, WithMailbox(1, OverflowBlock), WithName("sink"))
		if err != nil {
			return err
		}
		defer sink.Stop(bg()) //nolint:errcheck // the test's own actor
		if err := sink.Send("fill"); err != nil {
			return err
		}
		first := make(chan error, 1)
		go func() { first <- sink.SendContext(timeout(t), "first") }()
		for deadline := time.Now().Add(30 * time.Second); sink.c.nSpace.Load() != 1; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the first sender never blocked")
			}
		}
		sink.c.release() // "fill" left the mailbox: its slot is the first sender's
		if n := sink.c.queued.Load(); n != 1 {
			t.Errorf("after the release %d slots are taken; want 1: the freed slot reserved for the blocked sender at once", n)
		}
		late, cancel := context.WithTimeout(bg(), 200*time.Millisecond)
		defer cancel()
		if err := sink.SendContext(late, "late"); !errors.Is(err, ErrMailboxFull) {
			t.Errorf("a later sender got the freed slot ahead of the blocked one: %v", err)
		}
		if err := <-first; err != nil {
			t.Errorf("the blocked sender: %v; want its message accepted", err)
		}
		return nil
	})
}
