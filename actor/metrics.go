package actor

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/goractor/goractor/internal/callback"
	"github.com/goractor/goractor/internal/otelx"
)

// WithMeterProvider publishes the system's counters (the ones Stats returns)
// and the process's callback counters as OpenTelemetry instruments created
// from mp's meter "github.com/goractor/goractor/actor":
//
//	goractor.actor.alive                   gauge    actors not yet finished
//	goractor.actor.spawned                 counter  actors started
//	goractor.actor.messages.sent           counter  messages offered to a send
//	goractor.actor.messages.received       counter  messages handed to a body or handler
//	goractor.actor.messages.rejected       counter  by reason: "isolation" (the send gate) or "mailbox_full"
//	goractor.actor.messages.dropped        counter  discarded by an OverflowDrop mailbox
//	goractor.actor.messages.dead_lettered  counter  sent to a closed actor or port
//	goractor.actor.mailbox.length          gauge    messages queued in bounded mailboxes
//	goractor.actor.failures, goractor.actor.restarts
//	goractor.callback.fired                counter  C calls that entered a callback
//	goractor.callback.delivered            counter  calls whose handler returned normally
//	goractor.callback.exceptional          counter  by reason: closed, stale, deadline, panic, wrong_thread, depth
//
// Every instrument is asynchronous: it reads the counters the system keeps
// anyway when the provider collects, so sends and receives cost the same
// with and without a provider. The instruments are unregistered when Run
// returns. A nil mp, and the default, publish nothing.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return runOptionFunc(func(c *runConfig) { c.meter = mp })
}

// observe registers the system's instruments and returns the function that
// unregisters them. When the provider refuses them the error is logged and
// nothing is published: metrics never stop a program.
func (s *System) observe() func() {
	if s.meter == nil {
		return func() {}
	}
	b := &otelx.Builder{Meter: s.meter.Meter("github.com/goractor/goractor/actor")}
	alive := b.Gauge("goractor.actor.alive", "{actor}", "Actors started and not yet finished.")
	spawned := b.Counter("goractor.actor.spawned", "{actor}", "Actors started, the main actor included.")
	sent := b.Counter("goractor.actor.messages.sent", "{message}", "Messages offered to Send, Request, Port.Send and friends.")
	received := b.Counter("goractor.actor.messages.received", "{message}", "Messages handed to a body or a handler.")
	rejected := b.Counter("goractor.actor.messages.rejected", "{message}", "Messages refused by the send gate or a full mailbox.")
	dropped := b.Counter("goractor.actor.messages.dropped", "{message}", "Messages discarded by an OverflowDrop mailbox.")
	dead := b.Counter("goractor.actor.messages.dead_lettered", "{message}", "Messages sent to a closed actor or port, or left queued when it closed.")
	mailbox := b.Gauge("goractor.actor.mailbox.length", "{message}", "Messages queued in bounded mailboxes.")
	failures := b.Counter("goractor.actor.failures", "{failure}", "Failures of handler actors.")
	restarts := b.Counter("goractor.actor.restarts", "{restart}", "Restarts by supervision.")
	fired := b.Counter("goractor.callback.fired", "{call}", "C calls that entered a goractor callback.")
	delivered := b.Counter("goractor.callback.delivered", "{call}", "Callback calls whose handler returned normally.")
	exceptional := b.Counter("goractor.callback.exceptional", "{call}", "Callback calls that returned the exceptional value.")

	reason := func(r string) metric.ObserveOption { return metric.WithAttributes(attribute.String("reason", r)) }
	isolation, full := reason("isolation"), reason("mailbox_full")
	unregister, err := b.Register(func(_ context.Context, o metric.Observer) error {
		st := s.Stats()
		var rejFull, queued uint64
		for i := range s.stats.shards {
			rejFull += s.stats.shards[i].rejectFull.Load()
		}
		s.mu.Lock()
		for c := range s.actors {
			queued += uint64(max(0, c.queued.Load()))
		}
		s.mu.Unlock()
		o.ObserveInt64(alive, int64(st.Running))
		o.ObserveInt64(spawned, int64(st.Spawned))
		o.ObserveInt64(sent, int64(st.Sent))
		o.ObserveInt64(received, int64(st.Received))
		o.ObserveInt64(rejected, int64(st.Rejected-rejFull), isolation)
		o.ObserveInt64(rejected, int64(rejFull), full)
		o.ObserveInt64(dropped, int64(st.Dropped))
		o.ObserveInt64(dead, int64(st.DeadLetters))
		o.ObserveInt64(mailbox, int64(queued))
		o.ObserveInt64(failures, int64(st.Failures))
		o.ObserveInt64(restarts, int64(st.Restarts))
		cb := callback.ReadStats()
		o.ObserveInt64(fired, cb.Fired)
		o.ObserveInt64(delivered, cb.Delivered)
		for _, e := range [...]struct {
			r string
			n int64
		}{{"closed", cb.ExClosed}, {"stale", cb.ExStale}, {"deadline", cb.ExDeadline}, {"panic", cb.ExPanic}, {"wrong_thread", cb.ExWrong}, {"depth", cb.ExDepth}} {
			o.ObserveInt64(exceptional, e.n, reason(e.r))
		}
		return nil
	})
	if err != nil {
		s.log.Warn("actor: metrics: " + err.Error())
		return func() {}
	}
	return unregister
}
