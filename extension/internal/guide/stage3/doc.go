// Package stage3 is stage 3 of docs/extensions.md: choosing a policy so other
// actors can use a function that is not parallel-safe, and proving the
// declaration with the conformance suite.
package stage3
