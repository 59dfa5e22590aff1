//go:build linux && (amd64 || arm64)

package extension

import (
	"syscall"
	"unsafe"
)

// sigAction is the kernel's struct sigaction on linux/amd64 and linux/arm64.
// The audit talks to the kernel directly (rt_sigaction): it sees exactly what
// the kernel will run, whatever C library or wrapper installed it, and it
// needs no C library at all, so it works with CGO_ENABLED=0.
type sigAction struct {
	handler  uintptr
	flags    uint64
	restorer uintptr
	mask     uint64
}

const (
	saOnStack = 0x08000000
	sigDFL    = 0
	sigIGN    = 1
)

func (a sigAction) isDefaultOrIgnore() bool { return a.handler == sigDFL || a.handler == sigIGN }
func (a sigAction) onStack() bool           { return a.flags&saOnStack != 0 }

func rtSigaction(sig syscall.Signal, act, old *sigAction) error {
	_, _, e := syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(sig),
		uintptr(unsafe.Pointer(act)), uintptr(unsafe.Pointer(old)), 8, 0, 0)
	if e != 0 {
		return e
	}
	return nil
}

// snapshotSignals reads the handler of every catchable signal.
func snapshotSignals() sigSnapshot {
	s := make(sigSnapshot, 64)
	for sig := syscall.Signal(1); sig <= 64; sig++ {
		if sig == syscall.SIGKILL || sig == syscall.SIGSTOP {
			continue
		}
		var old sigAction
		if rtSigaction(sig, nil, &old) == nil {
			s[sig] = old
		}
	}
	return s
}

// addOnStack re-installs the current handler of sig with SA_ONSTACK added and
// nothing else changed.
func addOnStack(sig syscall.Signal) error {
	var cur sigAction
	if err := rtSigaction(sig, nil, &cur); err != nil {
		return err
	}
	cur.flags |= saOnStack
	return rtSigaction(sig, &cur, nil)
}

// restoreSignal puts back the handler recorded in a.
func restoreSignal(sig syscall.Signal, a sigAction) error {
	return rtSigaction(sig, &a, nil)
}

// signalOnStack reports whether the current handler of sig is a function
// installed with SA_ONSTACK (false for SIG_DFL and SIG_IGN).
func signalOnStack(sig syscall.Signal) (installed, onStack bool, err error) {
	var cur sigAction
	if err := rtSigaction(sig, nil, &cur); err != nil {
		return false, false, err
	}
	return !cur.isDefaultOrIgnore(), cur.onStack(), nil
}
