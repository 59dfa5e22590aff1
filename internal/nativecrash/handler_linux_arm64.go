//go:build linux && arm64

package nativecrash

const (
	ucPC = 440 // offsetof(ucontext_t, uc_mcontext.pc): 176 + 8 + 31*8 + 8
	ucSP = 432 // offsetof(ucontext_t, uc_mcontext.sp)

	// needRestorer: arm64 returns from handlers through the vDSO's
	// sigreturn; the runtime sets no SA_RESTORER there.
	needRestorer = false
)

// tlsgOff is the offset from TPIDR_EL0 of the thread's goroutine slot
// (runtime.tls_g, which the runtime keeps up to date on every thread when
// iscgo is set, as purego's fake cgo and real cgo both do). tlsg reads it;
// 0 means unknown.
var tlsgOff uintptr

// Assembly (handler_linux_arm64.s).
func tp() uintptr   // TPIDR_EL0
func curg() uintptr // the g register

// archInit finds tlsgOff: the one word past TPIDR_EL0 that holds the
// running goroutine in two goroutines (two different g values: a word that
// equals both follows the running goroutine, whichever threads they ran
// on). The scan stays inside the thread's static TLS (glibc reserves more
// than 1 KiB of it on every thread). Without agreement the handler is not
// installed.
func archInit() bool {
	off, ok := agreedOffset(func() map[uintptr]bool {
		found := map[uintptr]bool{}
		t, g := tp(), curg()
		for off := uintptr(0); t != 0 && off < 512; off += 8 {
			if load(t+off) == g {
				found[off] = true
			}
		}
		return found
	})
	tlsgOff = off
	return ok
}
