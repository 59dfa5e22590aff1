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

func BenchmarkCheckShareableStruct(b *testing.B) {
	var v any = benchStruct{ID: 1, Name: "x"}
	if err := shareable.Check(v); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if shareable.Check(v) != nil {
			b.Fatal("not shareable")
		}
	}
}

func BenchmarkCheckSentinelError(b *testing.B) {
	var v any = io.EOF
	b.ReportAllocs()
	for b.Loop() {
		if shareable.Check(v) != nil {
			b.Fatal("not shareable")
		}
	}
}

func BenchmarkCheckFrozen(b *testing.B) {
	var v any = shareable.MustFreeze(map[string][]int{"a": {1, 2}})
	b.ReportAllocs()
	for b.Loop() {
		if shareable.Check(v) != nil {
			b.Fatal("not shareable")
		}
	}
}

var sinkInts []int

func ints1000() []int {
	s := make([]int, 1000)
	for i := range s {
		s[i] = i
	}
	return s
}

func BenchmarkCopyIntSlice1000(b *testing.B) {
	s := ints1000()
	b.ReportAllocs()
	for b.Loop() {
		c, err := shareable.Copy(s)
		if err != nil {
			b.Fatal(err)
		}
		sinkInts = c
	}
}

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

func BenchmarkCopyStructs1000(b *testing.B) {
	s := recs1000()
	b.ReportAllocs()
	for b.Loop() {
		c, err := shareable.Copy(s)
		if err != nil {
			b.Fatal(err)
		}
		sinkRecs = c
	}
}

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

func BenchmarkCopyAnyInts1000(b *testing.B) {
	var v any = ints1000()
	b.ReportAllocs()
	for b.Loop() {
		c, err := shareable.CopyAny(v)
		if err != nil {
			b.Fatal(err)
		}
		sinkAny = c
	}
}

func BenchmarkCheckIntsNotShareable(b *testing.B) {
	var v any = ints1000()
	b.ReportAllocs()
	for b.Loop() {
		if shareable.Check(v) == nil {
			b.Fatal("a slice is not shareable")
		}
	}
}

func BenchmarkSlicesCloneAny1000(b *testing.B) {
	s := ints1000()
	b.ReportAllocs()
	for b.Loop() {
		sinkAny = slices.Clone(s)
	}
}

func BenchmarkPassInts1000(b *testing.B) {
	var v any = ints1000()
	b.ReportAllocs()
	for b.Loop() {
		c, err := shareable.Pass(v)
		if err != nil {
			b.Fatal(err)
		}
		sinkAny = c
	}
}

func BenchmarkPassShareableArray(b *testing.B) {
	var v any = [1000]int{}
	b.ReportAllocs()
	for b.Loop() {
		c, err := shareable.Pass(v)
		if err != nil {
			b.Fatal(err)
		}
		sinkAny = c
	}
}
