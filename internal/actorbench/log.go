package actorbench

import (
	"io"
	"log/slog"

	proto "github.com/asynkron/protoactor-go/actor"
)

// discardLogger keeps protoactor's default (coloured stderr) logger out of
// the baseline.
func discardLogger(*proto.ActorSystem) *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}
