package extension

import (
	"github.com/goractor/goractor/internal/execctx"
	"github.com/goractor/goractor/internal/nativecrash"
	"github.com/goractor/goractor/internal/osthread"
)

// dedicatedThread is the OS thread a DedicatedThread extension runs every call
// on: an osthread.Thread (one goroutine locked to its thread for its whole
// life, running the calls handed to it one at a time, in order; how it parks
// and hands off is osthread's), which also records whose call it runs now:
// the gate refuses a callback that would wait for its own caller's call.
type dedicatedThread struct {
	t *osthread.Thread[execctx.Exec]
}

// newDedicatedThread returns the thread of extension name; a native crash
// report names it "extension NAME thread".
func newDedicatedThread(name string) *dedicatedThread {
	t := osthread.NewThread[execctx.Exec]()
	t.SetOnStart(func(tid int) func() {
		r := nativecrash.DedicatedThread(tid, name)
		return r.Drop
	})
	return &dedicatedThread{t: t}
}

// onThread reports whether the caller runs on the dedicated thread (a call
// made from a callback during another call of the extension): such a call
// runs inline, since waiting for the thread would wait for itself.
func (t *dedicatedThread) onThread() bool { return t.t.OnThread() }

// busyFor returns the caller of the call running now, nil when idle or
// outside actors.
func (t *dedicatedThread) busyFor() *execctx.Exec { return t.t.RunningFor() }

// do runs f on the thread and waits. A panic in f is returned, to be re-raised
// on the caller's goroutine.
func (t *dedicatedThread) do(caller *execctx.Exec, f func()) (p any, panicked bool, err error) {
	e := execctx.Current()
	p, panicked, ok := t.t.Do(caller, f, e != nil && e.OnOwnGoroutine())
	if !ok {
		return nil, false, ErrClosed
	}
	return p, panicked, nil
}

// close stops the thread once the calls queued before it have run, and
// waits for it.
func (t *dedicatedThread) close() { t.t.Close() }

// threadID returns the kernel thread id of the dedicated thread, 0 before it
// started.
func (t *dedicatedThread) threadID() int { return t.t.ID() }
