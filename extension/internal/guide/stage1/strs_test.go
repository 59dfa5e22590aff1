package stage1

import (
	"testing"

	"github.com/goractor/goractor/internal/testlib"
)

func TestStrlen(t *testing.T) {
	s, err := Open()
	testlib.SkipIfLibraryMissing(t, "libc", err)
	defer s.Close()
	if got := s.Strlen("goractor"); got != 8 {
		t.Errorf("Strlen = %d; want 8", got)
	}
}
