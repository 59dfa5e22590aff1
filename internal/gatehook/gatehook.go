// Package gatehook lets package extension, which implements ffi.Gate, read
// the execution context inside the opaque ffi.Caller it is given, without ffi
// exporting an internal type. Package ffi sets CallerExec when it is
// initialized; extension imports ffi, so ffi's init has run before extension
// can call it.
package gatehook

import "github.com/goractor/goractor/internal/execctx"

// CallerExec returns the Exec inside c, an ffi.Caller (nil for the zero
// Caller). An ffi.Caller holds one pointer, so passing it as an interface
// does not allocate.
var CallerExec func(c any) *execctx.Exec

// Gated reports whether f, an *ffi.Func, was bound with a gate. Package ffi
// sets it; package extension's tests and the conformance suite read it.
var Gated func(f any) bool
