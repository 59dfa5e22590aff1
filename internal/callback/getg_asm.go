//go:build amd64 || arm64

package callback

import "unsafe"

// curG returns the runtime's g of the calling goroutine.
func curG() unsafe.Pointer
