package extension

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Declaration is what an extension states about itself when it registers,
// normally in its package's init function. The registry keeps a copy: changing
// a Declaration after Register has no effect.
type Declaration struct {
	// Name identifies the extension in the registry and in errors
	// ("libfoo" in `safety: call "libfoo.bar" ...`). It is required and is
	// normalised to lower case; it may contain letters, digits and . _ + -.
	Name string

	// Libraries lists the shared-library names or paths to try, in order,
	// when the extension is loaded (for example "libz.so.1", "libz.so").
	// The first one that opens wins. It is required.
	Libraries []string

	// Safety states whether the extension's functions may run in parallel on
	// several actors. The zero value, Undeclared, is treated like
	// NotParallelSafe: forgetting to declare never grants parallelism.
	Safety Safety

	// Policy chooses what a call of a function that is not parallel-safe does
	// when it comes from an actor other than the main actor. The zero value is
	// Raise: the call fails with *safety.UnsafeError.
	Policy Policy

	// Affinity states which OS thread the functions must run on. The zero
	// value is AnyThread.
	Affinity Affinity

	// Functions overrides Safety for individual functions, keyed by native
	// symbol name: a libc extension declares itself ParallelSafe and lists
	// "strtok", "asctime", "l64a"... as NotParallelSafe. A function bound
	// through the extension takes its safety from here, or from Safety, at
	// the moment it is bound.
	Functions map[string]Safety

	// Leaf lists the functions bound as leaf functions (ffi.WithLeaf):
	// short, never blocking, never calling back into Go, with scalar
	// arguments and result. A listed function that the extension gates
	// (not parallel-safe, or with metrics on) takes the ordinary path.
	Leaf []string
}

// SafetyOf returns the safety that a function named symbol gets when it is
// bound through an extension with this declaration: its entry in Functions,
// or the extension's Safety. Undeclared is returned as NotParallelSafe.
func (d *Declaration) SafetyOf(symbol string) Safety {
	s, ok := d.Functions[symbol]
	if !ok || s == Undeclared {
		s = d.Safety
	}
	if s == Undeclared {
		return NotParallelSafe
	}
	return s
}

// Validate reports the first problem with d: a missing or invalid name, no
// library, or an out-of-range enum value. The error wraps ErrInvalidDeclaration.
func (d *Declaration) Validate() error {
	if _, err := normalizeName(d.Name); err != nil {
		return err
	}
	if len(d.Libraries) == 0 {
		return declError(d.Name, "no library names to try")
	}
	for i, l := range d.Libraries {
		if strings.TrimSpace(l) == "" {
			return declError(d.Name, fmt.Sprintf("library %d is empty", i))
		}
	}
	if !d.Safety.valid() {
		return declError(d.Name, "invalid safety "+d.Safety.String())
	}
	if !d.Policy.valid() {
		return declError(d.Name, "invalid policy "+d.Policy.String())
	}
	if !d.Affinity.valid() {
		return declError(d.Name, "invalid affinity "+d.Affinity.String())
	}
	for _, sym := range slices.Sorted(maps.Keys(d.Functions)) {
		if sym == "" {
			return declError(d.Name, "function override with an empty name")
		}
		if s := d.Functions[sym]; !s.valid() {
			return declError(d.Name, fmt.Sprintf("function %q: invalid safety %v", sym, s))
		}
	}
	return nil
}

// clone returns a deep copy of d with its name normalised.
func (d Declaration) clone() Declaration {
	d.Name, _ = normalizeName(d.Name)
	d.Libraries = slices.Clone(d.Libraries)
	d.Functions = maps.Clone(d.Functions)
	d.Leaf = slices.Clone(d.Leaf)
	return d
}

// ErrInvalidDeclaration is wrapped by the errors Register and Validate return
// for a declaration that cannot be registered.
var ErrInvalidDeclaration = errors.New("extension: invalid declaration")

// ErrDuplicate is wrapped by the error Register returns when the name is
// already registered.
var ErrDuplicate = errors.New("extension: already registered")

// ErrNotRegistered is wrapped by the errors Lookup and Load return for a name
// nobody registered.
var ErrNotRegistered = errors.New("extension: not registered")

// DeclarationError reports a declaration that cannot be registered.
type DeclarationError struct {
	Name   string // the declaration's name as given
	Reason string // what is wrong
	Err    error  // ErrInvalidDeclaration or ErrDuplicate
}

// Error returns the error's message.
func (e *DeclarationError) Error() string {
	return fmt.Sprintf("extension: declaration %q: %s", e.Name, e.Reason)
}

// Unwrap returns Err.
func (e *DeclarationError) Unwrap() error { return e.Err }

func declError(name, reason string) error {
	return &DeclarationError{Name: name, Reason: reason, Err: ErrInvalidDeclaration}
}

func normalizeName(name string) (string, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if n == "" {
		return "", declError(name, "empty name")
	}
	for _, r := range n {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_', r == '-', r == '+':
		default:
			return "", declError(name, fmt.Sprintf("name contains %q", r))
		}
	}
	return n, nil
}
