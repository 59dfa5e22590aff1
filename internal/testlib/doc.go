// Package testlib holds test helpers shared by goractor's packages: building C
// fixtures from testdata/*.c into t.TempDir(), and reading the process's OS
// thread count.
package testlib
