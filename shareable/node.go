package shareable

import (
	"reflect"
	"sync/atomic"
	"unsafe"

	"github.com/goractor/goractor/internal/nodegate"
)

// The node-boundary gate (package node) is this walker in modeNode: a value
// crossing a node must be encodable and decodable as itself. The rules that
// depend only on the type are cached in each tinfo (nodeInfo); the walk
// checks what depends on the value: nil, cycles, depth, and the dynamic
// types of interfaces. What only package node knows (its type registry,
// actor.Ref and actor.Port, the codec's marshaler interfaces) comes through
// internal/nodegate, so that shareable imports neither node nor the codec.

// maxNodeDepth bounds the nesting of a value crossing a node; the codec's
// decoder refuses deeper values.
const maxNodeDepth = 200

// nodeRules are the rules package node installed (nil until it does).
var nodeRules atomic.Pointer[nodegate.Rules]

func init() {
	nodegate.Install = installNode
	nodegate.Check = checkNode
}

// installNode makes r the node rules and drops every cached description,
// so that each is rebuilt with its node verdict.
func installNode(r nodegate.Rules) {
	if r.Refuse == nil || r.Whole == nil || r.Dynamic == nil {
		panic("shareable: node rules with a nil func")
	}
	buildMu.Lock()
	nodeRules.Store(&r)
	infoCache.Clear()
	buildMu.Unlock()
}

// nodeInfo is what the type alone says about its values crossing a node.
type nodeInfo struct {
	verdict verdict // vShare: every value crosses; vForbid: none does
	built   bool    // computed (false while a recursive type is in progress)
	// For vForbid: the part that cannot cross, as in tinfo.
	badPath string
	badType reflect.Type
	reason  string
	elem    *tinfo      // pointer, slice, array, map value
	key     *tinfo      // map key
	fields  []fieldInfo // struct fields that need a walk
}

func (n *nodeInfo) forbid(path string, part reflect.Type, reason string) {
	n.verdict, n.badPath, n.badType, n.reason = vForbid, path, part, reason
}

// plain reports whether every value of ti crosses a node without a walk.
// A type still being built (a recursive type) needs one.
func (ti *tinfo) plain() bool { return ti.node.built && ti.node.verdict == vShare }

// buildNode computes ti's node verdict. Refused by type: funcs (nil ones
// too: the codec has no encoding for them), channels, unsafe pointers,
// uintptrs, complex numbers, structs with an unexported field not tagged
// cbor:"-" (the codec would drop it silently), and what r.Refuse names.
// Types that marshal themselves (r.Whole) cross whole.
func (b *builder) buildNode(ti *tinfo, r *nodegate.Rules) {
	n, t := &ti.node, ti.t
	defer func() { n.built = true }()
	if why := r.Refuse(t); why != "" {
		n.forbid("", t, why)
		return
	}
	if r.Whole(t) {
		n.verdict = vShare
		return
	}
	switch ti.kind {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64, reflect.String:
		n.verdict = vShare
	case reflect.Func:
		n.forbid("", t, "func cannot cross a node")
	case reflect.Chan:
		n.forbid("", t, "channel cannot cross a node")
	case reflect.UnsafePointer, reflect.Uintptr:
		n.forbid("", t, t.String()+" cannot cross a node")
	case reflect.Complex64, reflect.Complex128:
		n.forbid("", t, "complex number cannot cross a node")
	case reflect.Interface:
		// judged by the dynamic value
	case reflect.Pointer, reflect.Slice:
		n.elem = b.build(t.Elem())
		if n.elem.plain() || (ti.kind == reflect.Slice && t.Elem().Kind() == reflect.Uint8) {
			n.verdict = vShare // no cycle, no part that cannot cross
		}
	case reflect.Map:
		n.key, n.elem = b.build(t.Key()), b.build(t.Elem())
		if n.key.plain() && n.elem.plain() {
			n.verdict = vShare
		}
	case reflect.Array:
		n.elem = b.build(t.Elem())
		switch {
		case t.Len() == 0 || n.elem.plain():
			n.verdict = vShare
		case n.elem.node.built && n.elem.node.verdict == vForbid:
			n.forbid("[0]"+n.elem.node.badPath, n.elem.node.badType, n.elem.node.reason)
		}
	case reflect.Struct:
		n.verdict = vShare
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Tag.Get("cbor") == "-" {
				continue // the codec skips it: it arrives as its zero value
			}
			if !f.IsExported() {
				n.forbid("."+f.Name, f.Type, "unexported field cannot cross a node")
				n.fields = nil
				return
			}
			fi := b.build(f.Type)
			switch {
			case fi.node.built && fi.node.verdict == vForbid:
				n.forbid("."+f.Name+fi.node.badPath, fi.node.badType, fi.node.reason)
				n.fields = nil
				return
			case !fi.plain():
				n.verdict = vWalk
				n.fields = append(n.fields, fieldInfo{off: f.Offset, name: f.Name, ti: fi})
			}
		}
	}
}

// checkNode is nodegate.Check: the node-boundary gate.
func checkNode(v any) error {
	if nodeRules.Load() == nil {
		panic("shareable: node-boundary check before node installed its rules")
	}
	if v == nil {
		return nil
	}
	ti := infoOf(reflect.TypeOf(v))
	if ti.node.verdict == vShare {
		return nil
	}
	return checkNodeSlow(v, ti)
}

// checkNodeSlow is apart from checkNode so that only the walk makes v escape.
func checkNodeSlow(v any, ti *tinfo) error {
	return checkAt(ti, efaceData(&v, ti), modeNode)
}

// onPath is an object on the path from the root to the frame being walked:
// seen again below itself, it is a cycle.
type onPath struct {
	k     visitKey
	depth int32
}

// enter records that the walk at depth is inside the object k; false means
// it already was: a cycle.
func (w *walker) enter(k visitKey, depth int32) bool {
	if w.seen == nil {
		w.seen = map[visitKey]struct{}{}
	} else if _, ok := w.seen[k]; ok {
		return false
	}
	w.seen[k] = struct{}{}
	w.onpath = append(w.onpath, onPath{k, depth})
	return true
}

// leave forgets the objects entered at depth or deeper. Called for every
// frame: the walk is depth first, so when it reaches a frame at depth, the
// objects entered at depth or deeper belong to finished subtrees, and those
// left are the frame's ancestors.
func (w *walker) leave(depth int32) {
	for len(w.onpath) > 0 && w.onpath[len(w.onpath)-1].depth >= depth {
		delete(w.seen, w.onpath[len(w.onpath)-1].k)
		w.onpath = w.onpath[:len(w.onpath)-1]
	}
}

// stepNode is step in modeNode.
func (w *walker) stepNode(f *wframe) bool {
	ti := f.ti
	w.leave(f.depth)
	if f.depth > maxNodeDepth {
		return w.fail(f, "", ti.t, "value nested too deep to cross a node")
	}
	n := &ti.node
	switch n.verdict {
	case vShare:
		return true
	case vForbid:
		return w.fail(f, n.badPath, n.badType, n.reason)
	}
	d := f.depth + 1
	switch ti.kind {
	case reflect.Struct:
		for i := len(n.fields) - 1; i >= 0; i-- {
			fi := &n.fields[i]
			w.stack = append(w.stack, wframe{p: unsafe.Add(f.p, fi.off), ti: fi.ti, depth: d,
				path: w.childField(f, fi.name)})
		}
	case reflect.Array:
		w.pushElems(f, f.p, n.elem, ti.t.Len())
	case reflect.Pointer:
		q := *(*unsafe.Pointer)(f.p)
		if q == nil {
			return true
		}
		if !w.enter(visitKey{q, n.elem, 0}, f.depth) {
			return w.fail(f, "", ti.t, "cycle cannot cross a node")
		}
		w.stack = append(w.stack, wframe{p: q, ti: n.elem, depth: d, path: f.path})
	case reflect.Slice:
		h := (*sliceHeader)(f.p)
		if h.data == nil || h.len == 0 {
			return true
		}
		if !w.enter(visitKey{h.data, n.elem, h.len}, f.depth) {
			return w.fail(f, "", ti.t, "cycle cannot cross a node")
		}
		w.pushElems(f, h.data, n.elem, h.len)
	case reflect.Map:
		m := *(*unsafe.Pointer)(f.p)
		if m == nil {
			return true
		}
		if !w.enter(visitKey{m, ti, 0}, f.depth) {
			return w.fail(f, "", ti.t, "cycle cannot cross a node")
		}
		w.pushEntries(f, n.key, n.elem)
	case reflect.Interface:
		rt := dynamicRtype(f.p, ti.empty)
		if rt == nil {
			return true
		}
		dt := typeOfRtype(rt)
		if why := nodeRules.Load().Dynamic(dt); why != "" {
			return w.fail(f, "", dt, why)
		}
		dti := infoOf(dt)
		q := unsafe.Add(f.p, unsafe.Sizeof(uintptr(0)))
		if !dti.direct {
			q = *(*unsafe.Pointer)(q)
		}
		w.stack = append(w.stack, wframe{p: q, ti: dti, depth: d, path: f.path})
	}
	return true
}
