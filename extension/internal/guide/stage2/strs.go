package stage2

import "github.com/goractor/goractor/extension"

// Name is the extension's registered name.
const Name = "guidestr2"

func init() {
	extension.MustRegister(extension.Declaration{
		Name:      Name,
		Libraries: []string{"libc.so.6"},
		Safety:    extension.ParallelSafe,
		Functions: map[string]extension.Safety{
			// l64a returns a pointer to a static buffer: a second call,
			// on any thread, overwrites the first one's result.
			"l64a": extension.NotParallelSafe,
		},
	})
}

// Strings is the loaded extension.
type Strings struct {
	Strlen func(string) uint64
	// L64a has an error result: a refused call returns its
	// *safety.UnsafeError there instead of panicking.
	L64a func(int64) (string, error)

	x *extension.Extension
}

// Open loads the extension and binds its functions. Each function takes its
// safety from the declaration when it is bound.
func Open() (*Strings, error) {
	x, err := extension.Load(Name)
	if err != nil {
		return nil, err
	}
	s := &Strings{x: x}
	// All or nothing: on a missing symbol BindOrClose closes the extension.
	if err := x.BindOrClose(map[string]any{"strlen": &s.Strlen, "l64a": &s.L64a}); err != nil {
		return nil, err
	}
	return s, nil
}

// Close releases the library.
func (s *Strings) Close() error { return s.x.Close() }
