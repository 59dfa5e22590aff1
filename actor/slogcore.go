package actor

import (
	"context"
	"log/slog"

	"go.uber.org/zap/zapcore"
)

// slogCore is a zapcore.Core that hands every entry to a slog.Handler: the
// direction zap's own zapslog does not cover (zapslog makes a slog.Handler
// over a zap core). WithSlog uses it so that goractor's zap records, and
// protoactor's, reach the handler the user gave, beside what the user logs
// through slog. Fields become attributes through zap's own map encoder, in
// order; a zap logger name becomes a "logger" attribute.
type slogCore struct {
	h slog.Handler
}

func newSlogCore(h slog.Handler) zapcore.Core { return slogCore{h} }

// slogLevel maps zap's levels onto slog's: DPanic, Panic and Fatal are errors
// above slog.LevelError, so a handler that prints levels still orders them.
func slogLevel(l zapcore.Level) slog.Level {
	switch {
	case l <= zapcore.DebugLevel:
		return slog.LevelDebug
	case l == zapcore.InfoLevel:
		return slog.LevelInfo
	case l == zapcore.WarnLevel:
		return slog.LevelWarn
	case l == zapcore.ErrorLevel:
		return slog.LevelError
	default:
		return slog.LevelError + slog.Level(l-zapcore.ErrorLevel)
	}
}

func (c slogCore) Enabled(l zapcore.Level) bool {
	return c.h.Enabled(context.Background(), slogLevel(l))
}

func (c slogCore) With(fields []zapcore.Field) zapcore.Core {
	if len(fields) == 0 {
		return c
	}
	return slogCore{c.h.WithAttrs(slogAttrs(fields))}
}

func (c slogCore) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if c.Enabled(e.Level) {
		return ce.AddCore(e, c)
	}
	return ce
}

func (c slogCore) Write(e zapcore.Entry, fields []zapcore.Field) error {
	r := slog.NewRecord(e.Time, slogLevel(e.Level), e.Message, 0)
	if e.LoggerName != "" {
		r.AddAttrs(slog.String("logger", e.LoggerName))
	}
	r.AddAttrs(slogAttrs(fields)...)
	return c.h.Handle(context.Background(), r)
}

func (slogCore) Sync() error { return nil }

// slogAttrs turns zap fields into slog attributes, one field at a time so
// their order is kept; zap's map encoder does the typing (durations, errors,
// objects and arrays as their encoded values).
func slogAttrs(fields []zapcore.Field) []slog.Attr {
	attrs := make([]slog.Attr, 0, len(fields))
	for _, f := range fields {
		enc := zapcore.NewMapObjectEncoder()
		f.AddTo(enc)
		for k, v := range enc.Fields {
			attrs = append(attrs, slog.Any(k, v))
		}
	}
	return attrs
}
