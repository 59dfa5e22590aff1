package otelx

import (
	"context"
	"errors"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// Builder makes asynchronous instruments from one meter and remembers them
// (for RegisterCallback) and their errors.
type Builder struct {
	Meter       metric.Meter
	Instruments []metric.Observable
	errs        []error
}

// Gauge makes an Int64ObservableGauge.
func (b *Builder) Gauge(name, unit, desc string) metric.Int64ObservableGauge {
	g, err := b.Meter.Int64ObservableGauge(name, metric.WithUnit(unit), metric.WithDescription(desc))
	b.errs = append(b.errs, err)
	b.Instruments = append(b.Instruments, g)
	return g
}

// Counter makes an Int64ObservableCounter.
func (b *Builder) Counter(name, unit, desc string) metric.Int64ObservableCounter {
	c, err := b.Meter.Int64ObservableCounter(name, metric.WithUnit(unit), metric.WithDescription(desc))
	b.errs = append(b.errs, err)
	b.Instruments = append(b.Instruments, c)
	return c
}

// Register registers f over every instrument made so far and returns the
// function that unregisters it, or the instruments' and the registration's
// errors.
func (b *Builder) Register(f metric.Callback) (unregister func(), err error) {
	if err := errors.Join(b.errs...); err != nil {
		return nil, err
	}
	reg, err := b.Meter.RegisterCallback(f, b.Instruments...)
	if err != nil {
		return nil, err
	}
	return func() { _ = reg.Unregister() }, nil
}

// Point is one collected int64 data point.
type Point struct {
	Name  string
	Attrs attribute.Set
	Value int64
}

// Attr returns the string value of attribute k ("" when absent).
func (p Point) Attr(k string) string {
	v, _ := p.Attrs.Value(attribute.Key(k))
	return v.AsString()
}

// Reader is what Int64Points collects from (an sdkmetric.Reader).
type Reader interface {
	Collect(context.Context, *metricdata.ResourceMetrics) error
}

// Int64Points collects r once and returns its int64 sums and gauges.
func Int64Points(r Reader) ([]Point, error) {
	var rm metricdata.ResourceMetrics
	if err := r.Collect(context.Background(), &rm); err != nil {
		return nil, err
	}
	var out []Point
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			var pts []metricdata.DataPoint[int64]
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				pts = d.DataPoints
			case metricdata.Gauge[int64]:
				pts = d.DataPoints
			}
			for _, p := range pts {
				out = append(out, Point{Name: m.Name, Attrs: p.Attributes, Value: p.Value})
			}
		}
	}
	return out, nil
}
