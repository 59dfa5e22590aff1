package stage3

import "github.com/goractor/goractor/extension"

// Name is the extension's registered name.
const Name = "guidestr3"

func init() {
	extension.MustRegister(extension.Declaration{
		Name:      Name,
		Libraries: []string{"libc.so.6"},
		Safety:    extension.ParallelSafe,
		Functions: map[string]extension.Safety{
			// rand and srand share hidden state: not parallel-safe.
			"rand":  extension.NotParallelSafe,
			"srand": extension.NotParallelSafe,
			// rand_r keeps its state in the caller's variable.
			"rand_r": extension.ParallelSafe,
		},
		// Workers may call rand too, one call at a time, under the
		// extension's lock.
		Policy: extension.Serialize,
	})
}

// Random is the loaded extension.
type Random struct {
	Rand  func() int32
	Srand func(uint32)
	RandR func(seed *uint32) int32

	x *extension.Extension
}

// Open loads the extension and binds its functions.
func Open() (*Random, error) {
	x, err := extension.Load(Name)
	if err != nil {
		return nil, err
	}
	r := &Random{x: x}
	// All or nothing: on a missing symbol BindOrClose closes the extension.
	if err := x.BindOrClose(map[string]any{"rand": &r.Rand, "srand": &r.Srand, "rand_r": &r.RandR}); err != nil {
		return nil, err
	}
	return r, nil
}

// Close releases the library.
func (r *Random) Close() error { return r.x.Close() }
