package actor

import (
	"strings"
	"testing"

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
