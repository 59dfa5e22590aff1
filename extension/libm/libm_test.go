package libm_test

import (
	"math"
	"testing"

	"github.com/goractor/goractor/extension/libm"
	"github.com/goractor/goractor/internal/testlib"
)

func TestLibm(t *testing.T) {
	m, err := libm.Open()
	testlib.SkipIfLibraryMissing(t, "libm", err)
	defer m.Close()
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"cos(0)", m.Cos(0), 1}, {"sqrt(2)", m.Sqrt(2), math.Sqrt2}, {"pow(2,10)", m.Pow(2, 10), 1024},
		{"hypot(3,4)", m.Hypot(3, 4), 5}, {"floor(-1.5)", m.Floor(-1.5), -2}, {"cbrt(27)", m.Cbrt(27), 3},
	} {
		if math.Abs(c.got-c.want) > 1e-12 {
			t.Errorf("%s = %v; want %v", c.name, c.got, c.want)
		}
	}
}
