package extension

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"syscall"
)

// ErrSignalNoOnStack is wrapped by *SignalError: a native library installed a
// signal handler without the SA_ONSTACK flag. Go runs signal handlers on an
// alternate signal stack; a handler installed without SA_ONSTACK runs on
// whatever stack the interrupted goroutine was using and crashes the program
// ("non-Go code set up signal handler without SA_ONSTACK flag") as soon as it
// hands the signal on to Go's handler.
var ErrSignalNoOnStack = errors.New("extension: signal handler installed without SA_ONSTACK")

// SignalError reports the signal handlers a library installed while it was
// being opened (by its constructors) without SA_ONSTACK.
type SignalError struct {
	Library  string           // the library that was opened, as named in the declaration
	Signals  []syscall.Signal // the signals whose handlers lack SA_ONSTACK, ascending
	Repaired bool             // SA_ONSTACK was added to each of them (SignalsRepair)
	Err      error            // ErrSignalNoOnStack
}

// Error returns the error's message.
func (e *SignalError) Error() string {
	names := make([]string, len(e.Signals))
	for i, s := range e.Signals {
		names[i] = SignalName(s)
	}
	msg := fmt.Sprintf("extension: library %q installed a handler for %s without SA_ONSTACK (Go programs crash when the signal arrives)",
		e.Library, strings.Join(names, ", "))
	if e.Repaired {
		msg += "; repaired by adding SA_ONSTACK"
	}
	return msg
}

// Unwrap returns Err.
func (e *SignalError) Unwrap() error { return e.Err }

var signalNames = [...]string{
	1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT",
	7: "SIGBUS", 8: "SIGFPE", 9: "SIGKILL", 10: "SIGUSR1", 11: "SIGSEGV", 12: "SIGUSR2",
	13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM", 16: "SIGSTKFLT", 17: "SIGCHLD",
	18: "SIGCONT", 19: "SIGSTOP", 20: "SIGTSTP", 21: "SIGTTIN", 22: "SIGTTOU", 23: "SIGURG",
	24: "SIGXCPU", 25: "SIGXFSZ", 26: "SIGVTALRM", 27: "SIGPROF", 28: "SIGWINCH", 29: "SIGIO",
	30: "SIGPWR", 31: "SIGSYS",
}

// SignalName returns the Linux name of s ("SIGUSR1"), or "SIGRTMIN+n" for a
// real-time signal.
func SignalName(s syscall.Signal) string {
	if s > 0 && int(s) < len(signalNames) && signalNames[s] != "" {
		return signalNames[s]
	}
	if s >= 32 && s <= 64 {
		return "SIGRTMIN+" + strconv.Itoa(int(s)-32)
	}
	return "signal " + strconv.Itoa(int(s))
}

// sigSnapshot is the handler table of the process at one moment.
type sigSnapshot map[syscall.Signal]sigAction

// offenders returns the signals whose handler changed between before and after
// and now runs a function without SA_ONSTACK.
func offenders(before, after sigSnapshot) []syscall.Signal {
	var out []syscall.Signal
	for sig := syscall.Signal(1); sig <= 64; sig++ {
		a, ok := after[sig]
		if !ok || a.isDefaultOrIgnore() || a.onStack() {
			continue
		}
		if b, ok := before[sig]; ok && b == a {
			continue // not installed by this library
		}
		out = append(out, sig)
	}
	return out
}
