package actor_test

import (
	"context"
	"errors"
	"testing"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/internal/otelx"
)

// collect returns the int64 points of the named instruments, keyed by name
// and then by the "reason" attribute ("" when absent).
func collect(t testing.TB, r sdkmetric.Reader) map[string]map[string]int64 {
	pts, err := otelx.Int64Points(r)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]int64{}
	for _, p := range pts {
		if got[p.Name] == nil {
			got[p.Name] = map[string]int64{}
		}
		got[p.Name][p.Attr("reason")] = p.Value
	}
	return got
}

func TestMeterProviderPublishesStats(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer mp.Shutdown(context.Background())
	var during map[string]map[string]int64
	var stats actor.Stats
	err := actor.Run(func(ctx *actor.Context) error {
		release := make(chan struct{})
		sink, err := ctx.Spawn(func(cx *actor.Context) (any, error) {
			<-release
			for range 10 {
				if _, err := cx.Receive(); err != nil {
					return nil, err
				}
			}
			return nil, nil
		}, actor.WithMailbox(10, actor.OverflowFail))
		if err != nil {
			return err
		}
		for i := range 10 {
			if err := sink.Send(i); err != nil {
				return err
			}
		}
		if err := sink.Send(10); !errors.Is(err, actor.ErrMailboxFull) {
			return errors.New("the 11th send to a mailbox of 10 was not refused")
		}
		if err := sink.Send(func() {}); err == nil {
			return errors.New("a func crossed the send gate")
		}
		queued := collect(t, reader)["goractor.actor.mailbox.length"][""]
		close(release)
		if _, err := sink.Value(context.Background()); err != nil {
			return err
		}
		during = collect(t, reader)
		during["queued"] = map[string]int64{"": queued}
		stats = ctx.System().Stats()
		return nil
	}, actor.WithMeterProvider(mp), actor.WithShutdownTimeout(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, reason string
		want         int64
	}{
		{"queued", "", 10},
		{"goractor.actor.messages.sent", "", int64(stats.Sent)},
		{"goractor.actor.messages.sent", "", 12},
		{"goractor.actor.messages.received", "", 10},
		{"goractor.actor.messages.rejected", "isolation", 1},
		{"goractor.actor.messages.rejected", "mailbox_full", 1},
		{"goractor.actor.messages.dropped", "", 0},
		{"goractor.actor.spawned", "", 2},
		{"goractor.actor.alive", "", 1},
		{"goractor.actor.mailbox.length", "", 0},
		{"goractor.callback.exceptional", "panic", 0},
	} {
		got, ok := during[c.name][c.reason]
		if !ok || got != c.want {
			t.Errorf("%s{reason=%q} = %d (present %v), want %d", c.name, c.reason, got, ok, c.want)
		}
	}
	// Run unregistered the instruments: nothing is observed any more.
	if after := collect(t, reader); len(after) != 0 {
		t.Errorf("after Run returned, the reader still collects %v", after)
	}
}

// BenchmarkMeterProvider is the cost per message of a send and its receive
// with no provider and with an SDK provider (collected once per round),
// alternated round by round in one run; it reports both and their ratio.
// The instruments are asynchronous: the message path is the same code.
func BenchmarkMeterProvider(b *testing.B) {
	const rounds, n = 7, 20000
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer mp.Shutdown(context.Background())
	measure := func(opts ...actor.Option) float64 {
		var per time.Duration
		err := actor.Run(func(ctx *actor.Context) error {
			sink, err := ctx.Spawn(func(cx *actor.Context) (any, error) {
				for range n {
					if _, err := cx.Receive(); err != nil {
						return nil, err
					}
				}
				return nil, nil
			})
			if err != nil {
				return err
			}
			start := time.Now()
			for i := range n {
				if err := sink.Send(i); err != nil {
					return err
				}
			}
			if _, err := sink.Value(context.Background()); err != nil {
				return err
			}
			per = time.Since(start) / n
			collect(b, reader)
			return nil
		}, opts...)
		if err != nil {
			b.Fatal(err)
		}
		return float64(per.Nanoseconds())
	}
	for range b.N {
		var off, on float64
		for range rounds {
			off += measure()
			on += measure(actor.WithMeterProvider(mp))
		}
		b.ReportMetric(off/rounds, "none-ns/msg")
		b.ReportMetric(on/rounds, "sdk-ns/msg")
		b.ReportMetric(on/off, "ratio")
	}
}
