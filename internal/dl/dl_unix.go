//go:build darwin || freebsd || linux || netbsd

package dl

import "github.com/ebitengine/purego"

// Open loads path with RTLD_NOW|RTLD_LOCAL.
func Open(path string) (uintptr, error) {
	return purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_LOCAL)
}

// Sym returns the address of name in h.
func Sym(h uintptr, name string) (uintptr, error) { return purego.Dlsym(h, name) }

// Close unloads h.
func Close(h uintptr) error { return purego.Dlclose(h) }
