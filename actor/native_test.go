package actor

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/ebitengine/purego"

	"github.com/goractor/goractor/internal/cbuild"
	"github.com/goractor/goractor/internal/dl"
	"github.com/goractor/goractor/internal/testlib"
)

// native is the C fixture testdata/native.c, loaded through purego.
type native struct {
	setTLS  func(int32)
	getTLS  func() int32
	sleepMS func(int32)
	waitFD  func(int32) int32
}

var (
	nativeMu  sync.Mutex
	nativeLib *native
)

func loadNative(t testing.TB) *native {
	t.Helper()
	nativeMu.Lock()
	defer nativeMu.Unlock()
	if nativeLib != nil {
		return nativeLib
	}
	path := testlib.SharedLib(t, []string{"testdata/native.c"})
	// t.TempDir is removed with the test: keep a copy for the process.
	nativeLib = openNative(t, path)
	return nativeLib
}

func openNative(t testing.TB, path string) *native {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	keep := filepath.Join(os.TempDir(), "goractor-actor-native-"+filepath.Base(filepath.Dir(path))+".so")
	if err := os.WriteFile(keep, data, 0o700); err != nil {
		t.Fatal(err)
	}
	h, err := dl.Open(keep)
	os.Remove(keep) // the mapping stays valid
	if err != nil {
		t.Fatal(err)
	}
	return nativeFrom(h)
}

// nativeFrom binds the fixture's functions from the opened library h.
func nativeFrom(h uintptr) *native {
	n := &native{}
	purego.RegisterLibFunc(&n.setTLS, h, "set_tls")
	purego.RegisterLibFunc(&n.getTLS, h, "get_tls")
	purego.RegisterLibFunc(&n.sleepMS, h, "sleep_ms")
	purego.RegisterLibFunc(&n.waitFD, h, "wait_fd")
	return n
}

// buildNative builds the fixture for a helper process (no testing.T).
func buildNative() (*native, error) {
	dir, err := os.MkdirTemp("", "goractor-actor-helper-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	lib := filepath.Join(dir, "libnative.so")
	if err := cbuild.SharedLib(lib, []string{"testdata/native.c"}); err != nil {
		return nil, err
	}
	h, err := dl.Open(lib)
	if err != nil {
		return nil, err
	}
	return nativeFrom(h), nil
}
