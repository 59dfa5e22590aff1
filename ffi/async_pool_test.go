package ffi_test

import (
	"context"
	"errors"
	"syscall"
	"testing"

	"github.com/goractor/goractor/ffi"
)

// Unlocked workers: errno is still read on the thread that made the call.
// Offloaded calls set errno to their own value, interleaved with calls that
// leave errno alone; every call reports its own errno (or none).
func TestOffload_ErrnoOnUnlockedWorkers(t *testing.T) {
	l := fixture(t)
	p := ffi.NewPool(8, 64, ffi.WaitWhenFull())
	defer p.Close()
	dyn, err := l.Func("set_errno", ffi.MustSignature("func(int32) int32"), ffi.WithErrno(), ffi.WithPool(p))
	if err != nil {
		t.Fatal(err)
	}
	keep, err := l.Func("keep_errno", ffi.MustSignature("func() int32"), ffi.WithErrno(), ffi.WithPool(p))
	if err != nil {
		t.Fatal(err)
	}
	typed, err := bind[func(int32) (int32, error)](l, "set_errno", ffi.WithErrno())
	if err != nil {
		t.Fatal(err)
	}
	n := 4000
	if testing.Short() || raceEnabled {
		n = 1000
	}
	t.Logf("%d offloaded calls on 8 unlocked workers", n)
	ctx := context.Background()
	type pending struct {
		want syscall.Errno
		fut  *ffi.Future[any]
	}
	futs := make([]pending, n)
	for i := range n {
		want := syscall.Errno(1 + i%120)
		switch i % 3 {
		case 0:
			futs[i] = pending{want, dyn.Async(ctx, int32(want))}
		case 1:
			futs[i] = pending{0, keep.Async(ctx)}
		default:
			futs[i] = pending{want, ffi.Go(ctx, p, func() (any, error) { return typed(int32(want)) })}
		}
	}
	bad := 0
	for i, f := range futs {
		_, err := f.fut.Wait(ctx)
		var got syscall.Errno
		errors.As(err, &got)
		if got != f.want {
			if bad < 5 {
				t.Errorf("call %d: errno %d (err %v), want %d", i, got, err, f.want)
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d calls reported another call's errno", bad, n)
	}
}
