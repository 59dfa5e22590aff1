//go:build amd64 || arm64

package execctx

// getg returns the address of the current goroutine's runtime g structure.
// It is stable for the goroutine's whole life and never shared by two live
// goroutines.
//
//go:noescape
func getg() uintptr
