package ffi

import "github.com/goractor/goractor/internal/callback"

// CallbacksPrimed reports whether threads the Go runtime did not create keep
// their Go binding between callbacks, so that a callback from such a thread
// costs a few hundred nanoseconds instead of borrowing and returning a Go M
// (about 2 µs, 9 system calls) every time. See docs/callbacks.md, "Cost".
func CallbacksPrimed() bool { return callback.Primed() }
