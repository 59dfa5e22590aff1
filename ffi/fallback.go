package ffi

import (
	"fmt"
	"math"
	"reflect"
	"runtime"
	"syscall"
	"unsafe"
)

// The fallback engine: purego.RegisterFunc on a "lowered" func type in which
// strings, slices and pointers are uintptr (ffi converts them itself, so it
// controls their lifetime and NULL handling). It handles structs by value,
// stack arguments, and every call on platforms without the register
// trampoline.

func (f *Func) rawFunc() (reflect.Value, error) {
	f.rawOnce.Do(func() {
		p := &f.sig.plan
		var in []reflect.Type
		for _, pi := range p.params {
			in = append(in, lowerType(pi))
		}
		if f.sig.Variadic {
			in = append(in, reflect.TypeFor[[]any]())
		}
		var out []reflect.Type
		if p.res.c != cNone {
			out = append(out, lowerType(p.res))
		}
		ft := reflect.FuncOf(in, out, f.sig.Variadic)
		ptr := reflect.New(ft)
		if err := registerFunc(ptr.Interface(), f.ptr); err != nil {
			f.rawErr = &SignatureError{Signature: f.sig.text, Param: ParamWhole, Reason: err.Error()}
			return
		}
		f.raw = ptr.Elem()
	})
	return f.raw, f.rawErr
}

func lowerType(pi pinfo) reflect.Type {
	switch pi.c {
	case cString, cSlice, cPtr:
		return uintptrType
	}
	return pi.t
}

// rawArgs builds the purego call arguments from the lowered words.
func (f *Func) rawArgs(in []reflect.Value, words []uint64) []reflect.Value {
	p := &f.sig.plan
	out := make([]reflect.Value, len(in))
	for i := range in {
		if i >= len(p.params) {
			out[i] = reflect.ValueOf(uintptr(words[i]))
			continue
		}
		pi := p.params[i]
		if pi.c == cStruct {
			out[i] = in[i]
			continue
		}
		v := reflect.New(lowerType(pi)).Elem()
		w := words[i]
		switch pi.c {
		case cI8, cI16, cI32, cI64:
			v.SetInt(int64(w))
		case cU8, cU16, cU32, cU64, cString, cSlice, cPtr:
			v.SetUint(w)
		case cBool:
			v.SetBool(w != 0)
		case cF32:
			v.SetFloat(float64(math.Float32frombits(uint32(w))))
		case cF64:
			v.SetFloat(math.Float64frombits(w))
		}
		out[i] = v
	}
	return out
}

// callWithErrno runs call on a locked thread between clearing and reading
// errno through __errno_location (errfn).
func callWithErrno(errfn uintptr, call func() []reflect.Value) ([]reflect.Value, syscall.Errno) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	loc := errnoAddr(errfn)
	*loc = 0
	out := call()
	return out, syscall.Errno(*loc)
}

func errnoAddr(errfn uintptr) *int32 {
	p := syscallN(errfn)
	return *(**int32)(unsafe.Pointer(&p))
}

// registerFunc is purego.RegisterFunc; the signature was validated before,
// so a panic here is an ffi bug, which it reports as an error rather than
// crashing the caller.
func registerFunc(fptr any, cfn uintptr) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("purego refused the signature: %v", r)
		}
	}()
	puregoRegister(fptr, cfn)
	return nil
}
