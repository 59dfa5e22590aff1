// Package aritygen writes ffi's arity families (typed_arity.go): the typed
// closures fn0 … fn6 (general and scalar) and the reflection-free shapes of
// Library.Bind built on them. Go has no variadic generics, so
// each arity is its own function; they are generated from one template
// instead of copied by hand. Run `go generate ./ffi` after editing this
// package; ffi's TestArityGenerated fails while the committed file differs
// from what Source writes.
package aritygen

import (
	"bytes"
	"fmt"
	"go/format"
	"strings"
	"text/template"
)

// MaxArity is the largest number of arguments of a typed closure: the
// integer argument registers of the System V AMD64 ABI.
const MaxArity = 6

// Shapes are the func types Library.Bind implements without reflection. Each
// must be a valid ffi signature in Go syntax; Bind's doc comment lists them
// (TestBindDocListsShapes). Every shape the module's own code binds is here,
// so that none of its calls goes through reflection: the fixtures of
// goractor bench and the examples below the common libc and libm shapes, and
// func() (S, error) for every scalar S, which the conformance engine's
// typed draw loop binds for each result kind.
var Shapes = []string{
	"func()",
	"func() error",
	"func() int32",
	"func() int64",
	"func() string",
	"func() (string, error)",
	"func(int32) int32",
	"func(int32) (int32, error)",
	"func(int64) int64",
	"func(float64) float64",
	"func(uintptr) uintptr",
	"func(unsafe.Pointer) uintptr",
	"func(unsafe.Pointer) unsafe.Pointer",
	"func(int32) string",
	"func(int32) (string, error)",
	"func(int64) string",
	"func(int64) (string, error)",
	"func(string) uint64",
	"func(string) (uint64, error)",
	"func(string) int",
	"func(string) int32",
	"func(string) (int32, error)",
	"func(string) int64",
	"func(string) uintptr",
	"func(string) unsafe.Pointer",
	"func(string) string",
	"func(string) (string, error)",
	"func([]byte) uint64",
	"func(int32, int32) int32",
	"func(int32, int32) (int32, error)",
	"func(int64, int64) int64",
	"func(float64, float64) float64",
	"func(float64, float64) (float64, error)",
	"func(string, string) int32",
	"func(string, int32) int32",
	"func(string, int32) (int32, error)",
	"func([]byte, int32) int64",
	"func([]byte, int32) int32",
	"func(string, unsafe.Pointer, int32) int64",
	"func(string, *uintptr, int32) int64",
	"func() (int8, error)",
	"func() (int16, error)",
	"func() (int32, error)",
	"func() (int64, error)",
	"func() (int, error)",
	"func() (uint8, error)",
	"func() (uint16, error)",
	"func() (uint32, error)",
	"func() (uint64, error)",
	"func() (uint, error)",
	"func() (uintptr, error)",
	"func() (float32, error)",
	"func() (float64, error)",
	"func() (bool, error)",
	"func(int64) (int64, error)",
	"func(int32, int64) (int64, error)",
	"func(uintptr, int32, int32) int32",
	"func(uintptr, int32, int32) int64",
	"func(uint64, *uintptr) int32",
	"func(*uint64, uintptr, uintptr, uintptr) int32",
}

// shape is one entry of Shapes, split.
type shape struct {
	Type    string   // the func type as written
	Params  []string // parameter types
	Result  string   // result type, "" for none
	WithErr bool     // the last result is error
}

func parseShape(s string) (shape, error) {
	sh := shape{Type: s}
	rest, ok := strings.CutPrefix(s, "func(")
	if !ok {
		return sh, fmt.Errorf("aritygen: shape %q: want func(...)", s)
	}
	params, res, ok := strings.Cut(rest, ")")
	if !ok {
		return sh, fmt.Errorf("aritygen: shape %q: unbalanced parentheses", s)
	}
	if params != "" {
		sh.Params = strings.Split(params, ", ")
	}
	res = strings.TrimSpace(res)
	res = strings.TrimSuffix(strings.TrimPrefix(res, "("), ")")
	switch {
	case res == "":
	case res == "error":
		sh.WithErr = true
	case strings.HasSuffix(res, ", error"):
		sh.Result, sh.WithErr = strings.TrimSuffix(res, ", error"), true
	default:
		sh.Result = res
	}
	return sh, nil
}

// Call is the shape's case body: the closure that implements it.
func (s shape) Call() string {
	n := len(s.Params)
	r := s.Result
	if r == "" {
		r = "void"
	}
	inst := fmt.Sprintf("fn%d[%s](f)", n, strings.Join(append(append([]string{}, s.Params...), r), ", "))
	switch {
	case s.Result == "" && s.WithErr:
		return fmt.Sprintf("errOnly%d(%s)", n, inst)
	case s.Result == "":
		return fmt.Sprintf("noResult%d(%s)", n, inst)
	case s.WithErr:
		return inst
	}
	return fmt.Sprintf("plain%d(%s)", n, inst)
}

// arity is the template data of one arity.
type arity struct {
	N      int
	Types  []string // T1 … Tn
	Vals   []string // a1 … an
	Params string   // "a1 T1, a2 T2"
	TList  string   // "T1, T2, "
	Sig    string   // "T1, T2"
	VList  string   // "a1, a2"
	Word   string   // "two"
	// LeafArgs is the argument words of leafN after fn and lib:
	// ", scalarWord(sa[0], &a1), scalarWord(sa[1], &a2)".
	LeafArgs string
}

var words = []string{"no", "one", "two", "three", "four", "five", "six"}

func arities(max int) []arity {
	var as []arity
	for n := 0; n <= max; n++ {
		a := arity{N: n, Word: words[n]}
		var ps []string
		for i := 1; i <= n; i++ {
			t, v := fmt.Sprintf("T%d", i), fmt.Sprintf("a%d", i)
			a.Types, a.Vals = append(a.Types, t), append(a.Vals, v)
			ps = append(ps, v+" "+t)
			a.TList += t + ", "
		}
		a.Params, a.VList, a.Sig = strings.Join(ps, ", "), strings.Join(a.Vals, ", "), strings.Join(a.Types, ", ")
		for i := range n {
			a.LeafArgs += fmt.Sprintf(", scalarWord(sa[%d], &a%d)", i, i+1)
		}
		as = append(as, a)
	}
	return as
}

// addArity adds a to as (sorted by arity) unless it is there.
func addArity(as []arity, a arity, n int) []arity {
	for i, b := range as {
		if b.N == n {
			return as
		}
		if b.N > n {
			return append(as[:i], append([]arity{a}, as[i:]...)...)
		}
	}
	return append(as, a)
}

// Source returns the contents of ffi/typed_arity.go, gofmt'ed.
func Source() ([]byte, error) {
	var shapes []shape
	// The wrappers the shapes use, by arity: plainN for a result without
	// error, noResultN and errOnlyN for none.
	var plain, noResult, errOnly []arity
	all := arities(MaxArity)
	for _, s := range Shapes {
		sh, err := parseShape(s)
		if err != nil {
			return nil, err
		}
		shapes = append(shapes, sh)
		a, n := all[len(sh.Params)], len(sh.Params)
		switch {
		case sh.Result == "" && sh.WithErr:
			errOnly = addArity(errOnly, a, n)
		case sh.Result == "":
			noResult = addArity(noResult, a, n)
		case !sh.WithErr:
			plain = addArity(plain, a, n)
		}
	}
	var buf bytes.Buffer
	err := tmpl.Execute(&buf, map[string]any{
		"Arities":  all,
		"Plain":    plain,
		"NoResult": noResult,
		"ErrOnly":  errOnly,
		"Shapes":   shapes,
	})
	if err != nil {
		return nil, err
	}
	out, err := format.Source(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("aritygen: generated code does not parse: %w\n%s", err, buf.Bytes())
	}
	return out, nil
}

var tmpl = template.Must(template.New("arity").Parse(`// Code generated by ffi/internal/aritygen; DO NOT EDIT.

package ffi

import (
	"reflect"
	"runtime"
	"unsafe"
)

{{range .Arities}}
// fn{{.N}} is f as a typed closure of {{.Word}} argument{{if ne .N 1}}s{{end}}: the scalar closure
// when it applies, else the general typed closure, else (no trampoline)
// reflection. Its error is a *CallError for a closed library, a gate
// refusal, a NULL string result, or errno when bound WithErrno.
func fn{{.N}}[{{.TList}}R any](f *Func) func({{.Sig}}) (R, error) {
	p := &f.sig.plan
	if !p.fast {
		return func({{.Params}}) (R, error) { return slowTyped[R](f{{range .Vals}}, reflect.ValueOf({{.}}){{end}}) }
	}
	if scalarOnly(f) {
		if f.leaf && f.admit == nil {
			return leafFn{{.N}}[{{.TList}}R](f)
		}
		return scalarFn{{.N}}[{{.TList}}R](f)
	}
{{- if .N}}
	var ps [{{.N}}]pinfo
	copy(ps[:], p.params)
{{- end}}
	rc := p.res
	return func({{.Params}}) (r R, err error) {
		var fr frame
{{- range $i, $v := .Vals}}
		k{{$i}} := setArg(&fr, {{$v}}, &ps[{{$i}}])
{{- end}}
		r, err = callTyped[R](f, &fr, &rc)
{{- range $i, $v := .Vals}}
		runtime.KeepAlive(k{{$i}})
{{- end}}
{{- if .N}}
		if escapeNever {
			escapeSink = [...]any{ {{- .VList -}} }
		}
{{- end}}
		return r, err
	}
}

// scalarFn{{.N}} is fn{{.N}} for scalar arguments and result (typed_scalar.go).
func scalarFn{{.N}}[{{.TList}}R any](f *Func) func({{.Sig}}) (R, error) {
	p := &f.sig.plan
{{- if .N}}
	var sa [{{.N}}]scalarArg
	for i := range sa {
		sa[i] = scalarArgOf(p, i)
	}
{{- end}}
	rc := scalarResOf(p)
	if f.direct() {
		fn, lib, gated := f.ptr, f.lib, f.admit != nil
		return func({{.Params}}) (R, error) {
			var fr dframe
			fr.fn, fr.lib = fn, uintptr(unsafe.Pointer(lib))
{{- range $i, $v := .Vals}}
			fr.regs[sa[{{$i}}].slot] = scalarWord(sa[{{$i}}], &{{$v}})
{{- end}}
			if gated {
				if err := f.dcallGated(&fr); err != nil {
					return scalarValue[R](0, 0, rc), err
				}
			} else {
				if noLenders() {
					runtime_cgocall(directABI0, unsafe.Pointer(&fr))
				} else {
					f.dcallLent(&fr)
				}
				if fr.state != stateCalled || lib.closed.Load() {
					if err := f.dcallEnd(&fr); err != nil {
						return scalarValue[R](0, 0, rc), err
					}
				}
			}
{{- if .N}}
			if escapeNever {
				escapeSink = [...]any{ {{- .VList -}} }
			}
{{- end}}
			return scalarValue[R](uint64(fr.r1), fr.f1, rc), nil
		}
	}
	return func({{.Params}}) (r R, err error) {
		var fr frame
{{- range $i, $v := .Vals}}
		setScalar(&fr, sa[{{$i}}], &{{$v}})
{{- end}}
		if f.admit != nil {
			err = f.scalarGated(&fr)
		} else if ok := f.callCounted(&fr); !ok || fr.errno != 0 {
			err = f.scalarErr(&fr, ok)
		}
{{- if .N}}
		if escapeNever {
			escapeSink = [...]any{ {{- .VList -}} }
		}
{{- end}}
		return scalarResult[R](&fr, rc), err
	}
}

// leafFn{{.N}} is fn{{.N}} for a leaf function (leaf.go): the argument words go to
// the leaf trampoline as they are, in registers when they are all integers
// or all floats (leaf{{.N}}), else in one array; no frame, no in-flight count.
// One status word says whether anything but a plain call happened.
func leafFn{{.N}}[{{.TList}}R any](f *Func) func({{.Sig}}) (R, error) {
	p := &f.sig.plan
	var sa [{{.N}}]scalarArg
	for i := range sa {
		sa[i] = scalarArgOf(p, i)
	}
	rc := scalarResOf(p)
	fn, lib := f.ptr, uintptr(unsafe.Pointer(f.lib))
	if leafPosRegs(sa[:]) {
		return func({{.Params}}) (R, error) {
			r1, f1, status := leaf{{.N}}(fn, lib{{.LeafArgs}})
{{- if .N}}
			if escapeNever {
				escapeSink = [...]any{ {{- .VList -}} }
			}
{{- end}}
			if status != 0 {
				return scalarValue[R](r1, f1, rc), f.leafDone(status)
			}
			return scalarValue[R](r1, f1, rc), nil
		}
	}
	return func({{.Params}}) (R, error) {
		var regs [numIntRegs + numFloatRegs]uint64
{{- range $i, $v := .Vals}}
		regs[sa[{{$i}}].slot] = scalarWord(sa[{{$i}}], &{{$v}})
{{- end}}
		r1, f1, status := leafRegs(fn, lib, &regs)
{{- if .N}}
		if escapeNever {
			escapeSink = [...]any{ {{- .VList -}} }
		}
{{- end}}
		if status != 0 {
			return scalarValue[R](r1, f1, rc), f.leafDone(status)
		}
		return scalarValue[R](r1, f1, rc), nil
	}
}
{{end}}
{{range .Plain}}
// plain{{.N}} drops the error result of c: a refused or failed call panics
// with its *CallError (see mustCall).
func plain{{.N}}[{{.TList}}R any](c func({{.Sig}}) (R, error)) func({{.Sig}}) R {
	return func({{.Params}}) R {
		r, err := c({{.VList}})
		if err != nil { // mustCall out of the way of the call that succeeded
			mustCall(err)
		}
		return r
	}
}
{{end}}{{range .NoResult}}
// noResult{{.N}} is plain{{.N}} for a function without results.
func noResult{{.N}}{{if .N}}[{{.Sig}} any]{{end}}(c func({{.Sig}}) (void, error)) func({{.Sig}}) {
	return func({{.Params}}) {
		if _, err := c({{.VList}}); err != nil {
			mustCall(err)
		}
	}
}
{{end}}{{range .ErrOnly}}
// errOnly{{.N}} is c with only its error result.
func errOnly{{.N}}{{if .N}}[{{.Sig}} any]{{end}}(c func({{.Sig}}) (void, error)) func({{.Sig}}) error {
	return func({{.Params}}) error { _, err := c({{.VList}}); return err }
}
{{end}}
// fastShape returns a reflection-free implementation of fv's func type for
// the shapes listed in Bind's doc comment, or the zero Value. Each wraps the
// typed path; the shapes without an error result panic with a refused or
// failed call's *CallError, except for errno and NULL string results, which
// such a signature cannot report.
func (f *Func) fastShape(fv reflect.Value) reflect.Value {
	if !f.sig.plan.fast || f.sig.Variadic {
		return reflect.Value{}
	}
	switch p := fv.Addr().Interface().(type) {
{{- range .Shapes}}
	case *{{.Type}}:
		*p = {{.Call}}
{{- end}}
	default:
		return reflect.Value{}
	}
	return fv.Addr().Elem()
}
`))
