package ffi_test

import (
	"context"
	"testing"
	"unsafe"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/ffi"
	"github.com/goractor/goractor/internal/testlib"
)

// D14 (reliability.md §4.4): a library's destructor calls a callback it kept,
// when the library is unloaded after the callback was closed or its actor
// ended. C gets the declared exceptional value, the call is counted as
// exceptional, the handler never runs, and nothing crashes.
func TestCallback_FromLibraryDestructor(t *testing.T) {
	path := testlib.SharedLib(t, []string{"testdata/dtor_cb.c"})
	libc, err := ffi.Open("libc.so.6")
	testlib.SkipIfLibraryMissing(t, "libc", err)
	defer libc.Close()
	malloc, err := bind[func(uintptr) (unsafe.Pointer, error)](libc, "malloc")
	if err != nil {
		t.Fatal(err)
	}
	free, err := bind[func(unsafe.Pointer) error](libc, "free")
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name string
		end  string // how the callback is gone before the unload
	}{
		{"closed", "the callback is closed, its actor still runs"},
		{"actor ended", "its actor ended (unref'ed callback), never closed by hand"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := malloc(8)
			if err != nil || out == nil {
				t.Fatalf("malloc = %v, %v", out, err)
			}
			defer free(out)
			*(*int64)(out) = 0
			lib, err := ffi.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			store, err := bind[func(uintptr, unsafe.Pointer) error](lib, "dtor_store")
			if err != nil {
				t.Fatal(err)
			}
			before := ffi.ReadCallbackStats()
			ran := 0
			err = actor.Run(func(ctx *actor.Context) error {
				a, err := ctx.Spawn(func(cx *actor.Context) (any, error) {
					cb, err := ffi.NewCallback(func(x int64) int64 { ran++; return x * 6 },
						ffi.ThreadSafe(), ffi.Exceptional(int64(-1)), ffi.CallbackRef(false), ffi.CallbackName("dtor"))
					if err != nil {
						return nil, err
					}
					if err := store(cb.Ptr(), out); err != nil {
						return nil, err
					}
					if tc.name == "closed" {
						return nil, cb.Close()
					}
					return nil, nil // the actor ends; its callbacks are closed with it
				})
				if err != nil {
					return err
				}
				_, err = a.Value(context.Background())
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			// The last reference goes: dlclose runs the destructor, which calls
			// the stored pointer on this goroutine's thread.
			if err := lib.Close(); err != nil {
				t.Fatal(err)
			}
			after := ffi.ReadCallbackStats()
			got := *(*int64)(out)
			t.Logf("%s: destructor got %d; exceptional (closed) %d → %d", tc.end, got, before.ExClosed, after.ExClosed)
			if got != -1 {
				t.Errorf("the destructor's call returned %d; want the exceptional value -1", got)
			}
			if ran != 0 {
				t.Errorf("the handler ran %d times after its callback was gone; want 0", ran)
			}
			if after.ExClosed-before.ExClosed != 1 {
				t.Errorf("exceptional calls of closed callbacks grew by %d; want 1", after.ExClosed-before.ExClosed)
			}
		})
	}
}
