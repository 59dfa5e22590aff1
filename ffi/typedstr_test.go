package ffi_test

import (
	"errors"
	"strings"
	"testing"
	"unsafe"

	"github.com/ebitengine/purego"

	"github.com/goractor/goractor/ffi"
)

func TestTyped_Fn5AndVoid(t *testing.T) {
	l := fixture(t)
	five, err := bind[func(int64, int32, float64, int8, uint16) (int64, error)](l, "five")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := five(1, 2, 3.5, -4, 5); err != nil || got != 1+4+10-16+25 {
		t.Errorf("five = %v, %v; want %d", got, err, 1+4+10-16+25)
	}
	fiveVoid, err := bind[func(int64, int32, float64, int8, unsafe.Pointer) error](l, "five_void")
	if err != nil {
		t.Fatal(err)
	}
	var out int64
	if err := fiveVoid(1, 2, 3.9, 4, unsafe.Pointer(&out)); err != nil || out != 10 {
		t.Errorf("five_void wrote %d, %v; want 10", out, err)
	}
	fill, err := bind[func([]byte, int32, int32) error](l, "fill_bytes")
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 16)
	if err := fill(buf, 16, 7); err != nil || buf[0] != 7 || buf[15] != 7 {
		t.Errorf("fill_bytes: %v, %v", buf, err)
	}
	var bound func(int64, int32, float64, int8, uint16) int64 // reflective Bind, fast engine
	l.MustBind(&bound, "five")
	if got := bound(1, 2, 3.5, -4, 5); got != 1+4+10-16+25 {
		t.Errorf("bound five = %v", got)
	}
}

func TestTyped_Strings(t *testing.T) {
	l := fixture(t)
	slen, err := bind[func(string) (uint64, error)](l, "my_strlen")
	if err != nil {
		t.Fatal(err)
	}
	type cstr string // named string types work
	slenNamed, _ := bind[func(cstr) (uint64, error)](l, "my_strlen")
	var bslen func(string) uint64
	l.MustBind(&bslen, "my_strlen")
	long := strings.Repeat("x", 5000)
	for _, s := range []string{"", "a", "hello", "ab\x00cd", strings.Repeat("y", 1022), strings.Repeat("z", 1023), long} {
		want := uint64(strings.IndexByte(s+"\x00", 0))
		if got, err := slen(s); err != nil || got != want {
			t.Errorf("typed strlen(len %d) = %d, %v; want %d", len(s), got, err, want)
		}
		if got, _ := slenNamed(cstr(s)); got != want {
			t.Errorf("named strlen(len %d) = %d, want %d", len(s), got, want)
		}
		if got := bslen(s); got != want {
			t.Errorf("bound strlen(len %d) = %d, want %d", len(s), got, want)
		}
	}
	// Six strings at once, each at the C-stack limit.
	cmp, _ := bind[func(string, string) (int32, error)](l, "str_cmp")
	a, b := strings.Repeat("q", 1022), strings.Repeat("q", 1021)+"r"
	if got, _ := cmp(a, b); got >= 0 {
		t.Errorf("strcmp(q..q, q..r) = %d, want < 0", got)
	}
	if got, _ := cmp("same", "same"); got != 0 {
		t.Errorf("strcmp(same, same) = %d", got)
	}
	// String results: copied; a result pointing into an argument stays
	// valid until it is copied.
	echo, _ := bind[func(string) (string, error)](l, "echo")
	for _, s := range []string{"", "round trip", long} {
		if got, err := echo(s); err != nil || got != s {
			t.Errorf("echo(len %d) = len %d, %v", len(s), len(got), err)
		}
	}
	chr, _ := bind[func(string, int32) (string, error)](l, "str_chr")
	if got, err := chr("key=value", '='); err != nil || got != "=value" {
		t.Errorf("strchr = %q, %v", got, err)
	}
	if got, err := chr("key", '='); got != "" || !errors.Is(err, ffi.ErrNull) {
		t.Errorf("strchr miss = %q, %v; want \"\", ErrNull", got, err)
	}
	greet, _ := bind[func() (string, error)](l, "greeting")
	if got, err := greet(); err != nil || got != "hello, world" {
		t.Errorf("greeting = %q, %v", got, err)
	}
	// Byte slices: a pointer to the first element; nil and empty are NULL.
	sum, _ := bind[func([]byte, int32) (int64, error)](l, "sum_bytes")
	if got, _ := sum([]byte{1, 2, 3, 250}, 4); got != 256 {
		t.Errorf("sum_bytes = %d", got)
	}
	isNull, _ := bind[func([]byte) (int32, error)](l, "is_null")
	if got, _ := isNull(nil); got != 1 {
		t.Error("nil slice did not arrive as NULL")
	}
	if got, _ := isNull([]byte{}); got != 1 {
		t.Error("empty slice did not arrive as NULL")
	}
	// Gated: the frame goes to the heap and the call to another thread.
	tg := newThreadGate()
	defer tg.close()
	gslen, _ := bind[func(string) (uint64, error)](l, "my_strlen", ffi.WithGate(tg))
	if got, err := gslen("through the gate"); err != nil || got != 16 {
		t.Errorf("gated strlen = %d, %v", got, err)
	}
}

// TestTyped_StringStackMoves makes a callback grow (and so move) the calling
// goroutine's stack before C reads its string and []byte arguments: the
// string was copied onto the C stack, the slice's array is on the heap.
func TestTyped_StringStackMoves(t *testing.T) {
	l := fixture(t)
	cb := purego.NewCallback(func(i int32) int32 {
		_ = growStack(2000)
		return i
	})
	call, err := bind[func(uintptr, string, []byte, int32) (int64, error)](l, "cb_then_read")
	if err != nil {
		t.Fatal(err)
	}
	for round := range 5 {
		done := make(chan struct{})
		go func() {
			defer close(done)
			var local [8]byte // would be on the stack if it did not escape
			for i := range local {
				local[i] = byte(i + 1)
			}
			s := string(local[:5]) // 5 bytes of a stack-sized conversion
			got, err := call(cb, s, local[:], 8)
			if want := int64(1 + 5*1000 + 36); err != nil || got != want {
				t.Errorf("round %d: cb_then_read = %d, %v; want %d", round, got, err, want)
			}
		}()
		<-done
	}
}
