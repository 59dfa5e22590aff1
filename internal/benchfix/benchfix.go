package benchfix

import (
	_ "embed"
	"os"
	"path/filepath"

	"github.com/goractor/goractor/internal/cbuild"
)

// Source is the fixture's C source. It exports exactly the ABI that
// `goractor bench --lib PATH` expects:
//
//	int add(int, int);
//	double hypot2(double, double);
//	void noop(void);
//	long call_cb_n(int (*cb)(int), int n);        // cb(i) n times on the calling thread; the sum
//	long call_cb_n_thread(int (*cb)(int), int n); // the same on a new pthread, joined; the sum
//	int sleep_us(int);
//	int sleep_ms(int);
//	long sleep_ms_threads(int threads, long calls); // calls sleep_ms(1) spread over threads pthreads
//
// It is the only copy: ffi's test fixture (ffi/testdata/fixture.c) includes
// it, so tests, benchmarks and `goractor bench` call the same C code.
//
//go:embed bench.c
var Source string

// Callback measurement names, as `goractor bench` reports them.
const (
	CallbackSync       = "goractor.callback.sync"
	CallbackForeign    = "goractor.callback.foreign_thread"
	RawCallbackSync    = "purego.callback.sync"
	RawCallbackForeign = "purego.callback.foreign_thread"
)

// Symbols lists the functions a fixture library must export.
var Symbols = []string{"add", "hypot2", "noop", "call_cb_n", "call_cb_n_thread", "sleep_us", "sleep_ms", "sleep_ms_threads"}

// Build compiles Source into dir/libgoractorbench.so with the system C
// compiler (go env CC) and returns the library's path.
func Build(dir string) (string, error) {
	src := filepath.Join(dir, "goractorbench.c")
	if err := os.WriteFile(src, []byte(Source), 0o600); err != nil {
		return "", err
	}
	out := filepath.Join(dir, "libgoractorbench.so")
	if err := cbuild.SharedLib(out, []string{src}); err != nil {
		return "", err
	}
	return out, nil
}
