package extension

import (
	"os"
	"testing"

	"github.com/goractor/goractor/internal/testlib"
)

// MainHelpers are programs a test runs in a child process on its main
// goroutine, as a program's main() would (testlib.Main): the child is the
// test binary re-run with testlib.ProgramEnv naming the helper, whose result
// is the exit status.
var MainHelpers = map[string]func() int{}

func TestMain(m *testing.M) {
	if os.Getenv("EXT_SIG_CHILD") != "" {
		os.Exit(m.Run()) // the signal subprocess ends by design without cleanup
	}
	testlib.Main(m, MainHelpers)
}
