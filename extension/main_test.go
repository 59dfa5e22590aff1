package extension

import (
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/goractor/goractor/internal/testlib"
)

// MainHelpers are programs a test runs in a child process on its main
// goroutine, as a program's main() would (see TestMain): the child is the
// test binary re-run with EXT_MAIN_HELPER naming the helper, whose result is
// the exit status.
var MainHelpers = map[string]func() int{}

func TestMain(m *testing.M) {
	if h := os.Getenv("EXT_MAIN_HELPER"); h != "" {
		os.Exit(MainHelpers[h]())
	}
	if os.Getenv("EXT_SIG_CHILD") != "" || os.Getenv(testlib.ChildEnv) != "" {
		os.Exit(m.Run()) // the signal subprocess ends by design without cleanup
	}
	goleak.VerifyTestMain(m)
}
