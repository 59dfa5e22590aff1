//go:build !(linux && (amd64 || arm64))

package extension

import (
	"errors"
	"syscall"
)

// sigAction is empty where the audit is not implemented: snapshots are empty
// and nothing is ever reported.
type sigAction struct{}

func (sigAction) isDefaultOrIgnore() bool { return true }
func (sigAction) onStack() bool           { return true }

func snapshotSignals() sigSnapshot { return nil }

func addOnStack(syscall.Signal) error { return errors.ErrUnsupported }

func restoreSignal(syscall.Signal, sigAction) error { return errors.ErrUnsupported }

func signalOnStack(syscall.Signal) (bool, bool, error) { return false, false, errors.ErrUnsupported }
