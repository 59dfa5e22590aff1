package cgocb

import (
	"runtime"
	"testing"
)

// The baseline computes what goractor's fixture computes, on both paths.
func TestCallN(t *testing.T) {
	if !Have {
		t.Skip("the cgo baseline exists only with CGO_ENABLED=1")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if got := CallN(100); got != 5050 {
		t.Errorf("CallN(100) = %d, want 5050", got)
	}
	if got := CallNThread(100); got != 5050 {
		t.Errorf("CallNThread(100) = %d, want 5050", got)
	}
}

func BenchmarkCgoSync(b *testing.B) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if !Have {
		b.Skip("needs cgo")
	}
	CallN(b.N)
}

func BenchmarkCgoForeignThread(b *testing.B) {
	if !Have {
		b.Skip("needs cgo")
	}
	CallNThread(b.N)
}
