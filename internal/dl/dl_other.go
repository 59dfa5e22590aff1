//go:build !(darwin || freebsd || linux || netbsd)

package dl

import (
	"errors"
	"fmt"
	"runtime"
)

var errNoLoader = fmt.Errorf("dl: dynamic loading on %s/%s: %w", runtime.GOOS, runtime.GOARCH, errors.ErrUnsupported)

// Open is refused on this platform.
func Open(path string) (uintptr, error) { return 0, errNoLoader }

// Sym is refused on this platform.
func Sym(h uintptr, name string) (uintptr, error) { return 0, errNoLoader }

// Close is refused on this platform.
func Close(h uintptr) error { return errNoLoader }
