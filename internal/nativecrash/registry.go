package nativecrash

import "sync"

// Prefix starts every report line.
const Prefix = "goractor: native crash: "

// TableSize bounds the threads and workers named at once.
const TableSize = 8192

// Caller kinds.
const (
	kindActor      = 1 // keyed by tid
	kindPoolThread = 2 // keyed by *tidp, published by the thread itself
	kindPoolWorker = 3 // keyed by goroutine
	kindDedicated  = 4 // keyed by tid
)

// entry is one registered caller. The crash handler reads entries without
// locks (it runs with the process already lost); writers hold table.mu and
// store the key last.
type entry struct {
	tid   uint64
	tidp  *uint64
	g     uintptr
	sp    *uint64 // a native thread's initial stack pointer (nil: unknown)
	kind  uint32
	index int32
	name  string
}

var table struct {
	mu   sync.Mutex
	free []int32 // freed slots below hw
	hw   int32   // slots in use or freed: the handler scans [0, hw)
	e    [TableSize]entry
}

// Reg is a registration; Drop removes it. The zero Reg (a full table) drops
// to nothing.
type Reg struct{ slot int32 }

func register(e entry) Reg {
	table.mu.Lock()
	defer table.mu.Unlock()
	var i int32
	if n := len(table.free); n > 0 {
		i = table.free[n-1]
		table.free = table.free[:n-1]
	} else if table.hw < TableSize {
		i = table.hw
		table.hw++
	} else {
		return Reg{}
	}
	table.e[i] = e
	return Reg{slot: i + 1}
}

// Drop removes the registration and zeroes r (a second Drop does nothing).
func (r *Reg) Drop() {
	i := r.slot - 1
	if i < 0 {
		return
	}
	r.slot = 0
	table.mu.Lock()
	defer table.mu.Unlock()
	table.e[i] = entry{}
	table.free = append(table.free, i)
}

// Actor names the thread tid after the actor name (for the life of the
// actor's locked thread).
func Actor(tid int, name string) Reg {
	return register(entry{tid: uint64(tid), kind: kindActor, name: name})
}

// DedicatedThread names the thread tid after the DedicatedThread extension
// whose calls it runs (for the life of that locked thread).
func DedicatedThread(tid int, extension string) Reg {
	return register(entry{tid: uint64(tid), kind: kindDedicated, name: extension})
}

// PoolThread names a native pool thread: thread index of pool, which
// stores its own thread id at *tidp and its initial stack pointer at *sp
// when it starts. Both words must stay allocated until Drop.
func PoolThread(tidp, sp *uint64, pool string, index int) Reg {
	return register(entry{tidp: tidp, sp: sp, kind: kindPoolThread, index: int32(index), name: pool})
}

// PoolWorker names a pool's worker goroutine g (worker index of pool), for
// calls a worker makes on whatever thread it runs.
func PoolWorker(g uintptr, pool string, index int) Reg {
	return register(entry{g: g, kind: kindPoolWorker, index: int32(index), name: pool})
}

// The entry points ffi resolved, for naming the called function. Only
// added to: a library closed and unmapped leaves stale addresses, which
// match nothing once dladdr no longer resolves them to these entries.
var syms struct {
	mu     sync.Mutex
	seen   map[uintptr]struct{}
	n      int
	lo, hi uintptr
	a      [4096]uintptr
}

// NoteSymbol records addr, a function entry point just resolved with dlsym.
func NoteSymbol(addr uintptr) {
	if addr == 0 {
		return
	}
	syms.mu.Lock()
	defer syms.mu.Unlock()
	if _, ok := syms.seen[addr]; ok || syms.n == len(syms.a) {
		return
	}
	if syms.seen == nil {
		syms.seen = map[uintptr]struct{}{}
	}
	syms.seen[addr] = struct{}{}
	if syms.n == 0 || addr < syms.lo {
		syms.lo = addr
	}
	if addr > syms.hi {
		syms.hi = addr
	}
	syms.a[syms.n] = addr
	syms.n++
}
