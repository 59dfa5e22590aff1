// Package stage2 is stage 2 of docs/extensions.md: a function that is not
// parallel-safe, declared as such, and what other actors then get.
package stage2
