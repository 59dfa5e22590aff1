package testlib

import (
	"fmt"
	"os"
	"os/exec"
	"testing"

	"go.uber.org/goleak"
)

// ProgramEnv, in the environment of a test binary, names the program
// (one of those given to Main) the binary runs instead of its tests.
const ProgramEnv = "GORACTOR_TEST_PROGRAM"

// Main is a package's TestMain.
//
//   - With ProgramEnv set (a child ProgramCmd started), it runs the named
//     program of programs on the main goroutine, as a program's main()
//     runs, and exits with the status it returns (3 for a name it lacks).
//   - With ChildEnv set (a child RunSelf started), it runs the tests and
//     exits without the leak check: such a child may end by design without
//     cleaning up, and its parent judges it.
//   - Otherwise it runs the tests and fails the binary if goroutines
//     leaked, ignoring ignores.
func Main(m *testing.M, programs map[string]func() int, ignores ...goleak.Option) {
	if name := os.Getenv(ProgramEnv); name != "" {
		f, ok := programs[name]
		if !ok {
			fmt.Fprintf(os.Stderr, "testlib: %s=%q: no such program\n", ProgramEnv, name)
			os.Exit(3)
		}
		os.Exit(f())
	}
	if os.Getenv(ChildEnv) != "" {
		os.Exit(m.Run())
	}
	goleak.VerifyTestMain(m, ignores...)
}

// ProgramCmd returns the command that runs this test binary again as
// program name (see Main), with env added to its environment and
// GOTRACEBACK=all.
func ProgramCmd(name string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append([]string{ProgramEnv + "=" + name, "GOTRACEBACK=all"}, env...)...)
	return cmd
}
