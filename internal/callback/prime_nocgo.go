//go:build !cgo

package callback

// Primed reports whether foreign threads keep their Go binding between
// callbacks. Without cgo there is no way to create the runtime's pthread key,
// so every foreign-thread callback borrows and returns a Go M (about 2 µs).
func Primed() bool { return false }
