//go:build !(darwin || freebsd || linux || netbsd)

package ffi

import (
	"errors"
	"fmt"
	"runtime"
)

var errNoLoader = fmt.Errorf("ffi: dynamic loading on %s/%s: %w", runtime.GOOS, runtime.GOARCH, errors.ErrUnsupported)

func dlopen(name string) (uintptr, error)           { return 0, errNoLoader }
func dlsym(h uintptr, name string) (uintptr, error) { return 0, errNoLoader }
func dlclose(h uintptr) error                       { return errNoLoader }
func defaultSym(name string) (uintptr, error)       { return 0, errNoLoader }
