package actor

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// Subprocess tests re-execute the test binary with helperEnv set to a
// scenario name; TestMain then runs the scenario instead of the tests.
const helperEnv = "GORACTOR_ACTOR_HELPER"

var helpers = map[string]func() int{}

func runHelper() {
	f, ok := helpers[os.Getenv(helperEnv)]
	if !ok {
		fmt.Fprintln(os.Stderr, "unknown helper", os.Getenv(helperEnv))
		os.Exit(3)
	}
	os.Exit(f())
}

// helperCmd returns the command re-running this test binary as scenario name.
func helperCmd(t *testing.T, name string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append([]string{helperEnv + "=" + name, "GOTRACEBACK=all"}, env...)...)
	return cmd
}
