//go:build darwin || freebsd || linux || netbsd

package ffi

import (
	"errors"

	"github.com/ebitengine/purego"

	"github.com/goractor/goractor/internal/nativecrash"
)

// The loader errors are converted to plain errors carrying dlerror's text, so
// callers never need purego.Dlerror (which is Unix-only) or build tags.

func dlopen(name string) (uintptr, error) {
	h, err := purego.Dlopen(name, purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		return 0, errors.New(err.Error())
	}
	return h, nil
}

func dlsym(h uintptr, name string) (uintptr, error) {
	p, err := purego.Dlsym(h, name)
	if err != nil {
		return 0, errors.New(err.Error())
	}
	nativecrash.NoteSymbol(p) // a native crash report names it as the called function
	return p, nil
}

func dlclose(h uintptr) error {
	if err := purego.Dlclose(h); err != nil {
		return errors.New(err.Error())
	}
	return nil
}

// defaultSym looks a symbol up in the global scope (RTLD_DEFAULT).
func defaultSym(name string) (uintptr, error) { return dlsym(purego.RTLD_DEFAULT, name) }
