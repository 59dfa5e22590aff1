package conformance

import (
	"fmt"
	"reflect"
	"strings"
	"time"
	"unsafe"

	"github.com/goractor/goractor/extension"
	"github.com/goractor/goractor/ffi"
)

// Step is one call of a call sequence (Function.Steps).
type Step struct {
	// Name is the native symbol.
	Name string
	// Signature is its signature in ffi syntax. A pointer parameter or result
	// is declared unsafe.Pointer (or uintptr).
	Signature string
	// Library, when set, binds the symbol from these libraries.
	Library []string
	// Result, when set, declares the result a pointer to this content, which
	// is compared instead of the address.
	Result *Layout
}

// Layout describes memory a pointer points to: Size bytes compared as they
// are, or a struct of Fields laid out with C's alignment rules.
type Layout struct {
	Size   int     // a plain block of Size bytes (when Fields is empty)
	Fields []Field // a struct, in declaration order
}

// Field is one field of a struct Layout.
type Field struct {
	Name string
	// Type is int8, int16, int32, int64, uint8, uint16, uint32, uint64,
	// float32, float64, string (a char* whose text is compared) or pointer
	// (an address, compared only as NULL or not NULL).
	Type string
}

// Validate reports a layout that cannot be used.
func (l *Layout) Validate() error {
	if len(l.Fields) == 0 {
		if l.Size < 1 || l.Size > 1<<20 {
			return fmt.Errorf("size %d is not in 1..1048576 bytes", l.Size)
		}
		return nil
	}
	for i, f := range l.Fields {
		if extension.ManifestFieldSize(f.Type) == 0 {
			return fmt.Errorf("field %d (%s): type %q is not one of int8…int64, uint8…uint64, float32, float64, string, pointer", i, f.Name, f.Type)
		}
	}
	return nil
}

// size returns the layout's size in bytes, with C's padding.
func (l *Layout) size() int {
	if len(l.Fields) == 0 {
		return l.Size
	}
	off, align := 0, 1
	for _, f := range l.Fields {
		n := extension.ManifestFieldSize(f.Type)
		off = (off + n - 1) / n * n
		off += n
		align = max(align, n)
	}
	return (off + align - 1) / align * align
}

func readNum[T int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64 | float32 | float64](q unsafe.Pointer) string {
	return fmt.Sprint(*(*T)(q))
}

var numReaders = map[string]func(unsafe.Pointer) string{
	"int8": readNum[int8], "int16": readNum[int16], "int32": readNum[int32], "int64": readNum[int64],
	"uint8": readNum[uint8], "uint16": readNum[uint16], "uint32": readNum[uint32], "uint64": readNum[uint64],
	"float32": readNum[float32], "float64": readNum[float64],
}

// decode renders the content at p (not NULL) as text.
func (l *Layout) decode(p unsafe.Pointer) string {
	if len(l.Fields) == 0 {
		return fmt.Sprintf("%x", unsafe.Slice((*byte)(p), l.Size))
	}
	var b strings.Builder
	b.WriteByte('{')
	off := 0
	for i, f := range l.Fields {
		n := extension.ManifestFieldSize(f.Type)
		off = (off + n - 1) / n * n
		q := unsafe.Add(p, off)
		off += n
		if i > 0 {
			b.WriteByte(' ')
		}
		if f.Name != "" {
			b.WriteString(f.Name + ":")
		}
		if read := numReaders[f.Type]; read != nil {
			b.WriteString(read(q))
			continue
		}
		switch f.Type {
		case "string":
			if s := *(*unsafe.Pointer)(q); s == nil {
				b.WriteString("NULL")
			} else {
				fmt.Fprintf(&b, "%q", cString(s))
			}
		case "pointer":
			if *(*unsafe.Pointer)(q) == nil {
				b.WriteString("NULL")
			} else {
				b.WriteString("non-NULL")
			}
		}
	}
	b.WriteByte('}')
	return b.String()
}

// Argument values for pointer parameters (declared unsafe.Pointer). Each call
// gets fresh memory, kept alive until the phase ends. A nil argument passes
// NULL; a string argument of a string or pointer parameter passes a fresh
// writable NUL-terminated copy.
type (
	// Buffer passes a pointer to this many zeroed bytes (scratch, such as
	// strtok_r's save pointer); its content is not compared.
	Buffer int
	// Out passes a pointer to zeroed memory of the layout (an out-parameter),
	// whose content after the call is compared.
	Out Layout
	// PtrTo passes a pointer to a copy of the scalar Value (gmtime's
	// const time_t *).
	PtrTo struct{ Value any }
	// StepResult passes the result of an earlier step of the same sequence.
	StepResult int
	// StepArg passes the same pointer an earlier step was given (Arg-th
	// argument of step Step).
	StepArg struct{ Step, Arg int }
)

// rawStep is one C function bound so that the suite reads its memory itself:
// string parameters and results are passed as pointers, so a returned
// pointer can be read again a while after the call (the late re-read).
type rawStep struct {
	name      string
	call      func(args ...any) (any, error)
	strParams []bool // the parameter takes a string: passed as a pointer to a copy
	ptrResult bool   // the result is read through (string or Layout)
	strResult bool
	layout    *Layout
}

// bindRaw binds one step's symbol with pointer types in place of strings.
func bindRaw(x *extension.Extension, name, signature string, lib []string, layout *Layout, s extension.Safety) (rawStep, error) {
	sig, err := ffi.ParseSignature(signature)
	if err != nil {
		return rawStep{}, setupErr("%s: %v", name, err)
	}
	if sig.Variadic {
		return rawStep{}, setupErr("%s: variadic functions cannot be checked", name)
	}
	ptr := reflect.TypeFor[unsafe.Pointer]()
	st := rawStep{name: name, layout: layout, strParams: make([]bool, len(sig.Params))}
	in := make([]reflect.Type, len(sig.Params))
	for i, p := range sig.Params {
		in[i] = p.Type
		switch p.Type.Kind() {
		case reflect.String:
			in[i], st.strParams[i] = ptr, true
		case reflect.UnsafePointer:
			st.strParams[i] = true
		}
	}
	var out []reflect.Type
	switch {
	case sig.Result == nil:
		if layout != nil {
			return rawStep{}, setupErr("%s: a result layout on a function that returns nothing", name)
		}
	case sig.Result.Kind() == reflect.String:
		out, st.strResult, st.ptrResult = []reflect.Type{ptr}, true, true
	case layout != nil:
		if k := sig.Result.Kind(); k != reflect.UnsafePointer && k != reflect.Uintptr && k != reflect.Pointer {
			return rawStep{}, setupErr("%s: a result layout needs a pointer result, not %v", name, sig.Result)
		}
		if err := layout.Validate(); err != nil {
			return rawStep{}, setupErr("%s: result: %v", name, err)
		}
		out, st.ptrResult = []reflect.Type{ptr}, true
	default:
		out = []reflect.Type{sig.Result}
	}
	if sig.Error {
		out = append(out, reflect.TypeFor[error]())
	}
	rs, err := ffi.SignatureOf(reflect.FuncOf(in, out, false))
	if err != nil {
		return rawStep{}, setupErr("%s: %v", name, err)
	}
	var fopts []extension.FuncOption
	if s != extension.Undeclared {
		fopts = append(fopts, extension.WithSafety(s))
	}
	if len(lib) > 0 {
		fopts = append(fopts, extension.FromLibrary(lib...))
	}
	fn, err := x.Func(name, rs, fopts...)
	if err != nil {
		return rawStep{}, err
	}
	st.call = fn.Call
	return st, nil
}

// unit is what one call of a Function is: one step, or a sequence run as
// one unit.
type unit struct {
	steps []rawStep
	seq   bool
	// late: re-read each pointer result lateDelay after the call, and pause
	// as long between the steps of a sequence.
	late bool
}

// readsAfterReturn reports whether the unit reads native memory after a
// call returned (a pointer result, an out-parameter, or a sequence).
func (u *unit) readsAfterReturn(inputs [][]any) bool {
	if u.seq {
		return true
	}
	for _, s := range u.steps {
		if s.ptrResult {
			return true
		}
	}
	for _, in := range inputs {
		for _, a := range in {
			if _, ok := a.(Out); ok {
				return true
			}
		}
	}
	return false
}

// keeper holds the memory passed to C until the phase ends: a static-state
// function (strtok) may keep a pointer to it beyond the call.
type keeper struct{ mem []any }

func (k *keeper) bytes(n int) []byte {
	b := make([]byte, max(n, 1))
	k.mem = append(k.mem, b)
	return b
}

func (k *keeper) cstring(s string) unsafe.Pointer {
	b := k.bytes(len(s) + 1)
	copy(b, s)
	return unsafe.Pointer(&b[0])
}

// run calls the unit with input (the argument list of a single function, or
// one argument list per step of a sequence) and returns what the results
// read at once and what they read lateDelay later (the same when nothing
// was re-read).
func (u *unit) run(input []any, k *keeper) (now, later outcome) {
	var perStep [][]any
	if u.seq {
		for _, a := range input {
			perStep = append(perStep, a.([]any))
		}
	} else {
		perStep = [][]any{input}
	}
	var nowParts, lateParts []string
	results := make([]any, len(u.steps))
	passed := make([][]any, len(u.steps))
	for i, st := range u.steps {
		if u.seq && u.late && i > 0 {
			time.Sleep(lateDelay)
		}
		args, outs, outPtrs := st.marshal(perStep[i], results, passed, k)
		passed[i] = args
		o := callOutcome(st.call, args)
		results[i] = o.v
		if o.err != "" {
			nowParts, lateParts = append(nowParts, "error "+o.err), append(lateParts, "error "+o.err)
			break
		}
		n, l := u.read(st, o.v)
		for m, p := range outPtrs {
			d := outs[m].decode(p)
			n, l = n+" out "+d, l+" out "+d
		}
		if !u.seq && !st.ptrResult && len(outs) == 0 {
			if _, isPtr := o.v.(unsafe.Pointer); isPtr {
				o.v = n // an address is compared only as NULL or not
			}
			return o, o
		}
		nowParts, lateParts = append(nowParts, n), append(lateParts, l)
	}
	if !u.seq && len(nowParts) == 1 && strings.HasPrefix(nowParts[0], "error ") {
		e := outcome{err: strings.TrimPrefix(nowParts[0], "error ")}
		return e, e
	}
	return outcome{v: strings.Join(nowParts, "; ")}, outcome{v: strings.Join(lateParts, "; ")}
}

// marshal turns one step's argument values into what its raw binding
// takes, with the out-parameters to read after the call.
func (st *rawStep) marshal(in []any, results []any, passed [][]any, k *keeper) (args []any, outs []*Layout, outPtrs []unsafe.Pointer) {
	args = make([]any, len(in))
	for j, a := range in {
		switch v := a.(type) {
		case nil:
			args[j] = unsafe.Pointer(nil)
		case string:
			if j < len(st.strParams) && st.strParams[j] {
				args[j] = k.cstring(v)
			} else {
				args[j] = v
			}
		case Buffer:
			args[j] = unsafe.Pointer(&k.bytes(int(v))[0])
		case Out:
			l := Layout(v)
			p := unsafe.Pointer(&k.bytes(l.size())[0])
			args[j] = p
			outs, outPtrs = append(outs, &l), append(outPtrs, p)
		case PtrTo:
			rv := reflect.New(reflect.TypeOf(v.Value))
			rv.Elem().Set(reflect.ValueOf(v.Value))
			k.mem = append(k.mem, rv.Interface())
			args[j] = rv.UnsafePointer()
		case StepResult:
			args[j] = results[int(v)]
		case StepArg:
			args[j] = passed[v.Step][v.Arg]
		default:
			args[j] = a
		}
	}
	return args, outs, outPtrs
}

// first calls the unit's first step with input and returns its error (the
// refusal phase: the gate refuses before the C function runs).
func (u *unit) first(input []any, k *keeper) error {
	in := input
	if u.seq {
		in = input[0].([]any)
	}
	args, _, _ := u.steps[0].marshal(in, nil, nil, k)
	_, err := safeCall(u.steps[0].call, args)
	return err
}

// read renders one step's result at once and, for a pointer result when the
// unit reads late, lateDelay later.
func (u *unit) read(st rawStep, v any) (now, later string) {
	if !st.ptrResult {
		s := fmt.Sprintf("%#v", v)
		if p, ok := v.(unsafe.Pointer); ok {
			s = "non-NULL"
			if p == nil {
				s = "NULL"
			}
		}
		return s, s
	}
	p, _ := v.(unsafe.Pointer)
	if p == nil {
		return "NULL", "NULL"
	}
	decode := func() string {
		if st.strResult {
			return fmt.Sprintf("%q", cString(p))
		}
		return st.layout.decode(p)
	}
	now = decode()
	if !u.late {
		return now, now
	}
	time.Sleep(lateDelay)
	return now, decode()
}
