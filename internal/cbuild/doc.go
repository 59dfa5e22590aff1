// Package cbuild compiles small C sources into shared libraries with the C
// compiler Go itself uses (go env CC). Tests (through internal/testlib) and
// `goractor bench` use it to build their native fixtures at run time.
//
// It starts no goroutines beyond the compiler process, which it waits for.
// Errors name the compiler and include its output.
package cbuild
