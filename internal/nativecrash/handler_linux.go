//go:build linux && (amd64 || arm64)

package nativecrash

import (
	"os"
	"reflect"
	"runtime"
	"syscall"
	"unsafe"

	"github.com/ebitengine/purego"
)

// Assembly (handler_linux_$GOARCH.s). The handler reads memory and makes
// system calls only through these: it runs without a usable goroutine.
func tlsg() uintptr
func load(addr uintptr) uintptr
func load32(addr uintptr) uint32
func loadb(addr uintptr) byte
func ccall2(fn, a, b uintptr) uintptr
func rawsys(trap, a1, a2, a3, a4 uintptr) uintptr
func xchg32(addr *uint32, v uint32) uint32

var trampABI0 uintptr

// handleABIInternal is handle's register-ABI entry point, which the
// assembly handler calls (set by install before the handler is in place).
var handleABIInternal uintptr

// sigaction is the kernel's struct sigaction on linux/amd64.
type sigaction struct {
	handler  uintptr
	flags    uint64
	restorer uintptr
	mask     uint64
}

const (
	saSiginfo  = 0x4
	saOnStack  = 0x08000000
	saRestorer = 0x04000000
	siTkill    = -6 // si_code of tgkill

	gM     = 48 // offsetof(runtime.g, m): "offset known to arm liblink"
	maxSig = 65
)

// The handler's state: written once by install before the handler is in
// place, then only read; the report buffer is the handler's own.
var (
	dladdrFn uintptr
	exeBase  uintptr // dli_fbase of the Go executable
	curgOff  uintptr // offsetof(runtime.m, curg), 0 when the probe failed
	pid      uintptr
	saved    [maxSig]sigaction
	owned    [maxSig]bool
	// The report's state, the first crashing thread's alone (reporting).
	reporting uint32
	dlinfo    [4]uintptr // Dl_info: fname, fbase, sname, saddr
	buf       [1024]byte
	bufn      int
)

var signals = [...]syscall.Signal{syscall.SIGSEGV, syscall.SIGBUS, syscall.SIGILL,
	syscall.SIGFPE, syscall.SIGTRAP, syscall.SIGABRT}

func init() { install() }

// Installed reports whether the handler is in place.
func Installed() bool {
	for _, s := range signals {
		if owned[s] {
			return true
		}
	}
	return false
}

// install puts the handler in front of the Go runtime's for each crash
// signal. It changes nothing when GORACTOR_NATIVE_CRASH=off, when dladdr
// is not there, or for a signal whose handler is not one it can chain to.
func install() {
	if os.Getenv("GORACTOR_NATIVE_CRASH") == "off" {
		return
	}
	fn, err := purego.Dlsym(purego.RTLD_DEFAULT, "dladdr")
	if err != nil || fn == 0 {
		return
	}
	var info [4]uintptr
	r, _, _ := purego.SyscallN(fn, reflect.ValueOf(install).Pointer(), uintptr(unsafe.Pointer(&info)))
	runtime.KeepAlive(&info)
	if r == 0 || info[1] == 0 {
		return
	}
	if !archInit() {
		return
	}
	dladdrFn, exeBase, pid = fn, info[1], uintptr(os.Getpid())
	handleABIInternal = reflect.ValueOf(handle).Pointer()
	curgOff = probeCurg()
	for _, s := range signals {
		var old sigaction
		if rtSigaction(uintptr(s), nil, &old) != 0 || old.handler <= 1 || (needRestorer && old.flags&saRestorer == 0) {
			continue
		}
		saved[s] = old
		act := old
		act.handler = trampABI0
		act.flags |= saSiginfo | saOnStack
		owned[s] = true
		if rtSigaction(uintptr(s), &act, nil) != 0 {
			owned[s] = false
		}
	}
}

func rtSigaction(sig uintptr, act, old *sigaction) syscall.Errno {
	_, _, e := syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, sig,
		uintptr(unsafe.Pointer(act)), uintptr(unsafe.Pointer(old)), 8, 0, 0)
	return e
}

// probeCurg finds offsetof(runtime.m, curg): the one word of a running
// goroutine's m that holds the goroutine, past m.morebuf, agreed on by two
// goroutines. g.m (gM) is checked first: m.g0.m must be m.
func probeCurg() uintptr {
	off, _ := agreedOffset(func() map[uintptr]bool {
		found := map[uintptr]bool{}
		g := tlsg()
		m := load(g + gM)
		if m != 0 {
			if g0 := load(m); g0 != 0 && g0 != g && load(g0+gM) == m {
				for off := uintptr(64); off < 1024; off += 8 {
					if load(m+off) == g {
						found[off] = true
					}
				}
			}
		}
		return found
	})
	return off
}

// agreedOffset runs scan on two fresh goroutines (up to four times) and
// returns the one offset both found: a word that equals each goroutine's own
// g follows the running goroutine, wherever the two ran.
func agreedOffset(scan func() map[uintptr]bool) (uintptr, bool) {
	probe := func() map[uintptr]bool {
		res := make(chan map[uintptr]bool)
		go func() { res <- scan() }()
		return <-res
	}
	for range 4 {
		a, b := probe(), probe()
		var offs []uintptr
		for off := range a {
			if b[off] {
				offs = append(offs, off)
			}
		}
		if len(offs) == 1 {
			return offs[0], true
		}
	}
	return 0, false
}

// handle runs in the signal handler for every owned signal and returns the
// handler to chain to (0: return). No goroutine is usable here: everything
// it calls is nosplit, and memory is read through load.
//
//go:nosplit
//go:norace
//go:nocheckptr
func handle(sig, info, ctx uintptr) uintptr {
	if sig >= maxSig {
		return 0
	}
	g := tlsg()
	if !native(g, info, ctx) {
		return chain(sig)
	}
	tid := rawsys(syscall.SYS_GETTID, 0, 0, 0, 0)
	if xchg32(&reporting, 1) == 0 {
		report(sig, info, ctx, g, tid)
	}
	// A second thread crashing meanwhile ends the same way, unreported.
	if g != 0 {
		// A thread of the Go runtime: its handler prints Go's report
		// (goroutines, "signal arrived during cgo execution") and exits.
		return chain(sig)
	}
	// A thread the runtime does not know: its handler would only re-raise
	// the signal with the default action. Do that here.
	var dfl sigaction
	rawsys(syscall.SYS_RT_SIGACTION, sig, uintptr(unsafe.Pointer(&dfl)), 0, 8)
	rawsys(syscall.SYS_TGKILL, pid, tid, sig, 0)
	return 0
}

// report writes the line.
//
//go:nosplit
//go:norace
//go:nocheckptr
func report(sig, info, ctx, g, tid uintptr) {
	pc, sp := load(ctx+ucPC), load(ctx+ucSP)
	code := int32(load32(info + 8))
	e, curg := caller(g, tid)

	bufn = 0
	put(Prefix)
	put("signal=")
	putSig(sig)
	put(" code=")
	putInt(int64(code))
	put(" addr=")
	if code > 0 {
		putHex(load(info + 16))
	} else {
		put("-")
	}
	put(" pc=")
	putHex(pc)
	put(" at=")
	putSym(pc, false)
	put(" call=")
	if f := called(pc, sp, stackTop(g, e, sp)); f != 0 {
		putSym(f, true)
	} else {
		put("?")
	}
	put(" tid=")
	putInt(int64(tid))
	put(" caller=")
	putCaller(e, g, curg)
	put("\n")
	rawsys(syscall.SYS_WRITE, 2, uintptr(unsafe.Pointer(&buf)), uintptr(bufn), 0)
}

// native reports whether the signal is a native crash: not Go code running
// on a goroutine (g is then not its m's g0), a fault or a signal the
// process sent this thread, and at a PC outside the Go executable.
//
//go:nosplit
//go:norace
//go:nocheckptr
func native(g, info, ctx uintptr) bool {
	if g != 0 {
		m := load(g + gM)
		if m == 0 || load(m) != g {
			return false
		}
	}
	// A fault (code > 0), or the process signalling this very thread
	// (tgkill: abort, raise); not kill() from anyone, nor a queued signal.
	if code := int32(load32(info + 8)); code <= 0 && (code != siTkill || uintptr(load32(info+16)) != pid) {
		return false
	}
	pc := load(ctx + ucPC)
	var dl [4]uintptr // not dlinfo: any thread may be here at once
	return pc == 0 || ccall2(dladdrFn, pc, uintptr(unsafe.Pointer(&dl))) == 0 || dl[1] != exeBase
}

// chain returns the saved handler of sig, or puts a default or ignore
// action back and returns 0.
//
//go:nosplit
//go:norace
//go:nocheckptr
func chain(sig uintptr) uintptr {
	if sig >= maxSig {
		return 0
	}
	if h := saved[sig].handler; h > 1 {
		return h
	}
	rawsys(syscall.SYS_RT_SIGACTION, sig, uintptr(unsafe.Pointer(&saved[sig])), 0, 8)
	return 0
}

// caller finds the registered caller of the crashed thread: by thread id,
// by a native thread's published thread id, or by the goroutine the thread
// runs (m.curg). It returns nil when none matches.
//
//go:nosplit
//go:norace
//go:nocheckptr
func caller(g, tid uintptr) (*entry, uintptr) {
	var curg uintptr
	if g != 0 && curgOff != 0 {
		if m := load(g + gM); m != 0 {
			curg = load(m + curgOff)
		}
	}
	hw := int(table.hw)
	for i := 0; i < hw && i < TableSize; i++ {
		e := &table.e[i]
		switch e.kind {
		case kindActor, kindDedicated:
			if e.tid == uint64(tid) {
				return e, curg
			}
		case kindPoolThread:
			if e.tidp != nil && *e.tidp == uint64(tid) {
				return e, curg
			}
		case kindPoolWorker:
			if curg != 0 && e.g == curg {
				return e, curg
			}
		}
	}
	return nil, curg
}

// stackTop returns the top of the stack sp is on, when it is known: a
// native pool thread's recorded start, or the g0 stack of a Go thread.
//
//go:nosplit
//go:norace
//go:nocheckptr
func stackTop(g uintptr, e *entry, sp uintptr) uintptr {
	if e != nil && e.kind == kindPoolThread && e.sp != nil {
		if top := uintptr(*e.sp); sp < top && top-sp < 64<<20 {
			return top
		}
		return 0
	}
	if g != 0 {
		if lo, hi := load(g), load(g+8); lo <= sp && sp < hi {
			return hi
		}
	}
	return 0
}

// called returns the entry point of the function ffi called: the innermost
// frame (pc, then return addresses on the stack from sp up to top) inside a
// function whose entry point ffi resolved. 0 when none is found.
//
//go:nosplit
//go:norace
//go:nocheckptr
func called(pc, sp, top uintptr) uintptr {
	if f := boundAt(pc); f != 0 {
		return f
	}
	if top == 0 || syms.n == 0 {
		return 0
	}
	if top-sp > 256<<10 {
		top = sp + 256<<10
	}
	lo, hi := syms.lo, syms.hi+16<<20
	tries := 0
	for a := sp &^ 7; a+8 <= top; a += 8 {
		w := load(a)
		if w <= lo || w > hi {
			continue
		}
		if tries++; tries > 512 {
			break
		}
		if f := boundAt(w - 1); f != 0 {
			return f
		}
	}
	return 0
}

// boundAt returns the entry point of the function containing pc if ffi
// resolved it, else 0.
//
//go:nosplit
//go:norace
//go:nocheckptr
func boundAt(pc uintptr) uintptr {
	if ccall2(dladdrFn, pc, uintptr(unsafe.Pointer(&dlinfo))) == 0 || dlinfo[3] == 0 {
		return 0
	}
	f := dlinfo[3]
	n := syms.n
	for i := 0; i < n && i < len(syms.a); i++ {
		if syms.a[i] == f {
			return f
		}
	}
	return 0
}

// putSym writes "library:symbol+0xoff" for addr (library basename; without
// a symbol "library+0xoff" from the library's base; "?" when dladdr knows
// nothing). entry drops the offset.
//
//go:nosplit
//go:norace
//go:nocheckptr
func putSym(addr uintptr, entry bool) {
	if ccall2(dladdrFn, addr, uintptr(unsafe.Pointer(&dlinfo))) == 0 {
		put("?")
		return
	}
	fname, fbase, sname, saddr := dlinfo[0], dlinfo[1], dlinfo[2], dlinfo[3]
	putBase(fname)
	if sname != 0 && saddr != 0 {
		put(":")
		putC(sname)
		if !entry && addr != saddr {
			put("+")
			putHex(addr - saddr)
		}
		return
	}
	put("+")
	putHex(addr - fbase)
}

//go:nosplit
//go:norace
//go:nocheckptr
func putCaller(e *entry, g, curg uintptr) {
	if e == nil {
		if g != 0 {
			put("unknown")
		} else {
			put("foreign")
		}
		return
	}
	pre, post, index := "actor ", "", false
	switch e.kind {
	case kindDedicated:
		pre, post = "extension ", " thread"
	case kindPoolThread:
		pre, post, index = "pool ", " thread ", true
	case kindPoolWorker:
		pre, post, index = "pool ", " worker ", true
	}
	put(pre)
	put(e.name)
	put(post)
	if index {
		putInt(int64(e.index))
	}
}

//go:nosplit
//go:norace
//go:nocheckptr
func putSig(sig uintptr) {
	switch syscall.Signal(sig) {
	case syscall.SIGSEGV:
		put("SIGSEGV")
	case syscall.SIGBUS:
		put("SIGBUS")
	case syscall.SIGILL:
		put("SIGILL")
	case syscall.SIGFPE:
		put("SIGFPE")
	case syscall.SIGTRAP:
		put("SIGTRAP")
	case syscall.SIGABRT:
		put("SIGABRT")
	default:
		put("SIG")
		putInt(int64(sig))
	}
}

// put is not inlined: a copy at each of report's many call sites made
// report's frame too large for the nosplit chain of a fuzz build.
//
//go:nosplit
//go:noinline
//go:norace
//go:nocheckptr
func put(s string) {
	for i := 0; i < len(s); i++ {
		putb(s[i])
	}
}

//go:nosplit
//go:norace
//go:nocheckptr
func putb(c byte) {
	// One load of bufn into a local, compared unsigned: the index is then
	// provably in range and no bounds check can call runtime.panicBounds,
	// whose frames the nosplit chain has no room for in a fuzz build
	// (TestNosplitChainFitsFuzzBuild).
	n := bufn
	if uint(n) < uint(len(buf)-1) {
		buf[n] = c
		bufn = n + 1
	}
}

// putC writes the C string at p (at most 200 bytes, newlines replaced).
//
//go:nosplit
//go:norace
//go:nocheckptr
func putC(p uintptr) {
	for i := uintptr(0); i < 200; i++ {
		c := loadb(p + i)
		if c == 0 {
			return
		}
		if c < ' ' {
			c = '?'
		}
		putb(c)
	}
}

// putBase writes the part of the C string path at p after its last '/'.
//
//go:nosplit
//go:norace
//go:nocheckptr
func putBase(p uintptr) {
	if p == 0 {
		put("?")
		return
	}
	start := p
	for i := uintptr(0); i < 4096; i++ {
		c := loadb(p + i)
		if c == 0 {
			break
		}
		if c == '/' {
			start = p + i + 1
		}
	}
	if loadb(start) == 0 {
		put("?")
		return
	}
	putC(start)
}

//go:nosplit
//go:norace
//go:nocheckptr
func putHex(v uintptr) {
	put("0x")
	started := false
	for shift := 60; shift >= 0; shift -= 4 {
		d := byte(v>>uint(shift)) & 0xf
		if d == 0 && !started && shift > 0 {
			continue
		}
		started = true
		putb("0123456789abcdef"[d])
	}
}

//go:nosplit
//go:norace
//go:nocheckptr
func putInt(v int64) {
	if v < 0 {
		putb('-')
		v = -v
	}
	// Digits from the highest power of ten down, through putb only: no
	// array, so no bounds check (see putb).
	u := uint64(v)
	d := uint64(1)
	for u/d >= 10 {
		d *= 10
	}
	for ; d > 0; d /= 10 {
		putb(byte('0' + u/d%10))
	}
}
