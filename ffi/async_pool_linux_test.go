package ffi_test

import (
	"context"
	"syscall"
	"testing"

	"github.com/goractor/goractor/ffi"
)

// WithLockedWorkers: every call a worker makes runs on the same OS thread.
func TestOffload_LockedWorkersKeepThread(t *testing.T) {
	p := ffi.NewPool(1, 16, ffi.WithLockedWorkers())
	defer p.Close()
	ctx := context.Background()
	first, err := ffi.Go(ctx, p, func() (int, error) { return syscall.Gettid(), nil }).Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		tid, err := ffi.Go(ctx, p, func() (int, error) { return syscall.Gettid(), nil }).Wait(ctx)
		if err != nil || tid != first {
			t.Fatalf("job %d ran on thread %d (err %v), want %d like the first", i, tid, err, first)
		}
	}
}
