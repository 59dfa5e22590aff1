package extension

import "strconv"

// Safety states whether an extension's native functions may run in parallel on
// several actors.
//
// The zero value, [Undeclared], means the author said nothing; it is treated
// exactly like [NotParallelSafe], so forgetting to declare can never grant
// parallelism. Declared levels start at one.
type Safety int

const (
	// Undeclared is the zero value: no declaration was made. It behaves like
	// NotParallelSafe.
	Undeclared Safety = iota
	// NotParallelSafe says the function touches native state that is not
	// protected (static buffers, globals, non-reentrant library state): only
	// the main actor may call it, unless the extension's [Policy] says
	// otherwise.
	NotParallelSafe
	// ParallelSafe says the function may run on any actor's thread, in
	// parallel with other calls of itself and of the extension's other
	// functions. Calls of parallel-safe functions without thread affinity are
	// not gated at all and cost nothing extra.
	ParallelSafe
)

// String returns "undeclared", "not-parallel-safe" or "parallel-safe".
func (s Safety) String() string {
	switch s {
	case Undeclared:
		return "undeclared"
	case NotParallelSafe:
		return "not-parallel-safe"
	case ParallelSafe:
		return "parallel-safe"
	}
	return "Safety(" + strconv.Itoa(int(s)) + ")"
}

// IsParallelSafe reports whether s grants parallel calls. Only ParallelSafe
// does.
func (s Safety) IsParallelSafe() bool { return s == ParallelSafe }

func (s Safety) valid() bool { return s >= Undeclared && s <= ParallelSafe }

// Policy chooses what happens when an actor other than the main actor (or a
// goroutine outside every actor) calls a function that is not parallel-safe.
// The zero value is [Raise].
type Policy int

const (
	// Raise refuses the call: it returns an error of type *safety.UnsafeError
	// wrapping safety.ErrNotParallelSafe, and native code is never entered.
	// It is the default, as in Ruby (Ractor::UnsafeError).
	Raise Policy = iota
	// OnMain forwards the call to the main actor, runs it on the main actor's
	// thread between the main actor's own work, and waits for the result. The
	// main actor takes forwarded calls while it waits in Receive, Value, Join,
	// Select, Request or a port's Receive, so a main actor waiting for the
	// caller itself (Value(worker)) serves the call. Blocked anywhere else (a
	// plain channel, a mutex) it never takes it: after the OnMain wait
	// (DefaultOnMainWait, WithOnMainWait) the call is refused with an error
	// wrapping safety.ErrWouldDeadlock and never runs. With no main actor
	// running it is refused with safety.ErrNoMainActor.
	OnMain
	// Serialize runs the call on the caller's thread under one lock per
	// extension, so at most one call of the extension's unsafe functions is
	// inside native code at a time (TruffleRuby's global extension lock, made
	// per extension).
	Serialize
)

// String returns "raise", "on-main" or "serialize".
func (p Policy) String() string {
	switch p {
	case Raise:
		return "raise"
	case OnMain:
		return "on-main"
	case Serialize:
		return "serialize"
	}
	return "Policy(" + strconv.Itoa(int(p)) + ")"
}

func (p Policy) valid() bool { return p >= Raise && p <= Serialize }

// Affinity states which OS thread an extension's functions must run on. The
// zero value is [AnyThread].
type Affinity int

const (
	// AnyThread: the functions keep no per-thread native state; a call runs on
	// the caller's thread (subject to Safety and Policy).
	AnyThread Affinity = iota
	// MainThread: the functions must run on the process's main thread (many
	// GUI and graphics libraries). The main actor owns that thread, so calls
	// from it run directly; calls from other actors are forwarded to it under
	// the OnMain policy and refused otherwise, with an error wrapping
	// safety.ErrWrongThread.
	MainThread
	// DedicatedThread: the functions keep per-thread native state (thread-local
	// storage, a thread-bound context), so every call, from any actor, runs on
	// one OS thread owned by the extension, one call at a time.
	DedicatedThread
)

// String returns "any-thread", "main-thread" or "dedicated-thread".
func (a Affinity) String() string {
	switch a {
	case AnyThread:
		return "any-thread"
	case MainThread:
		return "main-thread"
	case DedicatedThread:
		return "dedicated-thread"
	}
	return "Affinity(" + strconv.Itoa(int(a)) + ")"
}

func (a Affinity) valid() bool { return a >= AnyThread && a <= DedicatedThread }

// SignalPolicy chooses what loading an extension does when the library
// installed a signal handler without SA_ONSTACK, which crashes Go programs
// when the signal later arrives ("non-Go code set up signal handler without
// SA_ONSTACK flag"). The zero value is [SignalsReport].
type SignalPolicy int

const (
	// SignalsReport keeps the handlers as they are, loads the library, logs a
	// warning and makes the *SignalError available from Extension.Signals.
	SignalsReport SignalPolicy = iota
	// SignalsRepair re-installs each offending handler with SA_ONSTACK added
	// (everything else unchanged), loads the library and reports what it
	// repaired through Extension.Signals.
	SignalsRepair
	// SignalsRefuse restores the handlers that were installed before the
	// library was opened, closes it, and fails the load with the *SignalError.
	SignalsRefuse
)

// String returns "report", "repair" or "refuse".
func (p SignalPolicy) String() string {
	switch p {
	case SignalsReport:
		return "report"
	case SignalsRepair:
		return "repair"
	case SignalsRefuse:
		return "refuse"
	}
	return "SignalPolicy(" + strconv.Itoa(int(p)) + ")"
}
