package extension

import (
	"fmt"
	"maps"
	"slices"
	"sync"
)

// Registry maps extension names to their declarations. The zero value is not
// usable; call NewRegistry. All methods are safe for concurrent use.
type Registry struct {
	mu     sync.Mutex             // protects byName
	byName map[string]Declaration // keyed by normalised name; values are private copies
}

// NewRegistry returns an empty registry. Tests use one to register fixtures
// without touching the default registry.
func NewRegistry() *Registry {
	return &Registry{byName: make(map[string]Declaration)}
}

// Register validates d and records a copy of it under its normalised name.
// An empty or invalid name, a declaration without libraries, or a name already
// registered is an error wrapping ErrInvalidDeclaration or ErrDuplicate: a
// declaration cannot be replaced once made, so functions already bound keep
// the declaration they were bound under.
func (r *Registry) Register(d Declaration) error {
	if err := d.Validate(); err != nil {
		return err
	}
	c := d.clone()
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.byName[c.Name]; dup {
		return &DeclarationError{Name: d.Name, Reason: "name already registered", Err: ErrDuplicate}
	}
	r.byName[c.Name] = c
	return nil
}

// MustRegister is Register for package init functions: it panics on error.
func (r *Registry) MustRegister(d Declaration) {
	if err := r.Register(d); err != nil {
		panic(err)
	}
}

// Lookup returns a copy of the declaration registered under name (normalised
// like Register does). The error wraps ErrNotRegistered.
func (r *Registry) Lookup(name string) (Declaration, error) {
	n, err := normalizeName(name)
	if err != nil {
		return Declaration{}, err
	}
	r.mu.Lock()
	d, ok := r.byName[n]
	r.mu.Unlock()
	if !ok {
		return Declaration{}, fmt.Errorf("%w: %q", ErrNotRegistered, name)
	}
	return d.clone(), nil
}

// Names returns the registered names, sorted.
func (r *Registry) Names() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Sorted(maps.Keys(r.byName))
}

var _registry = NewRegistry()

var _registryMu sync.Mutex // protects _registry swaps (not the registry's contents)

func defaultRegistry() *Registry {
	_registryMu.Lock()
	defer _registryMu.Unlock()
	return _registry
}

// Default returns the registry that the package-level functions use.
func Default() *Registry { return defaultRegistry() }

// Register records d in the default registry. See Registry.Register.
func Register(d Declaration) error { return defaultRegistry().Register(d) }

// MustRegister records d in the default registry and panics on error. It is
// meant for an extension package's init function.
func MustRegister(d Declaration) { defaultRegistry().MustRegister(d) }

// Lookup returns the declaration registered in the default registry under
// name. See Registry.Lookup.
func Lookup(name string) (Declaration, error) { return defaultRegistry().Lookup(name) }
