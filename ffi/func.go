package ffi

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"runtime"
	"sync"
	"syscall"
	"unsafe"

	"github.com/goractor/goractor/internal/execctx"
)

// Func is a C function bound to a validated Signature. All methods are safe
// for concurrent use; a Func is immutable once bound.
type Func struct {
	lib   *Library // nil for FuncAt without a library
	name  string
	ptr   uintptr
	sig   *Signature
	gate  Gate
	admit Admitter // gate's first phase, when it has one
	errfn uintptr  // __errno_location when errno is captured
	pool  *Pool
	leaf  bool // typed calls are leaf calls (WithLeaf, leaf.go)

	rawOnce sync.Once
	raw     reflect.Value // purego-registered function (fallback engine)
	rawErr  error
}

// Name returns the C symbol name (or "0x…" for FuncAt without a name).
func (f *Func) Name() string { return f.name }

// Library returns the library the function lives in (nil for FuncAt(nil, …)).
func (f *Func) Library() *Library { return f.lib }

// Signature returns the function's signature.
func (f *Func) Signature() *Signature { return f.sig }

// Ptr returns the C function's address.
func (f *Func) Ptr() uintptr { return f.ptr }

// Leaf reports whether typed calls of f are leaf calls (bound WithLeaf, and
// leaf calls are on in this process: see LeafCalls).
func (f *Func) Leaf() bool { return f.leaf }

func (f *Func) libName() string {
	if f.lib == nil {
		return ""
	}
	return f.lib.name
}

func (f *Func) callErr(err error) error {
	return &CallError{Library: f.libName(), Function: f.name, Err: err}
}

// Func binds symbol to sig. A missing symbol gives a *LoadError.
func (l *Library) Func(symbol string, sig *Signature, opts ...BindOption) (*Func, error) {
	if sig == nil {
		panic("ffi: Library.Func with nil Signature")
	}
	p, err := l.Sym(symbol)
	if err != nil {
		return nil, err
	}
	return newFunc(l, symbol, p, sig, opts)
}

// FuncAt binds the C function at address ptr (for example a function
// pointer a C function returned). lib, when not nil, is the library the
// code lives in: calls then count as calls into it. A zero ptr gives an error
// wrapping ErrNullFunction.
func FuncAt(lib *Library, ptr uintptr, sig *Signature, opts ...BindOption) (*Func, error) {
	if sig == nil {
		panic("ffi: FuncAt with nil Signature")
	}
	name := fmt.Sprintf("0x%x", ptr)
	if ptr == 0 {
		return nil, &CallError{Function: "NULL", Err: ErrNullFunction}
	}
	return newFunc(lib, name, ptr, sig, opts)
}

var errnoLoc = sync.OnceValues(func() (uintptr, error) { return defaultSym(errnoSymbol) })

func newFunc(l *Library, name string, ptr uintptr, sig *Signature, opts []BindOption) (*Func, error) {
	if platformErr != nil {
		lib := "(none)"
		if l != nil {
			lib = l.name
		}
		return nil, &LoadError{Library: lib, Symbol: name, Err: platformErr}
	}
	var cfg bindConfig
	for _, o := range opts {
		o.apply(&cfg)
	}
	f := &Func{lib: l, name: name, ptr: ptr, sig: sig, gate: cfg.gate, pool: cfg.pool}
	f.admit, _ = cfg.gate.(Admitter)
	if cfg.leaf {
		if why := leafSig(sig); why != "" {
			return nil, &SignatureError{Signature: sig.text, Param: ParamWhole, Reason: why}
		}
		// A gated function makes leaf calls only on its gate's first
		// phase (on the caller's goroutine), never in a gate's Call.
		if f.leaf = leafOn && sig.plan.fast && (cfg.gate == nil || f.admit != nil) && !cfg.errno; f.leaf && l != nil {
			l.leaf.Store(true) // before the first call: see Library.leaf
		}
	}
	if cfg.errno {
		p, err := errnoLoc()
		if err != nil {
			return nil, &LoadError{Library: "libc", Symbol: errnoSymbol, Err: err}
		}
		f.errfn = p
	}
	if !sig.plan.fast || sig.Variadic {
		// The fallback engine is also used for variadic calls whose
		// arguments overflow the registers; build it now so binding, not
		// calling, reports a shape purego would refuse.
		if _, err := f.rawFunc(); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// ---- the fast call path (typed.go builds frames; this runs them) ----

// errGateSkipped is the reason of a *CallError when a Gate returned nil
// without running the call (a broken Gate).
var errGateSkipped = errors.New("ffi: gate returned nil without running the call")

// gated asks f's gate to run call on behalf of caller. It returns the gate's
// refusal as a *CallError whose text is the refusal's own (see CallError).
// call must do every conversion of the call's results itself: once the gate
// returns, another call may already have overwritten a result that lives in
// C memory (a static buffer).
func (f *Func) gated(caller *execctx.Exec, call func()) error {
	l := f.lib
	var sh *shard
	if l != nil {
		var ok bool
		if sh, ok = l.enter(); !ok {
			return f.callErr(ErrClosed)
		}
	}
	ran := false
	err := f.gate.Call(f, Caller{caller}, func() { ran = true; call() })
	if l != nil {
		l.exit(sh)
	}
	if err != nil {
		return &CallError{Library: f.libName(), Function: f.name, Err: err, Refused: true}
	}
	if !ran {
		return f.callErr(errGateSkipped)
	}
	return nil
}

// nativeFrame makes the call, lending the actor's execution token around it
// when a callback from a foreign thread may need it.
func nativeFrame(fr *frame) {
	if execctx.AnyLenders() {
		if e := execctx.LendCurrent(); e != nil {
			// No defer: nothing between Lend and Reclaim can panic.
			callFrame(fr)
			e.Reclaim()
			return
		}
	}
	callFrame(fr)
}

func lendCall(e *execctx.Exec, call func()) {
	e.Lend()
	defer e.Reclaim()
	call()
}

// ---- the general call path (reflection; Bind, Call, Async) ----

// invoke calls f with in (values of the parameter types; for a variadic
// signature the variadic values follow the fixed ones, already expanded) on
// behalf of caller. res is the zero Value for void functions. errno is the
// captured errno (0 when not captured). The result is converted (a string
// copied, NULL checked) inside the call the gate runs.
func (f *Func) invoke(caller *execctx.Exec, in []reflect.Value) (res reflect.Value, errno syscall.Errno, err error) {
	p := &f.sig.plan
	fast, err := f.frameable(in)
	if err != nil {
		return res, 0, err
	}
	var call func()
	if fast {
		fr := new(frame)
		keep, ferr := f.setFrame(fr, in)
		if ferr != nil {
			return res, 0, ferr
		}
		defer runtime.KeepAlive(keep)
		call = func() {
			nativeFrame(fr)
			errno = syscall.Errno(fr.errno)
			res, err = f.resultValue(fr)
		}
	} else {
		raw, rerr := f.rawFunc()
		if rerr != nil {
			return res, 0, rerr
		}
		words := make([]uint64, len(in))
		var keep []any
		for i, v := range in {
			if i < len(p.params) && p.params[i].c == cStruct {
				continue
			}
			w, _, k, lerr := lower(v)
			if lerr != nil {
				return res, 0, f.callErr(fmt.Errorf("%w: argument %d: %v", ErrBadArgument, i, lerr))
			}
			if k != nil {
				keep = append(keep, k)
			}
			words[i] = w
		}
		defer runtime.KeepAlive(keep)
		args := f.rawArgs(in, words)
		call = func() {
			var out []reflect.Value
			if f.errfn != 0 {
				out, errno = callWithErrno(f.errfn, func() []reflect.Value { return raw.Call(args) })
			} else if execctx.AnyLenders() {
				if e := execctx.Current(); e != nil && e.NeedsLend() && e.OnOwnGoroutine() {
					lendCall(e, func() { out = raw.Call(args) })
				} else {
					out = raw.Call(args)
				}
			} else {
				out = raw.Call(args)
			}
			if len(out) == 1 {
				res, err = f.rawResult(out[0])
			}
		}
	}
	defer runtime.KeepAlive(in)
	if f.gate != nil {
		if gerr := f.gated(caller, call); gerr != nil {
			return reflect.Value{}, 0, gerr
		}
		return res, errno, err
	}
	l := f.lib
	var sh *shard
	if l != nil {
		var ok bool
		if sh, ok = l.enter(); !ok {
			return res, 0, f.callErr(ErrClosed)
		}
	}
	call()
	if l != nil {
		l.exit(sh)
	}
	return res, errno, err
}

// frameable checks the variadic arguments in in (no floats) and reports
// whether the call fits the register trampoline.
func (f *Func) frameable(in []reflect.Value) (bool, error) {
	p := &f.sig.plan
	nint := 0
	for i, v := range in {
		if i >= len(p.params) {
			if k := v.Kind(); k == reflect.Float32 || k == reflect.Float64 ||
				(k == reflect.Interface && !v.IsNil() && (v.Elem().Kind() == reflect.Float32 || v.Elem().Kind() == reflect.Float64)) {
				return false, f.callErr(fmt.Errorf("%w: argument %d: float arguments to a C variadic function are not supported", ErrBadArgument, i))
			}
			nint++
		}
	}
	if max := p.maxVariadic(); nint > max {
		return false, f.callErr(fmt.Errorf("%w: %d variadic arguments, at most %d fit after the fixed parameters", ErrTooManyArguments, nint, max))
	}
	return p.fast && p.nint+nint <= numIntRegs, nil // variadic arguments may overflow the registers
}

// setFrame sets fr up for a call of f with in (checked by frameable: the
// registers suffice). It returns the heap copies of
// string arguments, which must stay alive until the call's result is
// converted.
func (f *Func) setFrame(fr *frame, in []reflect.Value) ([]unsafe.Pointer, error) {
	p := &f.sig.plan
	fr.fn, fr.nflt, fr.errfn = f.ptr, uintptr(p.nflt), f.errfn
	var keep []unsafe.Pointer
	slot := int8(p.nint)
	for i, v := range in {
		pi := p.variadic
		if i < len(p.params) {
			pi = p.params[i]
		} else {
			pi.slot = slot
			slot++
		}
		k, err := setValue(fr, v, &pi)
		if err != nil {
			return nil, f.callErr(fmt.Errorf("%w: argument %d: %v", ErrBadArgument, i, err))
		}
		if k != nil {
			keep = append(keep, k)
		}
	}
	return keep, nil
}

// setValue lowers argument v of parameter pi into fr, like setArg.
func setValue(fr *frame, v reflect.Value, pi *pinfo) (unsafe.Pointer, error) {
	if pi.c == cStruct {
		tmp := reflect.New(pi.t)
		tmp.Elem().Set(v)
		setStruct(fr, tmp.UnsafePointer(), pi)
		return nil, nil
	}
	if v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil, nil
		}
		v = v.Elem()
	}
	if v.Kind() == reflect.String {
		return fr.setString(pi.slot, v.String(), pi.heap), nil
	}
	w, _, _, err := lower(v)
	fr.regs[pi.slot] = w
	return nil, err
}

// resultValue converts fr's result registers to a value of the result type.
func (f *Func) resultValue(fr *frame) (reflect.Value, error) {
	rc := &f.sig.plan.res
	switch rc.c {
	case cNone:
		return reflect.Value{}, nil
	case cStruct:
		v := reflect.New(rc.t)
		w := structWords(fr, rc)
		copy(unsafe.Slice((*byte)(v.UnsafePointer()), rc.size), unsafe.Slice((*byte)(unsafe.Pointer(&w)), rc.size))
		return v.Elem(), nil
	}
	v, err := raise(rc.t, rc.c, uint64(fr.r1), fr.f1)
	if err != nil {
		err = f.callErr(err)
	}
	return v, err
}

// rawResult converts the fallback engine's result to the result type.
func (f *Func) rawResult(rv reflect.Value) (reflect.Value, error) {
	if rv.Kind() == reflect.Struct {
		res := reflect.New(f.sig.Result).Elem()
		res.Set(rv.Convert(f.sig.Result))
		return res, nil
	}
	r1, f1 := rawBits(rv)
	v, err := raise(f.sig.Result, f.sig.plan.res.c, r1, f1)
	if err != nil {
		err = f.callErr(err)
	}
	return v, err
}

// lower converts one argument to its register bits. isFloat reports a float
// register; keep is something that must stay alive for the call.
func lower(v reflect.Value) (w uint64, isFloat bool, keep any, err error) {
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return uint64(v.Int()), false, nil, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint(), false, nil, nil
	case reflect.Bool:
		if v.Bool() {
			return 1, false, nil, nil
		}
		return 0, false, nil, nil
	case reflect.Float32:
		return uint64(math.Float32bits(float32(v.Float()))), true, nil, nil
	case reflect.Float64:
		return math.Float64bits(v.Float()), true, nil, nil
	case reflect.Pointer, reflect.UnsafePointer:
		if v.IsNil() {
			return 0, false, nil, nil
		}
		return uint64(uintptr(v.UnsafePointer())), false, v.Interface(), nil
	case reflect.String:
		b := make([]byte, v.Len()+1)
		copy(b, v.String())
		return uint64(uintptr(unsafe.Pointer(&b[0]))), false, b, nil
	case reflect.Slice:
		if v.IsNil() || v.Cap() == 0 {
			return 0, false, nil, nil
		}
		return uint64(uintptr(v.UnsafePointer())), false, v.Interface(), nil
	case reflect.Interface:
		if v.IsNil() {
			return 0, false, nil, nil
		}
		return lower(v.Elem())
	}
	return 0, false, nil, fmt.Errorf("cannot pass %s to C", v.Type())
}

// rawBits extracts register bits from a purego result value.
func rawBits(v reflect.Value) (r1, f1 uint64) {
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return uint64(v.Int()), 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint(), 0
	case reflect.Bool:
		if v.Bool() {
			return 1, 0
		}
		return 0, 0
	case reflect.Float32:
		return 0, uint64(math.Float32bits(float32(v.Float())))
	case reflect.Float64:
		return 0, math.Float64bits(v.Float())
	}
	return 0, 0
}

// raise converts result register bits to a value of type t.
func raise(t reflect.Type, c conv, r1, f1 uint64) (reflect.Value, error) {
	v := reflect.New(t).Elem()
	switch c {
	case cI8:
		v.SetInt(int64(int8(r1)))
	case cI16:
		v.SetInt(int64(int16(r1)))
	case cI32:
		v.SetInt(int64(int32(r1)))
	case cI64:
		v.SetInt(int64(r1))
	case cU8:
		v.SetUint(uint64(uint8(r1)))
	case cU16:
		v.SetUint(uint64(uint16(r1)))
	case cU32:
		v.SetUint(uint64(uint32(r1)))
	case cU64:
		v.SetUint(r1)
	case cBool:
		v.SetBool(uint8(r1) != 0)
	case cF32:
		v.SetFloat(float64(math.Float32frombits(uint32(f1))))
	case cF64:
		v.SetFloat(math.Float64frombits(f1))
	case cPtr:
		p := uintptr(r1)
		up := *(*unsafe.Pointer)(unsafe.Pointer(&p))
		if t.Kind() == reflect.UnsafePointer {
			v.SetPointer(up)
		} else {
			v = reflect.NewAt(t.Elem(), up)
			if t != v.Type() {
				v = v.Convert(t)
			}
		}
	case cString:
		if r1 == 0 {
			return v, ErrNull
		}
		v.SetString(goString(uintptr(r1)))
	}
	return v, nil
}

// goString copies the NUL-terminated C string at p into Go memory.
func goString(p uintptr) string {
	if p == 0 {
		return ""
	}
	base := *(*unsafe.Pointer)(unsafe.Pointer(&p))
	n := 0
	for *(*byte)(unsafe.Add(base, n)) != 0 {
		n++
	}
	return string(unsafe.Slice((*byte)(base), n))
}

// Call calls f with args converted by its signature and returns the result
// (nil for void) and an error. It is the dynamic form used by tools and the
// conformance suite; it costs reflection and allocations.
//
// Conversions: integers accept any Go integer or a float64 with an integral
// value in range (JSON numbers); floats accept any number; bool; string
// (nil gives NULL); []byte and pointer parameters accept the declared type,
// unsafe.Pointer, uintptr or nil; a struct parameter accepts its exact type;
// a *Callback is passed as its C function pointer (Ptr) to a uintptr,
// pointer or variadic parameter.
// Errors (conversion, closed library, gate refusal, NULL string result,
// errno with WithErrno) are *CallError values.
func (f *Func) Call(args ...any) (any, error) {
	return f.callAny(execctx.Current(), args)
}

func (f *Func) callAny(caller *execctx.Exec, args []any) (any, error) {
	in, err := f.convertArgs(args)
	if err != nil {
		return nil, err
	}
	return f.invokeAny(caller, in)
}

// invokeAny calls with converted arguments and returns the result as an
// interface value, with errno turned into an error when the signature asks.
func (f *Func) invokeAny(caller *execctx.Exec, in []reflect.Value) (any, error) {
	res, errno, err := f.invoke(caller, in)
	var out any
	if res.IsValid() {
		out = res.Interface()
	}
	if err == nil && errno != 0 && f.errfn != 0 {
		err = f.callErr(errno)
	}
	return out, err
}

// CallErrno is Call that also returns errno as the C function left it (0
// unless the function was bound WithErrno).
func (f *Func) CallErrno(args ...any) (any, syscall.Errno, error) {
	in, err := f.convertArgs(args)
	if err != nil {
		return nil, 0, err
	}
	res, errno, err := f.invoke(execctx.Current(), in)
	var out any
	if res.IsValid() {
		out = res.Interface()
	}
	return out, errno, err
}

func (f *Func) convertArgs(args []any) ([]reflect.Value, error) {
	s := f.sig
	nfixed := len(s.plan.params)
	if len(args) < nfixed || (!s.Variadic && len(args) != nfixed) {
		want := fmt.Sprint(nfixed)
		if s.Variadic {
			want = "at least " + want
		}
		return nil, f.callErr(fmt.Errorf("%w: got %d arguments, want %s", ErrBadArgument, len(args), want))
	}
	in := make([]reflect.Value, len(args))
	for i, a := range args {
		t := s.plan.variadic.t
		if i < nfixed {
			t = s.plan.params[i].t
		}
		v, err := convertArg(a, t)
		if err != nil {
			return nil, f.callErr(fmt.Errorf("%w: argument %d: %v", ErrBadArgument, i, err))
		}
		in[i] = v
	}
	return in, nil
}

func convertArg(a any, t reflect.Type) (reflect.Value, error) {
	if cb, ok := a.(*Callback); ok {
		// A callback is passed as its C function pointer, never as the
		// address of the Go object.
		if cb == nil {
			a = nil
		} else {
			a = cb.Ptr()
		}
	}
	if t.Kind() == reflect.Interface {
		if a == nil {
			return reflect.ValueOf(uintptr(0)), nil
		}
		v := reflect.ValueOf(a)
		switch v.Kind() {
		case reflect.Float32, reflect.Float64:
			if f := v.Float(); f == math.Trunc(f) && math.Abs(f) < 1<<63 {
				return reflect.ValueOf(int64(f)), nil
			}
			return reflect.Value{}, fmt.Errorf("float %v passed to a C variadic function", a)
		}
		return v, nil
	}
	if a == nil {
		switch t.Kind() {
		case reflect.String, reflect.Slice, reflect.Pointer, reflect.UnsafePointer, reflect.Uintptr:
			return reflect.ValueOf(uintptr(0)), nil
		}
		return reflect.Value{}, fmt.Errorf("nil for %s", t)
	}
	v := reflect.ValueOf(a)
	if v.Type() == t {
		return v, nil
	}
	out := reflect.New(t).Elem()
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		var n int64
		switch v.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			n = v.Int()
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			if v.Uint() > math.MaxInt64 {
				return reflect.Value{}, fmt.Errorf("%v overflows %s", a, t)
			}
			n = int64(v.Uint())
		case reflect.Float32, reflect.Float64:
			fl := v.Float()
			if fl != math.Trunc(fl) || math.Abs(fl) >= 1<<63 {
				return reflect.Value{}, fmt.Errorf("%v is not an integer", a)
			}
			n = int64(fl)
		default:
			return reflect.Value{}, fmt.Errorf("%T for %s", a, t)
		}
		if out.OverflowInt(n) {
			return reflect.Value{}, fmt.Errorf("%v overflows %s", a, t)
		}
		out.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		var n uint64
		switch v.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			if v.Int() < 0 {
				return reflect.Value{}, fmt.Errorf("%v is negative for %s", a, t)
			}
			n = uint64(v.Int())
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			n = v.Uint()
		case reflect.Float32, reflect.Float64:
			fl := v.Float()
			if fl != math.Trunc(fl) || fl < 0 || fl >= 1<<64 {
				return reflect.Value{}, fmt.Errorf("%v is not an unsigned integer", a)
			}
			n = uint64(fl)
		case reflect.UnsafePointer, reflect.Pointer:
			if t.Kind() != reflect.Uintptr {
				return reflect.Value{}, fmt.Errorf("%T for %s", a, t)
			}
			return v, nil // lowered as a pointer, kept alive
		default:
			return reflect.Value{}, fmt.Errorf("%T for %s", a, t)
		}
		if out.OverflowUint(n) {
			return reflect.Value{}, fmt.Errorf("%v overflows %s", a, t)
		}
		out.SetUint(n)
	case reflect.Float32, reflect.Float64:
		switch v.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			out.SetFloat(float64(v.Int()))
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			out.SetFloat(float64(v.Uint()))
		case reflect.Float32, reflect.Float64:
			out.SetFloat(v.Float())
		default:
			return reflect.Value{}, fmt.Errorf("%T for %s", a, t)
		}
	case reflect.Bool:
		if v.Kind() != reflect.Bool {
			return reflect.Value{}, fmt.Errorf("%T for %s", a, t)
		}
		out.SetBool(v.Bool())
	case reflect.String:
		if v.Kind() != reflect.String {
			return reflect.Value{}, fmt.Errorf("%T for %s", a, t)
		}
		out.SetString(v.String())
	case reflect.Slice, reflect.Pointer, reflect.UnsafePointer:
		switch v.Kind() {
		case reflect.Uintptr, reflect.UnsafePointer, reflect.Pointer:
			return v, nil // lowered to its address
		}
		if v.Type().ConvertibleTo(t) {
			return v.Convert(t), nil
		}
		return reflect.Value{}, fmt.Errorf("%T for %s", a, t)
	default:
		if v.Type().ConvertibleTo(t) {
			return v.Convert(t), nil
		}
		return reflect.Value{}, fmt.Errorf("%T for %s", a, t)
	}
	return out, nil
}

// ---- Bind: typed Go functions through reflection ----

// Bind looks symbol up in l and sets *fptr (a pointer to a variable of func
// type) to a Go function that calls it. The func type is validated first (see
// SignatureOf); a refused shape gives a *SignatureError and a missing symbol
// a *LoadError, and *fptr is left unchanged.
//
// Bind is the one way to call a C function with Go types: MustBind is its
// form for package initialisation, BindAll binds several all or nothing.
// Library.Func (a *Signature known only at run time, from a manifest or a
// tool) and FuncAt (a C function pointer) give a *Func called with
// Call(args ...any) instead.
//
// These func types, and named func types with them as underlying type, get a
// reflection-free function that calls through the register trampoline
// (without allocation, except for a string result's copy); every other
// supported type goes through reflect.MakeFunc over the same trampoline,
// about twenty times the cost of a listed shape, with 11 allocations per
// call (docs/performance.md, "Bind outside its list"):
//
//	func()
//	func() error
//	func() int32
//	func() int64
//	func() string
//	func() (string, error)
//	func(int32) int32
//	func(int32) (int32, error)
//	func(int64) int64
//	func(float64) float64
//	func(uintptr) uintptr
//	func(unsafe.Pointer) uintptr
//	func(unsafe.Pointer) unsafe.Pointer
//	func(int32) string
//	func(int32) (string, error)
//	func(int64) string
//	func(int64) (string, error)
//	func(string) uint64
//	func(string) (uint64, error)
//	func(string) int
//	func(string) int32
//	func(string) (int32, error)
//	func(string) int64
//	func(string) uintptr
//	func(string) unsafe.Pointer
//	func(string) string
//	func(string) (string, error)
//	func([]byte) uint64
//	func(int32, int32) int32
//	func(int32, int32) (int32, error)
//	func(int64, int64) int64
//	func(float64, float64) float64
//	func(float64, float64) (float64, error)
//	func(string, string) int32
//	func(string, int32) int32
//	func(string, int32) (int32, error)
//	func([]byte, int32) int64
//	func([]byte, int32) int32
//	func(string, unsafe.Pointer, int32) int64
//	func(string, *uintptr, int32) int64
//	func() (int8, error)
//	func() (int16, error)
//	func() (int32, error)
//	func() (int64, error)
//	func() (int, error)
//	func() (uint8, error)
//	func() (uint16, error)
//	func() (uint32, error)
//	func() (uint64, error)
//	func() (uint, error)
//	func() (uintptr, error)
//	func() (float32, error)
//	func() (float64, error)
//	func() (bool, error)
//	func(int64) (int64, error)
//	func(int32, int64) (int64, error)
//	func(uintptr, int32, int32) int32
//	func(uintptr, int32, int32) int64
//	func(uint64, *uintptr) int32
//	func(*uint64, uintptr, uintptr, uintptr) int32
//
// If the func type has no error result, a call that cannot be made (closed
// library, gate refusal) panics with a *CallError.
//
// Bind panics if fptr is not a non-nil pointer to a func variable.
func (l *Library) Bind(fptr any, symbol string, opts ...BindOption) error {
	fv := checkFptr(fptr)
	sig, err := SignatureOf(fv.Type())
	if err != nil {
		return err
	}
	f, err := l.Func(symbol, sig, opts...)
	if err != nil {
		return err
	}
	f.setFunc(fv)
	return nil
}

// MustBind is Bind that panics on error, for package initialisation.
func (l *Library) MustBind(fptr any, symbol string, opts ...BindOption) {
	if err := l.Bind(fptr, symbol, opts...); err != nil {
		panic(err)
	}
}

func checkFptr(fptr any) reflect.Value {
	v := reflect.ValueOf(fptr)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Func {
		panic(fmt.Sprintf("ffi: fptr must be a non-nil pointer to a func variable, got %T", fptr))
	}
	return v.Elem()
}

func (f *Func) setFunc(fv reflect.Value) {
	ft := fv.Type()
	if ft.Name() == "" {
		if fast := f.fastShape(fv); fast.IsValid() {
			fv.Set(fast)
			return
		}
	} else {
		// A named func type (type gettid func() int32) gets the listed
		// shape of its underlying type.
		uv := reflect.New(reflect.FuncOf(ins(ft), outs(ft), ft.IsVariadic())).Elem()
		if fast := f.fastShape(uv); fast.IsValid() {
			fv.Set(fast.Convert(ft))
			return
		}
	}
	sig := f.sig
	fv.Set(reflect.MakeFunc(ft, func(in []reflect.Value) []reflect.Value {
		if sig.Variadic {
			last := in[len(in)-1]
			flat := make([]reflect.Value, 0, len(in)-1+last.Len())
			flat = append(flat, in[:len(in)-1]...)
			for i := range last.Len() {
				flat = append(flat, last.Index(i))
			}
			in = flat
		}
		res, errno, err := f.invoke(execctx.Current(), in)
		if err == nil && errno != 0 && f.errfn != 0 {
			err = f.callErr(errno)
		}
		var out []reflect.Value
		if sig.Result != nil {
			if !res.IsValid() {
				res = reflect.Zero(sig.Result)
			}
			out = append(out, res)
		}
		if sig.Error {
			ev := reflect.Zero(errorType)
			if err != nil {
				ev = reflect.ValueOf(&err).Elem()
			}
			out = append(out, ev)
		} else if err != nil && !errors.Is(err, ErrNull) && !isErrno(err) {
			panic(err)
		}
		return out
	}))
}

func isErrno(err error) bool {
	var e syscall.Errno
	return errors.As(err, &e)
}

// ins and outs are t's parameter and result types.
func ins(t reflect.Type) []reflect.Type {
	ts := make([]reflect.Type, t.NumIn())
	for i := range ts {
		ts[i] = t.In(i)
	}
	return ts
}

func outs(t reflect.Type) []reflect.Type {
	ts := make([]reflect.Type, t.NumOut())
	for i := range ts {
		ts[i] = t.Out(i)
	}
	return ts
}
