//go:build cgo

package ffi_test

import (
	"testing"

	"github.com/goractor/goractor/internal/benchfix"
)

func cgoBaselines() map[string]func(b *testing.B) {
	nul := []byte("hello, world\x00")
	return map[string]func(b *testing.B){
		"add": func(b *testing.B) {
			s := int32(0)
			for i := 0; i < b.N; i++ {
				s += benchfix.CgoAdd(int32(i), 1)
			}
			sink32 = s
		},
		"hypot2": func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				sinkF = benchfix.CgoHypot2(3, 4)
			}
		},
		"noop": func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				benchfix.CgoNoop()
			}
		},
		"strlen": func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				sink64 = benchfix.CgoStrlen(nul)
			}
		},
		"struct": func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				sinkP = benchfix.CgoPointAdd(benchfix.Point{X: 1, Y: 2}, benchfix.Point{X: 3, Y: 4})
			}
		},
	}
}

var sinkP benchfix.Point
