package ffi

import (
	"errors"
	"reflect"
	"testing"
)

// FuzzSignatureParse (reliability.md §6): ParseSignature never panics; what
// it refuses is a *SignatureError wrapping ErrUnsupportedSignature; what it
// accepts is the signature of its own Go func type (SignatureOf agrees
// parameter by parameter and compiles the same call plan), and purego —
// the engine behind every call the register trampoline cannot make —
// accepts it too, so no call can reach purego's panics.
//
//	go test -run '^$' -fuzz '^FuzzSignatureParse$' -fuzztime 60s ./ffi
func FuzzSignatureParse(f *testing.F) {
	for _, s := range []string{
		"func()",
		"func(int32, int32) int32",
		"func(a, b float64) float64",
		"func(s string) (n uint64, err error)",
		"func(n int32, args ...int64) int64",
		"func(n int32, args ...any) int32",
		"func(p struct{ X, Y int32 }) struct{ X, Y int32 }",
		"func(struct{ A, B, C int64 }) struct{ X float32; Y int8 }",
		"func(*int32, []byte, [4]uint16, unsafe.Pointer, uintptr, bool) error",
		"func(int8, int16, uint8, uint16, uint32, uint64, int, uint, rune, byte) float32",
		"func(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t int64, x, y, z float64) int64",
		"func() (int32, int32)",
		"func(...int32)",
		"func(chan int)",
		"func(map[string]int) int",
		"func(func()) int",
		"func(**int32) *[]string",
		"func(struct{ s string })",
		"func(x [1 << 40]byte)",
		"func(error) int",
		"func(x interface{ M() })",
		"func(x T) int",
		"struct{}",
		"func(",
		"",
	} {
		f.Add(s)
	}
	ptr, err := defaultSym("abs") // bound, never called
	if err != nil {
		f.Fatal("libc's abs: ", err) // libc is always loaded: purego needs it
	}
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 1024 {
			return
		}
		sig, err := ParseSignature(text)
		if err != nil {
			var se *SignatureError
			if !errors.As(err, &se) || !errors.Is(err, ErrUnsupportedSignature) {
				t.Fatalf("ParseSignature(%q) = %v (%T); want a *SignatureError wrapping ErrUnsupportedSignature", text, err, err)
			}
			return
		}
		ft := sig.FuncType()
		back, err := SignatureOf(ft)
		if err != nil {
			t.Fatalf("ParseSignature(%q) accepted %v, but SignatureOf refuses its func type: %v", text, ft, err)
		}
		if back.Variadic != sig.Variadic || back.Result != sig.Result || back.Error != sig.Error || len(back.Params) != len(sig.Params) {
			t.Fatalf("ParseSignature(%q) = %v; SignatureOf(%v) = %v", text, describe(sig), ft, describe(back))
		}
		for i := range sig.Params {
			if back.Params[i].Type != sig.Params[i].Type {
				t.Fatalf("ParseSignature(%q): parameter %d is %v, SignatureOf says %v", text, i, sig.Params[i].Type, back.Params[i].Type)
			}
		}
		if !reflect.DeepEqual(planShape(&back.plan), planShape(&sig.plan)) {
			t.Fatalf("ParseSignature(%q) and SignatureOf(%v) compile different call plans", text, ft)
		}
		fn, err := FuncAt(nil, ptr, sig)
		if err != nil {
			t.Fatalf("FuncAt with accepted signature %q: %v", text, err)
		}
		if _, err := fn.rawFunc(); err != nil {
			t.Fatalf("ParseSignature(%q) accepted a signature purego refuses: %v", text, err)
		}
	})
}

func describe(s *Signature) []any {
	return []any{s.Params, s.Variadic, s.Result, s.Error}
}

// planShape is a plan without its reflect.Types, for comparison.
func planShape(p *plan) []any {
	shape := func(pi pinfo) []any {
		return []any{pi.c, pi.slot, pi.slot2, pi.n8, pi.heap, pi.sse, pi.size}
	}
	out := []any{p.nint, p.nflt, p.hasStruct, p.fast, shape(p.res), shape(p.variadic)}
	for _, pi := range p.params {
		out = append(out, shape(pi))
	}
	return out
}
