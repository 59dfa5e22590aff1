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
	// booleans onto bool). At least one is required.
	Inputs [][]any `json:"inputs"`

	sig  *ffi.Signature
	args [][]any
}

// Sig returns the parsed signature (after ParseManifest).
func (f *ManifestFunc) Sig() *ffi.Signature { return f.sig }

// Args returns the inputs converted to the signature's parameter types (after
// ParseManifest).
func (f *ManifestFunc) Args() [][]any { return f.args }

// ErrBadManifest is wrapped by every *ManifestError.
var ErrBadManifest = errors.New("bad manifest")

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
		if f.Signature == "" {
			return merr(field+".signature", "required")
		}
		sig, err := ffi.ParseSignature(f.Signature)
		if err != nil {
			return merr(field+".signature", "%v", err)
		}
		if sig.Variadic {
			return merr(field+".signature", "variadic functions cannot be checked from a manifest")
		}
		f.sig = sig
		for j, l := range f.Library {
			if strings.TrimSpace(l) == "" {
				return merr(fmt.Sprintf("%s.library[%d]", field, j), "empty")
			}
		}
		if len(f.Inputs) == 0 {
			return merr(field+".inputs", "required: at least one argument list")
		}
		f.args = make([][]any, len(f.Inputs))
		for j, in := range f.Inputs {
			ifield := fmt.Sprintf("%s.inputs[%d]", field, j)
			if len(in) != len(sig.Params) {
				return merr(ifield, "%d arguments, signature %s takes %d", len(in), f.Signature, len(sig.Params))
			}
			args := make([]any, len(in))
			for k, v := range in {
				a, err := convertInput(v, sig.Params[k].Type)
				if err != nil {
					return merr(fmt.Sprintf("%s[%d]", ifield, k), "%v", err)
				}
				args[k] = a
			}
			f.args[j] = args
		}
	}
	return nil
}

var policyNames = map[string]Policy{"": Raise, "raise": Raise, "on-main": OnMain, "serialize": Serialize}

var affinityNames = map[string]Affinity{"": AnyThread, "any-thread": AnyThread, "main-thread": MainThread, "dedicated-thread": DedicatedThread}

// convertInput maps one JSON value onto a parameter of type t.
func convertInput(v any, t reflect.Type) (any, error) {
	out := reflect.New(t).Elem()
	switch t.Kind() {
	case reflect.String:
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
		return nil, fmt.Errorf("parameter type %v cannot be given in a manifest (numbers, strings and booleans only)", t)
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
