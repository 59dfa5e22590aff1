package ffi_test

import (
	"errors"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/goractor/goractor/ffi"
	"github.com/goractor/goractor/internal/cbuild"
)

// unloadWatch builds testdata/unloadwatch.c into a temporary directory.
func unloadWatch(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "libunloadwatch.so")
	if err := cbuild.SharedLib(p, []string{"testdata/unloadwatch.c"}); err != nil {
		if errors.Is(err, cbuild.ErrNoCompiler) {
			t.Skip("no C compiler")
		}
		t.Fatal(err)
	}
	return p
}

// hammerClose opens path, binds add with each binding kind in binds, calls
// them from plain and thread-locked goroutines until they are refused, and
// closes the library under them at a random moment. It fails if a call ran
// after the library's destructor began (a call after or during dlclose), if
// a call that started after Close returned succeeded, if a call returned a
// wrong result or an error other than ErrClosed, or if the library was not
// unloaded.
func hammerClose(t *testing.T, path string, rounds int, binds map[string]func(l *ffi.Library) (func(a, b int32) (int32, error), error)) {
	var pin runtime.Pinner
	defer pin.Unpin()
	var total, refused atomic.Int64
	for round := range rounds {
		watch := new([2]int32)
		pin.Pin(watch)
		l, err := ffi.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		set, err := bind[func(unsafe.Pointer) error](l, "watch_set")
		if err != nil {
			t.Fatal(err)
		}
		if err := set(unsafe.Pointer(watch)); err != nil {
			t.Fatal(err)
		}
		var closedAt atomic.Bool // set once Close has returned
		var wg sync.WaitGroup
		for name, bind := range binds {
			add, err := bind(l)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for k := range 3 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if k == 0 {
						runtime.LockOSThread()
						defer runtime.UnlockOSThread()
					}
					for i := int32(0); ; i++ {
						after := closedAt.Load()
						r, err := add(i, 1)
						total.Add(1)
						if err != nil {
							if !errors.Is(err, ffi.ErrClosed) {
								t.Errorf("%s: add(%d, 1): %v, want nil or ErrClosed", name, i, err)
							}
							refused.Add(1)
							return
						}
						if r != i+1 {
							t.Errorf("%s: add(%d, 1) = %d", name, i, r)
							return
						}
						if after {
							t.Errorf("%s: a call that started after Close returned was made", name)
							return
						}
					}
				}()
			}
		}
		time.Sleep(time.Duration(rand.IntN(2000)) * time.Microsecond)
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		closedAt.Store(true)
		if atomic.LoadInt32(&watch[0]) != 1 {
			t.Errorf("round %d: Close returned before the library was unloaded", round)
		}
		wg.Wait()
		if n := atomic.LoadInt32(&watch[1]); n != 0 {
			t.Fatalf("round %d: %d calls ran after the unload began", round, n)
		}
		if l.InFlight() != 0 || l.Handle() != 0 {
			t.Errorf("round %d: after Close: %d in flight, handle %x", round, l.InFlight(), l.Handle())
		}
	}
	t.Logf("%d rounds, %d calls, %d refused", rounds, total.Load(), refused.Load())
}

type addBinder = func(l *ffi.Library) (func(a, b int32) (int32, error), error)

func bindTyped(l *ffi.Library) (func(a, b int32) (int32, error), error) {
	return bind[func(int32, int32) (int32, error)](l, "watched_add")
}

func bindBind(l *ffi.Library) (func(a, b int32) (int32, error), error) {
	var add func(a, b int32) (int32, error)
	return add, l.Bind(&add, "watched_add")
}

func bindDynamic(l *ffi.Library) (func(a, b int32) (int32, error), error) {
	f, err := l.Func("watched_add", ffi.MustSignature("func(int32, int32) int32"))
	if err != nil {
		return nil, err
	}
	return func(a, b int32) (int32, error) {
		r, err := f.Call(a, b)
		if err != nil {
			return 0, err
		}
		return r.(int32), nil
	}, nil
}

// TestClose_HammerConcurrentCalls closes a library while typed (thread
// slot), bound and dynamic (shard-counted) calls run into it from plain and
// locked goroutines: no call runs after the unload began, none starts after
// Close returned, and the library is unloaded by Close.
func TestClose_HammerConcurrentCalls(t *testing.T) {
	rounds := 40
	if testing.Short() {
		rounds = 10
	}
	hammerClose(t, unloadWatch(t), rounds, map[string]addBinder{
		"typed": bindTyped, "bind": bindBind, "dynamic": bindDynamic,
	})
}

// TestClose_HammerSlotsFull: with the thread slot table full (typed calls
// count in the shards instead), closing under calls is just as safe.
func TestClose_HammerSlotsFull(t *testing.T) {
	prev := ffi.SetSlotsFull(true)
	defer ffi.SetSlotsFull(prev)
	rounds := 20
	if testing.Short() {
		rounds = 5
	}
	hammerClose(t, unloadWatch(t), rounds, map[string]addBinder{"typed": bindTyped, "bind": bindBind})
}
