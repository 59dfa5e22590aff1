package libm

import "github.com/goractor/goractor/extension"

// Name is the extension's registered name.
const Name = "libm"

// Declaration is what this package registers.
var Declaration = extension.Declaration{
	Name:      Name,
	Libraries: []string{"libm.so.6", "libm.so"},
	Safety:    extension.ParallelSafe,
}

func init() { extension.MustRegister(Declaration) }

// Lib is libm, loaded. Its fields are the bound C functions.
type Lib struct {
	Cos, Sin, Tan, Sqrt, Exp, Log, Cbrt, Floor func(float64) float64
	Pow, Hypot, Atan2, Fmod                    func(float64, float64) float64

	x *extension.Extension
}

// Open loads libm through the extension registry (opts as for
// extension.Load).
func Open(opts ...extension.LoadOption) (*Lib, error) {
	x, err := extension.Load(Name, opts...)
	if err != nil {
		return nil, err
	}
	l := &Lib{x: x}
	if err := x.BindOrClose(map[string]any{
		"cos": &l.Cos, "sin": &l.Sin, "tan": &l.Tan, "sqrt": &l.Sqrt, "exp": &l.Exp, "log": &l.Log,
		"cbrt": &l.Cbrt, "floor": &l.Floor, "pow": &l.Pow, "hypot": &l.Hypot, "atan2": &l.Atan2, "fmod": &l.Fmod,
	}); err != nil {
		return nil, err
	}
	return l, nil
}

// Extension returns the underlying extension.
func (l *Lib) Extension() *extension.Extension { return l.x }

// Close releases the library.
func (l *Lib) Close() error { return l.x.Close() }
