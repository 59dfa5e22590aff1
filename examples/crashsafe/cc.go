package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// errNoCompiler reports that no C compiler could be found.
var errNoCompiler = errors.New("no C compiler found")

// compiler returns the C compiler Go itself uses ($CC, else go env CC, else
// cc), split into fields. The error wraps errNoCompiler when it is not
// installed.
func compiler() ([]string, error) {
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
		return nil, fmt.Errorf("%w: %q: %v", errNoCompiler, cc, err)
	}
	return fields, nil
}

// buildLib writes source to dir/name.c and compiles it into the shared
// library dir/libname.so, whose path it returns.
func buildLib(dir, name, source string) (string, error) {
	cc, err := compiler()
	if err != nil {
		return "", err
	}
	src, lib := filepath.Join(dir, name+".c"), filepath.Join(dir, "lib"+name+".so")
	if err := os.WriteFile(src, []byte(source), 0o600); err != nil {
		return "", err
	}
	args := append(cc[1:len(cc):len(cc)], "-O2", "-shared", "-fPIC", "-pthread", "-o", lib, src)
	var out bytes.Buffer
	cmd := exec.Command(cc[0], args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s %s: %v\n%s", cc[0], strings.Join(args, " "), err, out.Bytes())
	}
	return lib, nil
}
