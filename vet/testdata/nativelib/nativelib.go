// Package nativelib wraps a native call, so that packages importing it see
// (through a fact) that Abs runs native code.
package nativelib

import (
	"context"

	"github.com/goractor/goractor/ffi"
)

// Abs calls C's labs.
func Abs(f *ffi.Func, n int64) int64 { // want Abs:"native"
	v, _ := f.Call(n)
	return v.(int64)
}

// Twice calls Abs: native too, through the fact of Abs.
func Twice(f *ffi.Func, n int64) int64 { return 2 * Abs(f, n) } // want Twice:"native"

// Pure runs no native code.
func Pure(n int64) int64 { return n }

// Offload hands the call to a pool: the literal runs elsewhere.
func Offload(ctx context.Context, p *ffi.Pool, f *ffi.Func) *ffi.Future[int64] {
	return ffi.Go(ctx, p, func() (int64, error) { return Abs(f, 1), nil })
}
