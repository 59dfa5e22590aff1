//go:build linux && (amd64 || arm64)

package extension

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ebitengine/purego"
	"go.uber.org/zap"

	"github.com/goractor/goractor/internal/testlib"
)

// openFixture dlopens path under the audit with policy p.
func openFixture(path string, p SignalPolicy) (uintptr, *SignalError, error) {
	var h uintptr
	se, err := auditedOpen(path, p, zap.NewNop(), func() error {
		var err error
		h, err = purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_LOCAL)
		return err
	}, func() { _ = purego.Dlclose(h) })
	return h, se, err
}

// S1: the fixture's constructor installs a SIGUSR1 handler without
// SA_ONSTACK. Each policy runs in its own process, because a handler, once
// installed, stays installed.
func TestSignals_HandlerWithoutOnStack_Detected(t *testing.T) {
	lib := os.Getenv("EXT_SIG_LIB") // the parent's, in a child
	if lib == "" {
		lib = testlib.SharedLib(t, []string{"testdata/sigonstack.c"})
	}
	// run runs subtest t in a child process (testlib.RunSelf) that opens
	// the fixture with policy p, and returns the child's output.
	run := func(t *testing.T, p SignalPolicy) (string, error) {
		if testlib.InChild(t) {
			signalsChild(t, lib, p)
			t.SkipNow() // the parent judges what the child printed
		}
		return testlib.RunSelf(t, time.Minute, "EXT_SIG_LIB="+lib)
	}
	t.Run("repair", func(t *testing.T) {
		out, err := run(t, SignalsRepair)
		if err != nil {
			t.Fatalf("child with SignalsRepair: %v\n%s", err, out)
		}
		for _, want := range []string{
			`audit: extension: library "` + lib + `" installed a handler for SIGUSR1 without SA_ONSTACK (Go programs crash when the signal arrives); repaired by adding SA_ONSTACK`,
			"after repair: installed=true onstack=true",
			"fired=1",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("child output lacks %q:\n%s", want, out)
			}
		}
	})
	t.Run("refuse", func(t *testing.T) {
		out, err := run(t, SignalsRefuse)
		if err != nil {
			t.Fatalf("child with SignalsRefuse: %v\n%s", err, out)
		}
		for _, want := range []string{"load error: extension: library", "ErrSignalNoOnStack=true", "restored: go handler onstack=true"} {
			if !strings.Contains(out, want) {
				t.Errorf("child output lacks %q:\n%s", want, out)
			}
		}
	})
	t.Run("report", func(t *testing.T) {
		// Reported but left alone: the signal then crashes the process, which
		// is the failure the audit exists to prevent.
		out, err := run(t, SignalsReport)
		if !strings.Contains(out, "after audit: installed=true onstack=false") {
			t.Fatalf("child did not report the unrepaired handler:\n%s", out)
		}
		if err == nil || !strings.Contains(out, "non-Go code set up signal handler without SA_ONSTACK flag") {
			t.Errorf("unrepaired handler: exit %v; want the Go runtime's SA_ONSTACK crash:\n%s", err, out)
		}
	})
}

// signalsChild is the child process of the test above: it opens the
// fixture at lib with policy p and prints what it sees.
func signalsChild(t *testing.T, lib string, p SignalPolicy) {
	h, se, err := openFixture(lib, p)
	if p == SignalsRefuse {
		fmt.Printf("load error: %v\nErrSignalNoOnStack=%v\n", err, errors.Is(err, ErrSignalNoOnStack))
		inst, on, _ := signalOnStack(syscall.SIGUSR1)
		fmt.Printf("restored: go handler onstack=%v\n", inst && on)
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if se == nil {
		t.Fatal("audit found nothing")
	}
	fmt.Printf("audit: %v\n", se)
	inst, on, _ := signalOnStack(syscall.SIGUSR1)
	if p == SignalsRepair {
		fmt.Printf("after repair: installed=%v onstack=%v\n", inst, on)
	} else {
		fmt.Printf("after audit: installed=%v onstack=%v\n", inst, on)
	}
	var fired func() int32
	purego.RegisterLibFunc(&fired, h, "sig_fired")
	// Deliver SIGUSR1 to this very thread while it runs a goroutine, so the
	// handler starts on the goroutine's stack unless SA_ONSTACK moves it.
	runtime.LockOSThread()
	if err := syscall.Tgkill(syscall.Getpid(), syscall.Gettid(), syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	runtime.UnlockOSThread()
	fmt.Printf("fired=%d\n", fired())
}

func TestOffenders(t *testing.T) {
	go1 := sigAction{handler: 0x1000, flags: saOnStack | 4}
	c := sigAction{handler: 0x2000, flags: 4}
	before := sigSnapshot{syscall.SIGUSR1: go1, syscall.SIGUSR2: c, syscall.SIGPIPE: go1}
	after := sigSnapshot{syscall.SIGUSR1: c, syscall.SIGUSR2: c, syscall.SIGPIPE: {handler: sigIGN}, syscall.SIGHUP: c}
	got := fmt.Sprint(offenders(before, after))
	want := fmt.Sprint([]syscall.Signal{syscall.SIGHUP, syscall.SIGUSR1})
	if got != want {
		t.Errorf("offenders = %v; want %v (changed, not SIG_IGN, not pre-existing)", got, want)
	}
	if SignalName(syscall.SIGUSR1) != "SIGUSR1" || SignalName(34) != "SIGRTMIN+2" || SignalName(99) != "signal 99" {
		t.Error("SignalName")
	}
}
