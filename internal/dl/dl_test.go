package dl_test

import (
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/goractor/goractor/internal/dl"
)

func TestOpenLibcOrRefuse(t *testing.T) {
	h, err := dl.Open("libc.so.6")
	switch runtime.GOOS {
	case "linux":
		if err != nil {
			t.Fatal(err)
		}
		if p, err := dl.Sym(h, "strlen"); err != nil || p == 0 {
			t.Fatalf("strlen = %#x, %v", p, err)
		}
		if _, err := dl.Sym(h, "no_such_symbol_here"); err == nil {
			t.Error("a missing symbol was found")
		}
		if err := dl.Close(h); err != nil {
			t.Fatal(err)
		}
	case "darwin", "freebsd", "netbsd":
	default:
		if !errors.Is(err, errors.ErrUnsupported) || !strings.Contains(err.Error(), runtime.GOOS+"/"+runtime.GOARCH) {
			t.Fatalf("Open on %s = %v, want ErrUnsupported naming the platform", runtime.GOOS, err)
		}
	}
}
