//go:build amd64 || arm64

package callback

// getg returns the address of the current goroutine's runtime g: stable for
// the goroutine's life, never shared by two live goroutines. A C → Go call on
// a Go-created thread runs on the goroutine that made the C call.
//
//go:noescape
func getg() uintptr
