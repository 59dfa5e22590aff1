package safety_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/goractor/goractor/safety"
)

func TestUnsafeErrorText(t *testing.T) {
	tests := []struct {
		name string
		err  *safety.UnsafeError
		want string
	}{
		{"call from worker", &safety.UnsafeError{Op: "call", Extension: "libfoo", Function: "bar", Actor: "worker-3", Err: safety.ErrNotParallelSafe},
			`safety: call "libfoo.bar" from actor "worker-3": not parallel-safe, only the main actor may call it`},
		{"zero op and nil err default", &safety.UnsafeError{Extension: "libc", Function: "strtok", Actor: "a"},
			`safety: call "libc.strtok" from actor "a": not parallel-safe, only the main actor may call it`},
		{"outside actors", &safety.UnsafeError{Op: "call", Extension: "gl", Err: safety.ErrWrongThread},
			`safety: call "gl" from outside any actor: thread-affine, called from the wrong thread`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q; want %q", got, tt.want)
			}
		})
	}
}

func TestUnsafeErrorWrapping(t *testing.T) {
	var err error = fmt.Errorf("extension: %w", &safety.UnsafeError{Extension: "x", Function: "f", Actor: "w", Err: safety.ErrNotParallelSafe})
	var ue *safety.UnsafeError
	if !errors.As(err, &ue) {
		t.Fatalf("errors.As(%v, *UnsafeError) = false; want true", err)
	}
	if ue.Function != "f" || ue.Actor != "w" {
		t.Errorf("fields = %q %q; want f w", ue.Function, ue.Actor)
	}
	if !errors.Is(err, safety.ErrNotParallelSafe) {
		t.Errorf("errors.Is(err, ErrNotParallelSafe) = false; want true")
	}
	if errors.Is(err, safety.ErrWouldDeadlock) {
		t.Errorf("errors.Is(err, ErrWouldDeadlock) = true; want false")
	}
}
