package ffi

// The handles below are safe for concurrent use (see each type), so they
// cross between actors by reference: the marker method makes package
// shareable pass them as they are (shareable.Declared). It is never called.
// A synchronous *Callback may be sent too; it still belongs to the actor
// that created it, which is the one thread it runs on.

// ShareableByReference marks *Func as shareable: a Func is immutable once
// bound and safe for concurrent use.
func (*Func) ShareableByReference() {}

// ShareableByReference marks *Library as shareable: all its methods are safe
// for concurrent use.
func (*Library) ShareableByReference() {}

// ShareableByReference marks *Pool as shareable: all its methods are safe for
// concurrent use.
func (*Pool) ShareableByReference() {}

// ShareableByReference marks *Callback as shareable: all its methods are
// safe for concurrent use.
func (*Callback) ShareableByReference() {}

// ShareableByReference marks *Future as shareable: all its methods are safe
// for concurrent use.
func (*Future[T]) ShareableByReference() {}
