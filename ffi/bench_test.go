package ffi_test

import (
	"runtime"
	"testing"
	"unsafe"

	"github.com/ebitengine/purego"

	"github.com/goractor/goractor/ffi"
	"github.com/goractor/goractor/internal/dl"
	"github.com/goractor/goractor/internal/execctx"
)

var (
	sink32 int32
	sink64 uint64
	sinkF  float64
)

// asActor runs fn on a goroutine locked to its thread and bound to an
// actor's Exec holding its token, as an actor's message handler would.
func asActor(b *testing.B, fn func()) { asActorLending(b, false, fn) }

// asActorLending is asActor; with lend set the actor owns a thread-safe
// callback (RetainLend), so its native calls lend its token.
func asActorLending(b *testing.B, lend bool, fn func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		e := execctx.New("bench", false, execctx.Hooks{})
		unbind := execctx.Bind(e)
		defer unbind()
		e.Enter()
		defer e.Leave()
		if lend {
			e.RetainLend()
			defer e.ReleaseLend()
		}
		fn()
	}()
	<-done
}

type pt struct{ X, Y int32 }

// Benchmarks: the same operations the peers were measured on, with purego
// and (when CGO_ENABLED=1) cgo baselines in the same run.
//
//	go test -run '^$' -bench . -benchmem -count 5 ./ffi/
func BenchmarkCall(b *testing.B) {
	if fixturePath == "" {
		b.Skip("no C compiler")
	}
	l, err := ffi.Open(fixturePath)
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	h, _ := dl.Open(fixturePath)
	defer dl.Close(h)
	sym := func(s string) uintptr {
		p, err := dl.Sym(h, s)
		if err != nil {
			b.Fatal(err)
		}
		return p
	}

	add, _ := bind[func(int32, int32) (int32, error)](l, "add")
	hyp, _ := bind[func(float64, float64) (float64, error)](l, "hypot2")
	noop, _ := bind[func() error](l, "noop")
	var bAdd func(int32, int32) int32
	var bAddReflect func(int32, int32) uint32 // a shape Bind does not list: reflection
	var bHyp func(float64, float64) float64
	var bNoop func()
	var bStrlen func(string) uint64
	var bPoint func(pt, pt) pt
	if err := l.BindAll(ffi.Binding{Symbol: "add", Target: &bAdd}, ffi.Binding{Symbol: "hypot2", Target: &bHyp},
		ffi.Binding{Symbol: "noop", Target: &bNoop}, ffi.Binding{Symbol: "my_strlen", Target: &bStrlen},
		ffi.Binding{Symbol: "point_add", Target: &bPoint}, ffi.Binding{Symbol: "add", Target: &bAddReflect}); err != nil {
		b.Fatal(err)
	}
	dAdd, _ := l.Func("add", ffi.MustSignature("func(int32, int32) int32"))
	// The same function bound without a library (FuncAt(nil, ...)): calls
	// are not counted in flight, so bind vs bind-nolib is the cost of the
	// in-flight count (Library.enter/exit) in the same run.
	addPtr, _ := l.Sym("add")
	fAddNoLib, err := ffi.FuncAt(nil, addPtr, dAdd.Signature())
	if err != nil {
		b.Fatal(err)
	}
	var bAddNoLib func(int32, int32) int32
	ffi.SetFunc(fAddNoLib, &bAddNoLib)
	slenTyped, _ := bind[func(unsafe.Pointer) uintptr](l, "my_strlen")
	slenStr, _ := bind[func(string) (uint64, error)](l, "my_strlen")
	padd, _ := ffi.TypedFn2[pt, pt, pt](l, "point_add") // the typed closure: Bind of a struct shape is bPoint

	var pAdd func(int32, int32) int32
	var pHyp func(float64, float64) float64
	var pNoop func()
	var pStrlen func(string) uint64
	var pPoint func(pt, pt) pt
	purego.RegisterLibFunc(&pAdd, h, "add")
	purego.RegisterLibFunc(&pHyp, h, "hypot2")
	purego.RegisterLibFunc(&pNoop, h, "noop")
	purego.RegisterLibFunc(&pStrlen, h, "my_strlen")
	purego.RegisterLibFunc(&pPoint, h, "point_add")
	addSym, noopSym := sym("add"), sym("noop")
	nul := []byte("hello, world\x00")

	run := map[string]map[string]func(b *testing.B){
		"add": {
			"ffi-typed": func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					r, _ := add(int32(i), 1)
					sink32 += r
				}
			},
			"ffi-typed-actor": func(b *testing.B) {
				asActor(b, func() {
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						r, _ := add(int32(i), 1)
						sink32 += r
					}
				})
			},
			"ffi-typed-actor-lending": func(b *testing.B) {
				asActorLending(b, true, func() {
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						r, _ := add(int32(i), 1)
						sink32 += r
					}
				})
			},
			"ffi-bind": func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					sink32 += bAdd(int32(i), 1)
				}
			},
			"ffi-bind-reflect": func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					sink32 += int32(bAddReflect(int32(i), 1))
				}
			},
			"ffi-bind-nolib": func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					sink32 += bAddNoLib(int32(i), 1)
				}
			},
			"ffi-dynamic": func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					r, _ := dAdd.Call(int32(i), int32(1))
					sink32 += r.(int32)
				}
			},
			"purego-syscalln": func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					r, _, _ := purego.SyscallN(addSym, uintptr(i), 1)
					sink32 += int32(r)
				}
			},
			"purego-registerlibfunc": func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					sink32 += pAdd(int32(i), 1)
				}
			},
		},
		"hypot2": {
			"ffi-typed": func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					sinkF, _ = hyp(3, 4)
				}
			},
			"ffi-bind": func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					sinkF = bHyp(3, 4)
				}
			},
			"purego-registerlibfunc": func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					sinkF = pHyp(3, 4)
				}
			},
		},
		"noop": {
			"ffi-typed": func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					_ = noop()
				}
			},
			"ffi-bind": func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					bNoop()
				}
			},
			"purego-syscalln": func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					purego.SyscallN(noopSym)
				}
			},
			"purego-registerlibfunc": func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					pNoop()
				}
			},
		},
		"strlen": {
			"ffi-typed": func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					sink64, _ = slenStr("hello, world")
				}
			},
			"ffi-bind": func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					sink64 = bStrlen("hello, world")
				}
			},
			"ffi-typed-nulbytes": func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					sink64 = uint64(slenTyped(unsafe.Pointer(&nul[0])))
				}
			},
			"purego-registerlibfunc": func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					sink64 = pStrlen("hello, world")
				}
			},
		},
		"struct": {
			"ffi-typed": func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					p, _ := padd(pt{1, 2}, pt{3, 4})
					sinkP.X = p.X
				}
			},
			"ffi-bind": func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					p := bPoint(pt{1, 2}, pt{3, 4})
					sinkP.X = p.X
				}
			},
			"purego-registerlibfunc": func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					p := pPoint(pt{1, 2}, pt{3, 4})
					sinkP.X = p.X
				}
			},
		},
	}
	for name, f := range cgoBaselines() {
		run[name]["cgo"] = f
	}
	// Leaf calls (WithLeaf; ordinary calls under -race).
	lAdd, _ := bind[func(int32, int32) (int32, error)](l, "add", ffi.WithLeaf())
	lHyp, _ := bind[func(float64, float64) (float64, error)](l, "hypot2", ffi.WithLeaf())
	lNoop, _ := bind[func() error](l, "noop", ffi.WithLeaf())
	run["add"]["ffi-leaf"] = func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			r, _ := lAdd(int32(i), 1)
			sink32 += r
		}
	}
	run["hypot2"]["ffi-leaf"] = func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			r, _ := lHyp(3, 4)
			sinkF += r
		}
	}
	run["noop"]["ffi-leaf"] = func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			_ = lNoop()
		}
	}
	for _, op := range []string{"add", "hypot2", "noop", "strlen", "struct"} {
		b.Run(op, func(b *testing.B) {
			for _, impl := range []string{"ffi-typed", "ffi-typed-actor", "ffi-typed-actor-lending", "ffi-typed-nulbytes", "ffi-bind", "ffi-bind-reflect",
				"ffi-bind-nolib", "ffi-dynamic", "purego-syscalln", "purego-registerlibfunc", "ffi-leaf", "cgo"} {
				if f, ok := run[op][impl]; ok {
					b.Run(impl, func(b *testing.B) {
						b.ReportAllocs()
						f(b)
					})
				}
			}
		})
	}
}
