package ffi_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/goractor/goractor/ffi"
)

// mustPanicWith runs f and checks it panics with a message containing want.
func mustPanicWith(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if s, _ := r.(string); !strings.Contains(s, want) {
			t.Errorf("panic %v; want one containing %q", r, want)
		}
	}()
	f()
}

// TestMisuse_NamesTheMistake: nil handlers, nil libraries, nil contexts and
// funcs, NUL bytes in names and exceptional values out of range fail with a
// message that names the mistake, never with a nil dereference.
func TestMisuse_NamesTheMistake(t *testing.T) {
	if _, err := ffi.NewCallback(nil); err == nil || !strings.Contains(err.Error(), "handler is nil") {
		t.Errorf("NewCallback(nil) = %v; want an error naming the nil handler", err)
	}
	for _, tc := range []struct {
		exc  any
		fn   any
		want string
	}{
		{int64(1000), func(int32) int8 { return 0 }, "out of the range of the result type int8"},
		{-1, func(int32) uint8 { return 0 }, "out of the range of the result type uint8"},
		{1 << 40, func(int32) int32 { return 0 }, "out of the range of the result type int32"},
	} {
		cb, err := ffi.NewCallback(tc.fn, ffi.Exceptional(tc.exc))
		if err == nil {
			_ = cb.Close()
		}
		if !errors.Is(err, ffi.ErrCallbackOption) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Exceptional(%v) for %T = %v; want %q", tc.exc, tc.fn, err, tc.want)
		}
	}
	cb, err := ffi.NewCallback(func(int32) int32 { return 0 }, ffi.Exceptional(-1))
	if err != nil {
		t.Errorf("Exceptional(-1) for an int32 result = %v; want nil", err)
	} else {
		_ = cb.Close()
	}

	if _, err := bind[func(int32, int32) (int32, error)](nil, "add"); !errors.Is(err, ffi.ErrBadArgument) || !strings.Contains(err.Error(), "nil *Library") {
		t.Errorf("Bind(nil library) = %v; want ErrBadArgument naming the nil library", err)
	}
	if _, err := ffi.Open("libc.so.6\x00junk"); !errors.Is(err, ffi.ErrBadArgument) || !strings.Contains(err.Error(), "NUL") {
		t.Errorf("Open(name with NUL) = %v; want ErrBadArgument", err)
	}
	lib, err := ffi.Open("libc.so.6")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = lib.Close() }()
	if _, err := lib.Func("strlen\x00junk", ffi.MustSignature("func(string) uint64")); !errors.Is(err, ffi.ErrBadArgument) {
		t.Errorf("Func(symbol with NUL) = %v; want ErrBadArgument", err)
	}
	var strlen func(string) uint64
	if err := lib.Bind(&strlen, "strlen\x00x"); !errors.Is(err, ffi.ErrBadArgument) {
		t.Errorf("Bind(symbol with NUL) = %v; want ErrBadArgument", err)
	}
	f, err := lib.Func("strlen", ffi.MustSignature("func(string) uint64"))
	if err != nil {
		t.Fatal(err)
	}
	mustPanicWith(t, "Async with a nil context", func() {
		f.Async(nil, "x")
	})
	mustPanicWith(t, "Go with a nil context", func() {
		ffi.Go(nil, nil, func() (int, error) { return 1, nil })
	})
	mustPanicWith(t, "Go with a nil func", func() {
		ffi.Go[int](context.Background(), nil, nil)
	})
}
