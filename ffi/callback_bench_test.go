package ffi_test

import (
	"context"
	"runtime"
	"sync"
	"testing"

	"github.com/ebitengine/purego"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/ffi"
)

// Callback costs through the public API and a real actor, against a bare
// purego.NewCallback driven by the same C loops in the same run:
//
//	go test -run '^$' -bench Callback -count 5 ./ffi
//
// ns/callback is the figure (the C loop's b.N callbacks over one native call).

func benchActorCallback(b *testing.B, foreign bool) {
	fx := bindCB(b)
	b.StopTimer()
	err := actor.Run(func(main *actor.Context) error {
		a, err := main.Spawn(func(cx *actor.Context) (any, error) {
			state := int64(0)
			var opts []ffi.CallbackOption
			if foreign {
				opts = append(opts, ffi.ThreadSafe())
			}
			cb, err := ffi.NewCallback(func(i uintptr) uintptr { state++; return i }, opts...)
			if err != nil {
				return nil, err
			}
			defer cb.Close()
			n := int64(b.N)
			b.StartTimer()
			var r int64
			if foreign {
				r = fx.callNThread(cb.Ptr(), n)
			} else {
				r = fx.callN(cb.Ptr(), n)
			}
			b.StopTimer()
			if r != n*(n-1)/2 || state != n {
				b.Errorf("C returned %d after %d handler runs, want %d after %d", r, state, n*(n-1)/2, n)
			}
			return nil, nil
		})
		if err != nil {
			return err
		}
		_, err = a.Value(context.Background())
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/callback")
}

var rawCB = sync.OnceValue(func() uintptr {
	return purego.NewCallback(func(i uintptr) uintptr { return i })
})

func benchRawCallback(b *testing.B, foreign bool) {
	fx := bindCB(b)
	ptr := rawCB()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	n := int64(b.N)
	b.ResetTimer()
	var r int64
	if foreign {
		r = fx.callNThread(ptr, n)
	} else {
		r = fx.callN(ptr, n)
	}
	b.StopTimer()
	if r != n*(n-1)/2 {
		b.Errorf("C returned %d, want %d", r, n*(n-1)/2)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/callback")
}

// BenchmarkCallbackSync: C calls an actor's synchronous callback on the
// actor's own thread during its call (inline dispatch).
func BenchmarkCallbackSync(b *testing.B) { benchActorCallback(b, false) }

// BenchmarkCallbackForeignThread: a pthread started by the actor's C call
// calls the actor's thread-safe callback; each call takes the actor's
// execution token, runs the handler, gives it back.
func BenchmarkCallbackForeignThread(b *testing.B) { benchActorCallback(b, true) }

// BenchmarkCallbackRawPuregoSync and ...Foreign are the baselines: a bare
// purego.NewCallback through the same C loops.
func BenchmarkCallbackRawPuregoSync(b *testing.B)    { benchRawCallback(b, false) }
func BenchmarkCallbackRawPuregoForeign(b *testing.B) { benchRawCallback(b, true) }
