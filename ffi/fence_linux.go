//go:build linux

package ffi

import "syscall"

// membarrier(2) commands.
const (
	sysMembarrier                    = 324 // amd64; other architectures do not use the thread slots
	membarrierPrivateExpedited       = 1 << 3
	membarrierRegisterPrivateExpedit = 1 << 4
)

// fenceInit registers the process for private expedited membarrier and
// reports whether the kernel accepted it.
func fenceInit() bool {
	if !fastArch {
		return false
	}
	_, _, e := syscall.Syscall(sysMembarrier, membarrierRegisterPrivateExpedit, 0, 0)
	return e == 0
}

// fence makes every thread of the process that is running now execute a full
// memory barrier before it returns: what each did before is visible to the
// caller, and what each does after sees what the caller did before.
func fence() {
	if _, _, e := syscall.Syscall(sysMembarrier, membarrierPrivateExpedited, 0, 0); e != 0 {
		// Registered at init, so the kernel cannot refuse it now.
		panic("ffi: internal error: membarrier: " + e.Error())
	}
}
