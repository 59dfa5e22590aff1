package extension

import (
	"testing"

	"github.com/goractor/goractor/internal/testlib"
)

// MainHelpers are programs a test runs in a child process on its main
// goroutine, as a program's main() would (testlib.Main): the child is the
// test binary re-run with testlib.ProgramEnv naming the helper, whose result
// is the exit status.
var MainHelpers = map[string]func() int{}

// A child process of testlib.RunSelf (the signal tests' children end by
// design without cleanup) runs without the leak check: testlib.Main.
func TestMain(m *testing.M) { testlib.Main(m, MainHelpers) }
