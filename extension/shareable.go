package extension

// ShareableByReference marks *Extension as shareable between actors
// (shareable.Declared): its methods are safe for concurrent use, and the
// safety gate of every function bound from it judges each call by the actor
// that makes it. It is never called.
func (*Extension) ShareableByReference() {}

// ShareableByReference marks *Registry as shareable: all its methods are safe
// for concurrent use.
func (*Registry) ShareableByReference() {}
