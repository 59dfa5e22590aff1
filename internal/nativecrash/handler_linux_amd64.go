//go:build linux && amd64

package nativecrash

const (
	ucPC = 168 // offsetof(ucontext_t, uc_mcontext.gregs[REG_RIP])
	ucSP = 160 // offsetof(ucontext_t, uc_mcontext.gregs[REG_RSP])

	// needRestorer: the kernel returns from an x86-64 handler through
	// sa_restorer, which the runtime sets; a handler without one is not the
	// runtime's and is left alone.
	needRestorer = true
)

// archInit prepares what the handler needs on this architecture: nothing
// here, where the goroutine is at a fixed TLS slot ((TLS) in assembly).
func archInit() bool { return true }
