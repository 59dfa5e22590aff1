package conformance_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/goractor/goractor/extension"
	"github.com/goractor/goractor/safety/conformance"
)

// OpenSSL error codes, ERR_PACK(lib, 0, reason): BN, RSA, EVP, PEM.
var errCodes = [][]any{{uint64(3 << 23)}, {uint64(4 << 23)}, {uint64(6 << 23)}, {uint64(9<<23 | 108)}}

func opensslFunctions(order string) []conformance.Function {
	lib := conformance.Function{Name: "ERR_lib_error_string", Signature: "func(uint64) string", Inputs: errCodes}
	// OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL) loads the
	// error strings ERR_lib_error_string returns (NULL until then).
	load := conformance.Function{Name: "OPENSSL_init_crypto", Signature: "func(uint64, unsafe.Pointer) int32", Inputs: [][]any{{uint64(2), nil}}}
	withBuf := conformance.Function{Name: "ERR_error_string_n", Signature: "func(uint64, unsafe.Pointer, uint64)", Inputs: [][]any{
		{errCodes[0][0], conformance.Out(conformance.Layout{Size: 64}), uint64(64)},
		{errCodes[3][0], conformance.Out(conformance.Layout{Size: 64}), uint64(64)},
	}}
	static := conformance.Function{Name: "ERR_error_string", Signature: "func(uint64, unsafe.Pointer) string", Inputs: [][]any{
		{errCodes[0][0], nil}, {errCodes[1][0], nil}, {errCodes[2][0], nil}, {errCodes[3][0], nil},
	}}
	if order == "lib-first" {
		return []conformance.Function{lib, withBuf, static, load}
	}
	return []conformance.Function{load, static, withBuf, lib}
}

// TestOpenSSLChild runs one order of the OpenSSL subject in a fresh process
// (for TestOpenSSLLazyInit) and prints "name verdict" lines.
func TestOpenSSLChild(t *testing.T) {
	order := os.Getenv("CONFORMANCE_OPENSSL_ORDER")
	if order == "" {
		return // only TestOpenSSLLazyInit runs it, in a fresh process
	}
	rep, err := conformance.Check(conformance.Subject{Declaration: &extension.Declaration{
		Name: "libcrypto", Libraries: []string{"libcrypto.so.3"}, Safety: extension.ParallelSafe,
	}, Functions: opensslFunctions(order)})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Functions {
		t.Logf("VERDICT %s %v (%d of %d: %s%s)", f.Name, f.Verdict, f.Mismatches, f.Calls, f.Example, f.Reason)
	}
}

// ERR_lib_error_string returns NULL until OpenSSL's error strings are
// loaded, which OPENSSL_init_crypto triggers: with the warm-up round it is ok
// in either order, in a fresh process each time. ERR_error_string(e, NULL)
// writes a static buffer and, declared parallel-safe, is a violation;
// ERR_error_string_n into the caller's buffer is not.
func TestOpenSSLLazyInit(t *testing.T) {
	for _, order := range []string{"lib-first", "static-first"} {
		t.Run(order, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestOpenSSLChild$", "-test.v", "-test.count=1")
			cmd.Env = append(os.Environ(), "CONFORMANCE_OPENSSL_ORDER="+order)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("child: %v\n%s", err, out)
			}
			want := map[string]string{"ERR_lib_error_string": "ok", "OPENSSL_init_crypto": "ok", "ERR_error_string_n": "ok", "ERR_error_string": "violation"}
			for name, verdict := range want {
				if !strings.Contains(string(out), "VERDICT "+name+" "+verdict+" ") {
					t.Errorf("%s: want verdict %s\n%s", name, verdict, out)
				}
			}
		})
	}
}
