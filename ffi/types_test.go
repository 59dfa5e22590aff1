package ffi_test

import (
	"errors"
	"math"
	"reflect"
	"testing"
	"unsafe"

	"github.com/goractor/goractor/ffi"
)

func TestRoundTrip_Bind(t *testing.T) {
	l := fixture(t)
	check := func(name string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %v (%T), want %v (%T)", name, got, got, want, want)
		}
	}
	var (
		i8    func(int8) int8
		i16   func(int16) int16
		i32   func(int32) int32
		i64   func(int64) int64
		u8    func(uint8) uint8
		u16   func(uint16) uint16
		u32   func(uint32) uint32
		u64   func(uint64) uint64
		up    func(uintptr) uintptr
		f32   func(float32) float32
		f64   func(float64) float64
		b     func(bool) bool
		nb    func(bool) bool
		p     func(unsafe.Pointer) unsafe.Pointer
		tp    func(*int32) *int32
		w8    func(int8) int64
		w16   func(int16) int64
		wu8   func(uint8) uint64
		mixed func(int32, float64, int32, float32) float64
		many  func(int32, int32, int32, int32, int32, int32, int32, int32, float64, float64) float64
		six   func(int64, int64, int64, int64, int64, int64) int64
		ni    func(int) int64
	)
	err := l.BindAll(
		ffi.Binding{Symbol: "id_i8", Target: &i8}, ffi.Binding{Symbol: "id_i16", Target: &i16},
		ffi.Binding{Symbol: "id_i32", Target: &i32}, ffi.Binding{Symbol: "id_i64", Target: &i64},
		ffi.Binding{Symbol: "id_u8", Target: &u8}, ffi.Binding{Symbol: "id_u16", Target: &u16},
		ffi.Binding{Symbol: "id_u32", Target: &u32}, ffi.Binding{Symbol: "id_u64", Target: &u64},
		ffi.Binding{Symbol: "id_uptr", Target: &up}, ffi.Binding{Symbol: "id_f32", Target: &f32},
		ffi.Binding{Symbol: "id_f64", Target: &f64}, ffi.Binding{Symbol: "id_bool", Target: &b},
		ffi.Binding{Symbol: "not_bool", Target: &nb}, ffi.Binding{Symbol: "id_ptr", Target: &p},
		ffi.Binding{Symbol: "id_ptr", Target: &tp},
		ffi.Binding{Symbol: "widen_i8", Target: &w8}, ffi.Binding{Symbol: "widen_i16", Target: &w16},
		ffi.Binding{Symbol: "widen_u8", Target: &wu8}, ffi.Binding{Symbol: "mixed", Target: &mixed},
		ffi.Binding{Symbol: "many", Target: &many}, ffi.Binding{Symbol: "six", Target: &six},
		ffi.Binding{Symbol: "id_i64", Target: &ni},
	)
	if err != nil {
		t.Fatal(err)
	}
	check("i8", i8(-128), int8(-128))
	check("i16", i16(-32768), int16(-32768))
	check("i32", i32(math.MinInt32), int32(math.MinInt32))
	check("i64", i64(math.MinInt64), int64(math.MinInt64))
	check("u8", u8(255), uint8(255))
	check("u16", u16(65535), uint16(65535))
	check("u32", u32(math.MaxUint32), uint32(math.MaxUint32))
	check("u64", u64(math.MaxUint64), uint64(math.MaxUint64))
	check("uintptr", up(^uintptr(0)), ^uintptr(0))
	check("f32", f32(1.5), float32(1.5))
	check("f64", f64(-2.25e300), -2.25e300)
	check("bool true", b(true), true)
	check("bool false", b(false), false)
	check("not", nb(false), true)
	x := int32(7)
	check("unsafe.Pointer", p(unsafe.Pointer(&x)), unsafe.Pointer(&x))
	check("*int32", *tp(&x), int32(7))
	check("nil pointer", p(nil), unsafe.Pointer(nil))
	check("sign-extend int8", w8(-5), int64(-5))
	check("sign-extend int16", w16(-300), int64(-300))
	check("zero-extend uint8", wu8(200), uint64(200))
	check("mixed", mixed(1, 2.5, 3, 4.5), 11.0)
	check("many (stack args)", many(1, 2, 3, 4, 5, 6, 7, 8, 0.5, 0.25), 36.75)
	check("six", six(1, 1, 1, 1, 1, 1), int64(21))
	check("int", ni(-9), int64(-9))
}

func TestRoundTrip_Typed(t *testing.T) {
	l := fixture(t)
	add, err := bind[func(int32, int32) (int32, error)](l, "add")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := add(40, 2); err != nil || got != 42 {
		t.Errorf("add(40, 2) = %v, %v; want 42, nil", got, err)
	}
	if got, _ := add(-5, 2); got != -3 {
		t.Errorf("add(-5, 2) = %v, want -3", got)
	}
	h, err := bind[func(float64, float64) (float64, error)](l, "hypot2")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := h(3, 4); got != 25 {
		t.Errorf("hypot2(3, 4) = %v, want 25", got)
	}
	noop, err := bind[func() error](l, "noop")
	if err != nil {
		t.Fatal(err)
	}
	if err := noop(); err != nil {
		t.Errorf("noop: %v", err)
	}
	i8, _ := bind[func(int8) (int8, error)](l, "id_i8")
	if got, _ := i8(-1); got != -1 {
		t.Errorf("id_i8(-1) = %v", got)
	}
	u16, _ := bind[func(uint16) (uint16, error)](l, "id_u16")
	if got, _ := u16(65000); got != 65000 {
		t.Errorf("id_u16 = %v", got)
	}
	f32, _ := bind[func(float32) (float32, error)](l, "id_f32")
	if got, _ := f32(-0.125); got != -0.125 {
		t.Errorf("id_f32 = %v", got)
	}
	nb, _ := bind[func(bool) (bool, error)](l, "not_bool")
	if got, _ := nb(true); got {
		t.Errorf("not_bool(true) = %v", got)
	}
	type cint int32 // named types work
	mixed, err := bind[func(cint, float64, cint, float32) (float64, error)](l, "mixed")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := mixed(1, 2.5, 3, 4.5); got != 11 {
		t.Errorf("mixed = %v, want 11", got)
	}
	six, _ := bind[func(int64, int64, int64, int64, int64, int64) (int64, error)](l, "six")
	if got, _ := six(1, 2, 3, 4, 5, 6); got != 1+4+9+16+25+36 {
		t.Errorf("six = %v", got)
	}
	x := int32(1)
	idp, _ := bind[func(unsafe.Pointer) (unsafe.Pointer, error)](l, "id_ptr")
	if got, _ := idp(unsafe.Pointer(&x)); got != unsafe.Pointer(&x) {
		t.Errorf("id_ptr mismatch")
	}
}

func TestRoundTrip_Call(t *testing.T) {
	l := fixture(t)
	cases := []struct {
		sym, sig string
		args     []any
		want     any
	}{
		{"add", "func(int32, int32) int32", []any{float64(40), float64(2)}, int32(42)},
		{"add", "func(a, b int32) int32", []any{40, int8(2)}, int32(42)},
		{"hypot2", "func(float64, float64) float64", []any{3, 4.0}, 25.0},
		{"id_u64", "func(uint64) uint64", []any{float64(1 << 40)}, uint64(1 << 40)},
		{"id_bool", "func(bool) bool", []any{true}, true},
		{"my_strlen", "func(string) uint64", []any{"hello"}, uint64(5)},
		{"my_strlen", "func(string) int64", []any{nil}, int64(-1)},
		{"greeting", "func() string", nil, "hello, world"},
		{"echo", "func(string) string", []any{"round trip"}, "round trip"},
		{"sum_ints", "func(n int32, xs ...int32) int64", []any{3, 1, 2, 3}, int64(6)},
		{"sum_ints", "func(int32, ...any) int64", []any{2, 40, float64(2)}, int64(42)},
		{"sum_ints", "func(int32, ...int64) int64", []any{8, 1, 2, 3, 4, 5, 6, 7, 8}, int64(36)}, // stack args: purego
		{"sum_bytes", "func([]byte, int32) int64", []any{[]byte{1, 2, 3}, 3}, int64(6)},
		{"noop", "func()", nil, nil},
		{"mixed", "func(int32, float64, int32, float32) float64", []any{1, 2.5, 3, 4.5}, 11.0},
	}
	for _, c := range cases {
		t.Run(c.sym+" "+c.sig, func(t *testing.T) {
			f, err := l.Func(c.sym, ffi.MustSignature(c.sig))
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.Call(c.args...)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %v (%T), want %v (%T)", got, got, c.want, c.want)
			}
		})
	}
}

func TestCall_BadArguments(t *testing.T) {
	l := fixture(t)
	f, err := l.Func("add", ffi.MustSignature("func(int32, int32) int32"))
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]any{{1}, {1, 2, 3}, {1.5, 2}, {"x", 2}, {float64(1 << 40), 1}, {true, 1}} {
		_, err := f.Call(args...)
		if !errors.Is(err, ffi.ErrBadArgument) {
			t.Errorf("Call(%v): got %v, want ErrBadArgument", args, err)
		}
	}
	v, err := l.Func("sum_ints", ffi.MustSignature("func(int32, ...any) int64"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Call(1, 2.5); !errors.Is(err, ffi.ErrBadArgument) {
		t.Errorf("variadic float: got %v, want ErrBadArgument", err)
	}
}

func TestStructsByValue(t *testing.T) {
	l := fixture(t)
	type Point struct{ X, Y int32 }
	type Vec2 struct{ X, Y float64 }
	type Big struct{ A, B, C int64 }
	var (
		padd  func(Point, Point) Point
		scale func(Vec2, float64) Vec2
		badd  func(Big, Big) (Big, error)
	)
	if err := l.BindAll(ffi.Binding{Symbol: "point_add", Target: &padd},
		ffi.Binding{Symbol: "vec_scale", Target: &scale}, ffi.Binding{Symbol: "big_add", Target: &badd}); err != nil {
		t.Fatal(err)
	}
	if got := padd(Point{1, 2}, Point{10, 20}); got != (Point{11, 22}) {
		t.Errorf("point_add = %v", got)
	}
	if got := scale(Vec2{1.5, -2}, 2); got != (Vec2{3, -4}) {
		t.Errorf("vec_scale = %v", got)
	}
	if got, err := badd(Big{1, 2, 3}, Big{10, 20, 30}); err != nil || got != (Big{11, 22, 33}) {
		t.Errorf("big_add = %v, %v", got, err)
	}
	f, err := l.Func("point_add", ffi.MustSignature("func(p, q struct{ X, Y int32 }) struct{ X, Y int32 }"))
	if err != nil {
		t.Fatal(err)
	}
	in := f.Signature().Params[0].Type
	a := reflect.New(in).Elem()
	a.Field(0).SetInt(2)
	a.Field(1).SetInt(3)
	got, err := f.Call(a.Interface(), a.Interface())
	if err != nil {
		t.Fatal(err)
	}
	if v := reflect.ValueOf(got); v.Field(0).Int() != 4 || v.Field(1).Int() != 6 {
		t.Errorf("dynamic point_add = %v", got)
	}
}

func TestStringsAndBuffers(t *testing.T) {
	l := fixture(t)
	var (
		slen  func(string) uint64
		sum   func([]byte, int32) int64
		fill  func([]byte, int32, int32)
		out   func(*int32, int32)
		greet func() string
	)
	if err := l.BindAll(ffi.Binding{Symbol: "my_strlen", Target: &slen}, ffi.Binding{Symbol: "sum_bytes", Target: &sum},
		ffi.Binding{Symbol: "fill_bytes", Target: &fill}, ffi.Binding{Symbol: "out_int", Target: &out},
		ffi.Binding{Symbol: "greeting", Target: &greet}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"", "a", "hello", "ab\x00cd", string(make([]byte, 10000))} {
		want := uint64(len(s))
		for i := range len(s) {
			if s[i] == 0 {
				want = uint64(i)
				break
			}
		}
		if got := slen(s); got != want {
			t.Errorf("strlen(len %d) = %d, want %d", len(s), got, want)
		}
	}
	buf := make([]byte, 100)
	fill(buf, 100, 3)
	if got := sum(buf, 100); got != 300 {
		t.Errorf("sum after fill = %d, want 300", got)
	}
	if got := sum(nil, 0); got != 0 {
		t.Errorf("sum(nil) = %d", got)
	}
	var v int32
	out(&v, 99)
	if v != 99 {
		t.Errorf("out_int wrote %d", v)
	}
	if got := greet(); got != "hello, world" {
		t.Errorf("greeting = %q", got)
	}
}

func TestNullReturns(t *testing.T) {
	l := fixture(t)
	var (
		withErr func() (string, error)
		plain   func() string
		ptr     func() unsafe.Pointer
		tptr    func() *int32
		isNull  func(*byte) bool
		fnptr   func() uintptr
	)
	if err := l.BindAll(ffi.Binding{Symbol: "null_str", Target: &withErr}, ffi.Binding{Symbol: "null_str", Target: &plain},
		ffi.Binding{Symbol: "null_ptr", Target: &ptr}, ffi.Binding{Symbol: "null_ptr", Target: &tptr},
		ffi.Binding{Symbol: "is_null", Target: &isNull}, ffi.Binding{Symbol: "null_ptr", Target: &fnptr}); err != nil {
		t.Fatal(err)
	}
	s, err := withErr()
	if s != "" || !errors.Is(err, ffi.ErrNull) {
		t.Errorf("null_str with error result = %q, %v; want \"\", ErrNull", s, err)
	}
	var ce *ffi.CallError
	if !errors.As(err, &ce) || ce.Function != "null_str" {
		t.Errorf("error %v is not a *CallError naming null_str", err)
	}
	if got := plain(); got != "" {
		t.Errorf("null_str = %q", got)
	}
	if ptr() != nil || tptr() != nil {
		t.Error("NULL pointer results are not nil")
	}
	if !isNull(nil) {
		t.Error("nil *byte did not arrive as NULL")
	}
	// A NULL function pointer returned by C cannot be bound.
	_, err = ffi.FuncAt(l, fnptr(), ffi.MustSignature("func()"))
	if !errors.Is(err, ffi.ErrNullFunction) {
		t.Errorf("FuncAt(NULL) = %v, want ErrNullFunction", err)
	}
}

func mustFunc(t testing.TB, l *ffi.Library, sym, sig string) *ffi.Func {
	t.Helper()
	f, err := l.Func(sym, ffi.MustSignature(sig))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// Issue 11, item 5: a variadic call with more arguments than purego's
// argument array holds panicked inside purego ("index out of range [32]").
// It is refused at call time with ErrTooManyArguments, through Bind and
// Call; up to the limit the call is made.
func TestVariadicTooManyArguments(t *testing.T) {
	l := fixture(t)
	var sum func(n int32, xs ...int64) (int64, error)
	l.MustBind(&sum, "sum_ints")
	dyn, err := l.Func("sum_ints", ffi.MustSignature("func(int32, ...int64) int64"))
	if err != nil {
		t.Fatal(err)
	}
	xs := make([]int64, 40)
	for i := range xs {
		xs[i] = int64(i + 1)
	}
	// 1 fixed integer + 31 variadic: 32 words, 26 of them on the stack.
	if got, err := sum(31, xs[:31]...); err != nil || got != 31*32/2 {
		t.Errorf("sum of 31 = %d, %v; want %d, nil", got, err, 31*32/2)
	}
	for _, n := range []int{32, 40} {
		got, err := sum(int32(n), xs[:n]...)
		if !errors.Is(err, ffi.ErrTooManyArguments) {
			t.Errorf("Bind: sum of %d = %d, %v; want ErrTooManyArguments", n, got, err)
		}
		args := []any{int32(n)}
		for _, x := range xs[:n] {
			args = append(args, x)
		}
		if _, err := dyn.Call(args...); !errors.Is(err, ffi.ErrTooManyArguments) {
			t.Errorf("Call: sum of %d: %v; want ErrTooManyArguments", n, err)
		}
	}
}
