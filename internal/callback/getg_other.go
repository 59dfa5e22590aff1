//go:build !amd64 && !arm64

package callback

import "unsafe"

// curG returns nil: without the runtime's g a Goexit in a handler is not
// contained here (see goexit.go).
func curG() unsafe.Pointer { return nil }
