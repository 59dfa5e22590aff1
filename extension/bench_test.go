package extension

import (
	"testing"

	"github.com/goractor/goractor/internal/execctx"
	"github.com/goractor/goractor/internal/testlib"
)

// BenchmarkGate measures the call gate against an ungated (parallel-safe)
// call of the same trivial C function, from the main actor's goroutine.
func BenchmarkGate(b *testing.B) {
	path := testlib.SharedLib(b, []string{"testdata/counter.c"})
	for _, tc := range []struct {
		name string
		decl Declaration
	}{
		{"ungated-parallel-safe", Declaration{Safety: ParallelSafe}},
		{"gated-main-direct", Declaration{}},
		{"gated-serialize", Declaration{Policy: Serialize}},
		{"gated-dedicated-thread", Declaration{Safety: ParallelSafe, Affinity: DedicatedThread}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			d := tc.decl
			d.Name, d.Libraries = "bench", []string{path}
			x, err := Open(d)
			if err != nil {
				b.Fatal(err)
			}
			defer x.Close()
			var id func(int32) int32
			x.MustBind(&id, "fx_id")
			done := make(chan struct{})
			go func() {
				defer close(done)
				// Bound and recorded as the main actor, as actor.Run does.
				main := execctx.New("main", true, execctx.Hooks{})
				unbind := execctx.Bind(main)
				defer unbind()
				defer execctx.SetMain(main)()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					id(int32(i))
				}
			}()
			<-done
		})
	}
}
