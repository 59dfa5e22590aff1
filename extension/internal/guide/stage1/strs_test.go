package stage1

import "testing"

func TestStrlen(t *testing.T) {
	s, err := Open()
	if err != nil {
		t.Skip(err)
	}
	defer s.Close()
	if got := s.Strlen("goractor"); got != 8 {
		t.Errorf("Strlen = %d; want 8", got)
	}
}
