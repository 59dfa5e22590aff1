package ffi_test

import (
	"errors"
	"reflect"
	"testing"
	"unsafe"

	"github.com/goractor/goractor/ffi"
)

// TestSignature_Limits is C3: every refused shape gets a *SignatureError
// naming the parameter, and no purego panic ever happens (no recover here:
// a panic fails the test).
func TestSignature_Limits(t *testing.T) {
	type withPtr struct{ P *string }
	type withStr struct{ S string }
	many := "func(" + repeatComma("int64", 33) + ") int64"
	cases := []struct {
		sig    string
		param  int
		reason string
	}{
		{"func(map[string]int) int32", 0, "maps"},
		{"func(chan int)", 0, "channels"},
		{"func(int32, func()) int32", 1, "callback"},
		{"func(complex128) float64", 0, "complex"},
		{"func(any)", 0, "interface"},
		{"func([4]int32)", 0, "arrays"},
		{"func([]string)", 0, "Go pointers"},
		{"func(*string)", 0, "Go pointers"},
		{"func(x int32, ys ...float64) int32", 1, "float arguments to a C variadic"},
		{"func() []byte", ffi.ParamResult, "slice"},
		{"func() func()", ffi.ParamResult, "FuncAt"},
		{"func() (int32, int32)", ffi.ParamWhole, "error"},
		{"func() (int32, error, error)", ffi.ParamWhole, "at most two"},
		{"func(struct{})", 0, "empty struct"},
		{"func(struct{ S string })", 0, "cannot be passed to C by value"},
		{many, ffi.ParamWhole, "too many arguments"},
		{"func(x nosuchtype)", 0, "unknown type"},
		{"func(int32", ffi.ParamWhole, "cannot parse"},
		{"int32", ffi.ParamWhole, "not a func"},
		{"func(a ...int32, b int32)", ffi.ParamWhole, "cannot parse"},
	}
	for _, c := range cases {
		t.Run(c.sig, func(t *testing.T) {
			s, err := ffi.ParseSignature(c.sig)
			if s != nil || !errors.Is(err, ffi.ErrUnsupportedSignature) {
				t.Fatalf("ParseSignature = %v, %v; want ErrUnsupportedSignature", s, err)
			}
			var se *ffi.SignatureError
			if !errors.As(err, &se) {
				t.Fatalf("error %T is not a *SignatureError", err)
			}
			if se.Param != c.param || !contains(se.Reason, c.reason) {
				t.Errorf("got param %d reason %q, want param %d reason containing %q", se.Param, se.Reason, c.param, c.reason)
			}
		})
	}
	// The same through reflect types (Bind's path), with named Go types.
	for _, ft := range []reflect.Type{
		reflect.TypeFor[func(withPtr)](), reflect.TypeFor[func(*withStr)](), reflect.TypeFor[func() withStr](),
		reflect.TypeFor[func(int, ...any) (int, int)](), reflect.TypeFor[func(unsafe.Pointer, ...float32)](),
		reflect.TypeFor[int](),
	} {
		if _, err := ffi.SignatureOf(ft); !errors.Is(err, ffi.ErrUnsupportedSignature) {
			t.Errorf("SignatureOf(%s) = %v, want ErrUnsupportedSignature", ft, err)
		}
	}
	// Bind refuses with the error, leaving the variable alone.
	if fixturePath != "" {
		l := fixture(t)
		var f func(map[int]int) int32
		if err := l.Bind(&f, "add"); !errors.Is(err, ffi.ErrUnsupportedSignature) || f != nil {
			t.Errorf("Bind of a map signature = %v (bound %v)", err, f != nil)
		}
		var g func(int32) int32
		err := l.Bind(&g, "no_such_symbol")
		var le *ffi.LoadError
		if !errors.As(err, &le) || le.Symbol != "no_such_symbol" || g != nil {
			t.Errorf("Bind of a missing symbol = %v", err)
		}
	}
}

func TestParseSignature(t *testing.T) {
	cases := map[string]reflect.Type{
		"func(int32, int32) int32":               reflect.TypeFor[func(int32, int32) int32](),
		"func(a, b float64) (float64, error)":    reflect.TypeFor[func(float64, float64) (float64, error)](),
		"func(s string) (n uint64)":              reflect.TypeFor[func(string) uint64](),
		"func(p unsafe.Pointer, n uintptr)":      reflect.TypeFor[func(unsafe.Pointer, uintptr)](),
		"func(b []byte, out *int32) error":       reflect.TypeFor[func([]byte, *int32) error](),
		"func(n int32, xs ...int64) int64":       reflect.TypeFor[func(int32, ...int64) int64](),
		"func(format string, args ...any) int32": reflect.TypeFor[func(string, ...any) int32](),
		"func() bool":                            reflect.TypeFor[func() bool](),
	}
	for text, want := range cases {
		s, err := ffi.ParseSignature(text)
		if err != nil {
			t.Errorf("ParseSignature(%q): %v", text, err)
			continue
		}
		if got := s.FuncType(); got != want {
			t.Errorf("ParseSignature(%q).FuncType() = %v, want %v", text, got, want)
		}
		if s.String() != text {
			t.Errorf("String() = %q", s.String())
		}
	}
	s := ffi.MustSignature("func(a, b int32) int32")
	if s.Params[0].Name != "a" || s.Params[1].Name != "b" {
		t.Errorf("names = %q %q", s.Params[0].Name, s.Params[1].Name)
	}
}

func repeatComma(s string, n int) string {
	out := s
	for range n - 1 {
		out += ", " + s
	}
	return out
}

func contains(s, sub string) bool {
	return len(sub) == 0 || (len(s) >= len(sub) && (s == sub || indexOf(s, sub) >= 0))
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}
