package extension_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/goractor/goractor/extension"
)

// An extension registers in its package's init; here a private registry
// stands in for the default one.
func ExampleRegistry() {
	r := extension.NewRegistry()
	r.MustRegister(extension.Declaration{
		Name:      "libc",
		Libraries: []string{"libc.so.6"},
		Safety:    extension.ParallelSafe,
		Functions: map[string]extension.Safety{"strtok": extension.NotParallelSafe},
	})
	d, _ := r.Lookup("libc")
	fmt.Println(d.SafetyOf("strlen"), d.SafetyOf("strtok"))

	err := r.Register(extension.Declaration{Name: "libc", Libraries: []string{"libc.so.6"}})
	fmt.Println(err, errors.Is(err, extension.ErrDuplicate))
	// Output:
	// parallel-safe not-parallel-safe
	// extension: declaration "libc": name already registered true
}

// Forgetting to declare never grants parallelism.
func ExampleDeclaration_SafetyOf() {
	d := extension.Declaration{Name: "libfoo", Libraries: []string{"libfoo.so.1"}}
	fmt.Println(d.Safety, d.SafetyOf("bar"), d.Policy, d.Affinity)
	// Output: undeclared not-parallel-safe raise any-thread
}

func ExampleParseManifest() {
	m, err := extension.ParseManifest(strings.NewReader(`{"extension": "libc-sample", "library": ["libc.so.6"],
		"parallel_safe": true,
		"functions": [{"name": "l64a", "signature": "func(int64) string", "parallel_safe": false, "inputs": [[1], [64]]}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	d := m.Declaration()
	fmt.Println(d.Name, d.SafetyOf("l64a"), d.SafetyOf("strlen"), m.Functions[0].Args())

	_, err = extension.ParseManifest(strings.NewReader(`{"extension": "x", "library": ["libc.so.6"],
		"functions": [{"name": "abs", "signature": "func(int32) int32", "inputs": [[1.5]]}]}`))
	fmt.Println(err)
	// Output:
	// libc-sample not-parallel-safe parallel-safe [[1] [64]]
	// extension: manifest: functions[0].inputs[0][0]: 1.5 does not fit int32
}
