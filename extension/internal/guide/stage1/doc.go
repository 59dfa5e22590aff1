// Package stage1 is stage 1 of docs/extensions.md: declare an extension in
// init and bind a parallel-safe function.
package stage1
