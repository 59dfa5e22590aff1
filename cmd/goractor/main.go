package main

import (
	"fmt"
	"io"
	"os"
	"sort"
)

// command is one subcommand. run returns the process exit status.
type command struct {
	name    string
	summary string // one line, shown by "goractor help"
	run     func(args []string, stdout, stderr io.Writer) int
}

// commands holds the registered subcommands, keyed by name. Subcommand files
// (check.go, bench.go, ...) add themselves in init with registerCommand.
var commands = map[string]command{}

// registerCommand adds a subcommand; a duplicate name is a programming error.
func registerCommand(c command) {
	if _, dup := commands[c.name]; dup {
		panic("goractor: command " + c.name + " registered twice")
	}
	commands[c.name] = c
}

func main() {
	code := run(os.Args[1:], os.Stdout, os.Stderr)
	closeBenchCluster() // a bench's node and its peer, if it started them
	os.Exit(code)
}

// run dispatches args to a subcommand and returns the exit status: the
// subcommand's, or 2 for a usage error.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "goractor: unknown command %q\n", args[0])
		usage(stderr)
		return 2
	}
	return c.run(args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: goractor <command> [arguments]")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
}
