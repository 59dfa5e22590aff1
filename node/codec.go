package node

import (
	"encoding"
	"fmt"
	"hash/fnv"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/goractor/goractor/actor"
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
	T string          `cbor:"1,keyasint,omitempty"`
	V cbor.RawMessage `cbor:"2,keyasint,omitempty"`
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
)

// frozenInside is the reason a Frozen held inside a value is refused: the
// codec can carry a Frozen only as the whole message.
const frozenInside = "shareable.Frozen inside a value cannot cross a node: send the Frozen as the message itself, or the plain value"

// boundaryCheck is the node-boundary send gate: v may cross only if every part of it can
// be encoded and decoded as itself. It refuses funcs, channels, unsafe
// pointers, Refs and Ports, structs with unexported fields (which the codec
// would silently drop) unless they marshal themselves, cycles (which the
// codec cannot express), and values in interfaces whose type is not
// registered.
func boundaryCheck(v any) error {
	w := nodeWalker{root: reflect.TypeOf(v), seen: map[uintptr]bool{}}
	return w.walk(reflect.ValueOf(v), "", 0)
}

type nodeWalker struct {
	root reflect.Type
	seen map[uintptr]bool // pointers on the current path
}

func (w *nodeWalker) fail(path string, t reflect.Type, reason string) error {
	return &shareable.IsolationError{Root: w.root, Path: path, Type: t, Reason: reason}
}

// enter records that the walk is inside the object at p; false means it
// already was: a cycle.
func (w *nodeWalker) enter(p uintptr) bool {
	if w.seen[p] {
		return false
	}
	w.seen[p] = true
	return true
}

func (w *nodeWalker) walk(v reflect.Value, path string, depth int) error {
	if depth > 200 {
		return w.fail(path, v.Type(), "value nested too deep to cross a node")
	}
	t := v.Type()
	switch t {
	case refType:
		return w.fail(path, t, "actor.Ref cannot cross a node")
	case portType:
		return w.fail(path, t, "actor.Port cannot cross a node")
	case frozenType:
		return w.fail(path, t, frozenInside)
	}
	if t.Implements(cborMarshaler) || t.Implements(binaryMarshaler) {
		return nil
	}
	switch t.Kind() {
	case reflect.Func:
		return w.fail(path, t, "func cannot cross a node")
	case reflect.Chan:
		return w.fail(path, t, "channel cannot cross a node")
	case reflect.UnsafePointer, reflect.Uintptr:
		return w.fail(path, t, t.String()+" cannot cross a node")
	case reflect.Complex64, reflect.Complex128:
		return w.fail(path, t, "complex number cannot cross a node")
	case reflect.Interface:
		if v.IsNil() {
			return nil
		}
		e := v.Elem()
		if e.Type() == frozenType {
			return w.fail(path, e.Type(), frozenInside)
		}
		if _, ok := typeName(e.Type()); !ok {
			if _, isErr := e.Interface().(error); isErr {
				return w.fail(path, e.Type(), fmt.Sprintf("error of type %v in a value cannot cross a node unless registered (node.RegisterType)", e.Type()))
			}
			return w.fail(path, e.Type(), fmt.Sprintf("type %v in an interface is not registered to cross a node (node.RegisterType)", e.Type()))
		}
		return w.walk(e, path, depth+1)
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		if !w.enter(v.Pointer()) {
			return w.fail(path, t, "cycle cannot cross a node")
		}
		defer delete(w.seen, v.Pointer())
		return w.walk(v.Elem(), path, depth+1)
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Tag.Get("cbor") == "-" {
				continue // the codec skips it: it arrives as its zero value
			}
			if !f.IsExported() {
				return w.fail(path+"."+f.Name, f.Type, "unexported field cannot cross a node")
			}
			if err := w.walk(v.Field(i), path+"."+f.Name, depth+1); err != nil {
				return err
			}
		}
	case reflect.Slice:
		if v.IsNil() {
			return nil
		}
		if t.Elem().Kind() == reflect.Uint8 {
			return nil
		}
		if v.Len() == 0 {
			return nil
		}
		if !w.enter(v.Pointer()) {
			return w.fail(path, t, "cycle cannot cross a node")
		}
		defer delete(w.seen, v.Pointer())
		fallthrough
	case reflect.Array:
		for i := range v.Len() {
			if err := w.walk(v.Index(i), path+"["+strconv.Itoa(i)+"]", depth+1); err != nil {
				return err
			}
		}
	case reflect.Map:
		if v.IsNil() {
			return nil
		}
		if !w.enter(v.Pointer()) {
			return w.fail(path, t, "cycle cannot cross a node")
		}
		defer delete(w.seen, v.Pointer())
		it := v.MapRange()
		for it.Next() {
			seg := "[" + it.Key().Type().String() + "]"
			switch k := it.Key(); k.Kind() {
			case reflect.String:
				seg = "[" + strconv.Quote(k.String()) + "]"
			case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
				seg = "[" + strconv.FormatInt(k.Int(), 10) + "]"
			case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
				seg = "[" + strconv.FormatUint(k.Uint(), 10) + "]"
			}
			if err := w.walk(it.Key(), path+seg, depth+1); err != nil {
				return err
			}
			if err := w.walk(it.Value(), path+seg, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}
