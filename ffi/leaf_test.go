package ffi_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/ffi"
	"github.com/goractor/goractor/internal/cbuild"
)

// leafExpected is whether this test process makes leaf calls: on
// linux/amd64, without the race detector, unless GORACTOR_FFI_LEAF=off.
func leafExpected() bool {
	return runtime.GOOS == "linux" && runtime.GOARCH == "amd64" && !raceEnabled && os.Getenv("GORACTOR_FFI_LEAF") != "off"
}

// TestLeaf_Calls: functions bound WithLeaf return the same results as
// ordinary ones, through Fn and Bind, without allocating, and are leaf
// calls exactly when the process allows them (under -race they fall back
// to the ordinary path).
func TestLeaf_Calls(t *testing.T) {
	l := fixture(t)
	if ffi.LeafCalls() != leafExpected() {
		t.Fatalf("LeafCalls() = %v, want %v", ffi.LeafCalls(), leafExpected())
	}
	f, err := l.Func("add", ffi.MustSignature("func(int32, int32) int32"), ffi.WithLeaf())
	if err != nil {
		t.Fatal(err)
	}
	if f.Leaf() != leafExpected() {
		t.Errorf("Func.Leaf() = %v, want %v", f.Leaf(), leafExpected())
	}
	add, err := bind[func(int32, int32) (int32, error)](l, "add", ffi.WithLeaf())
	if err != nil {
		t.Fatal(err)
	}
	hyp, err := bind[func(float64, float64) (float64, error)](l, "hypot2", ffi.WithLeaf())
	if err != nil {
		t.Fatal(err)
	}
	noop, err := bind[func() error](l, "noop", ffi.WithLeaf())
	if err != nil {
		t.Fatal(err)
	}
	var bAdd func(int32, int32) int32
	if err := l.Bind(&bAdd, "add", ffi.WithLeaf()); err != nil {
		t.Fatal(err)
	}
	for i := int32(-3); i < 3; i++ {
		if r, err := add(i, 40); err != nil || r != i+40 {
			t.Errorf("leaf add(%d, 40) = %d, %v", i, r, err)
		}
		if r := bAdd(i, 2); r != i+2 {
			t.Errorf("bound leaf add(%d, 2) = %d", i, r)
		}
	}
	if r, err := hyp(3, 4); err != nil || r != 25 {
		t.Errorf("leaf hypot2(3, 4) = %g, %v", r, err)
	}
	if err := noop(); err != nil {
		t.Errorf("leaf noop: %v", err)
	}
	// Without the register trampoline (off amd64) leaf functions take the
	// ordinary path, which allocates there: the promise is for the fast path.
	if mustFunc(t, l, "add", "func(int32, int32) int32").Fast() {
		if n := testing.AllocsPerRun(100, func() { _, _ = add(1, 2); _, _ = hyp(1, 2); _ = noop(); _ = bAdd(1, 2) }); n != 0 {
			t.Errorf("leaf calls allocate: %v per run", n)
		}
	}
	// A leaf call from a goroutine whose stack grows between calls (the
	// frame is on it) and from many goroutines at once.
	done := make(chan error, 8)
	for g := range 8 {
		go func() {
			var deep func(n int) int32
			deep = func(n int) int32 {
				var pad [256]byte
				if n == 0 {
					r, _ := add(int32(g), int32(pad[0]))
					return r
				}
				return deep(n-1) + int32(pad[n%256])
			}
			for i := range 200 {
				if r := deep(i % 40); r != int32(g) {
					done <- fmt.Errorf("goroutine %d: deep leaf add = %d", g, r)
					return
				}
			}
			done <- nil
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// TestLeaf_Registers: leaf calls pass their arguments through the entry
// of their arity when all are integers or all floats (leaf0 … leaf6, each
// word in both register classes) and through the register array otherwise
// (leafRegs): every arity and both classes, narrow signed integers
// (sign-extended), float32 and bool, against the ordinary call of the same
// function.
func TestLeaf_Registers(t *testing.T) {
	l := fixture(t)
	both := func(sym string, opts ...ffi.BindOption) func(f any) {
		return func(f any) {
			if err := l.Bind(f, sym, opts...); err != nil {
				t.Fatal(err)
			}
		}
	}
	check := func(name string, got, want any) {
		t.Helper()
		if got != want {
			t.Errorf("leaf %s = %v, ordinary %v", name, got, want)
		}
	}
	var six, six0 func(int64, int64, int64, int64, int64, int64) (int64, error)
	both("six", ffi.WithLeaf())(&six)
	both("six")(&six0)
	var w8, w80 func(int8) (int64, error)
	both("widen_i8", ffi.WithLeaf())(&w8)
	both("widen_i8")(&w80)
	var f32, f320 func(float32) (float32, error)
	both("id_f32", ffi.WithLeaf())(&f32)
	both("id_f32")(&f320)
	var nb, nb0 func(bool) (bool, error)
	both("not_bool", ffi.WithLeaf())(&nb)
	both("not_bool")(&nb0)
	var hyp, hyp0 func(float64, float64) (float64, error)
	both("hypot2", ffi.WithLeaf())(&hyp)
	both("hypot2")(&hyp0)
	var mixed, mixed0 func(int32, float64, int32, float32) (float64, error)
	both("mixed", ffi.WithLeaf())(&mixed)
	both("mixed")(&mixed0)
	var five, five0 func(int64, int32, float64, int8, uint16) (int64, error)
	both("five", ffi.WithLeaf())(&five)
	both("five")(&five0)
	for _, v := range []int64{-129, -1, 0, 1, 127, 1 << 40} {
		r, err := six(v, 2*v, 3, -4, 5*v, 6)
		r0, err0 := six0(v, 2*v, 3, -4, 5*v, 6)
		check(fmt.Sprintf("six(%d …)", v), fmt.Sprint(r, err), fmt.Sprint(r0, err0))
		r, err = w8(int8(v))
		r0, err0 = w80(int8(v))
		check(fmt.Sprintf("widen_i8(%d)", int8(v)), fmt.Sprint(r, err), fmt.Sprint(r0, err0))
		x, err := f32(float32(v) / 3)
		x0, err0 := f320(float32(v) / 3)
		check(fmt.Sprintf("id_f32(%g)", float32(v)/3), fmt.Sprint(x, err), fmt.Sprint(x0, err0))
		b, err := nb(v&1 == 1)
		b0, err0 := nb0(v&1 == 1)
		check(fmt.Sprintf("not_bool(%v)", v&1 == 1), fmt.Sprint(b, err), fmt.Sprint(b0, err0))
		h, err := hyp(float64(v), -2.5)
		h0, err0 := hyp0(float64(v), -2.5)
		check(fmt.Sprintf("hypot2(%d, -2.5)", v), fmt.Sprint(h, err), fmt.Sprint(h0, err0))
		m, err := mixed(int32(v), 0.25, -7, 1.5)
		m0, err0 := mixed0(int32(v), 0.25, -7, 1.5)
		check(fmt.Sprintf("mixed(%d …)", int32(v)), fmt.Sprint(m, err), fmt.Sprint(m0, err0))
		r, err = five(v, -3, 2.5, int8(v), uint16(v))
		r0, err0 = five0(v, -3, 2.5, int8(v), uint16(v))
		check(fmt.Sprintf("five(%d …)", v), fmt.Sprint(r, err), fmt.Sprint(r0, err0))
	}
	// And against the values themselves, not only the ordinary path's.
	if r, err := six(1, 2, 3, 4, 5, 6); r != 91 || err != nil {
		t.Errorf("leaf six(1 … 6) = %d, %v, want 91", r, err)
	}
	if r, err := w8(-2); r != -2 || err != nil {
		t.Errorf("leaf widen_i8(-2) = %d, %v", r, err)
	}
	if r, err := mixed(1, 0.5, 2, 0.25); r != 3.75 || err != nil {
		t.Errorf("leaf mixed(1, 0.5, 2, 0.25) = %g, %v, want 3.75", r, err)
	}
}

// TestLeaf_ScalarOnly: WithLeaf on a signature with a string, a slice or a
// struct, or a variadic one, is refused when binding.
func TestLeaf_ScalarOnly(t *testing.T) {
	l := fixture(t)
	for _, c := range []struct{ sym, sig string }{
		{"my_strlen", "func(string) uint64"},
		{"my_strlen", "func([]byte) uint64"},
		{"point_add", "func(struct{X, Y int32}, struct{X, Y int32}) struct{X, Y int32}"},
		{"null_str", "func() string"},
	} {
		_, err := l.Func(c.sym, ffi.MustSignature(c.sig), ffi.WithLeaf())
		var se *ffi.SignatureError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), "leaf") {
			t.Errorf("%s %s WithLeaf: %v, want a *SignatureError about leaf functions", c.sym, c.sig, err)
		}
	}
	if _, err := bind[func(string) (uint64, error)](l, "my_strlen", ffi.WithLeaf()); err == nil {
		t.Error("func(string) (uint64, error) WithLeaf bound")
	}
}

// TestLeaf_CloseHammer: many closes against many leaf calls (and ordinary
// ones on the same library): Close stops the world once, so no leaf call
// runs after the unload began.
func TestLeaf_CloseHammer(t *testing.T) {
	rounds := 60
	if testing.Short() {
		rounds = 15
	}
	hammerClose(t, unloadWatch(t), rounds, map[string]addBinder{
		"leaf": func(l *ffi.Library) (func(a, b int32) (int32, error), error) {
			return bind[func(int32, int32) (int32, error)](l, "watched_add", ffi.WithLeaf())
		},
		"leaf-bind": func(l *ffi.Library) (func(a, b int32) (int32, error), error) {
			var add func(a, b int32) (int32, error)
			return add, l.Bind(&add, "watched_add", ffi.WithLeaf())
		},
		"typed": bindTyped,
	})
}

// TestLeaf_EnvironmentSwitch: with GORACTOR_FFI_LEAF=off a child process
// binds WithLeaf and gets ordinary calls.
func TestLeaf_EnvironmentSwitch(t *testing.T) {
	if fixturePath == "" {
		t.Skip("no C compiler")
	}
	out := runLeafHelper(t, "switch", fixturePath, "GORACTOR_FFI_LEAF=off")
	if !strings.Contains(out, "leaf=false sum=42") {
		t.Errorf("child with GORACTOR_FFI_LEAF=off: %q, want leaf=false sum=42", out)
	}
}

// TestLeaf_CrashReport: a C fault inside a leaf call ends the process with
// Go's crash report (signal, PC, goroutine traces), in a child process.
func TestLeaf_CrashReport(t *testing.T) {
	if !leafExpected() {
		t.Skip("leaf calls are off in this process (race detector or platform): the crash would take the ordinary path")
	}
	p := filepath.Join(t.TempDir(), "libleafcrash.so")
	if err := cbuild.SharedLib(p, []string{"testdata/leafcrash.c"}); err != nil {
		if errors.Is(err, cbuild.ErrNoCompiler) {
			t.Skip("no C compiler")
		}
		t.Fatal(err)
	}
	out := runLeafHelper(t, "crash", p, "")
	for _, want := range []string{"SIGSEGV", "PC=", "goroutine ", "call=libleafcrash.so:leaf_deref"} {
		if !strings.Contains(out, want) {
			t.Errorf("crash report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "leaf call returned") {
		t.Errorf("the faulting leaf call returned:\n%s", out)
	}
}

// runLeafHelper runs TestLeafHelper in a child process of this test binary
// and returns its combined output.
func runLeafHelper(t *testing.T, mode, lib, env string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestLeafHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), "GORACTOR_LEAF_HELPER="+mode, "GORACTOR_LEAF_LIB="+lib)
	if env != "" {
		cmd.Env = append(cmd.Env, env)
	}
	out, _ := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("helper %s timed out:\n%s", mode, out)
	}
	return string(out)
}

// TestLeafHelper is the child of runLeafHelper; it does nothing in a normal
// test run.
func TestLeafHelper(t *testing.T) {
	mode := os.Getenv("GORACTOR_LEAF_HELPER")
	if mode == "" {
		return
	}
	l, err := ffi.Open(os.Getenv("GORACTOR_LEAF_LIB"))
	if err != nil {
		t.Fatal(err)
	}
	switch mode {
	case "switch":
		add, err := bind[func(int32, int32) (int32, error)](l, "add", ffi.WithLeaf())
		if err != nil {
			t.Fatal(err)
		}
		r, err := add(40, 2)
		fmt.Printf("leaf=%v sum=%d err=%v\n", ffi.LeafCalls(), r, err)
	case "crash":
		// A listed shape: Bind makes leaf calls only through those.
		var deref func(unsafe.Pointer) uintptr
		if err := l.Bind(&deref, "leaf_deref", ffi.WithLeaf()); err != nil {
			t.Fatal(err)
		}
		r := deref(nil)
		fmt.Println("leaf call returned", r)
	}
}

// TestLeaf_CallbackRefused: a C function bound WithLeaf that calls back into
// Go does not end the process (entering Go during a leaf call would:
// "exitsyscall: syscall frame is no longer valid"). The handler does not
// run, C gets the callback's exceptional value, the call is counted in
// ExLeaf, and the callback's owner gets an error wrapping
// ErrCallbackInLeafCall that names the C function and the callback, for
// both forms. Without leaf calls (under -race) the same calls are ordinary
// and the handler runs.
func TestLeaf_CallbackRefused(t *testing.T) {
	l := fixture(t)
	var leafCB func(uintptr, int32, int32) int64 // a listed shape: typed, so a leaf call
	if err := l.Bind(&leafCB, "leaf_cb", ffi.WithLeaf()); err != nil {
		t.Fatal(err)
	}
	var setUD func(uintptr) uintptr
	if err := l.Bind(&setUD, "leaf_set_ud"); err != nil {
		t.Fatal(err)
	}
	leaf := leafExpected()
	for _, form := range []string{"pointer", "handle"} {
		t.Run(form, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			before := ffi.ReadCallbackStats()
			var got int64
			runs := 0
			var failure error
			err := runInA(ctx, func(cx *actor.Context) (any, error) {
				opts := []ffi.CallbackOption{ffi.Exceptional(int64(-5)), ffi.CallbackName("twice")}
				var cb *ffi.Callback
				var err error
				if form == "pointer" {
					cb, err = ffi.NewCallback(func(x int64) int64 { runs++; return 2 * x }, opts...)
				} else {
					cb, err = ffi.NewCallback(func(_ uintptr, x int64) int64 { runs++; return 2 * x }, append(opts, ffi.UserData(0))...)
				}
				if err != nil {
					return nil, err
				}
				defer cb.Close()
				if form == "pointer" {
					got = leafCB(cb.Ptr(), 0, 10)
				} else {
					setUD(uintptr(cb.Handle()))
					got = leafCB(cb.Ptr(), 1, 10)
				}
				if leaf {
					// The refusal is reported to the owner in place of a message.
					_, failure = cx.ReceiveContext(ctx)
				}
				return nil, nil
			})
			dumpOnDeadline(t, ctx, err)
			if err != nil {
				t.Fatal(err)
			}
			delta := ffi.ReadCallbackStats().ExLeaf - before.ExLeaf
			if !leaf {
				if got != 21 || runs != 1 || delta != 0 || failure != nil {
					t.Fatalf("ordinary call: C got %d after %d handler runs (ExLeaf +%d, %v), want 21 after 1", got, runs, delta, failure)
				}
				return
			}
			if got != -4 || runs != 0 {
				t.Errorf("leaf call: C got %d after %d handler runs, want the exceptional value (-5, +1 by C) and none", got, runs)
			}
			if delta != 1 {
				t.Errorf("ExLeaf delta = %d, want 1", delta)
			}
			if !errors.Is(failure, ffi.ErrCallbackInLeafCall) || !strings.Contains(failure.Error(), "leaf_cb") || !strings.Contains(failure.Error(), "twice") {
				t.Errorf("owner got %v, want an error wrapping ErrCallbackInLeafCall naming leaf_cb and twice", failure)
			}
		})
	}
	// An unowned callback called during a leaf call from a plain goroutine:
	// refused and counted the same way, nothing to report to.
	cb := ffi.MustCallback(func(x int64) int64 { return 2 * x }, ffi.Unowned(), ffi.Exceptional(int64(-5)))
	defer cb.Close()
	before := ffi.ReadCallbackStats()
	got := leafCB(cb.Ptr(), 0, 10)
	after := ffi.ReadCallbackStats()
	want, wantLeaf := int64(21), int64(0)
	if leaf {
		want, wantLeaf = -4, 1
	}
	if got != want || after.ExLeaf-before.ExLeaf != wantLeaf {
		t.Errorf("unowned: C got %d, ExLeaf +%d; want %d, +%d", got, after.ExLeaf-before.ExLeaf, want, wantLeaf)
	}
}
