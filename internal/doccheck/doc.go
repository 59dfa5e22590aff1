// Package doccheck holds the test that keeps goractor's documentation
// complete on pkg.go.dev: every package outside internal/ and the commands
// has a package comment, and every exported identifier a doc comment. It has
// no API; the check is doccheck_test.go, run with the rest of the suite.
package doccheck
