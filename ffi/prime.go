package ffi

import "github.com/goractor/goractor/internal/callback"

// CallbacksPrimed reports whether threads the Go runtime did not create keep
// their Go binding between callbacks, so that a callback from such a thread
// does not borrow and return a Go M (9 system calls) every time. See
// docs/callbacks.md, "Cost", for the figures.
func CallbacksPrimed() bool { return callback.Primed() }
