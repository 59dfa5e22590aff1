package ffi

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/goractor/goractor/internal/otelx"
)

// WithPoolMeterProvider publishes the pool's counters (the ones Stats
// returns) as asynchronous OpenTelemetry instruments created from mp's meter
// "github.com/goractor/goractor/ffi", each with the attribute pool=name:
//
//	goractor.pool.threads          gauge    worker threads started and not yet ended
//	goractor.pool.size             gauge    maximum threads
//	goractor.pool.jobs.running     gauge    jobs running now
//	goractor.pool.queue.length     gauge    jobs waiting
//	goractor.pool.jobs.completed   counter  jobs finished
//	goractor.pool.panics           counter  panics recovered
//
// They read the counters the pool keeps anyway, so calls cost the same with
// and without a provider; Close unregisters them. A nil mp publishes nothing.
// An instrument that cannot be made panics with the SDK's error (a provider
// that refuses valid names is misconfigured).
func WithPoolMeterProvider(mp metric.MeterProvider, name string) PoolOption {
	return poolOptionFunc(func(p *Pool) {
		if mp == nil {
			return
		}
		unobserve, err := observePool(mp, name, p)
		if err != nil {
			panic("ffi: WithPoolMeterProvider: " + err.Error())
		}
		p.unobserve = unobserve
	})
}

func observePool(mp metric.MeterProvider, name string, p *Pool) (func(), error) {
	b := &otelx.Builder{Meter: mp.Meter("github.com/goractor/goractor/ffi")}
	threads := b.Gauge("goractor.pool.threads", "{thread}", "Worker threads started and not yet ended.")
	size := b.Gauge("goractor.pool.size", "{thread}", "Maximum worker threads.")
	running := b.Gauge("goractor.pool.jobs.running", "{job}", "Jobs running now.")
	queued := b.Gauge("goractor.pool.queue.length", "{job}", "Jobs waiting for a thread.")
	completed := b.Counter("goractor.pool.jobs.completed", "{job}", "Jobs finished.")
	panics := b.Counter("goractor.pool.panics", "{panic}", "Panics recovered from jobs and Then callbacks.")
	attrs := metric.WithAttributes(attribute.String("pool", name))
	return b.Register(func(_ context.Context, o metric.Observer) error {
		st := p.Stats()
		o.ObserveInt64(threads, int64(st.Threads), attrs)
		o.ObserveInt64(size, int64(st.Size), attrs)
		o.ObserveInt64(running, int64(st.Running), attrs)
		o.ObserveInt64(queued, int64(st.Queued), attrs)
		o.ObserveInt64(completed, int64(st.Completed), attrs)
		o.ObserveInt64(panics, int64(st.Panics), attrs)
		return nil
	})
}
