package extension_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/extension"
	"github.com/goractor/goractor/internal/testlib"
)

func init() {
	extension.MainHelpers["onmain-threadsafe-owner"] = helperOnMainFromProgramMain
}

// helperOnMainFromProgramMain is item 1 of issue 11 in a program whose main()
// calls Run: the main actor runs on the process's main thread itself, not on
// a thread of its own as under a test goroutine.
func helperOnMainFromProgramMain() int {
	aff := extension.AnyThread
	if os.Getenv("EXT_MAIN_AFFINITY") == extension.MainThread.String() {
		aff = extension.MainThread
	}
	f, x, err := openReenter(os.Getenv("EXT_MAIN_LIB"), onMainDecl(aff))
	if err != nil {
		fmt.Println("load:", err)
		return 1
	}
	defer x.Close()
	if err := actor.Run(onMainFromThreadSafeOwner(f)); err != nil {
		fmt.Println("Run:", err)
		return 1
	}
	fmt.Println("on-main calls from a thread-safe callback's owner: ok")
	return 0
}

// Item 1 from a real main(): a worker owning a live thread-safe callback
// calls an OnMain function (and a MainThread + OnMain one); the token was
// released twice and "execctx: token released while free" killed the
// process.
func TestOnMainFromWorkerOwningThreadSafeCallback_ProgramMain(t *testing.T) {
	lib := testlib.SharedLib(t, []string{"testdata/reenter.c"}, "-pthread")
	for _, aff := range []extension.Affinity{extension.AnyThread, extension.MainThread} {
		t.Run(aff.String(), func(t *testing.T) {
			out, err := testlib.RunSelf(t, childTimeout, testlib.ProgramEnv+"=onmain-threadsafe-owner", "EXT_MAIN_LIB="+lib, "EXT_MAIN_AFFINITY="+aff.String())
			if err != nil || !strings.Contains(out, "on-main calls from a thread-safe callback's owner: ok") {
				t.Fatalf("child: %v\n%s", err, out)
			}
		})
	}
}
