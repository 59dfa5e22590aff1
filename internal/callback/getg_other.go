//go:build !amd64 && !arm64

package callback

import (
	"bytes"
	"runtime"
	"strconv"
)

// getg returns the current goroutine's id, parsed from its stack header. It is
// slow (a microsecond) and exists only so the package builds on architectures
// without the assembly fast path.
func getg() uintptr {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	b := bytes.TrimPrefix(buf[:n], []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	id, _ := strconv.ParseUint(string(b), 10, 64)
	return uintptr(id)
}
