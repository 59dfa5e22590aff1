package stage2

import (
	"errors"
	"testing"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/internal/testlib"
	"github.com/goractor/goractor/safety"
)

func TestUnsafeOffMain(t *testing.T) {
	s, err := Open()
	testlib.SkipIfLibraryMissing(t, "libc", err)
	defer s.Close()
	err = actor.Run(func(ctx *actor.Context) error {
		// From the main actor, l64a runs.
		if got, err := s.L64a(64); err != nil || got != "./" {
			t.Errorf("main: L64a(64) = %q, %v; want \"./\", nil", got, err)
		}
		// From another actor, it is refused, and strlen is not.
		w, err := ctx.Spawn(func(ctx *actor.Context) (any, error) {
			if n := s.Strlen("abc"); n != 3 {
				t.Errorf("worker: Strlen = %d", n)
			}
			_, err := s.L64a(64)
			return err.Error(), nil
		}, actor.WithName("worker-3"))
		if err != nil {
			return err
		}
		v, err := w.Value(ctx.Context())
		if err != nil {
			return err
		}
		want := `safety: call "guidestr2.l64a" from actor "worker-3": not parallel-safe, only the main actor may call it`
		if v != want {
			t.Errorf("worker: error %q; want %q", v, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var ue *safety.UnsafeError
	_, err = s.L64a(1) // outside every actor: not the main actor either
	if !errors.As(err, &ue) || ue.Actor != "" {
		t.Errorf("outside actors: %v; want an UnsafeError with no actor", err)
	}
}
