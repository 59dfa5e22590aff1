//go:build cgo

// Package cgobase is the cgo baseline for ffi's benchmarks: the benchmark
// fixture's functions compiled into the binary and called through cgo, so
// ffi's figures can be set against cgo's in the same run. It exists only
// with CGO_ENABLED=1 (a _test.go file cannot use cgo).
package cgobase

/*
#include <stdint.h>
#include <string.h>
static int cb_add(int a, int b) { return a + b; }
static double cb_hypot2(double a, double b) { return a * a + b * b; }
static void cb_noop(void) {}
static size_t cb_strlen(const char *s) { return strlen(s); }
typedef struct { int32_t x, y; } cb_point;
static cb_point cb_point_add(cb_point p, cb_point q) { cb_point r = { p.x + q.x, p.y + q.y }; return r; }
*/
import "C"

import "unsafe"

// Add calls int add(int, int).
func Add(a, b int32) int32 { return int32(C.cb_add(C.int(a), C.int(b))) }

// Hypot2 calls double hypot2(double, double).
func Hypot2(a, b float64) float64 { return float64(C.cb_hypot2(C.double(a), C.double(b))) }

// Noop calls void noop(void).
func Noop() { C.cb_noop() }

// Strlen calls strlen on s, which must end with a NUL byte.
func Strlen(s []byte) uint64 { return uint64(C.cb_strlen((*C.char)(unsafe.Pointer(&s[0])))) }

// Point mirrors the C struct {int32 x, y}.
type Point struct{ X, Y int32 }

// PointAdd calls a function taking and returning a struct by value.
func PointAdd(p, q Point) Point {
	r := C.cb_point_add(C.cb_point{C.int32_t(p.X), C.int32_t(p.Y)}, C.cb_point{C.int32_t(q.X), C.int32_t(q.Y)})
	return Point{int32(r.x), int32(r.y)}
}
