package ffi

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"unsafe"
)

// The scalar fast path (setScalar, scalarResult) must lower arguments and raise
// results exactly as the general typed path (scalarBits, resultOf) does, for
// every scalar type and for values at the edges of each.
func TestScalarPath_MatchesGeneralPath(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	edges := []uint64{0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000,
		0xffffffff, 1 << 63, math.MaxUint64, math.Float64bits(-0.5), uint64(math.Float32bits(-0.125))}
	words := append([]uint64(nil), edges...)
	for range 200 {
		words = append(words, r.Uint64())
	}
	checkScalar[int8](t, words)
	checkScalar[int16](t, words)
	checkScalar[int32](t, words)
	checkScalar[int64](t, words)
	checkScalar[int](t, words)
	checkScalar[uint8](t, words)
	checkScalar[uint16](t, words)
	checkScalar[uint32](t, words)
	checkScalar[uint64](t, words)
	checkScalar[uint](t, words)
	checkScalar[uintptr](t, words)
	checkScalar[float32](t, words)
	checkScalar[float64](t, words)
	checkScalar[bool](t, []uint64{0, 1, 2, 0x100, 0xff01})
	checkScalar[unsafe.Pointer](t, []uint64{0, 0x1000, 1 << 46})
	type named int16
	checkScalar[named](t, words)
}

func checkScalar[T any](t *testing.T, words []uint64) {
	t.Helper()
	typ := reflect.TypeFor[T]()
	sig, err := SignatureOf(reflect.FuncOf([]reflect.Type{typ}, []reflect.Type{typ}, false))
	if err != nil {
		t.Fatalf("%s: %v", typ, err)
	}
	p := &sig.plan
	if !p.params[0].c.scalar() || !p.res.c.scalar() {
		t.Fatalf("%s: classified %d/%d, not scalar", typ, p.params[0].c, p.res.c)
	}
	if p.params[0].slot < 0 {
		t.Skipf("%s: no register slot on this platform", typ)
	}
	sa, rs := scalarArgOf(p, 0), scalarResOf(p)
	size := typ.Size()
	for _, w := range words {
		// An argument value of T made from w's low bytes (bool: 0 or 1).
		var v T
		b := w
		if typ.Kind() == reflect.Bool {
			b = w & 1
		}
		copy(unsafe.Slice((*byte)(unsafe.Pointer(&v)), size), unsafe.Slice((*byte)(unsafe.Pointer(&b)), size))
		var fast, gen frame
		setScalar(&fast, sa, &v)
		gen.regs[p.params[0].slot] = scalarBits(unsafe.Pointer(&v), p.params[0].c)
		if got, want := fast.regs, gen.regs; got != want {
			t.Errorf("%s argument from %#x: registers %#x, want %#x", typ, w, got[p.params[0].slot], want[p.params[0].slot])
		}
		// Results from arbitrary register bits.
		var fr frame
		fr.r1, fr.f1 = uintptr(w), w
		got := scalarResult[T](&fr, rs)
		want, _ := resultOf[T](&fr, &p.res)
		if !bitsEqual(got, want) {
			t.Errorf("%s result from %#x: got %v, want %v", typ, w, got, want)
		}
	}
}

type runGate struct{}

func (runGate) Call(_ *Func, _ Caller, call func()) error { call(); return nil }

func bitsEqual[T any](a, b T) bool {
	n := unsafe.Sizeof(a)
	return string(unsafe.Slice((*byte)(unsafe.Pointer(&a)), n)) == string(unsafe.Slice((*byte)(unsafe.Pointer(&b)), n))
}

// The typed functions choose the scalar path exactly for signatures of
// scalars without a gate, and the general path for strings, slices, structs
// and gated functions.
func TestScalarPath_Choice(t *testing.T) {
	if !fastArch || !fastOK {
		t.Skip("no register trampoline on this platform: every typed call goes through purego")
	}
	type pt struct{ X, Y int32 }
	cases := []struct {
		in     []reflect.Type
		out    reflect.Type
		gate   bool
		scalar bool
	}{
		{[]reflect.Type{reflect.TypeFor[int32](), reflect.TypeFor[int32]()}, reflect.TypeFor[int32](), false, true},
		{nil, nil, false, true},
		{[]reflect.Type{reflect.TypeFor[unsafe.Pointer](), reflect.TypeFor[float32]()}, reflect.TypeFor[bool](), false, true},
		{[]reflect.Type{reflect.TypeFor[int32]()}, reflect.TypeFor[int32](), true, false},
		{[]reflect.Type{reflect.TypeFor[string]()}, reflect.TypeFor[int32](), false, false},
		{[]reflect.Type{reflect.TypeFor[[]byte]()}, reflect.TypeFor[int32](), false, false},
		{[]reflect.Type{reflect.TypeFor[int32]()}, reflect.TypeFor[string](), false, false},
		{[]reflect.Type{reflect.TypeFor[pt]()}, reflect.TypeFor[int32](), false, false},
		{[]reflect.Type{reflect.TypeFor[int32]()}, reflect.TypeFor[pt](), false, false},
	}
	for _, c := range cases {
		var outs []reflect.Type
		if c.out != nil {
			outs = []reflect.Type{c.out}
		}
		ft := reflect.FuncOf(c.in, outs, false)
		sig, err := SignatureOf(ft)
		if err != nil {
			t.Fatalf("%s: %v", ft, err)
		}
		f := &Func{sig: sig, ptr: 1}
		if c.gate {
			f.gate = runGate{}
		}
		if got := scalarOnly(f); got != c.scalar {
			t.Errorf("%s (gated %v): scalar path %v, want %v", ft, c.gate, got, c.scalar)
		}
	}
}
