package shareable_test

import (
	"io"
	"slices"
	"testing"

	"github.com/goractor/goractor/shareable"
)

type benchStruct struct {
	ID    int
	Name  string
	Score float64
	At    [4]int64
}

// benchCheck measures Check on v, which is shareable or not as ok says.
func benchCheck(b *testing.B, v any, ok bool) {
	b.ReportAllocs()
	for b.Loop() {
		if err := shareable.Check(v); (err == nil) != ok {
			b.Fatalf("Check(%T) = %v; want shareable %v", v, err, ok)
		}
	}
}

// benchCopy measures Copy on v, keeping the copy in *sink.
func benchCopy[T any](b *testing.B, v T, sink *T) {
	b.ReportAllocs()
	for b.Loop() {
		c, err := shareable.Copy(v)
		if err != nil {
			b.Fatal(err)
		}
		*sink = c
	}
}

// benchAny measures pass (CopyAny or Pass) on v.
func benchAny(b *testing.B, v any, pass func(any) (any, error)) {
	b.ReportAllocs()
	for b.Loop() {
		c, err := pass(v)
		if err != nil {
			b.Fatal(err)
		}
		sinkAny = c
	}
}

func BenchmarkCheckShareableStruct(b *testing.B) {
	benchCheck(b, benchStruct{ID: 1, Name: "x"}, true)
}

func BenchmarkCheckSentinelError(b *testing.B) { benchCheck(b, io.EOF, true) }

func BenchmarkCheckFrozen(b *testing.B) {
	benchCheck(b, shareable.MustFreeze(map[string][]int{"a": {1, 2}}), true)
}

var sinkInts []int

func ints1000() []int {
	s := make([]int, 1000)
	for i := range s {
		s[i] = i
	}
	return s
}

func BenchmarkCopyIntSlice1000(b *testing.B) { benchCopy(b, ints1000(), &sinkInts) }

func BenchmarkSlicesClone1000(b *testing.B) {
	s := ints1000()
	b.ReportAllocs()
	for b.Loop() {
		sinkInts = slices.Clone(s)
	}
}

type rec struct {
	Name string
	Data []byte
}

var sinkRecs []rec

func recs1000() []rec {
	s := make([]rec, 1000)
	for i := range s {
		s[i] = rec{Name: "record", Data: []byte("0123456789abcdef")}
	}
	return s
}

func BenchmarkCopyStructs1000(b *testing.B) { benchCopy(b, recs1000(), &sinkRecs) }

// handCopy is what a careful programmer writes for []rec. It keeps no
// aliasing between Data slices, which Copy does.
func handCopy(s []rec) []rec {
	out := make([]rec, len(s))
	for i, r := range s {
		out[i] = rec{Name: r.Name, Data: slices.Clone(r.Data)}
	}
	return out
}

func BenchmarkHandCopyStructs1000(b *testing.B) {
	s := recs1000()
	b.ReportAllocs()
	for b.Loop() {
		sinkRecs = handCopy(s)
	}
}

func BenchmarkFreezeConfig(b *testing.B) {
	v := map[string]any{"name": "svc", "ports": []int{80, 443}, "limits": map[string]int{"cpu": 2}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := shareable.Freeze(v); err != nil {
			b.Fatal(err)
		}
	}
}

var sinkAny any

// The send gate's work for a copied message: Check (which fails on a slice
// and builds its error) and then CopyAny, against slices.Clone in the same
// run.
func BenchmarkGateCheckThenCopyAnyInts1000(b *testing.B) {
	var v any = ints1000()
	b.ReportAllocs()
	for b.Loop() {
		if shareable.Check(v) == nil {
			b.Fatal("a slice is not shareable")
		}
		c, err := shareable.CopyAny(v)
		if err != nil {
			b.Fatal(err)
		}
		sinkAny = c
	}
}

func BenchmarkCopyAnyInts1000(b *testing.B) { benchAny(b, ints1000(), shareable.CopyAny) }

func BenchmarkCheckIntsNotShareable(b *testing.B) { benchCheck(b, ints1000(), false) }

func BenchmarkSlicesCloneAny1000(b *testing.B) {
	s := ints1000()
	b.ReportAllocs()
	for b.Loop() {
		sinkAny = slices.Clone(s)
	}
}

func BenchmarkPassInts1000(b *testing.B) { benchAny(b, ints1000(), shareable.Pass) }

func BenchmarkPassShareableArray(b *testing.B) { benchAny(b, [1000]int{}, shareable.Pass) }
