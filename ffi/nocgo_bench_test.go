//go:build !cgo

package ffi_test

import "testing"

var sinkP struct{ X, Y int32 }

func cgoBaselines() map[string]func(b *testing.B) { return nil }
