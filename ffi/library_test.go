package ffi_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/goractor/goractor/ffi"
)

func TestDlopen_Missing(t *testing.T) {
	dir := t.TempDir()
	notELF := filepath.Join(dir, "notelf.so")
	if err := os.WriteFile(notELF, []byte("this is not an ELF file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"libdoesnotexist.so.7", "/nonexistent/dir/libx.so", dir, notELF} {
		t.Run(filepath.Base(name), func(t *testing.T) {
			l, err := ffi.Open(name)
			if l != nil || err == nil {
				t.Fatalf("Open(%q) = %v, %v; want an error", name, l, err)
			}
			var le *ffi.LoadError
			if !errors.As(err, &le) || le.Library != name || le.Err == nil || le.Symbol != "" {
				t.Fatalf("Open(%q) error = %#v, want a *LoadError naming the library", name, err)
			}
			if !errors.Is(err, ffi.ErrLoad) || !strings.Contains(err.Error(), name) {
				t.Errorf("error %q does not wrap ErrLoad or name %q", err, name)
			}
			if !le.MissingLibrary() {
				t.Errorf("MissingLibrary() = false for a library that did not open; want true")
			}
		})
	}
	if _, err := ffi.Open(); !errors.Is(err, ffi.ErrLoad) {
		t.Errorf("Open() = %v, want ErrLoad", err)
	}
	// The first name that loads wins.
	l, err := ffi.Open("libdoesnotexist.so.7", "libc.so.6")
	if err != nil {
		t.Fatal(err)
	}
	if l.Name() != "libc.so.6" {
		t.Errorf("Name() = %q, want libc.so.6", l.Name())
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
}

func mapped(path string) bool {
	b, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return false
	}
	return strings.Contains(string(b), path)
}

func TestDlsym_MissingSymbol_AllOrNothing(t *testing.T) {
	if fixturePath == "" {
		t.Skip("no C compiler")
	}
	// A private copy so /proc/self/maps shows whether this test's load is gone.
	p := filepath.Join(t.TempDir(), "libc2.so")
	b, err := os.ReadFile(fixturePath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o755); err != nil {
		t.Fatal(err)
	}
	var f1, f2, f3, f5 func(int32) int32
	var f4 *ffi.Func
	l, err := ffi.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	err = l.BindAll(
		ffi.Binding{Symbol: "id_i32", Target: &f1},
		ffi.Binding{Symbol: "id_i32", Target: &f2},
		ffi.Binding{Symbol: "id_i32", Target: &f3},
		ffi.Binding{Symbol: "no_such_symbol", Target: &f4, Signature: "func(int32) int32"},
		ffi.Binding{Symbol: "id_i32", Target: &f5},
	)
	if err == nil {
		t.Fatal("BindAll succeeded with a missing symbol")
	}
	if cerr := l.Close(); cerr != nil {
		t.Fatal(cerr)
	}
	var le *ffi.LoadError
	if !errors.As(err, &le) || le.Symbol != "no_such_symbol" || le.Library != p || !strings.Contains(le.Err.Error(), "undefined symbol") {
		t.Fatalf("error = %v, want a *LoadError naming %s and no_such_symbol with dlerror's text", err, p)
	}
	if le.MissingLibrary() {
		t.Errorf("MissingLibrary() = true for a missing symbol; want false")
	}
	if f1 != nil || f2 != nil || f3 != nil || f4 != nil || f5 != nil {
		t.Error("some targets were assigned despite the failure")
	}
	if mapped(p) {
		t.Error("the library is still mapped after the failed BindAll and Close")
	}
	// And a signature failure is all-or-nothing too.
	var ok func(int32) int32
	var bad func(map[int]int) int32
	if l, err = ffi.Open(p); err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	err = l.BindAll(ffi.Binding{Symbol: "id_i32", Target: &ok}, ffi.Binding{Symbol: "id_i32", Target: &bad})
	if !errors.Is(err, ffi.ErrUnsupportedSignature) || ok != nil {
		t.Errorf("BindAll with a bad signature = %v (ok bound: %v)", err, ok != nil)
	}
}

func TestClosedLibrary(t *testing.T) {
	if fixturePath == "" {
		t.Skip("no C compiler")
	}
	l, err := ffi.Open(fixturePath)
	if err != nil {
		t.Fatal(err)
	}
	add, err := bind[func(int32, int32) (int32, error)](l, "add")
	if err != nil {
		t.Fatal(err)
	}
	var plain func(int32, int32) int32
	l.MustBind(&plain, "add")
	dyn, _ := l.Func("add", ffi.MustSignature("func(int32, int32) int32"))
	if err := l.Retain(); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil { // one reference left
		t.Fatal(err)
	}
	if r, err := add(1, 2); err != nil || r != 3 {
		t.Fatalf("after one of two Closes: add = %v, %v", r, err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := add(1, 2); !errors.Is(err, ffi.ErrClosed) {
		t.Errorf("typed call on closed library: %v, want ErrClosed", err)
	}
	if _, err := dyn.Call(1, 2); !errors.Is(err, ffi.ErrClosed) {
		t.Errorf("dynamic call on closed library: %v, want ErrClosed", err)
	}
	func() {
		defer func() {
			r := recover()
			err, _ := r.(error)
			if !errors.Is(err, ffi.ErrClosed) {
				t.Errorf("call without error result on closed library panicked with %v, want ErrClosed", r)
			}
		}()
		plain(1, 2)
	}()
	if _, err := l.Sym("add"); !errors.Is(err, ffi.ErrClosed) {
		t.Errorf("Sym after Close: %v", err)
	}
	// A second Close, a CloseContext and a Retain of the closed library are
	// refused with a *LibraryError that says so, not a load error.
	for _, c := range []struct {
		op   string
		do   func() error
		want string
	}{
		{"Close", l.Close, `ffi: close "` + l.Name() + `": library is already closed`},
		{"CloseContext", func() error { return l.CloseContext(context.Background()) }, `ffi: close "` + l.Name() + `": library is already closed`},
		{"Retain", l.Retain, `ffi: retain "` + l.Name() + `": library is already closed`},
	} {
		err := c.do()
		var le *ffi.LibraryError
		if !errors.Is(err, ffi.ErrClosed) || errors.Is(err, ffi.ErrLoad) || !errors.As(err, &le) || err.Error() != c.want {
			t.Errorf("%s after the last Close = %v; want %q, a *LibraryError wrapping ErrClosed and not ErrLoad", c.op, err, c.want)
		}
	}
}

// TestDlclose_WhileCallsInFlight is C7: Close while 8 goroutines sit in a
// 500 ms native sleep waits for them; CloseContext with a short deadline
// returns ErrBusy and the last call unloads.
func TestDlclose_WhileCallsInFlight(t *testing.T) {
	if fixturePath == "" {
		t.Skip("no C compiler")
	}
	rounds := 3
	if testing.Short() {
		rounds = 1
	}
	t.Logf("%d rounds of 8 calls of sleep_ms(500)", rounds)
	for round := range rounds {
		l, err := ffi.Open(fixturePath)
		if err != nil {
			t.Fatal(err)
		}
		sleep, err := bind[func(int32) (int32, error)](l, "sleep_ms")
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		results := make([]int32, 8)
		errs := make([]error, 8)
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				results[i], errs[i] = sleep(500)
			}()
		}
		for l.InFlight() < 8 {
			time.Sleep(time.Millisecond)
		}
		if round%2 == 0 {
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			if n := l.InFlight(); n != 0 {
				t.Errorf("Close returned with %d calls in flight", n)
			}
		} else {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
			err := l.CloseContext(ctx)
			cancel()
			if !errors.Is(err, ffi.ErrBusy) {
				t.Errorf("CloseContext with calls in flight = %v, want ErrBusy", err)
			}
		}
		if _, err := sleep(1); !errors.Is(err, ffi.ErrClosed) {
			t.Errorf("new call after Close: %v, want ErrClosed", err)
		}
		wg.Wait()
		for i := range 8 {
			if errs[i] != nil || results[i] != 500 {
				t.Errorf("call %d = %v, %v; want 500, nil", i, results[i], errs[i])
			}
		}
		if l.Handle() != 0 || l.InFlight() != 0 {
			t.Errorf("after the calls: handle %x, in flight %d", l.Handle(), l.InFlight())
		}
	}
}

// TestErrno_PerCallNoCrossTalk is C6: 16 locked goroutines each set errno to
// their own id; every call reports its own.
func TestErrno_PerCallNoCrossTalk(t *testing.T) {
	l := fixture(t)
	setErrno, err := bind[func(int32) (int32, error)](l, "set_errno", ffi.WithErrno())
	if err != nil {
		t.Fatal(err)
	}
	keep, err := bind[func() (int32, error)](l, "keep_errno", ffi.WithErrno())
	if err != nil {
		t.Fatal(err)
	}
	var bound func(int32) (int32, error)
	l.MustBind(&bound, "set_errno", ffi.WithErrno())
	dyn, _ := l.Func("set_errno", ffi.MustSignature("func(int32) int32"), ffi.WithErrno())
	n := 10000
	if testing.Short() {
		n = 1000
	}
	t.Logf("16 goroutines x %d calls", n)
	var wg sync.WaitGroup
	var mu sync.Mutex
	mismatches := 0
	for id := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			want := syscall.Errno(id + 1)
			bad := 0
			for i := range n {
				var err error
				switch i % 8 {
				case 6:
					_, err = bound(int32(want))
				case 7:
					if i%64 == 7 {
						_, err = dyn.Call(int32(want))
					} else {
						_, err = setErrno(int32(want))
					}
				default:
					_, err = setErrno(int32(want))
				}
				var got syscall.Errno
				if !errors.As(err, &got) || got != want {
					bad++
				}
				if _, err := keep(); err != nil { // errno is cleared before every call
					bad++
				}
			}
			mu.Lock()
			mismatches += bad
			mu.Unlock()
		}()
	}
	wg.Wait()
	if mismatches != 0 {
		t.Errorf("%d calls reported another call's errno", mismatches)
	}
	_, e, err := dyn.CallErrno(int32(syscall.ENOENT))
	if err != nil || e != syscall.ENOENT {
		t.Errorf("CallErrno = %v, %v", e, err)
	}
}

// TestConcurrentCalls follows purego's TestRegisterFunc_ConcurrentPointerReturn:
// many goroutines (plain and locked) call concurrently through every path.
func TestConcurrentCalls(t *testing.T) {
	l := fixture(t)
	add, _ := bind[func(int32, int32) (int32, error)](l, "add")
	var hyp func(float64, float64) float64
	var slen func(string) uint64
	l.MustBind(&hyp, "hypot2")
	l.MustBind(&slen, "my_strlen")
	dyn, _ := l.Func("six", ffi.MustSignature("func(a, b, c, d, e, f int64) int64"))
	n := 20000
	if testing.Short() || raceEnabled {
		n = 2000
	}
	t.Logf("%d goroutines x %d iterations", 2*runtime.NumCPU()+4, n)
	var wg sync.WaitGroup
	errc := make(chan string, 100)
	for g := range 2*runtime.NumCPU() + 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if g%2 == 0 {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
			}
			s := strings.Repeat("x", g)
			for i := range n {
				if r, err := add(int32(i), int32(g)); err != nil || r != int32(i+g) {
					errc <- "add"
					return
				}
				if r := hyp(float64(g), 1); r != float64(g*g+1) {
					errc <- "hypot2"
					return
				}
				if r := slen(s); r != uint64(g) {
					errc <- "strlen"
					return
				}
				if i%50 == 0 {
					if r, err := dyn.Call(g, 0, 0, 0, 0, 1); err != nil || r != int64(g+6) {
						errc <- "six"
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	for e := range errc {
		t.Errorf("wrong result from %s", e)
	}
}
