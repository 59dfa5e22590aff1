// Command aritygen writes ffi/typed_arity.go (run by `go generate ./ffi`).
package main

import (
	"fmt"
	"os"

	"github.com/goractor/goractor/ffi/internal/aritygen"
)

func main() {
	src, err := aritygen.Source()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := os.WriteFile("typed_arity.go", src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
