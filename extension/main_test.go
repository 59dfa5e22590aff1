package extension

import (
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/goractor/goractor/internal/testlib"
)

func TestMain(m *testing.M) {
	if os.Getenv("EXT_SIG_CHILD") != "" || os.Getenv(testlib.ChildEnv) != "" {
		os.Exit(m.Run()) // the signal subprocess ends by design without cleanup
	}
	goleak.VerifyTestMain(m)
}
