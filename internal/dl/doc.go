// Package dl opens shared libraries for goractor's own tools, benchmarks and
// tests: purego's dlopen/dlsym on the Unix platforms, and on the others an
// error wrapping errors.ErrUnsupported that names the platform (package ffi
// is the user-facing loader).
//
// Isolation, threads, cleanup: handles are plain integers, usable from any
// thread; Close releases one. Errors are purego's, or the platform refusal.
package dl
