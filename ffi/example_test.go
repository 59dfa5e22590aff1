package ffi_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/goractor/goractor/ffi"
)

// These examples assume a Linux system with glibc (libc.so.6, libm.so.6).

func ExampleOpen() {
	lib, err := ffi.Open("libm.so.6", "libm.so")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer lib.Close()
	var pow func(float64, float64) float64
	if err := lib.Bind(&pow, "pow"); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(pow(2, 10))
	// Output: 1024
}

func ExampleParseSignature() {
	lib, err := ffi.Open("libc.so.6")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer lib.Close()
	strlen, err := lib.Func("strlen", ffi.MustSignature("func(s string) uint64"))
	if err != nil {
		fmt.Println(err)
		return
	}
	n, err := strlen.Call("goractor") // the dynamic form used by tools
	fmt.Println(n, err)
	// Output: 8 <nil>
}

func ExampleSignatureError() {
	_, err := ffi.ParseSignature("func(n int32, xs ...float64) int32")
	var se *ffi.SignatureError
	fmt.Println(errors.As(err, &se), se.Param, errors.Is(err, ffi.ErrUnsupportedSignature))
	// Output: true 1 true
}

func ExampleLoadError() {
	_, err := ffi.Open("libdoesnotexist.so.1")
	var le *ffi.LoadError
	fmt.Println(errors.As(err, &le), le.Library, errors.Is(err, ffi.ErrLoad))
	// Output: true libdoesnotexist.so.1 true
}

func ExampleFunc_Async() {
	lib, err := ffi.Open("libc.so.6")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer lib.Close()
	pool := ffi.NewPool(4, 16)
	defer pool.Close()
	abs, err := lib.Func("labs", ffi.MustSignature("func(int64) int64"), ffi.WithPool(pool))
	if err != nil {
		fmt.Println(err)
		return
	}
	v, err := abs.Async(context.Background(), -42).Wait(context.Background())
	fmt.Println(v, err)
	// Output: 42 <nil>
}

func ExampleWithErrno() {
	lib, err := ffi.Open("libc.so.6")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer lib.Close()
	var closeFD func(int32) (int32, error)
	if err := lib.Bind(&closeFD, "close", ffi.WithErrno()); err != nil {
		fmt.Println(err)
		return
	}
	r, err := closeFD(-1)
	fmt.Println(r, err)
	// Output: -1 ffi: call "libc.so.6" "close": bad file descriptor
}

func ExampleLibrary_Bind_string() {
	lib, err := ffi.Open("libc.so.6")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer lib.Close()
	var strlen func(string) (uint64, error)
	if err := lib.Bind(&strlen, "strlen"); err != nil { // no allocation per call

		fmt.Println(err)
		return
	}
	n, err := strlen("goractor")
	fmt.Println(n, err)
	// Output: 8 <nil>
}

func ExampleLibrary_Bind_struct() {
	lib, err := ffi.Open("libc.so.6")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer lib.Close()
	// ldiv_t ldiv(long, long): a 16-byte struct returned in RAX:RDX.
	type ldivT struct{ Quot, Rem int64 }
	var ldiv func(int64, int64) (ldivT, error)
	if err := lib.Bind(&ldiv, "ldiv"); err != nil {
		fmt.Println(err)
		return
	}
	r, err := ldiv(47, 5)
	fmt.Printf("%+v %v\n", r, err)
	// Output: {Quot:9 Rem:2} <nil>
}

func ExampleWithoutNativeThreads() {
	// A pool whose Async calls run on goroutines the Go runtime schedules
	// (for libraries that must only see Go-created threads).
	p := ffi.NewPool(4, 16, ffi.WithoutNativeThreads())
	defer p.Close()
	fmt.Println(p.Stats().Size)
	// Output: 4
}
