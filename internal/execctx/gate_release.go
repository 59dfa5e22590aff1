package execctx

import "sync/atomic"

// FenceReleases orders the caller against every ReleaseOwner made by another
// thread (call it after announcing itself, before it reads the word): either
// that release's store is visible to the caller's loads after FenceReleases,
// or that releaser's loads after its store see what the caller wrote before
// FenceReleases. With membarrier it is one (a few microseconds); without, the
// releases are atomic stores (full barriers) and it does nothing.
func FenceReleases() {
	if asymmetric {
		fence()
	}
}

// ReleaseOwner stores v (nil: free) in a lock word holding an owner Exec,
// releasing the lock: a release store, and on amd64 with membarrier (and
// without the race detector) a plain store, no locked instruction. The store
// may then pass the releaser's later loads (a store buffer): a waiter that
// announces itself and then reads the word must call FenceReleases between
// the two (see serialLock in package extension).
func ReleaseOwner(p *atomic.Pointer[Exec], v *Exec) { releaseOwner(p, v) }
