package extension

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strings"

	"github.com/goractor/goractor/ffi"
)

// Manifest describes an extension in JSON, for tools such as `goractor check`
// that test a library nobody wrote Go code for:
//
//	{"extension": "libc-sample", "library": ["libc.so.6"], "parallel_safe": true,
//	 "functions": [
//	   {"name": "l64a", "signature": "func(int64) string", "parallel_safe": false, "inputs": [[1], [64]]},
//	   {"name": "strlen", "signature": "func(string) uint64", "inputs": [["a"], ["hello"]]}
//	 ]}
type Manifest struct {
	// Extension is the extension's name (Declaration.Name). Required.
	Extension string `json:"extension"`
	// Library lists the library names to try, in order. Required.
	Library []string `json:"library"`
	// ParallelSafe is the extension's declaration: true, false, or absent
	// (undeclared, which is treated as not parallel-safe).
	ParallelSafe *bool `json:"parallel_safe,omitempty"`
	// Policy is "raise" (the default), "on-main" or "serialize".
	Policy string `json:"policy,omitempty"`
	// Affinity is "any-thread" (the default), "main-thread" or
	// "dedicated-thread".
	Affinity string `json:"affinity,omitempty"`
	// Functions lists the functions to test. At least one is required.
	Functions []ManifestFunc `json:"functions"`
}

// ManifestFunc is one function of a Manifest.
type ManifestFunc struct {
	// Name is the native symbol. Required.
	Name string `json:"name"`
	// Signature is the function's signature in Go syntax, as ffi parses it
	// ("func(int64) string"). Required.
	Signature string `json:"signature"`
	// ParallelSafe overrides the extension's declaration for this function.
	ParallelSafe *bool `json:"parallel_safe,omitempty"`
	// Library, when set, lists library names to load this function from
	// instead of the extension's.
	Library []string `json:"library,omitempty"`
	// Inputs lists argument lists; each maps onto the signature's parameters
	// (JSON numbers onto integer and float parameters, strings onto string,
	// booleans onto bool, null onto a NULL string or pointer, and the
	// pointer forms of ManifestPointer onto unsafe.Pointer parameters). At
	// least one is required. For a sequence (Steps), each input is a list
	// of argument lists, one per step.
	Inputs []json.RawMessage `json:"inputs"`
	// Result, when set, declares the pointer result (unsafe.Pointer in the
	// signature) a pointer to this content, compared by content.
	Result *ManifestLayout `json:"result,omitempty"`
	// Steps, when set, makes the entry a call sequence run as one unit;
	// Name then only names it, and Signature must be empty.
	Steps []ManifestStep `json:"steps,omitempty"`

	sig  *ffi.Signature
	args [][]any
}

// ManifestStep is one call of a sequence.
type ManifestStep struct {
	Name      string          `json:"name"`
	Signature string          `json:"signature"`
	Library   []string        `json:"library,omitempty"`
	Result    *ManifestLayout `json:"result,omitempty"`

	sig *ffi.Signature
}

// ManifestLayout is memory a pointer points to: {"bytes": N}, or a struct
// {"struct": [{"name": "tm_sec", "type": "int32"}, …]} laid out with C's
// alignment rules.
type ManifestLayout struct {
	Bytes  int             `json:"bytes,omitempty"`
	Struct []ManifestField `json:"struct,omitempty"`
}

// ManifestField is one field of a struct layout. Type is one of
// ManifestFieldSize's names.
type ManifestField struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

var fieldSizes = map[string]int{
	"int8": 1, "uint8": 1, "int16": 2, "uint16": 2, "int32": 4, "uint32": 4, "float32": 4,
	"int64": 8, "uint64": 8, "float64": 8, "string": 8, "pointer": 8,
}

// ManifestFieldSize returns the size in bytes of a layout field type, 0 for
// an unknown one: int8 … int64, uint8 … uint64, float32, float64, string (a
// char* whose text is compared) and pointer (compared as NULL or not).
func ManifestFieldSize(typ string) int { return fieldSizes[typ] }

// ManifestPointer is the value of an unsafe.Pointer parameter after
// ParseManifest, from one of these JSON forms:
//
//	{"buffer": 8}                 8 zeroed bytes of scratch, not compared
//	{"out": {"bytes": 36}}        an out-parameter, compared after the call
//	{"int64": 86400}              a pointer to a copy of the value (any
//	{"int32": [1, 2, 3]}          scalar type name, or an array of them)
//	{"result": 0}                 the result of step 0 of the sequence
//	{"arg": [0, 2]}               the pointer step 0 got as its argument 2
//
// A JSON string passes a fresh NUL-terminated copy; null passes NULL.
type ManifestPointer struct {
	Kind   string          // "buffer", "out", "value", "result" or "arg"
	Size   int             // buffer
	Layout *ManifestLayout // out
	Value  any             // value: a scalar, or an array ([N]T)
	Step   int             // result, arg
	Arg    int             // arg
}

// Args returns the inputs converted to the signature's parameter types (after
// ParseManifest).
func (f *ManifestFunc) Args() [][]any { return f.args }

// ErrBadManifest is wrapped by every *ManifestError.
var ErrBadManifest = errors.New("extension: bad manifest")

// ManifestError reports a manifest that cannot be used, naming the field.
//
//	extension: manifest: functions[0].inputs[1][0]: 1.5 does not fit int64
type ManifestError struct {
	Field  string // JSON path of the offending field, "" for the document
	Reason string
}

// Error returns the error's message.
func (e *ManifestError) Error() string {
	if e.Field == "" {
		return "extension: manifest: " + e.Reason
	}
	return "extension: manifest: " + e.Field + ": " + e.Reason
}

// Unwrap returns ErrBadManifest.
func (e *ManifestError) Unwrap() error { return ErrBadManifest }

func merr(field, format string, args ...any) error {
	return &ManifestError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// ParseManifest reads and validates a manifest: required fields, signatures
// (through ffi.ParseSignature) and every input against its signature. Unknown
// fields are errors. The error is a *ManifestError naming the field.
func ParseManifest(r io.Reader) (*Manifest, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	dec.UseNumber()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, merr("", "%v", err)
	}
	if dec.More() {
		return nil, merr("", "trailing data after the JSON document")
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

func (m *Manifest) validate() error {
	if strings.TrimSpace(m.Extension) == "" {
		return merr("extension", "required")
	}
	if _, err := normalizeName(m.Extension); err != nil {
		var de *DeclarationError
		errors.As(err, &de)
		return merr("extension", "%s", de.Reason)
	}
	if len(m.Library) == 0 {
		return merr("library", "required: a list of library names to try")
	}
	for i, l := range m.Library {
		if strings.TrimSpace(l) == "" {
			return merr(fmt.Sprintf("library[%d]", i), "empty")
		}
	}
	if _, ok := policyNames[m.Policy]; !ok {
		return merr("policy", "%q is not raise, on-main or serialize", m.Policy)
	}
	if _, ok := affinityNames[m.Affinity]; !ok {
		return merr("affinity", "%q is not any-thread, main-thread or dedicated-thread", m.Affinity)
	}
	if len(m.Functions) == 0 {
		return merr("functions", "required: at least one function")
	}
	seen := map[string]bool{}
	for i := range m.Functions {
		f := &m.Functions[i]
		field := fmt.Sprintf("functions[%d]", i)
		if f.Name == "" {
			return merr(field+".name", "required")
		}
		if seen[f.Name] {
			return merr(field+".name", "%q listed twice", f.Name)
		}
		seen[f.Name] = true
		if err := f.Result.validate(field + ".result"); err != nil {
			return err
		}
		if len(f.Steps) > 0 {
			if f.Signature != "" || f.Result != nil {
				return merr(field+".signature", "a sequence (steps) has no signature or result of its own")
			}
			for s := range f.Steps {
				st := &f.Steps[s]
				sfield := fmt.Sprintf("%s.steps[%d]", field, s)
				if st.Name == "" {
					return merr(sfield+".name", "required")
				}
				sig, err := parseSig(sfield, st.Signature)
				if err != nil {
					return err
				}
				st.sig = sig
				if err := st.Result.validate(sfield + ".result"); err != nil {
					return err
				}
			}
		} else {
			sig, err := parseSig(field, f.Signature)
			if err != nil {
				return err
			}
			f.sig = sig
		}
		if len(f.Inputs) == 0 {
			return merr(field+".inputs", "required: at least one argument list")
		}
		f.args = make([][]any, len(f.Inputs))
		for j, raw := range f.Inputs {
			ifield := fmt.Sprintf("%s.inputs[%d]", field, j)
			if len(f.Steps) == 0 {
				args, err := convertArgs(ifield, raw, f.sig, f.Signature, -1)
				if err != nil {
					return err
				}
				f.args[j] = args
				continue
			}
			var per []json.RawMessage
			if err := decodeJSON(raw, &per); err != nil || len(per) != len(f.Steps) {
				return merr(ifield, "want a list of %d argument lists, one per step", len(f.Steps))
			}
			steps := make([]any, len(per))
			for s, sraw := range per {
				args, err := convertArgs(fmt.Sprintf("%s[%d]", ifield, s), sraw, f.Steps[s].sig, f.Steps[s].Signature, s)
				if err != nil {
					return err
				}
				for _, a := range args {
					if p, ok := a.(*ManifestPointer); ok && p.Kind == "arg" {
						if prev := steps[p.Step].([]any); p.Arg >= len(prev) {
							return merr(fmt.Sprintf("%s[%d]", ifield, s), "arg [%d, %d]: step %d has %d arguments", p.Step, p.Arg, p.Step, len(prev))
						}
					}
				}
				steps[s] = args
			}
			f.args[j] = steps
		}
	}
	return nil
}

func parseSig(field, text string) (*ffi.Signature, error) {
	if text == "" {
		return nil, merr(field+".signature", "required")
	}
	sig, err := ffi.ParseSignature(text)
	if err != nil {
		return nil, merr(field+".signature", "%v", err)
	}
	if sig.Variadic {
		return nil, merr(field+".signature", "variadic functions cannot be checked from a manifest")
	}
	return sig, nil
}

func decodeJSON(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	return dec.Decode(v)
}

// convertArgs maps one JSON argument list onto sig's parameters; step is the
// index of the step in a sequence (-1 outside one).
func convertArgs(field string, raw json.RawMessage, sig *ffi.Signature, text string, step int) ([]any, error) {
	var in []any
	if err := decodeJSON(raw, &in); err != nil {
		return nil, merr(field, "want a list of arguments: %v", err)
	}
	if len(in) != len(sig.Params) {
		return nil, merr(field, "%d arguments, signature %s takes %d", len(in), text, len(sig.Params))
	}
	args := make([]any, len(in))
	for k, v := range in {
		a, err := convertInput(v, sig.Params[k].Type, step)
		if err != nil {
			return nil, merr(fmt.Sprintf("%s[%d]", field, k), "%v", err)
		}
		args[k] = a
	}
	return args, nil
}

func (l *ManifestLayout) validate(field string) error {
	switch {
	case l == nil:
		return nil
	case len(l.Struct) == 0 && (l.Bytes < 1 || l.Bytes > 1<<20):
		return merr(field, "want {\"bytes\": N} with N in 1..1048576, or {\"struct\": [fields]}")
	case len(l.Struct) > 0 && l.Bytes != 0:
		return merr(field, "bytes and struct are exclusive")
	}
	for i, f := range l.Struct {
		if fieldSizes[f.Type] == 0 {
			return merr(fmt.Sprintf("%s.struct[%d].type", field, i), "%q is not int8…int64, uint8…uint64, float32, float64, string or pointer", f.Type)
		}
	}
	return nil
}

// convertPointer maps one JSON value onto an unsafe.Pointer parameter.
func convertPointer(v any, step int) (any, error) {
	switch v := v.(type) {
	case nil, string:
		return v, nil
	case map[string]any:
		if len(v) != 1 {
			return nil, fmt.Errorf("a pointer argument is an object with one key (buffer, out, result, arg, or a type name)")
		}
		for key, val := range v {
			switch key {
			case "buffer":
				n, err := smallInt(val, 1, 1<<20)
				return &ManifestPointer{Kind: "buffer", Size: n}, err
			case "out":
				b, _ := json.Marshal(val)
				var l ManifestLayout
				if err := decodeJSON(b, &l); err != nil {
					return nil, fmt.Errorf("out: %v", err)
				}
				if err := l.validate("out"); err != nil {
					return nil, errors.New(err.(*ManifestError).Reason)
				}
				return &ManifestPointer{Kind: "out", Layout: &l}, nil
			case "result":
				if step < 0 {
					return nil, fmt.Errorf("result refers to an earlier step: only in a sequence")
				}
				n, err := smallInt(val, 0, step-1)
				return &ManifestPointer{Kind: "result", Step: n}, err
			case "arg":
				pair, ok := val.([]any)
				if step < 0 || !ok || len(pair) != 2 {
					return nil, fmt.Errorf("arg is [step, argument] of an earlier step of a sequence")
				}
				s, err := smallInt(pair[0], 0, step-1)
				if err != nil {
					return nil, err
				}
				a, err := smallInt(pair[1], 0, 63)
				return &ManifestPointer{Kind: "arg", Step: s, Arg: a}, err
			}
			t, ok := scalarTypes[key]
			if !ok {
				return nil, fmt.Errorf("unknown pointer form %q (buffer, out, result, arg, or a type name such as int64)", key)
			}
			list, isList := val.([]any)
			if !isList {
				x, err := convertInput(val, t, step)
				return &ManifestPointer{Kind: "value", Value: x}, err
			}
			arr := reflect.New(reflect.ArrayOf(len(list), t)).Elem()
			for i, e := range list {
				x, err := convertInput(e, t, step)
				if err != nil {
					return nil, fmt.Errorf("%s[%d]: %v", key, i, err)
				}
				arr.Index(i).Set(reflect.ValueOf(x))
			}
			return &ManifestPointer{Kind: "value", Value: arr.Interface()}, nil
		}
	}
	return nil, fmt.Errorf("%s does not fit unsafe.Pointer (want null, a string, or a pointer object)", jsonText(v))
}

var scalarTypes = map[string]reflect.Type{
	"int8": reflect.TypeFor[int8](), "int16": reflect.TypeFor[int16](), "int32": reflect.TypeFor[int32](), "int64": reflect.TypeFor[int64](),
	"uint8": reflect.TypeFor[uint8](), "uint16": reflect.TypeFor[uint16](), "uint32": reflect.TypeFor[uint32](), "uint64": reflect.TypeFor[uint64](),
	"float32": reflect.TypeFor[float32](), "float64": reflect.TypeFor[float64](),
}

func smallInt(v any, lo, hi int) (int, error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, fmt.Errorf("%s is not a number", jsonText(v))
	}
	i, err := n.Int64()
	if err != nil || i < int64(lo) || i > int64(hi) {
		return 0, fmt.Errorf("%s is not in %d..%d", n, lo, hi)
	}
	return int(i), nil
}

var policyNames = map[string]Policy{"": Raise, "raise": Raise, "on-main": OnMain, "serialize": Serialize}

var affinityNames = map[string]Affinity{"": AnyThread, "any-thread": AnyThread, "main-thread": MainThread, "dedicated-thread": DedicatedThread}

// convertInput maps one JSON value onto a parameter of type t; step is the
// index of the step in a sequence (-1 outside one).
func convertInput(v any, t reflect.Type, step int) (any, error) {
	out := reflect.New(t).Elem()
	switch t.Kind() {
	case reflect.UnsafePointer:
		return convertPointer(v, step)
	case reflect.String:
		if v == nil {
			return nil, nil // NULL
		}
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("%s does not fit %v (want a JSON string)", jsonText(v), t)
		}
		out.SetString(s)
	case reflect.Bool:
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("%s does not fit %v (want true or false)", jsonText(v), t)
		}
		out.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := v.(json.Number)
		if !ok {
			return nil, fmt.Errorf("%s does not fit %v (want a JSON number)", jsonText(v), t)
		}
		i, err := n.Int64()
		if err != nil || out.OverflowInt(i) {
			return nil, fmt.Errorf("%s does not fit %v", n, t)
		}
		out.SetInt(i)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		n, ok := v.(json.Number)
		if !ok {
			return nil, fmt.Errorf("%s does not fit %v (want a JSON number)", jsonText(v), t)
		}
		var u uint64
		if _, err := fmt.Sscan(string(n), &u); err != nil || strings.ContainsAny(string(n), ".eE-") || out.OverflowUint(u) {
			return nil, fmt.Errorf("%s does not fit %v", n, t)
		}
		out.SetUint(u)
	case reflect.Float32, reflect.Float64:
		n, ok := v.(json.Number)
		if !ok {
			return nil, fmt.Errorf("%s does not fit %v (want a JSON number)", jsonText(v), t)
		}
		f, err := n.Float64()
		if err != nil || math.IsInf(f, 0) || out.OverflowFloat(f) {
			return nil, fmt.Errorf("%s does not fit %v", n, t)
		}
		out.SetFloat(f)
	default:
		return nil, fmt.Errorf("parameter type %v cannot be given in a manifest (numbers, strings, booleans and unsafe.Pointer only)", t)
	}
	return out.Interface(), nil
}

func jsonText(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSpace(b.String())
}

func safetyOfBool(b *bool) Safety {
	switch {
	case b == nil:
		return Undeclared
	case *b:
		return ParallelSafe
	default:
		return NotParallelSafe
	}
}

// Declaration returns the declaration the manifest states. Functions that
// name their own libraries are included in Functions like the others.
func (m *Manifest) Declaration() Declaration {
	d := Declaration{
		Name:      m.Extension,
		Libraries: append([]string(nil), m.Library...),
		Safety:    safetyOfBool(m.ParallelSafe),
		Policy:    policyNames[m.Policy],
		Affinity:  affinityNames[m.Affinity],
	}
	for _, f := range m.Functions {
		if f.ParallelSafe != nil {
			if d.Functions == nil {
				d.Functions = map[string]Safety{}
			}
			d.Functions[f.Name] = safetyOfBool(f.ParallelSafe)
		}
	}
	return d
}
