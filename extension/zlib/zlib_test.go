package zlib_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/goractor/goractor/extension/zlib"
	"github.com/goractor/goractor/internal/testlib"
)

func TestCompressRoundTrip(t *testing.T) {
	z, err := zlib.Open()
	testlib.SkipIfLibraryMissing(t, "zlib (zlib1g)", err)
	defer z.Close()
	for _, in := range [][]byte{nil, []byte("a"), bytes.Repeat([]byte("goractor "), 5000)} {
		c, err := z.Compress(in)
		if err != nil {
			t.Fatalf("Compress(%d bytes): %v", len(in), err)
		}
		out, err := z.Uncompress(c, 0)
		if err != nil {
			t.Fatalf("Uncompress: %v", err)
		}
		if !bytes.Equal(out, in) {
			t.Fatalf("round trip of %d bytes gave %d bytes", len(in), len(out))
		}
	}
	c, _ := z.Compress(bytes.Repeat([]byte("x"), 1000))
	if _, err := z.Uncompress(c[:len(c)/2], 0); !errors.Is(err, zlib.ErrBuf) && !errors.Is(err, zlib.ErrData) {
		t.Errorf("Uncompress(truncated) = %v; want ErrBuf or ErrData", err)
	}
	if _, err := z.Uncompress([]byte("not zlib data at all"), 0); !errors.Is(err, zlib.ErrData) {
		t.Errorf("Uncompress(garbage) = %v; want ErrData", err)
	}
	if v := z.Version(); v == "" || v[0] != '1' {
		t.Errorf("zlibVersion() = %q", v)
	}
}
