//go:build linux && (amd64 || arm64)

package execctx

import "syscall"

// membarrier(2) commands.
const (
	membarrierPrivateExpedited       = 1 << 3
	membarrierRegisterPrivateExpedit = 1 << 4
)

// asymmetric is true when the owner's lend is a plain store (see token):
// the kernel gives the taker the barrier it needs.
var asymmetric = func() bool {
	_, _, e := syscall.Syscall(sysMembarrier, membarrierRegisterPrivateExpedit, 0, 0)
	return e == 0
}()

// fence makes every running thread of the process execute a full memory
// barrier before it returns (membarrier, private expedited): what each did
// before is visible to the caller, and what each does after sees what the
// caller did before.
func fence() {
	if _, _, e := syscall.Syscall(sysMembarrier, membarrierPrivateExpedited, 0, 0); e != 0 {
		// Registered at init, so the kernel cannot refuse it now.
		panic("execctx: internal error: membarrier: " + e.Error())
	}
}
