// Command metrics runs a small goractor workload with OpenTelemetry metrics
// exported through the OTel Prometheus exporter on 127.0.0.1 (an ephemeral
// port), scrapes its own /metrics once and prints the goractor lines.
//
//	go run ./examples/metrics
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/extension"
	"github.com/goractor/goractor/extension/libc"
	"github.com/goractor/goractor/ffi"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "metrics:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	reg := prometheus.NewRegistry()
	exporter, err := otelprom.New(otelprom.WithRegisterer(reg), otelprom.WithoutScopeInfo(), otelprom.WithoutTargetInfo())
	if err != nil {
		return err
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exporter))
	defer mp.Shutdown(context.Background())

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: promhttp.HandlerFor(reg, promhttp.HandlerOpts{}), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()

	// The pool publishes until it is closed: after the scrape.
	pool := ffi.NewPool(2, 16, ffi.WithPoolMeterProvider(mp, "work"))
	defer pool.Close()
	var scraped string
	err = actor.Run(func(ctx *actor.Context) error {
		if err := workload(ctx, mp, pool); err != nil {
			return err
		}
		// Scrape while the system runs: its instruments are unregistered
		// when Run returns.
		scraped, err = scrape("http://" + ln.Addr().String() + "/metrics")
		return err
	}, actor.WithMeterProvider(mp), actor.WithShutdownTimeout(5*time.Second))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "scraped http://%s/metrics\n", ln.Addr())
	want := []string{"goractor_actor_messages_sent_total", "goractor_actor_messages_rejected_total",
		"goractor_extension_calls_total", "goractor_extension_call_gate_refusals_total", "goractor_pool_jobs_completed_total"}
	sc := bufio.NewScanner(strings.NewReader(scraped))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "goractor_") && !strings.Contains(line, "_bucket{") {
			fmt.Fprintln(w, line)
		}
	}
	for _, name := range want {
		if !strings.Contains(scraped, "\n"+name) {
			return fmt.Errorf("%s missing from the scrape", name)
		}
	}
	return nil
}

// workload: a few echo round trips, one send the send gate refuses, libc calls
// (one the extension's policy refuses) and pool jobs.
func workload(ctx *actor.Context, mp *sdkmetric.MeterProvider, pool *ffi.Pool) error {
	lc, err := libc.Open(extension.WithMeterProvider(mp))
	if err != nil {
		return err
	}
	defer lc.Close()
	echo, err := ctx.Spawn(func(cx *actor.Context) (any, error) {
		n := 0
		for {
			msg, err := cx.Receive()
			if err != nil {
				return n, err
			}
			s, ok := msg.(string)
			if !ok || s == "stop" {
				return n, nil
			}
			n += int(lc.Strlen(s))
		}
	}, actor.WithName("echo"))
	if err != nil {
		return err
	}
	for i := range 100 {
		if err := echo.Send(fmt.Sprintf("message %d", i)); err != nil {
			return err
		}
	}
	if err := echo.Send(func() {}); err == nil { //goractor:ignore a refusal on purpose, counted by the rejected metric
		return errors.New("a func crossed the send gate")
	}
	if err := echo.Send("stop"); err != nil {
		return err
	}
	if _, err := echo.Value(context.Background()); err != nil {
		return err
	}
	// rand is not parallel-safe: from an actor other than main it is refused.
	refused, err := ctx.Spawn(func(cx *actor.Context) (any, error) {
		_, err := lc.Rand()
		return nil, err
	}, actor.WithName("not-main"))
	if err != nil {
		return err
	}
	if _, err := refused.Value(context.Background()); err == nil {
		return errors.New("rand from a non-main actor was not refused")
	}
	for i := range 8 {
		if _, err := ffi.Go(context.Background(), pool, func() (int, error) { return i, nil }).Wait(context.Background()); err != nil {
			return err
		}
	}
	return nil
}

func scrape(url string) (string, error) {
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}
