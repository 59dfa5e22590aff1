package extension

import (
	"errors"
	"sync"

	"go.uber.org/zap"
)

// _loadMu serialises library opening with its signal audit, so that two loads
// never blame each other's handlers.
var _loadMu sync.Mutex

// auditedOpen runs open (which opens library and runs its constructors)
// between two snapshots of the process's signal handlers and applies policy
// to the handlers it installed without SA_ONSTACK. closeLib undoes open when
// the policy refuses the load. It returns what it found (nil when clean) and
// the load error.
func auditedOpen(library string, policy SignalPolicy, logger *zap.Logger, open func() error, closeLib func()) (*SignalError, error) {
	_loadMu.Lock()
	defer _loadMu.Unlock()
	before := snapshotSignals()
	if err := open(); err != nil {
		return nil, err
	}
	bad := offenders(before, snapshotSignals())
	if len(bad) == 0 {
		return nil, nil
	}
	se := &SignalError{Library: library, Signals: bad, Err: ErrSignalNoOnStack}
	switch policy {
	case SignalsRepair:
		var errs []error
		for _, sig := range bad {
			errs = append(errs, addOnStack(sig))
		}
		if err := errors.Join(errs...); err != nil {
			return se, errors.Join(se, err)
		}
		se.Repaired = true
		if logger != nil {
			logger.Warn("repaired signal handlers", zap.Error(se))
		}
		return se, nil
	case SignalsRefuse:
		for _, sig := range bad {
			_ = restoreSignal(sig, before[sig])
		}
		if closeLib != nil {
			closeLib()
		}
		return se, se
	default:
		if logger != nil {
			logger.Warn("signal handlers without SA_ONSTACK", zap.Error(se))
		}
		return se, nil
	}
}
