package shareable

import "reflect"

// Registered reports whether t was registered with Register (or is one of
// the types registered by this package), for the package's tests.
func Registered(t reflect.Type) bool {
	buildMu.Lock()
	defer buildMu.Unlock()
	return registry[t]
}
