package ffi

import (
	"bytes"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/goractor/goractor/ffi/internal/aritygen"
)

// TestArityGenerated fails while typed_arity.go differs from what its
// generator writes: edit ffi/internal/aritygen and run go generate ./ffi.
func TestArityGenerated(t *testing.T) {
	want, err := aritygen.Source()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("typed_arity.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("typed_arity.go is not what ffi/internal/aritygen writes: run go generate ./ffi")
	}
}

// TestBindDocListsShapes checks that Bind's doc comment lists every shape
// Bind implements without reflection, and only those.
func TestBindDocListsShapes(t *testing.T) {
	src, err := os.ReadFile("func.go")
	if err != nil {
		t.Fatal(err)
	}
	_, doc, _ := strings.Cut(string(src), "// Bind looks symbol up")
	doc, _, _ = strings.Cut(doc, "\nfunc (l *Library) Bind(")
	var listed []string
	for line := range strings.SplitSeq(doc, "\n") {
		if s, ok := strings.CutPrefix(line, "//\tfunc("); ok {
			listed = append(listed, "func("+s)
		}
	}
	if strings.Join(listed, "\n") != strings.Join(aritygen.Shapes, "\n") {
		t.Errorf("Bind's doc lists\n%s\nwant (aritygen.Shapes)\n%s", strings.Join(listed, "\n"), strings.Join(aritygen.Shapes, "\n"))
	}
	for _, s := range aritygen.Shapes {
		if _, err := ParseSignature(s); err != nil {
			t.Errorf("shape %q: %v", s, err)
		}
	}
}

// TestBindShapesReflectionFree checks that Bind gives every listed shape its
// generated function, and an unlisted one none: where the register
// trampoline exists no listed shape falls back to reflect.MakeFunc (named
// func types: TestFastPath_NoAllocs).
func TestBindShapesReflectionFree(t *testing.T) {
	if !fastArch {
		t.Skip("no register trampoline on this platform: every shape goes through purego")
	}
	for _, s := range aritygen.Shapes {
		sig := MustSignature(s)
		f, err := FuncAt(nil, 1, sig) // never called
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if !f.fastShape(reflect.New(sig.FuncType()).Elem()).IsValid() {
			t.Errorf("%s: Bind goes through reflection", s)
		}
	}
	f, err := FuncAt(nil, 1, MustSignature("func(string) uint64"))
	if err != nil {
		t.Fatal(err)
	}
	var unlisted func(string) uint32
	if f.fastShape(reflect.ValueOf(&unlisted).Elem()).IsValid() {
		t.Error("an unlisted shape got a generated function")
	}
}
