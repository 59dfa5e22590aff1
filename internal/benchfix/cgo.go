//go:build cgo

package benchfix

/*
#include <stdint.h>
#include <string.h>
static int benchfix_add(int a, int b) { return a + b; }
static double benchfix_hypot2(double a, double b) { return a * a + b * b; }
static void benchfix_noop(void) {}
static size_t benchfix_strlen(const char *s) { return strlen(s); }
typedef struct { int32_t x, y; } benchfix_point;
static benchfix_point benchfix_point_add(benchfix_point p, benchfix_point q) { benchfix_point r = { p.x + q.x, p.y + q.y }; return r; }
*/
import "C"

import "unsafe"

// The cgo baseline: the fixture's functions compiled into the binary and
// called through cgo, the way a cgo user would call them, so that goractor's
// figures (`goractor bench`, ffi's benchmarks) are set against cgo's in the
// same run. The bodies are those of bench.c (plus strlen and a struct by
// value for ffi's benchmarks), static in the preamble so that cgo's wrapper
// can inline them as a cgo user's would be. CgoAdd and the callback
// baselines (cgo_callback.go) exist without cgo (they panic there); the
// others exist only in cgo builds.

// HaveCgo reports whether this binary was built with cgo, so that CgoAdd,
// CgoCallbackN and CgoCallbackNThread are real cgo calls.
const HaveCgo = true

// CgoAdd calls int add(int, int) through cgo.
func CgoAdd(a, b int32) int32 { return int32(C.benchfix_add(C.int(a), C.int(b))) }

// CgoHypot2 calls double hypot2(double, double) through cgo.
func CgoHypot2(a, b float64) float64 {
	return float64(C.benchfix_hypot2(C.double(a), C.double(b)))
}

// CgoNoop calls void noop(void) through cgo.
func CgoNoop() { C.benchfix_noop() }

// CgoStrlen calls strlen on s, which must end with a NUL byte, through cgo.
func CgoStrlen(s []byte) uint64 {
	return uint64(C.benchfix_strlen((*C.char)(unsafe.Pointer(&s[0]))))
}

// Point mirrors the C struct {int32_t x, y}.
type Point struct{ X, Y int32 }

// CgoPointAdd calls a function taking and returning a struct by value
// through cgo.
func CgoPointAdd(p, q Point) Point {
	r := C.benchfix_point_add(C.benchfix_point{C.int32_t(p.X), C.int32_t(p.Y)}, C.benchfix_point{C.int32_t(q.X), C.int32_t(q.Y)})
	return Point{int32(r.x), int32(r.y)}
}
