package benchfix

import (
	"runtime"
	"testing"
)

// TestAtDepth_VisitsEveryAlignment: the frames fn runs in at depths 0 …
// Depths-1 sit at every offset within a 64-byte cache line that the stack's
// alignment allows (8 bytes on amd64, 16 on arm64), each deeper than the
// last. With a frame step that is a multiple of the line (the three-word
// pad's 64 bytes on arm64) every depth would sit at one offset, and the
// depth-averaged call figures would say less than they claim.
func TestAtDepth_VisitsEveryAlignment(t *testing.T) {
	align := uintptr(8)
	if runtime.GOARCH == "arm64" {
		align = 16
	}
	AtDepth(4*Depths, func() {}) // grow the stack first, as the benchmarks do
	offsets := map[uintptr]bool{}
	prev := uintptr(0)
	for d := range Depths {
		var sp uintptr
		AtDepth(d, func() { sp = spHere() })
		if d > 0 && sp >= prev {
			t.Fatalf("depth %d: frame at %#x, not below depth %d's %#x", d, sp, d-1, prev)
		}
		prev = sp
		offsets[sp%64] = true
	}
	if want := int(64 / align); len(offsets) != want {
		t.Errorf("%d depths visit %d offsets in a cache line, want all %d (every %d bytes)", Depths, len(offsets), want, align)
	}
}
