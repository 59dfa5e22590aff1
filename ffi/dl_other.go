//go:build !(darwin || freebsd || linux || netbsd)

package ffi

import (
	"errors"
	"fmt"
	"runtime"
)

var errNoLoader = fmt.Errorf("ffi: dynamic loading on %s/%s: %w", runtime.GOOS, runtime.GOARCH, errors.ErrUnsupported)

// Without a loader purego cannot call C either: binding refuses.
func init() { platformErr = errNoLoader }

func dlopen(name string) (uintptr, error)           { return 0, errNoLoader }
func dlsym(h uintptr, name string) (uintptr, error) { return 0, errNoLoader }
func dlclose(h uintptr) error                       { return errNoLoader }
func defaultSym(name string) (uintptr, error)       { return 0, errNoLoader }
