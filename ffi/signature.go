package ffi

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"unsafe"

	"github.com/goractor/goractor/internal/ctype"
)

// Signature describes a C function in Go terms: its parameters, whether it
// is variadic, its result and whether the Go side has a final error result.
// Build one with [ParseSignature] or [SignatureOf]; both validate it.
// A Signature is immutable and safe for concurrent use.
type Signature struct {
	Params   []Param      // fixed parameters, then (when Variadic) the ...T element
	Variadic bool         // the last Param is the element type of a ...T parameter
	Result   reflect.Type // nil when the C function returns void
	Error    bool         // the Go function ends with an error result

	text string
	plan plan
}

// Param is one parameter of a Signature.
type Param struct {
	Name string // from the signature text, "" when unnamed
	Type reflect.Type
}

// String returns the signature in Go syntax.
func (s *Signature) String() string { return s.text }

// FuncType returns the Go func type of the signature, for example
// func(int32, int32) (int32, error).
func (s *Signature) FuncType() reflect.Type {
	in := make([]reflect.Type, len(s.Params))
	for i, p := range s.Params {
		in[i] = p.Type
	}
	if s.Variadic {
		in[len(in)-1] = reflect.SliceOf(in[len(in)-1])
	}
	var out []reflect.Type
	if s.Result != nil {
		out = append(out, s.Result)
	}
	if s.Error {
		out = append(out, errorType)
	}
	return reflect.FuncOf(in, out, s.Variadic)
}

var (
	errorType   = reflect.TypeFor[error]()
	anyType     = reflect.TypeFor[any]()
	uintptrType = reflect.TypeFor[uintptr]()
)

// SignatureOf validates the Go func type t and returns its Signature. An
// unsupported shape gives a *SignatureError naming the parameter and why
// (errors.Is(err, ErrUnsupportedSignature) is true).
func SignatureOf(t reflect.Type) (*Signature, error) {
	if t == nil || t.Kind() != reflect.Func {
		return nil, &SignatureError{Signature: fmt.Sprint(t), Param: ParamWhole, Reason: "not a func type"}
	}
	s := &Signature{Variadic: t.IsVariadic(), text: t.String()}
	for i := range t.NumIn() {
		pt := t.In(i)
		if s.Variadic && i == t.NumIn()-1 {
			pt = pt.Elem()
		}
		s.Params = append(s.Params, Param{Type: pt})
	}
	switch t.NumOut() {
	case 0:
	case 1:
		if t.Out(0) == errorType {
			s.Error = true
		} else {
			s.Result = t.Out(0)
		}
	case 2:
		if t.Out(1) != errorType {
			return nil, &SignatureError{Signature: s.text, Param: ParamWhole, Type: t.Out(1).String(),
				Reason: "a second result must be error"}
		}
		s.Result, s.Error = t.Out(0), true
	default:
		return nil, &SignatureError{Signature: s.text, Param: ParamWhole,
			Reason: "at most two results (a value and an error)"}
	}
	if err := s.compile(); err != nil {
		return nil, err
	}
	return s, nil
}

// MustSignature is ParseSignature that panics on error, for package
// initialisation.
func MustSignature(text string) *Signature {
	s, err := ParseSignature(text)
	if err != nil {
		panic(err)
	}
	return s
}

// ParseSignature parses a signature written in Go syntax, such as
//
//	func(int32, int32) int32
//	func(s string) (n uint64, err error)
//	func(n int32, args ...int64) int64
//	func(p struct{ X, Y int32 }) struct{ X, Y int32 }
//
// Known type names: int8 … int64, int, uint8 … uint64, uint, uintptr, byte,
// rune, float32, float64, bool, string, error (last result only), any,
// unsafe.Pointer; composites: *T, []T, [N]T, struct{…}. It validates the
// result like SignatureOf.
func ParseSignature(text string) (*Signature, error) {
	expr, err := parser.ParseExpr(text)
	if err != nil {
		return nil, &SignatureError{Signature: text, Param: ParamWhole, Reason: "cannot parse: " + err.Error()}
	}
	ft, ok := expr.(*ast.FuncType)
	if !ok {
		return nil, &SignatureError{Signature: text, Param: ParamWhole, Reason: "not a func type"}
	}
	s := &Signature{text: text}
	idx := 0
	if ft.Params != nil {
		for fi, f := range ft.Params.List {
			texpr := f.Type
			if el, ok := texpr.(*ast.Ellipsis); ok {
				if fi != len(ft.Params.List)-1 || len(f.Names) > 1 {
					return nil, &SignatureError{Signature: text, Param: idx, Reason: "only the last parameter may be variadic"}
				}
				s.Variadic = true
				texpr = el.Elt
			}
			t, err := typeOfExpr(texpr)
			if err != nil {
				return nil, &SignatureError{Signature: text, Param: idx, Type: exprString(texpr), Reason: err.Error()}
			}
			names := f.Names
			if len(names) == 0 {
				names = []*ast.Ident{nil}
			}
			for _, n := range names {
				p := Param{Type: t}
				if n != nil {
					p.Name = n.Name
				}
				s.Params = append(s.Params, p)
				idx++
			}
		}
	}
	var outs []reflect.Type
	if ft.Results != nil {
		for _, f := range ft.Results.List {
			t, err := typeOfExpr(f.Type)
			if err != nil {
				return nil, &SignatureError{Signature: text, Param: ParamResult, Type: exprString(f.Type), Reason: err.Error()}
			}
			n := max(1, len(f.Names))
			for range n {
				outs = append(outs, t)
			}
		}
	}
	switch {
	case len(outs) == 0:
	case len(outs) == 1 && outs[0] == errorType:
		s.Error = true
	case len(outs) == 1:
		s.Result = outs[0]
	case len(outs) == 2 && outs[1] == errorType:
		s.Result, s.Error = outs[0], true
	default:
		return nil, &SignatureError{Signature: text, Param: ParamWhole,
			Reason: "at most two results, and a second result must be error"}
	}
	if err := s.compile(); err != nil {
		return nil, err
	}
	return s, nil
}

var namedTypes = map[string]reflect.Type{
	"int8": reflect.TypeFor[int8](), "int16": reflect.TypeFor[int16](), "int32": reflect.TypeFor[int32](),
	"int64": reflect.TypeFor[int64](), "int": reflect.TypeFor[int](),
	"uint8": reflect.TypeFor[uint8](), "uint16": reflect.TypeFor[uint16](), "uint32": reflect.TypeFor[uint32](),
	"uint64": reflect.TypeFor[uint64](), "uint": reflect.TypeFor[uint](), "uintptr": uintptrType,
	"byte": reflect.TypeFor[byte](), "rune": reflect.TypeFor[rune](),
	"float32": reflect.TypeFor[float32](), "float64": reflect.TypeFor[float64](),
	"bool": reflect.TypeFor[bool](), "string": reflect.TypeFor[string](),
	"error": errorType, "any": anyType,
	"complex64": reflect.TypeFor[complex64](), "complex128": reflect.TypeFor[complex128](),
}

func typeOfExpr(e ast.Expr) (reflect.Type, error) {
	switch e := e.(type) {
	case *ast.Ident:
		if t, ok := namedTypes[e.Name]; ok {
			return t, nil
		}
		return nil, fmt.Errorf("unknown type name %q", e.Name)
	case *ast.ParenExpr:
		return typeOfExpr(e.X)
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok && x.Name == "unsafe" && e.Sel.Name == "Pointer" {
			return reflect.TypeFor[unsafe.Pointer](), nil
		}
		return nil, fmt.Errorf("unknown type %s", exprString(e))
	case *ast.StarExpr:
		t, err := typeOfExpr(e.X)
		if err != nil {
			return nil, err
		}
		return reflect.PointerTo(t), nil
	case *ast.ArrayType:
		t, err := typeOfExpr(e.Elt)
		if err != nil {
			return nil, err
		}
		if e.Len == nil {
			return reflect.SliceOf(t), nil
		}
		lit, ok := e.Len.(*ast.BasicLit)
		if !ok || lit.Kind != token.INT {
			return nil, fmt.Errorf("array length must be an integer literal")
		}
		n, err := strconv.Atoi(lit.Value)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("bad array length %s", lit.Value)
		}
		return construct(func() reflect.Type { return reflect.ArrayOf(n, t) })
	case *ast.StructType:
		var fields []reflect.StructField
		seen := map[string]bool{}
		for _, f := range e.Fields.List {
			t, err := typeOfExpr(f.Type)
			if err != nil {
				return nil, err
			}
			if len(f.Names) == 0 {
				return nil, fmt.Errorf("embedded struct fields are not supported")
			}
			for _, n := range f.Names {
				name := n.Name
				if name != "_" {
					if seen[name] {
						return nil, fmt.Errorf("duplicate struct field %s", name)
					}
					seen[name] = true
				}
				if name == "_" || !ast.IsExported(name) {
					name = "F" + strconv.Itoa(len(fields)) + "_" + strings.TrimLeft(name, "_")
				}
				fields = append(fields, reflect.StructField{Name: name, Type: t})
			}
		}
		return construct(func() reflect.Type { return reflect.StructOf(fields) })
	case *ast.InterfaceType:
		if len(e.Methods.List) == 0 {
			return anyType, nil
		}
	case *ast.FuncType:
		return reflect.TypeFor[func()](), nil // refused by compile with a clear reason
	case *ast.MapType:
		return reflect.TypeFor[map[int]int](), nil // refused by compile
	case *ast.ChanType:
		return reflect.TypeFor[chan int](), nil // refused by compile
	}
	return nil, fmt.Errorf("unsupported type syntax %s", exprString(e))
}

// construct builds a type with reflect, turning its panics (a type too
// large for the address space, a field name reflect refuses) into errors.
func construct(build func() reflect.Type) (t reflect.Type, err error) {
	defer func() {
		if r := recover(); r != nil {
			t, err = nil, fmt.Errorf("%v", r)
		}
	}()
	return build(), nil
}

func exprString(e ast.Expr) string {
	var b strings.Builder
	writeExpr(&b, e)
	return b.String()
}

func writeExpr(b *strings.Builder, e ast.Expr) {
	switch e := e.(type) {
	case *ast.Ident:
		b.WriteString(e.Name)
	case *ast.StarExpr:
		b.WriteByte('*')
		writeExpr(b, e.X)
	case *ast.SelectorExpr:
		writeExpr(b, e.X)
		b.WriteByte('.')
		b.WriteString(e.Sel.Name)
	case *ast.ArrayType:
		b.WriteByte('[')
		if e.Len != nil {
			writeExpr(b, e.Len)
		}
		b.WriteByte(']')
		writeExpr(b, e.Elt)
	case *ast.BasicLit:
		b.WriteString(e.Value)
	case *ast.MapType:
		b.WriteString("map[")
		writeExpr(b, e.Key)
		b.WriteByte(']')
		writeExpr(b, e.Value)
	case *ast.ChanType:
		b.WriteString("chan ")
		writeExpr(b, e.Value)
	case *ast.FuncType:
		b.WriteString("func(...)")
	case *ast.StructType:
		b.WriteString("struct{...}")
	case *ast.InterfaceType:
		b.WriteString("interface{...}")
	default:
		fmt.Fprintf(b, "%T", e)
	}
}

// ---- classification ----

// conv says how a Go value becomes a C argument (or a C result a Go value).
type conv uint8

const (
	cNone conv = iota
	cI8
	cI16
	cI32
	cI64
	cU8
	cU16
	cU32
	cU64 // also uintptr, uint, int on 64-bit handled by size
	cBool
	cPtr // unsafe.Pointer, *T, uintptr
	cF32
	cF64
	cString
	cSlice
	cStruct
	cAny // variadic element of interface type: checked per call
)

func (c conv) isFloat() bool { return c == cF32 || c == cF64 }

// pinfo is one classified parameter or result.
type pinfo struct {
	t    reflect.Type
	c    conv
	slot int8 // fast path: 0..5 integer register, 6..13 float register; -1 otherwise
	// Structs of at most 16 bytes on the fast path (System V AMD64
	// classification): size in bytes, number of eightbytes, which of them
	// are SSE (float registers), and the register of the second eightbyte.
	slot2 int8
	n8    int8
	// heap: a string parameter is copied to the Go heap rather than the C
	// stack, because the result is a pointer that may point into it (echo,
	// strchr) and must stay valid until it is converted.
	heap bool
	sse  [2]bool
	size uintptr
}

// plan is a signature compiled for calling.
type plan struct {
	params    []pinfo // fixed parameters
	variadic  pinfo   // element of the ...T parameter (c == cNone when not variadic)
	res       pinfo   // c == cNone for void
	nint      int     // integer registers the fixed parameters take (fast path)
	nflt      int     // float registers the fixed parameters take (fast path)
	hasStruct bool
	fast      bool // the register trampoline can make every call (amd64, registers suffice, small structs)
	stack     int  // stack words the fixed parameters take on the fallback engine
	regsLeft  int  // integer registers the fixed parameters leave to variadic arguments there
}

// maxVariadic returns how many integer variadic arguments a call can pass on
// the fallback engine (purego) before its argument array overflows.
func (p *plan) maxVariadic() int {
	return p.regsLeft + puregoMaxArgs - intRegsOnArch() - p.stack
}

const (
	numIntRegs    = 6 // amd64 System V; the fast path exists on amd64 only
	numFloatRegs  = 8
	puregoMaxArgs = 32
)

func intRegsOnArch() int {
	switch runtime.GOARCH {
	case "amd64":
		return 6
	default:
		return 8
	}
}

// sysVAMD64 reports the System V AMD64 calling convention.
func sysVAMD64() bool { return runtime.GOARCH == "amd64" && runtime.GOOS != "windows" }

func convOf(t reflect.Type) conv {
	switch t.Kind() {
	case reflect.Int8:
		return cI8
	case reflect.Int16:
		return cI16
	case reflect.Int32:
		return cI32
	case reflect.Int64:
		return cI64
	case reflect.Int:
		if t.Size() == 4 {
			return cI32
		}
		return cI64
	case reflect.Uint8:
		return cU8
	case reflect.Uint16:
		return cU16
	case reflect.Uint32:
		return cU32
	case reflect.Uint64:
		return cU64
	case reflect.Uint, reflect.Uintptr:
		if t.Size() == 4 {
			return cU32
		}
		return cU64
	case reflect.Bool:
		return cBool
	case reflect.UnsafePointer, reflect.Pointer:
		return cPtr
	case reflect.Float32:
		return cF32
	case reflect.Float64:
		return cF64
	case reflect.String:
		return cString
	case reflect.Slice:
		return cSlice
	case reflect.Struct:
		return cStruct
	case reflect.Interface:
		return cAny
	}
	return cNone
}

// classifyStruct classifies a struct of at most 16 bytes for the System V
// AMD64 ABI: each eightbyte is SSE when every field in it is a float, and
// INTEGER otherwise. ok is false for shapes the trampoline does not pass
// (larger structs, which go in memory, or an eightbyte holding only padding).
func classifyStruct(t reflect.Type) (n8 int, sse [2]bool, ok bool) {
	size := t.Size()
	if size == 0 || size > 16 {
		return 0, sse, false
	}
	n8 = int((size + 7) / 8)
	var seen, intg [2]bool
	var walk func(t reflect.Type, off uintptr)
	walk = func(t reflect.Type, off uintptr) {
		switch t.Kind() {
		case reflect.Struct:
			for i := range t.NumField() {
				f := t.Field(i)
				walk(f.Type, off+f.Offset)
			}
		case reflect.Array:
			for i := range t.Len() {
				walk(t.Elem(), off+uintptr(i)*t.Elem().Size())
			}
		default:
			k := off / 8
			seen[k] = true
			if t.Kind() != reflect.Float32 && t.Kind() != reflect.Float64 {
				intg[k] = true
			}
		}
	}
	walk(t, 0)
	for k := range n8 {
		if !seen[k] {
			return 0, sse, false
		}
		sse[k] = !intg[k]
	}
	return n8, sse, true
}

// compile classifies s and chooses the engine.
func (s *Signature) compile() error {
	p := &s.plan
	nfixed := len(s.Params)
	if s.Variadic {
		nfixed--
	}
	stack := 0
	intRegs := intRegsOnArch()
	fast := fastArch && fastOK
	nint, nflt := 0, 0 // registers taken so far, for the fallback's stack estimate
	for i, prm := range s.Params {
		if s.Variadic && i == nfixed {
			e := prm.Type
			switch convOf(e) {
			case cI8, cI16, cI32, cI64, cU8, cU16, cU32, cU64, cPtr, cBool, cString, cAny:
				if e.Kind() == reflect.Pointer && ctype.HasGoPointers(e.Elem()) {
					return &SignatureError{Signature: s.text, Param: i, Name: prm.Name, Type: "..." + e.String(),
						Reason: "the pointed-to type contains Go pointers"}
				}
				if e.Kind() == reflect.Interface && e.NumMethod() != 0 {
					return &SignatureError{Signature: s.text, Param: i, Name: prm.Name, Type: "..." + e.String(),
						Reason: "variadic interface element must be any"}
				}
				p.variadic = pinfo{t: e, c: convOf(e), slot: -1, slot2: -1}
			case cF32, cF64:
				return &SignatureError{Signature: s.text, Param: i, Name: prm.Name, Type: "..." + e.String(),
					Reason: "float arguments to a C variadic function are not supported (purego passes them with AL=0, so C reads 0.0); write a non-variadic C shim"}
			default:
				return &SignatureError{Signature: s.text, Param: i, Name: prm.Name, Type: "..." + e.String(),
					Reason: "variadic arguments must be integers, pointers, strings or any"}
			}
			continue
		}
		if r := ctype.Problem(prm.Type, ctype.Param); r != "" {
			return &SignatureError{Signature: s.text, Param: i, Name: prm.Name, Type: prm.Type.String(), Reason: r}
		}
		if r := arm64StructArgProblem(prm.Type); r != "" {
			return &SignatureError{Signature: s.text, Param: i, Name: prm.Name, Type: prm.Type.String(), Reason: r}
		}
		c := convOf(prm.Type)
		pi := pinfo{t: prm.Type, c: c, slot: -1, slot2: -1}
		switch {
		case c == cStruct:
			p.hasStruct = true
			stack += int((prm.Type.Size() + 7) / 8) // upper bound on the slots it takes
			n8, sse, ok := classifyStruct(prm.Type)
			ni, nf := 0, 0
			for k := range n8 {
				if sse[k] {
					nf++
				} else {
					ni++
				}
			}
			if ok && (p.nint+ni > numIntRegs || p.nflt+nf > numFloatRegs) && sysVAMD64() {
				// The ABI passes the whole struct on the stack; purego puts
				// its first eightbytes in the last registers and the rest on
				// the stack, so C would read garbage.
				return &SignatureError{Signature: s.text, Param: i, Name: prm.Name, Type: prm.Type.String(),
					Reason: "this struct does not fit the remaining argument registers, so C expects it on the stack, which is not supported; pass a pointer or put it before the other arguments"}
			}
			if !ok {
				fast = false // passed in memory: the fallback engine puts it on the stack
				break
			}
			pi.n8, pi.sse, pi.size = int8(n8), sse, prm.Type.Size()
			for k := range n8 {
				var slot int8
				if sse[k] {
					slot = int8(numIntRegs + p.nflt)
					p.nflt++
				} else {
					slot = int8(p.nint)
					p.nint++
				}
				if k == 0 {
					pi.slot = slot
				} else {
					pi.slot2 = slot
				}
			}
		case c.isFloat():
			if p.nflt < numFloatRegs {
				pi.slot = int8(numIntRegs + p.nflt)
			} else {
				stack++
				fast = false
			}
			p.nflt++
			nflt++
		default:
			if p.nint < numIntRegs {
				pi.slot = int8(p.nint)
			} else {
				fast = false
			}
			if nint >= intRegs {
				stack++
			}
			p.nint++
			nint++
		}
		p.params = append(p.params, pi)
	}
	if s.Result != nil {
		if r := ctype.Problem(s.Result, ctype.Result); r != "" {
			return &SignatureError{Signature: s.text, Param: ParamResult, Type: s.Result.String(), Reason: r}
		}
		p.res = pinfo{t: s.Result, c: convOf(s.Result), slot: -1, slot2: -1}
		if p.res.c == cStruct {
			p.hasStruct = true
			if s.Result.Size() > 16 {
				stack++ // hidden pointer may spill
			}
			n8, sse, ok := classifyStruct(s.Result)
			if !ok {
				fast = false // returned in memory through a hidden pointer: the fallback engine
			}
			p.res.n8, p.res.sse, p.res.size = int8(n8), sse, s.Result.Size()
		}
	}
	p.stack, p.regsLeft = stack, max(0, intRegs-nint)
	if limit := puregoMaxArgs - intRegs; stack > limit {
		return &SignatureError{Signature: s.text, Param: ParamWhole,
			Reason: fmt.Sprintf("too many arguments: about %d go on the stack, the limit is %d", stack, limit)}
	}
	if p.res.c == cString || p.res.c == cPtr {
		for i := range p.params {
			p.params[i].heap = true
		}
		p.variadic.heap = true
	}
	p.fast = fast && p.nint <= numIntRegs && p.nflt <= numFloatRegs
	return nil
}
