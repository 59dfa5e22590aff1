package node

import (
	"encoding"
	"fmt"
	"hash/fnv"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/internal/nodegate"
	"github.com/goractor/goractor/shareable"
)

// The codec of plain Go data between nodes is CBOR (RFC 8949) through
// github.com/fxamacker/cbor: a message is its registered type name and its
// CBOR encoding; types held in interfaces travel as CBOR tags derived from
// their registered names.

// frozenMark starts the type name of a shareable.Frozen on the wire.
const frozenMark = "~"

// registry maps type names to Go types and back. Written at init
// (RegisterType), read by every encode and decode.
var registry = struct {
	sync.RWMutex
	byName map[string]reflect.Type
	byType map[reflect.Type]string
	tags   cbor.TagSet
	enc    cbor.EncMode
	dec    cbor.DecMode
}{byName: map[string]reflect.Type{}, byType: map[reflect.Type]string{}, tags: cbor.NewTagSet()}

// RegisterType registers T, under name, as a type that may cross nodes: a
// message or result of type T or *T, and a T held in an interface anywhere
// in a value, arrives on the other node as a T. Every node must register the
// same types under the same names, so call it from an init function of the
// package that defines T. It panics on a name or type registered twice.
func RegisterType[T any](name string) {
	registerType(reflect.TypeFor[T](), name)
}

func registerType(t reflect.Type, name string) {
	if name == "" || name[0] == '*' || strings.HasPrefix(name, frozenMark) {
		panic(fmt.Sprintf("node: RegisterType of %v: invalid name %q", t, name))
	}
	registry.Lock()
	defer registry.Unlock()
	if old, ok := registry.byName[name]; ok {
		panic(fmt.Sprintf("node: RegisterType: name %q is already %v", name, old))
	}
	if old, ok := registry.byType[t]; ok {
		panic(fmt.Sprintf("node: RegisterType: %v is already registered as %q", t, old))
	}
	registry.byName[name] = t
	registry.byType[t] = name
	// Named non-basic types get a CBOR tag, so that they keep their type in
	// interfaces. Basic types in interfaces decode to their CBOR defaults.
	if t.Name() != "" && t.PkgPath() != "" && t != reflect.TypeFor[time.Time]() {
		h := fnv.New64a()
		h.Write([]byte(name))
		tag := h.Sum64()>>2 | 1<<62 // clear of every registered tag number
		if err := registry.tags.Add(cbor.TagOptions{EncTag: cbor.EncTagRequired, DecTag: cbor.DecTagRequired}, t, tag); err != nil {
			panic(fmt.Sprintf("node: RegisterType %q: %v", name, err))
		}
	}
	registry.enc, registry.dec = nil, nil
}

func init() {
	for _, v := range []any{
		false, 0, int8(0), int16(0), int32(0), int64(0), uint(0), uint8(0), uint16(0), uint32(0), uint64(0),
		float32(0), float64(0), "", []byte(nil), []string(nil), []int(nil), []int64(nil), []float64(nil), []any(nil),
		map[string]any(nil), map[string]string(nil), map[string]int(nil), time.Time{}, time.Duration(0),
	} {
		t := reflect.TypeOf(v)
		registerType(t, t.String())
	}
	registerType(reflect.TypeFor[Error](), "goractor.node.Error")
}

func modes() (cbor.EncMode, cbor.DecMode) {
	registry.RLock()
	enc, dec := registry.enc, registry.dec
	registry.RUnlock()
	if enc != nil {
		return enc, dec
	}
	registry.Lock()
	defer registry.Unlock()
	if registry.enc == nil {
		var err error
		registry.enc, err = cbor.EncOptions{Time: cbor.TimeRFC3339Nano, TimeTag: cbor.EncTagRequired}.EncModeWithTags(registry.tags)
		if err != nil {
			panic(err)
		}
		registry.dec, err = cbor.DecOptions{
			DefaultMapType:  reflect.TypeFor[map[string]any](),
			IntDec:          cbor.IntDecConvertSigned,
			MaxNestedLevels: 256,
		}.DecModeWithTags(registry.tags)
		if err != nil {
			panic(err)
		}
	}
	return registry.enc, registry.dec
}

// payload is a value on the wire: its registered type name ("" for nil,
// "*name" for a pointer to a registered type, frozenMark before either for a
// shareable.Frozen) and its CBOR encoding.
type payload struct {
	T string
	V []byte
}

// encode runs v through the node-boundary send gate and encodes it. A value that
// cannot cross is refused with a *shareable.IsolationError naming its path.
func encode(v any) (payload, error) {
	if v == nil {
		return payload{}, nil
	}
	if f, ok := v.(shareable.Frozen); ok {
		// A Frozen crosses as the plain value it was frozen from, under the
		// same rules, and is frozen again on arrival.
		p, err := encode(f.Thaw())
		p.T = frozenMark + p.T
		return p, err
	}
	if err, ok := v.(error); ok {
		if _, registered := typeName(reflect.TypeOf(v)); !registered {
			v = wireError(err)
		}
	}
	t := reflect.TypeOf(v)
	name, ok := typeName(t)
	if !ok {
		return payload{}, &shareable.IsolationError{Root: t, Type: t, Reason: fmt.Sprintf("type %v is not registered to cross a node (node.RegisterType)", t)}
	}
	if err := boundaryCheck(v); err != nil {
		return payload{}, err
	}
	enc, _ := modes()
	b, err := enc.Marshal(v)
	if err != nil {
		return payload{}, &shareable.IsolationError{Root: t, Type: t, Reason: "cannot encode for a node: " + err.Error()}
	}
	return payload{T: name, V: b}, nil
}

func typeName(t reflect.Type) (string, bool) {
	registry.RLock()
	defer registry.RUnlock()
	if name, ok := registry.byType[t]; ok {
		return name, true
	}
	if t.Kind() == reflect.Pointer {
		if name, ok := registry.byType[t.Elem()]; ok {
			return "*" + name, true
		}
	}
	return "", false
}

// decode is encode's inverse. An unknown type name or bytes that do not
// decode give a *DecodeError.
func decode(p payload) (any, error) {
	if frozen, ok := strings.CutPrefix(p.T, frozenMark); ok {
		if strings.HasPrefix(frozen, frozenMark) { // no Frozen of a Frozen: garbage
			return nil, &DecodeError{Type: p.T, Err: ErrUnknownType}
		}
		v, err := decode(payload{T: frozen, V: p.V})
		if err != nil {
			return nil, err
		}
		f, err := shareable.Freeze(v)
		if err != nil {
			return nil, &DecodeError{Type: p.T, Err: err}
		}
		return f, nil
	}
	if p.T == "" {
		return nil, nil
	}
	name, ptr := p.T, false
	if name[0] == '*' {
		name, ptr = name[1:], true
	}
	registry.RLock()
	t, ok := registry.byName[name]
	registry.RUnlock()
	if !ok {
		return nil, &DecodeError{Type: p.T, Err: ErrUnknownType}
	}
	_, dec := modes()
	pv := reflect.New(t)
	if err := dec.Unmarshal(p.V, pv.Interface()); err != nil {
		return nil, &DecodeError{Type: p.T, Err: err}
	}
	if ptr {
		return pv.Interface(), nil
	}
	return pv.Elem().Interface(), nil
}

var (
	binaryMarshaler = reflect.TypeFor[encoding.BinaryMarshaler]()
	cborMarshaler   = reflect.TypeFor[cbor.Marshaler]()
	refType         = reflect.TypeFor[*actor.Ref]()
	portType        = reflect.TypeFor[*actor.Port]()
	frozenType      = reflect.TypeFor[shareable.Frozen]()
	errorType       = reflect.TypeFor[error]()
)

// frozenInside is the reason a Frozen held inside a value is refused: the
// codec can carry a Frozen only as the whole message.
const frozenInside = "shareable.Frozen inside a value cannot cross a node: send the Frozen as the message itself, or the plain value"

// boundaryCheck is the node-boundary send gate: v may cross only if every
// part of it can be encoded and decoded as itself. It is the local send
// gate's walker (package shareable) in its node mode, given the rules only
// this package knows: Refs, Ports and a Frozen inside a value are refused,
// types that marshal themselves cross whole, and a value in an interface
// crosses only if its type is registered. The walker refuses funcs,
// channels, unsafe pointers, uintptrs, complex numbers, structs with
// unexported fields (which the codec would silently drop) unless they are
// tagged cbor:"-", cycles (which the codec cannot express) and values nested
// deeper than the decoder accepts.
func boundaryCheck(v any) error { return nodegate.Check(v) }

func init() {
	nodegate.Install(nodegate.Rules{
		Refuse: func(t reflect.Type) string {
			switch t {
			case refType:
				return "actor.Ref cannot cross a node"
			case portType:
				return "actor.Port cannot cross a node"
			case frozenType:
				return frozenInside
			}
			return ""
		},
		Whole: func(t reflect.Type) bool {
			return t.Implements(cborMarshaler) || t.Implements(binaryMarshaler)
		},
		Dynamic: func(t reflect.Type) string {
			if t == frozenType {
				return frozenInside
			}
			if _, ok := typeName(t); ok {
				return ""
			}
			if t.Implements(errorType) {
				return fmt.Sprintf("error of type %v in a value cannot cross a node unless registered (node.RegisterType)", t)
			}
			return fmt.Sprintf("type %v in an interface is not registered to cross a node (node.RegisterType)", t)
		},
	})
}
