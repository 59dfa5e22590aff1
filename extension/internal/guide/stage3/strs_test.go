package stage3

import (
	"testing"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/internal/testlib"
	"github.com/goractor/goractor/safety/safetytest"
)

// The conformance suite proves the declaration: rand_r agrees with a serial
// run under parallel calls; rand, serialized, is inconclusive (its results
// differ between serial runs by nature), never refused.
func TestConformance(t *testing.T) {
	safetytest.Run(t, safetytest.Subject{
		Extension: Name,
		Functions: []safetytest.Function{
			{Name: "rand", Signature: "func() int32", Inputs: [][]any{{}}},
			{Name: "abs", Signature: "func(int32) int32", Inputs: [][]any{{-3}, {4}}},
		},
	}, safetytest.WithCalls(20))
}

// The extension's own test, run in 4 actors at once.
func TestRandRInActors(t *testing.T) {
	r, err := Open()
	testlib.SkipIfLibraryMissing(t, "libc", err)
	defer r.Close()
	safetytest.RunInActors(t, 4, func(t testing.TB, ctx *actor.Context) {
		a, b := uint32(7), uint32(7)
		for range 100 {
			if x, y := r.RandR(&a), r.RandR(&b); x != y {
				t.Fatalf("rand_r with equal seeds diverged: %d != %d", x, y)
			}
		}
		r.Rand() // serialized: allowed from any actor
	})
}
