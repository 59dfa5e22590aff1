package extension_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/extension"
	"github.com/goractor/goractor/extension/libc"
	"github.com/goractor/goractor/ffi"
	"github.com/goractor/goractor/shareable"
)

// TestHandles_CrossByReference: goractor's thread-safe handles are declared
// shareable, so they reach another actor as the same pointer (not refused,
// not copied) and work there.
func TestHandles_CrossByReference(t *testing.T) {
	lc, err := libc.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = lc.Close() }()
	x := lc.Extension()
	lib, err := ffi.Open("libc.so.6")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = lib.Close() }()
	strlen, err := lib.Func("strlen", ffi.MustSignature("func(string) uint64"))
	if err != nil {
		t.Fatal(err)
	}
	pool := ffi.NewPool(2, 8)
	defer pool.Close()
	abs, err := lib.Func("abs", ffi.MustSignature("func(int32) int32"), ffi.WithPool(pool))
	if err != nil {
		t.Fatal(err)
	}
	var qsort func(base []int32, n, size uintptr, cmp uintptr)
	if err := lib.Bind(&qsort, "qsort"); err != nil {
		t.Fatal(err)
	}
	cmp, err := ffi.NewCallback(func(a, b *int32) int32 { return *a - *b }, ffi.Unowned())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmp.Close() }()
	reg := extension.NewRegistry()

	err = actor.Run(func(ctx *actor.Context) error {
		fut := abs.Async(ctx, int32(-5))
		handles := []any{strlen, lib, pool, cmp, fut, x, reg, ctx.System()}
		for _, h := range handles {
			if err := shareable.Check(h); err != nil {
				t.Errorf("Check(%T) = %v; want nil (shareable by reference)", h, err)
			}
		}
		w, err := ctx.Spawn(func(cx *actor.Context) (any, error) {
			args := cx.Args()
			for i, h := range handles {
				if args[i] != h {
					return nil, fmt.Errorf("%T arrived as a different value: copied, not shared", h)
				}
			}
			f, l, p := args[0].(*ffi.Func), args[1].(*ffi.Library), args[2].(*ffi.Pool)
			cb, fu := args[3].(*ffi.Callback), args[4].(*ffi.Future[any])
			xx, rg := args[5].(*extension.Extension), args[6].(*extension.Registry)
			if n, err := f.Call("hello"); err != nil || n != uint64(5) {
				return nil, fmt.Errorf("strlen through a sent *ffi.Func = %v, %v", n, err)
			}
			labs, err := l.Func("labs", ffi.MustSignature("func(int64) int64"), ffi.WithPool(p))
			if err != nil {
				return nil, err
			}
			if v, err := labs.Async(cx, int64(-7)).Wait(cx); err != nil || v != int64(7) {
				return nil, fmt.Errorf("labs on a sent *ffi.Pool = %v, %v", v, err)
			}
			xs := []int32{3, 1, 2}
			qsort(xs, uintptr(len(xs)), 4, cb.Ptr())
			if !slices.Equal(xs, []int32{1, 2, 3}) {
				return nil, fmt.Errorf("qsort with a sent *ffi.Callback = %v", xs)
			}
			if v, err := fu.Wait(cx); err != nil || v != int32(5) {
				return nil, fmt.Errorf("sent *ffi.Future = %v, %v", v, err)
			}
			xlen, err := xx.Func("strlen", ffi.MustSignature("func(string) uint64"))
			if err != nil {
				return nil, err
			}
			if n, err := xlen.Call("abc"); err != nil || n != uint64(3) {
				return nil, fmt.Errorf("strlen bound from a sent *extension.Extension = %v, %v", n, err)
			}
			if sys := args[7].(*actor.System); sys != cx.System() {
				return nil, fmt.Errorf("sent *actor.System is not the worker's system")
			}
			if err := rg.Register(extension.Declaration{Name: "sent-registry", Libraries: []string{"libc.so.6"}}); err != nil {
				return nil, err
			}
			return "ok", nil
		}, actor.WithArgs(handles...))
		if err != nil {
			return err
		}
		if err := shareable.Check(ctx); err == nil {
			t.Errorf("Check(*actor.Context) = nil; an actor's context must not cross")
		}
		v, err := w.Value(ctx)
		if err != nil {
			return err
		}
		if v != "ok" {
			return fmt.Errorf("worker returned %v", v)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Lookup("sent-registry"); err != nil {
		t.Errorf("a declaration registered through a sent *Registry is missing")
	}
}
