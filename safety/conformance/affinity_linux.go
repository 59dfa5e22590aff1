package conformance

import "golang.org/x/sys/unix"

// pinThread pins the calling thread (an actor's own) to the i-th of the
// CPUs the process may run on, modulo their number, and returns how to undo
// it. Under load the kernel may otherwise keep every thread of a process on
// one CPU for seconds (all 32 actors of a parallel draw were seen on one CPU
// of two), and threads on one CPU never call at the same instant. It does
// nothing with fewer than two CPUs or when the kernel refuses.
func pinThread(i int) (restore func()) {
	var old unix.CPUSet
	if unix.SchedGetaffinity(0, &old) != nil {
		return func() {}
	}
	var cpus []int
	for c := range len(old) * 64 {
		if old.IsSet(c) {
			cpus = append(cpus, c)
		}
	}
	if len(cpus) < 2 {
		return func() {}
	}
	var one unix.CPUSet
	one.Set(cpus[i%len(cpus)])
	if unix.SchedSetaffinity(0, &one) != nil {
		return func() {}
	}
	return func() { _ = unix.SchedSetaffinity(0, &old) }
}
