//go:build !cgo && !(linux && amd64)

package callback

// Primed reports whether foreign threads keep their Go binding between
// callbacks. Without cgo, and outside linux/amd64 (where prime_fakecgo
// creates the runtime's pthread key itself), every foreign-thread callback
// borrows and returns a Go M (9 system calls).
func Primed() bool { return false }
