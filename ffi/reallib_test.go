package ffi_test

import (
	"bytes"
	"math"
	"os"
	"testing"
	"unsafe"

	"github.com/goractor/goractor/ffi"
	"github.com/goractor/goractor/internal/testlib"
)

func TestLibm(t *testing.T) {
	l, err := ffi.Open("libm.so.6")
	testlib.SkipIfLibraryMissing(t, "libm", err)
	defer l.Close()
	var cos, hypot func(float64) float64
	var pow, hyp2 func(float64, float64) float64
	_ = hypot
	if err := l.BindAll(ffi.Binding{Symbol: "cos", Target: &cos}, ffi.Binding{Symbol: "pow", Target: &pow},
		ffi.Binding{Symbol: "hypot", Target: &hyp2}); err != nil {
		t.Fatal(err)
	}
	if got := cos(0); got != 1 {
		t.Errorf("cos(0) = %v", got)
	}
	if got := cos(math.Pi); math.Abs(got+1) > 1e-15 {
		t.Errorf("cos(pi) = %v", got)
	}
	if got := pow(2, 10); got != 1024 {
		t.Errorf("pow(2, 10) = %v", got)
	}
	if got := hyp2(3, 4); got != 5 {
		t.Errorf("hypot(3, 4) = %v", got)
	}
}

func TestLibc(t *testing.T) {
	l, err := ffi.Open("libc.so.6")
	testlib.SkipIfLibraryMissing(t, "libc", err)
	defer l.Close()
	var strlen func(string) uint64
	var getpid func() int32
	var strtol func(string, *uintptr, int32) int64
	if err := l.BindAll(ffi.Binding{Symbol: "strlen", Target: &strlen}, ffi.Binding{Symbol: "getpid", Target: &getpid},
		ffi.Binding{Symbol: "strtol", Target: &strtol}); err != nil {
		t.Fatal(err)
	}
	if got := strlen("goractor"); got != 8 {
		t.Errorf("strlen = %d", got)
	}
	if got := getpid(); int(got) != os.Getpid() {
		t.Errorf("getpid = %d, want %d", got, os.Getpid())
	}
	var end uintptr
	if got := strtol("  -1234xyz", &end, 10); got != -1234 || end == 0 {
		t.Errorf("strtol = %d, end %x", got, end)
	}
	// The end pointer points into the call's C copy of the string: it is
	// valid only during the call. Its offset is what we can check.
	var strtolP func(unsafe.Pointer, *uintptr, int32) int64
	l.MustBind(&strtolP, "strtol")
	src := []byte("42abc\x00")
	if got := strtolP(unsafe.Pointer(&src[0]), &end, 10); got != 42 || end-uintptr(unsafe.Pointer(&src[0])) != 2 {
		t.Errorf("strtol(42abc) = %d, end offset %d", got, end-uintptr(unsafe.Pointer(&src[0])))
	}
	close, err := bind[func(int32) (int32, error)](l, "close", ffi.WithErrno())
	if err != nil {
		t.Fatal(err)
	}
	if r, err := close(-1); r != -1 || err == nil || err.Error() == "" {
		t.Errorf("close(-1) = %d, %v; want -1 and EBADF", r, err)
	}
}

func TestZlib(t *testing.T) {
	l, err := ffi.Open("libz.so.1")
	testlib.SkipIfLibraryMissing(t, "zlib (zlib1g)", err)
	defer l.Close()
	var (
		compressBound func(uint64) uint64
		compress2     func(dst []byte, dstLen *uint64, src []byte, srcLen uint64, level int32) int32
		uncompress    func(dst []byte, dstLen *uint64, src []byte, srcLen uint64) int32
	)
	if err := l.BindAll(ffi.Binding{Symbol: "compressBound", Target: &compressBound},
		ffi.Binding{Symbol: "compress2", Target: &compress2}, ffi.Binding{Symbol: "uncompress", Target: &uncompress}); err != nil {
		t.Fatal(err)
	}
	src := bytes.Repeat([]byte("goractor calls zlib through ffi. "), 200)
	bound := compressBound(uint64(len(src)))
	if bound < uint64(len(src)) {
		t.Fatalf("compressBound = %d", bound)
	}
	dst := make([]byte, bound)
	dstLen := bound
	if rc := compress2(dst, &dstLen, src, uint64(len(src)), 9); rc != 0 {
		t.Fatalf("compress2 = %d", rc)
	}
	if dstLen >= uint64(len(src)) {
		t.Errorf("compressed %d bytes into %d", len(src), dstLen)
	}
	out := make([]byte, len(src))
	outLen := uint64(len(out))
	if rc := uncompress(out, &outLen, dst[:dstLen], dstLen); rc != 0 {
		t.Fatalf("uncompress = %d", rc)
	}
	if !bytes.Equal(out[:outLen], src) {
		t.Error("round trip differs")
	}
}
