//go:build cgo

// Package cgoprime makes one C → Go call through a cgo //export at start-up.
//
// That call makes the cgo runtime create its pthread key (the Go runtime's
// _cgo_pthread_key_created). Once the key exists, a thread the runtime never
// created keeps the Go M it borrowed for its first callback until it exits
// (the key's destructor gives it back), instead of borrowing and returning one
// (needm/dropm, 9 system calls) on every callback. purego's
// trampolines never take that path by themselves, and with CGO_ENABLED=0 the
// key cannot be created at all.
//
// # Threads
//
// The prime runs once, from init, on the thread running package
// initialization. It starts no goroutines.
package cgoprime

/*
extern void goractor_cgoprime_call(void);
*/
import "C"

import "sync/atomic"

var primed atomic.Bool

//export goractorCgoprimeGo
func goractorCgoprimeGo() { primed.Store(true) }

func init() { C.goractor_cgoprime_call() }

// Primed reports whether the priming call reached Go.
func Primed() bool { return primed.Load() }
