package extension

import (
	"context"
	"errors"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.uber.org/zap"

	"github.com/goractor/goractor/safety"
)

// WithMeterProvider records the extension's native calls as OpenTelemetry
// instruments created from mp's meter "github.com/goractor/goractor/extension",
// each with the attribute extension (the declaration's name):
//
//	goractor.extension.calls           counter    native calls run, by function and route
//	goractor.extension.call.duration   histogram  seconds in native code, by route
//	goractor.extension.call_gate.refusals  counter    calls the call gate refused, by function and reason
//	goractor.extension.call_gate.handoffs  counter    calls the policy ran elsewhere (route on-main,
//	                                                  serialized or dedicated), by function
//
// Route and reason values are Route.String() and "not_parallel_safe",
// "wrong_thread", "no_main_actor", "would_deadlock" or "other". With a
// provider every bound function goes through the call gate, parallel-safe ones
// included, so that every call is counted and timed; without one (nil, the
// default) nothing is recorded and ungated functions stay ungated.
//
// The two call-gate instruments were named goractor.extension.gate.refusals
// and .handoffs before; docs/metrics.md shows the View that keeps a
// dashboard on the old names.
func WithMeterProvider(mp metric.MeterProvider) LoadOption {
	return loadOptionFunc(func(c *loadConfig) { c.meter = mp })
}

// extMetrics are one extension's synchronous instruments.
type extMetrics struct {
	name     attribute.KeyValue
	calls    metric.Int64Counter
	duration metric.Float64Histogram
	refusals metric.Int64Counter
	handoffs metric.Int64Counter
}

// newExtMetrics returns nil when mp is nil or an instrument cannot be made
// (logged: metrics never stop a load).
func newExtMetrics(mp metric.MeterProvider, name string, log *zap.Logger) *extMetrics {
	if mp == nil {
		return nil
	}
	m := mp.Meter("github.com/goractor/goractor/extension")
	em := &extMetrics{name: attribute.String("extension", name)}
	err := errors.Join(
		set(&em.calls, func() (metric.Int64Counter, error) {
			return m.Int64Counter("goractor.extension.calls", metric.WithUnit("{call}"), metric.WithDescription("Native calls run, by function and route."))
		}),
		set(&em.duration, func() (metric.Float64Histogram, error) {
			return m.Float64Histogram("goractor.extension.call.duration", metric.WithUnit("s"), metric.WithDescription("Time spent in native code per call, by route."))
		}),
		set(&em.refusals, func() (metric.Int64Counter, error) {
			return m.Int64Counter("goractor.extension.call_gate.refusals", metric.WithUnit("{call}"), metric.WithDescription("Native calls the call gate refused, by function and reason."))
		}),
		set(&em.handoffs, func() (metric.Int64Counter, error) {
			return m.Int64Counter("goractor.extension.call_gate.handoffs", metric.WithUnit("{call}"), metric.WithDescription("Native calls the extension's policy ran on another thread or under its lock."))
		}),
	)
	if err != nil {
		log.Warn("extension: metrics", zap.String("extension", name), zap.Error(err))
		return nil
	}
	return em
}

func set[T any](dst *T, mk func() (T, error)) error {
	v, err := mk()
	*dst = v
	return err
}

// called records one call of fn that ran by route r for d.
func (em *extMetrics) called(fn string, r Route, d time.Duration) {
	ctx := context.Background()
	route := attribute.String("route", r.String())
	em.calls.Add(ctx, 1, metric.WithAttributes(em.name, attribute.String("function", fn), route))
	em.duration.Record(ctx, d.Seconds(), metric.WithAttributes(em.name, route))
	if r != RouteDirect {
		em.handoffs.Add(ctx, 1, metric.WithAttributes(em.name, attribute.String("function", fn), route))
	}
}

// refused records one refusal of fn.
func (em *extMetrics) refused(fn string, reason error) {
	em.refusals.Add(context.Background(), 1, metric.WithAttributes(em.name, attribute.String("function", fn), attribute.String("reason", refusalReason(reason))))
}

func refusalReason(err error) string {
	switch {
	case errors.Is(err, safety.ErrNotParallelSafe):
		return "not_parallel_safe"
	case errors.Is(err, safety.ErrWrongThread):
		return "wrong_thread"
	case errors.Is(err, safety.ErrNoMainActor):
		return "no_main_actor"
	case errors.Is(err, safety.ErrWouldDeadlock):
		return "would_deadlock"
	}
	return "other"
}
