package stage1

import "github.com/goractor/goractor/extension"

// Name is the extension's registered name.
const Name = "guidestr1"

func init() {
	extension.MustRegister(extension.Declaration{
		Name:      Name,
		Libraries: []string{"libc.so.6"},
		// strlen reads only its argument: safe on any number of threads.
		Safety: extension.ParallelSafe,
	})
}

// Strings is the loaded extension.
type Strings struct {
	Strlen func(string) uint64

	x *extension.Extension
}

// Open loads the extension and binds its functions.
func Open() (*Strings, error) {
	x, err := extension.Load(Name)
	if err != nil {
		return nil, err
	}
	s := &Strings{x: x}
	if err := x.Bind(&s.Strlen, "strlen"); err != nil {
		x.Close()
		return nil, err
	}
	return s, nil
}

// Close releases the library.
func (s *Strings) Close() error { return s.x.Close() }
