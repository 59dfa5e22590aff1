package actor

import (
	"os"
	"runtime"
	"sync"
)

// Why Run adds a P. A pinned actor parks on a futex and calls C in system
// calls (entersyscall), and the Go runtime leaves the thread's P attached
// to it for the duration: another thread can use that P only once sysmon
// takes it back, which takes one or more sysmon ticks. With GOMAXPROCS
// equal to the number of cores, two actors in C calls hold both Ps of a
// 2-core machine, and more actors woken at the same moment wait for sysmon,
// one pair per tick, before they can even enter C: a spare P removes most of
// that wait (goractor.concurrent8_sleep_1ms.wall), a second one little more.
// The spare P costs idle-time GC work on a core that may be busy: copied
// sends of large slices ran slower with one spare P and slower still with
// two. One is the compromise; WithProcs chooses another. The figures:
// docs/performance.md, "Figures behind the constants".
const spareProcs = 1

var (
	// initProcs is GOMAXPROCS as the runtime set it, before main ran:
	// Run only raises it when the program has not changed it since.
	initProcs = runtime.GOMAXPROCS(0)

	procsMu    sync.Mutex
	procsRuns  int // Runs in progress
	procsSaved int // GOMAXPROCS before the first of them changed it; 0: unchanged
	procsSet   int // what it was set to
)

// enterProcs applies the GOMAXPROCS policy for a Run that starts (procs as
// in runConfig) and returns the function that undoes it when Run returns.
// Concurrent Runs share one setting: the first one in sets it, the last one
// out restores it, unless somebody else changed it meanwhile.
func enterProcs(procs int) func() {
	procsMu.Lock()
	defer procsMu.Unlock()
	procsRuns++
	if procsRuns == 1 {
		want := procs
		if procs == 0 && os.Getenv("GOMAXPROCS") == "" && runtime.GOMAXPROCS(0) == initProcs {
			want = initProcs + spareProcs
		}
		if cur := runtime.GOMAXPROCS(0); want > 0 && want != cur {
			procsSaved, procsSet = cur, want
			runtime.GOMAXPROCS(want)
		}
	}
	return func() {
		procsMu.Lock()
		defer procsMu.Unlock()
		procsRuns--
		if procsRuns == 0 && procsSaved != 0 {
			if runtime.GOMAXPROCS(0) == procsSet {
				runtime.GOMAXPROCS(procsSaved)
			}
			procsSaved, procsSet = 0, 0
		}
	}
}
