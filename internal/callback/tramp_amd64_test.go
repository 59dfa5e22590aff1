//go:build amd64 && (linux || darwin || freebsd || netbsd)

package callback

import (
	"encoding/binary"
	"testing"
	"unsafe"
)

// TestTrampolineEntries: entry i of the table is MOVL $i, R11 then a JMP
// (rel32) to tramp1, 11 bytes, all of them jumping to the same place.
func TestTrampolineEntries(t *testing.T) {
	base := trampolinesPC()
	var target uintptr
	for i := range MaxSlots {
		pc := base + uintptr(trampEntrySize*i)
		code := *(*unsafe.Pointer)(unsafe.Pointer(&pc)) // text, not Go memory
		b := unsafe.Slice((*byte)(code), trampEntrySize)
		if b[0] != 0x41 || b[1] != 0xBB || binary.LittleEndian.Uint32(b[2:6]) != uint32(i) || b[6] != 0xE9 {
			t.Fatalf("entry %d at %#x: % x, want 41 bb <%d> e9 <rel32>", i, pc, b, i)
		}
		to := pc + trampEntrySize + uintptr(int32(binary.LittleEndian.Uint32(b[7:11])))
		if i == 0 {
			target = to
		} else if to != target {
			t.Fatalf("entry %d jumps to %#x, entry 0 to %#x", i, to, target)
		}
	}
}
