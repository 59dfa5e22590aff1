package ffi_test

import (
	"testing"

	"github.com/goractor/goractor/ffi"
)

// BenchmarkParallelAdd calls one library from every P at once: the cost of
// counting calls in flight (for Close) under contention.
//
//	go test -run '^$' -bench ParallelAdd -count 5 ./ffi/
func BenchmarkParallelAdd(b *testing.B) {
	if fixturePath == "" {
		b.Skip("no C compiler")
	}
	l, err := ffi.Open(fixturePath)
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	add, _ := bind[func(int32, int32) (int32, error)](l, "add")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		var s int32
		for pb.Next() {
			r, _ := add(s, 1)
			s += r
		}
		_ = s
	})
}
