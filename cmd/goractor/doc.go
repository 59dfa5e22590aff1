// Command goractor is goractor's command line: a conformance check of a
// native library described by a manifest (goractor check), and the
// subcommands other files register.
//
// Usage:
//
//	goractor <command> [arguments]
//
// Run "goractor help" for the list of commands.
//
// # goractor check --isolate
//
// With --isolate, the goractor process only parses the manifest and merges
// reports: each function is checked in a child process, this binary
// re-executed as "goractor check --function NAME --json", which runs the
// whole conformance engine on that one function and prints its report. A
// child that dies of a signal, or whose Go crash report names one, makes
// the function's verdict "crashed: SIGSEGV in SYMBOL (…)": the report is
// read by host.ParseCrashReport, as a host's is, and the symbol is the one
// goractor's native-crash line names, else the function checked when it is
// one C call. A child past --timeout is killed by its PID. Every other
// verdict of the run is kept.
//
// The children, and the fresh-process draws of stateful functions, are
// started by internal/selfexec, the mechanism package host starts hosts
// with: a child gets SIGKILL when this process dies, even of kill -9
// (PR_SET_PDEATHSIG, from a thread that lives as long as the child), and
// exits when its stdin — a pipe from this process — ends.
//
// The engine runs in a whole child process rather than in an actor of a
// host (package host) because it is more than one actor: it starts its own
// actor system, with a main actor and 2×GOMAXPROCS calling actors on
// threads of their own, opens the extension with its declared policies and
// starts fresh processes of its own. What it needs from isolation is the
// process boundary alone; a host's node connection, restarts and calls
// that cross processes would add nothing to it.
package main
