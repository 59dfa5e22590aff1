//go:build linux && (amd64 || arm64)

package extension_test

import (
	"fmt"
	"os"
	"regexp"
	"testing"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/extension"
	"github.com/goractor/goractor/internal/nativecrash"
	"github.com/goractor/goractor/internal/testlib"
)

func init() {
	extension.MainHelpers["dedicated-crash"] = helperDedicatedCrash
}

// helperDedicatedCrash calls crash_segv(NULL) through a DedicatedThread
// extension from an actor: the call runs, and crashes, on the extension's
// own thread.
func helperDedicatedCrash() int {
	r := extension.NewRegistry()
	r.MustRegister(extension.Declaration{Name: "crashy", Libraries: []string{os.Getenv("EXT_MAIN_LIB")},
		Affinity: extension.DedicatedThread, Safety: extension.ParallelSafe})
	x, err := extension.Load("crashy", extension.WithRegistry(r))
	if err != nil {
		fmt.Println("load:", err)
		return 1
	}
	defer x.Close()
	var segv func(int64) int32
	x.MustBind(&segv, "crash_segv")
	err = actor.Run(func(ctx *actor.Context) error {
		w, err := ctx.Spawn(func(*actor.Context) (any, error) {
			return segv(0), nil
		}, actor.WithName("worker"))
		if err != nil {
			return err
		}
		return w.Join(ctx.Context())
	})
	fmt.Println("survived:", err)
	return 1
}

// A native crash on a DedicatedThread extension's thread names the
// extension: "caller=extension NAME thread" (docs/limits.md), not
// "caller=unknown".
func TestNativeCrash_DedicatedThreadNamed(t *testing.T) {
	if !nativecrash.Installed() {
		t.Fatal("the native crash handler is not installed on linux")
	}
	lib := testlib.SharedLib(t, []string{"../ffi/testdata/crash.c"})
	out, err := testlib.RunSelf(t, childTimeout, "EXT_MAIN_HELPER=dedicated-crash", "EXT_MAIN_LIB="+lib)
	if err == nil {
		t.Fatalf("the child did not crash:\n%s", out)
	}
	line := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(nativecrash.Prefix) + `signal=SIGSEGV .* call=libcrash\.so:crash_segv tid=\d+ caller=(.*)$`).FindStringSubmatch(out)
	if line == nil {
		t.Fatalf("no native crash line for crash_segv in the child's output:\n%s", out)
	}
	if line[1] != "extension crashy thread" {
		t.Errorf("caller=%s, want caller=extension crashy thread\n%s", line[1], line[0])
	}
}
