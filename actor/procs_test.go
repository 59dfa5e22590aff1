package actor

import (
	"os"
	"runtime"
	"testing"
)

// Run adds spareProcs to the runtime's GOMAXPROCS while it runs (unless the
// environment set GOMAXPROCS) and restores it afterwards; WithProcs sets
// another value; a value the program chose is left alone.
func TestRunProcs(t *testing.T) {
	before := runtime.GOMAXPROCS(0)
	if before != initProcs {
		t.Fatalf("GOMAXPROCS is %d before the test, not the runtime's %d", before, initProcs)
	}
	inside := func(opts ...Option) int {
		var n int
		if err := Run(func(*Context) error { n = runtime.GOMAXPROCS(0); return nil }, opts...); err != nil {
			t.Fatal(err)
		}
		if after := runtime.GOMAXPROCS(0); after != before {
			t.Fatalf("GOMAXPROCS is %d after Run; want %d restored", after, before)
		}
		return n
	}
	want := initProcs + spareProcs
	if os.Getenv("GOMAXPROCS") != "" {
		want = initProcs // the environment decides
	}
	if n := inside(); n != want {
		t.Errorf("default: GOMAXPROCS %d inside Run; want %d", n, want)
	}
	if n := inside(WithProcs(before + 3)); n != before+3 {
		t.Errorf("WithProcs(%d): GOMAXPROCS %d inside Run", before+3, n)
	}
	if n := inside(WithProcs(0)); n != before {
		t.Errorf("WithProcs(0): GOMAXPROCS %d inside Run; want %d untouched", n, before)
	}

	// A program that chose its own value keeps it.
	runtime.GOMAXPROCS(before + 2)
	defer runtime.GOMAXPROCS(before)
	var n int
	if err := Run(func(*Context) error { n = runtime.GOMAXPROCS(0); return nil }); err != nil {
		t.Fatal(err)
	}
	if n != before+2 || runtime.GOMAXPROCS(0) != before+2 {
		t.Errorf("a program's own GOMAXPROCS %d became %d inside Run and %d after", before+2, n, runtime.GOMAXPROCS(0))
	}
}

// Overlapping Runs share the setting: the last one out restores it.
func TestRunProcsNested(t *testing.T) {
	before := runtime.GOMAXPROCS(0)
	leave1 := enterProcs(before + 4)
	leave2 := enterProcs(0)
	if n := runtime.GOMAXPROCS(0); n != before+4 {
		t.Errorf("GOMAXPROCS %d with two Runs; want the first one's %d", n, before+4)
	}
	leave1()
	if n := runtime.GOMAXPROCS(0); n != before+4 {
		t.Errorf("GOMAXPROCS %d after the first Run ended while the second runs; want %d", n, before+4)
	}
	leave2()
	if n := runtime.GOMAXPROCS(0); n != before {
		t.Errorf("GOMAXPROCS %d after both Runs; want %d", n, before)
	}
}
