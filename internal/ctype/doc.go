// Package ctype decides which Go types can cross to C, and says why a type
// cannot, in one vocabulary shared by the two directions: package ffi's
// signatures (Go calls C: parameters and results) and package callback's
// handlers (C calls Go: a handler's parameters and result). Each package
// keeps its own public error type (ffi.SignatureError wrapping
// ffi.ErrUnsupportedSignature, ffi.CallbackSignatureError, which package
// callback builds, wrapping callback.ErrUnsupported) and puts the reason [Problem] returns in it, so a
// map is refused with the same words whichever way it was meant to go.
//
// What a type becomes in registers (widths, System V struct classes, the
// fast-path slots) is the business of the caller that builds the call; this
// package only says whether the type can cross at all.
//
// # Threads
//
// Every function is pure and safe for concurrent use.
//
// # Cleanup
//
// Nothing to release.
//
// # Errors
//
// Nothing returns an error: [Problem] returns a reason ("" when the type is
// fine) for the caller to wrap in its own typed error.
package ctype
