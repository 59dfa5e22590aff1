package ffi_test

import (
	"fmt"
	"unsafe"

	"github.com/goractor/goractor/ffi"
)

// qsort from libc sorts a Go slice with a Go comparison function: C calls the
// callback on the calling thread during the call.
func ExampleNewCallback_qsort() {
	libc, err := ffi.Open("libc.so.6")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer libc.Close()

	// void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
	// The comparison function is passed as its C pointer: a uintptr.
	var qsort func(base []int32, n, size uintptr, cmp uintptr)
	if err := libc.Bind(&qsort, "qsort"); err != nil {
		fmt.Println(err)
		return
	}

	calls := 0
	cmp, err := ffi.NewCallback(func(a, b *int32) int32 {
		calls++
		switch {
		case *a < *b:
			return -1
		case *a > *b:
			return 1
		}
		return 0
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cmp.Close()

	xs := []int32{42, -7, 19, 0, 3, 3, 100, -50}
	qsort(xs, uintptr(len(xs)), unsafe.Sizeof(xs[0]), cmp.Ptr())
	fmt.Println(xs)
	fmt.Println("comparisons made:", calls > 0)
	// Output:
	// [-50 -7 0 3 3 19 42 100]
	// comparisons made: true
}

// pthread_create runs a Go callback as the start routine of a thread the Go
// runtime never created; pthread_join collects its result.
func ExampleNewCallback_pthread() {
	libc, err := ffi.Open("libc.so.6")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer libc.Close()

	var pthreadCreate func(thread *uint64, attr unsafe.Pointer, start, arg uintptr) int32
	var pthreadJoin func(thread uint64, ret *uintptr) int32
	if err := libc.BindAll(
		ffi.Binding{Symbol: "pthread_create", Target: &pthreadCreate},
		ffi.Binding{Symbol: "pthread_join", Target: &pthreadJoin},
	); err != nil {
		fmt.Println(err)
		return
	}

	// void *start(void *arg). Outside any actor the callback is unowned: it
	// runs directly on the new thread.
	start, err := ffi.NewCallback(func(arg uintptr) uintptr { return arg * arg })
	if err != nil {
		fmt.Println(err)
		return
	}
	defer start.Close()

	var th uint64
	if rc := pthreadCreate(&th, nil, start.Ptr(), 12); rc != 0 {
		fmt.Println("pthread_create:", rc)
		return
	}
	var ret uintptr
	if rc := pthreadJoin(th, &ret); rc != 0 {
		fmt.Println("pthread_join:", rc)
		return
	}
	fmt.Println("the thread returned", ret)
	// Output:
	// the thread returned 144
}
