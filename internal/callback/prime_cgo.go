//go:build cgo

package callback

import "github.com/goractor/goractor/internal/callback/internal/cgoprime"

// Primed reports whether foreign threads keep their Go binding between
// callbacks (true only with CGO_ENABLED=1, after the start-up prime call).
func Primed() bool { return cgoprime.Primed() }
