package cbuild

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
)

// ErrNoCompiler reports that no C compiler could be found.
var ErrNoCompiler = errors.New("cbuild: no C compiler found")

var ccOnce = sync.OnceValues(func() ([]string, error) {
	cc := os.Getenv("CC")
	if cc == "" {
		if out, err := exec.Command("go", "env", "CC").Output(); err == nil {
			cc = strings.TrimSpace(string(out))
		}
	}
	if cc == "" {
		cc = "cc"
	}
	fields := strings.Fields(cc)
	if _, err := exec.LookPath(fields[0]); err != nil {
		return nil, fmt.Errorf("%w: %q: %v", ErrNoCompiler, cc, err)
	}
	return fields, nil
})

// CC returns the C compiler command (go env CC, or $CC), split into fields.
// The error wraps ErrNoCompiler when it is not installed.
func CC() ([]string, error) { return ccOnce() }

// SharedLib compiles srcs into the shared library out with
// -O2 -shared -fPIC -pthread, followed by extra (for example "-lm").
func SharedLib(out string, srcs []string, extra ...string) error {
	return compile(out, []string{"-O2", "-shared", "-fPIC", "-pthread"}, srcs, extra)
}

// Executable compiles srcs into the program out (used for pure-C baselines).
func Executable(out string, srcs []string, extra ...string) error {
	return compile(out, []string{"-O2", "-pthread"}, srcs, extra)
}

// compile runs the C compiler with flags, -o out, srcs and extra.
func compile(out string, flags, srcs, extra []string) error {
	cc, err := CC()
	if err != nil {
		return err
	}
	args := append([]string{}, cc[1:]...)
	args = append(args, flags...)
	args = append(args, "-o", out)
	args = append(args, srcs...)
	args = append(args, extra...)
	cmd := exec.Command(cc[0], args...)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("cbuild: %s %s: %v\n%s", cc[0], strings.Join(args, " "), err, buf.Bytes())
	}
	return nil
}
