package callback

import (
	"reflect"
	"unsafe"

	"github.com/goractor/goractor/internal/ctype"
)

// Register limits of the C calling convention this package decodes: the first
// six integer-class arguments and the first eight floating-point arguments
// arrive in registers (System V amd64; a subset of AAPCS64). Arguments that
// would be passed on the stack are refused.
const (
	MaxIntArgs   = 6
	MaxFloatArgs = 8
)

// Args is the raw register image of one C call into a callback: the integer
// registers in order (RDI, RSI, RDX, RCX, R8, R9 on amd64) and the
// floating-point registers (XMM0..XMM7). A narrow argument sits in the low
// bits of its register; the upper bits are unspecified. A float32 sits in the
// low 32 bits of its Float slot (use [Args.Float32]).
type Args struct {
	Float [MaxFloatArgs]float64 // first: the amd64 trampoline's register image has this layout
	Int   [MaxIntArgs]uintptr
}

// Float32 returns floating-point register i read as a C float.
func (a *Args) Float32(i int) float32 {
	return *(*float32)(unsafe.Pointer(&a.Float[i]))
}

// invoker calls a handler with the arguments decoded from a and returns the
// result as the raw bits of the C return register.
type invoker func(a *Args) uintptr

// plan is a validated handler signature.
type plan struct {
	typ    reflect.Type
	regs   []uint8 // per parameter: index into Args.Int, or 64+index into Args.Float
	hasRet bool
	raw    bool // a func(Args) uintptr handler decodes the registers itself
	call   invoker
}

const floatReg = 64

// compile validates fn's signature and builds its invoker. Every refusal names
// the parameter, so purego (which panics) never sees a bad shape.
func compile(fn any) (*plan, error) {
	v := reflect.ValueOf(fn)
	if !v.IsValid() {
		return nil, Errors.Signature(nil, -1, nil, "handler is nil")
	}
	t := v.Type()
	if t.Kind() != reflect.Func {
		return nil, Errors.Signature(t, -1, nil, "handler is not a function")
	}
	if v.IsNil() {
		return nil, Errors.Signature(t, -1, nil, "handler is a nil function")
	}
	if raw, ok := fn.(func(Args) uintptr); ok {
		return &plan{typ: t, raw: true, hasRet: true, call: func(a *Args) uintptr { return raw(*a) }}, nil
	}
	if t.IsVariadic() {
		return nil, Errors.Signature(t, t.NumIn()-1, t.In(t.NumIn()-1), "variadic handlers are not supported")
	}
	p := &plan{typ: t, regs: make([]uint8, t.NumIn())}
	ni, nf := 0, 0
	for i := range t.NumIn() {
		in := t.In(i)
		switch {
		case ctype.IntRegister(in):
			if ni == MaxIntArgs {
				return nil, Errors.Signature(t, i, in, "more than 6 integer or pointer arguments: the rest would be passed on the stack, which callbacks do not support")
			}
			p.regs[i] = uint8(ni)
			ni++
		case ctype.FloatRegister(in):
			if nf == MaxFloatArgs {
				return nil, Errors.Signature(t, i, in, "more than 8 floating-point arguments: the rest would be passed on the stack, which callbacks do not support")
			}
			p.regs[i] = uint8(floatReg + nf)
			nf++
		default:
			return nil, Errors.Signature(t, i, in, ctype.Problem(in, ctype.CallbackParam))
		}
	}
	switch t.NumOut() {
	case 0:
	case 1:
		out := t.Out(0)
		if why := ctype.Problem(out, ctype.CallbackResult); why != "" {
			return nil, Errors.Signature(t, -1, out, why)
		}
		p.hasRet = true
	default:
		return nil, Errors.Signature(t, -1, nil, "a C callback returns at most one value")
	}
	p.call = fastInvoker(fn)
	if p.call == nil {
		p.call = p.reflectInvoker(v)
	}
	return p, nil
}

// reflectInvoker is the general path: it builds reflect.Values that alias the
// register image (little-endian: a narrow value is the low bytes of its slot).
func (p *plan) reflectInvoker(fn reflect.Value) invoker {
	t := p.typ
	types := make([]reflect.Type, t.NumIn())
	for i := range types {
		types[i] = t.In(i)
	}
	regs := p.regs
	var outKind reflect.Kind
	if p.hasRet {
		outKind = t.Out(0).Kind()
	}
	return func(a *Args) uintptr {
		in := make([]reflect.Value, len(types))
		for i, ty := range types {
			var ptr unsafe.Pointer
			if r := regs[i]; r >= floatReg {
				ptr = unsafe.Pointer(&a.Float[r-floatReg])
			} else {
				ptr = unsafe.Pointer(&a.Int[r])
			}
			v := reflect.NewAt(ty, ptr).Elem()
			if ty.Kind() == reflect.Bool {
				// C's _Bool is 0 or 1 in the low byte; normalize anyway.
				v = reflect.ValueOf(*(*uint8)(ptr) != 0).Convert(ty)
			}
			in[i] = v
		}
		out := fn.Call(in)
		if len(out) == 0 {
			return 0
		}
		return toBits(out[0], outKind)
	}
}

func toBits(v reflect.Value, k reflect.Kind) uintptr {
	switch k {
	case reflect.Bool:
		if v.Bool() {
			return 1
		}
		return 0
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return uintptr(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return uintptr(v.Uint())
	case reflect.Pointer, reflect.UnsafePointer:
		return v.Pointer()
	}
	return 0
}

// fastInvoker avoids reflection for the most common handler shapes.
func fastInvoker(fn any) invoker {
	switch f := fn.(type) {
	case func():
		return func(*Args) uintptr { f(); return 0 }
	case func(uintptr):
		return func(a *Args) uintptr { f(a.Int[0]); return 0 }
	case func(uintptr) uintptr:
		return func(a *Args) uintptr { return f(a.Int[0]) }
	case func(uintptr, uintptr) uintptr:
		return func(a *Args) uintptr { return f(a.Int[0], a.Int[1]) }
	case func(uintptr, uintptr, uintptr) uintptr:
		return func(a *Args) uintptr { return f(a.Int[0], a.Int[1], a.Int[2]) }
	case func(unsafe.Pointer):
		return func(a *Args) uintptr { f(*(*unsafe.Pointer)(unsafe.Pointer(&a.Int[0]))); return 0 }
	case func(unsafe.Pointer) uintptr:
		return func(a *Args) uintptr { return f(*(*unsafe.Pointer)(unsafe.Pointer(&a.Int[0]))) }
	case func(int) int:
		return func(a *Args) uintptr { return uintptr(f(int(a.Int[0]))) }
	case func(int, int) int:
		return func(a *Args) uintptr { return uintptr(f(int(a.Int[0]), int(a.Int[1]))) }
	case func(int32) int32:
		return func(a *Args) uintptr { return uintptr(f(int32(a.Int[0]))) }
	case func(int64) int64:
		return func(a *Args) uintptr { return uintptr(f(int64(a.Int[0]))) }
	}
	return nil
}
