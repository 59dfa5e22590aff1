package actor

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

func TestLogger_ProtoactorBridgedIntoZap(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	run(t, func(ctx *Context) error {
		h, _ := ctx.SpawnHandler(func() Handler {
			return HandlerFunc(func(hc *HandlerContext, msg any) {
				if msg == "boom" {
					panic("boom")
				}
			})
		}, WithName("loud"))
		_, _ = h.Request(timeout(t), "boom")
		_ = h.Stop(timeout(t))
		return nil
	}, WithLogger(zap.New(core)))
	var started, failed bool
	for _, e := range logs.All() {
		if strings.Contains(e.Message, "\x1b[") {
			t.Errorf("log entry with ANSI colour: %q", e.Message)
		}
		if e.LoggerName == "protoactor" && e.Message == "actor system started" {
			started = true
		}
		if e.Message == "actor: handler failed" {
			failed = true
		}
	}
	if !started || !failed {
		t.Errorf("zap got protoactor's start message: %v, the failure: %v; want both (entries: %d)", started, failed, logs.Len())
	}
	// The default logger is a no-op: nothing reaches stderr.
	if err := Run(func(*Context) error { return nil }); err != nil {
		t.Fatal(err)
	}
}

func TestLogger_SlogAndZapSeeTheSameRecords(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	run(t, func(ctx *Context) error {
		ctx.Logger().Info("through zap", zap.Int("n", 1))
		ctx.Slog().Info("through slog", "n", 2)
		ctx.System().Slog().Debug("system slog")
		return nil
	}, WithLogger(zap.New(core)))
	want := map[string]bool{"through zap": false, "through slog": false, "system slog": false}
	for _, e := range logs.All() {
		if _, ok := want[e.Message]; !ok {
			continue
		}
		want[e.Message] = true
		fields := e.ContextMap()
		if e.Message != "system slog" && fields["actor"] != "main" {
			t.Errorf("%q: actor field %v, want %q (fields %v)", e.Message, fields["actor"], "main", fields)
		}
		if e.Message == "through slog" && fields["n"] != int64(2) {
			t.Errorf("%q: n = %#v, want 2", e.Message, fields["n"])
		}
	}
	for m, seen := range want {
		if !seen {
			t.Errorf("record %q did not reach the zap core", m)
		}
	}
}

// TestLogger_WithSlog: a system given a *slog.Logger sends goractor's zap
// records, the actors' slog records and protoactor's to that logger's
// handler, with zap fields as slog attributes.
func TestLogger_WithSlog(t *testing.T) {
	var mu sync.Mutex
	var buf bytes.Buffer
	h := slog.NewJSONHandler(lockedWriter{&mu, &buf}, &slog.HandlerOptions{Level: slog.LevelDebug})
	run(t, func(ctx *Context) error {
		if ctx.System().Slog().Handler() != h {
			t.Errorf("System.Slog is not the logger given to WithSlog")
		}
		ctx.Logger().Info("through zap", zap.Int("n", 1), zap.Duration("d", time.Second))
		ctx.Slog().Warn("through slog", "n", 2)
		ctx.Logger().Named("sub").Debug("named")
		return nil
	}, WithSlog(slog.New(h)))
	mu.Lock()
	defer mu.Unlock()
	recs := map[string]map[string]any{}
	for _, line := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("handler output %q: %v", line, err)
		}
		if msg, ok := m["msg"].(string); ok {
			recs[msg] = m
		}
	}
	z, s, n := recs["through zap"], recs["through slog"], recs["named"]
	if z == nil || s == nil || n == nil {
		t.Fatalf("records missing from the slog handler: %s", buf.String())
	}
	if z["actor"] != "main" || z["n"] != float64(1) || z["level"] != "INFO" || z["d"] != float64(time.Second) {
		t.Errorf("zap record through slog = %v; want actor main, n 1, d 1s, level INFO", z)
	}
	if s["actor"] != "main" || s["n"] != float64(2) || s["level"] != "WARN" {
		t.Errorf("slog record = %v; want actor main, n 2, level WARN", s)
	}
	if n["logger"] != "sub" || n["level"] != "DEBUG" {
		t.Errorf("named zap record = %v; want logger sub, level DEBUG", n)
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
