package vet

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"reflect"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/goractor/goractor/shareable"
)

// verdict is what a type alone says about its values at the send gate, as
// package shareable computes it (types.go there).
type verdict uint8

const (
	vWalk   verdict = iota // depends on the value
	vShare                 // every value is shared by reference
	vForbid                // no value may cross
)

// tverdict is a type's verdict; for vForbid, the part and why.
type tverdict struct {
	v      verdict
	path   string     // from the type to the part, e.g. ".Mu" or "[0]"
	part   types.Type // the part's type
	reason string
	copier bool // a copier registered with shareable.RegisterCopier copies it
}

// preRegistered are the types package shareable registers itself, keyed
// like registeredFact ("pkgpath.Name", "*pkgpath.Name").
var preRegistered = func() map[string]bool {
	m := map[string]bool{}
	for _, t := range shareable.RegisteredTypes() {
		prefix := ""
		if t.Kind() == reflect.Pointer {
			t, prefix = t.Elem(), "*"
		}
		if t.Name() != "" {
			m[prefix+t.PkgPath()+"."+t.Name()] = true
		}
	}
	return m
}()

// registered reports whether t is registered with the send gate: pre-registered
// by package shareable, or registered by a Register/RegisterType call the
// analysis has seen (registeredFact).
func (ps *pass) registered(t types.Type) bool {
	key := typeKey(t)
	return key != "" && (preRegistered[key] || ps.regs[key])
}

// sharedNamed mirrors shareable's sharedNamed: every unique.Handle, and
// the non-interface types of package context that implement
// context.Context.
func sharedNamed(t types.Type) bool {
	n := t
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		n = p.Elem()
	}
	named, ok := types.Unalias(n).(*types.Named)
	if !ok || named.Obj().Pkg() == nil {
		return false
	}
	switch named.Obj().Pkg().Path() {
	case "unique":
		return n == t && named.Obj().Name() == "Handle"
	case "context":
		if types.IsInterface(t) {
			return false
		}
		iface, ok := named.Obj().Pkg().Scope().Lookup("Context").(*types.TypeName)
		return ok && types.Implements(t, iface.Type().Underlying().(*types.Interface))
	}
	return false
}

// hasCopier reports whether a copier registered with shareable.RegisterCopier
// (in this package or a dependency) applies to t: one for t itself, or for
// an interface t implements.
func (ps *pass) hasCopier(t types.Type) bool {
	if types.IsInterface(t) {
		return false
	}
	if key := typeKey(t); key != "" && ps.regs[copierPrefix+key] {
		return true
	}
	for key := range ps.regs {
		name, ok := strings.CutPrefix(key, copierPrefix)
		if !ok || strings.HasPrefix(name, "*") {
			continue
		}
		if iface := ps.lookupType(name); iface != nil && types.IsInterface(iface) &&
			types.Implements(t, iface.Underlying().(*types.Interface)) {
			return true
		}
	}
	return false
}

// lookupType finds the named type "pkgpath.Name" among this package and
// its imports, direct or not.
func (ps *pass) lookupType(key string) types.Type {
	i := strings.LastIndexByte(key, '.')
	path, name := key[:i], key[i+1:]
	seen := map[*types.Package]bool{}
	var find func(p *types.Package) types.Type
	find = func(p *types.Package) types.Type {
		if seen[p] {
			return nil
		}
		seen[p] = true
		if p.Path() == path {
			if tn, ok := p.Scope().Lookup(name).(*types.TypeName); ok {
				return tn.Type()
			}
			return nil
		}
		for _, imp := range p.Imports() {
			if t := find(imp); t != nil {
				return t
			}
		}
		return nil
	}
	return find(ps.Pkg)
}

// declares mirrors shareable's declares: t has the marker method
// ShareableByReference, declared on it rather than promoted from an
// embedded field.
func declares(t types.Type) bool {
	if types.IsInterface(t) {
		return false
	}
	sel := types.NewMethodSet(t).Lookup(nil, "ShareableByReference")
	if sel == nil {
		return false
	}
	sig := sel.Obj().Type().(*types.Signature)
	return len(sel.Index()) == 1 && sig.Params().Len() == 0 && sig.Results().Len() == 0
}

// forbiddenNamed mirrors shareable's forbiddenNamed, with the send gate's own
// list of names (shareable.NameReason).
func forbiddenNamed(t types.Type) string {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || types.IsInterface(t) || n.Obj().Pkg() == nil {
		return ""
	}
	if why := shareable.NameReason(n.Obj().Pkg().Path(), n.Obj().Name()); why != "" {
		return typeString(t) + " is not shareable: " + why
	}
	return ""
}

// typeVerdict mirrors shareable's per-type build, with funcs,
// unsafe.Pointers and chans of non-shareable elements judged by value (a
// nil one crosses): they are vWalk here.
func (ps *pass) typeVerdict(t types.Type) tverdict {
	if ps.verdicts == nil {
		ps.verdicts = map[types.Type]*tverdict{}
	}
	t = types.Unalias(t)
	if v, ok := ps.verdicts[t]; ok {
		return *v
	}
	tv := &tverdict{v: vWalk} // in progress: a recursive type counts as vWalk
	ps.verdicts[t] = tv
	*tv = ps.buildVerdict(t)
	return *tv
}

func (ps *pass) buildVerdict(t types.Type) tverdict {
	if ps.registered(t) || declares(t) || sharedNamed(t) {
		return tverdict{v: vShare}
	}
	if ps.hasCopier(t) {
		return tverdict{v: vWalk, copier: true} // the copier decides
	}
	if reason := forbiddenNamed(t); reason != "" {
		if _, fn := t.Underlying().(*types.Signature); fn {
			return tverdict{v: vWalk} // iter.Seq: a nil one crosses
		}
		return tverdict{v: vForbid, part: t, reason: reason}
	}
	walk := tverdict{v: vWalk}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		if u.Kind() == types.UnsafePointer {
			return walk
		}
		return tverdict{v: vShare}
	case *types.Chan:
		if ps.typeVerdict(u.Elem()).v == vShare {
			return tverdict{v: vShare}
		}
	case *types.Array:
		ev := ps.typeVerdict(u.Elem())
		switch {
		case u.Len() == 0 || ev.v == vShare:
			return tverdict{v: vShare}
		case ev.v == vForbid:
			return tverdict{v: vForbid, path: "[0]" + ev.path, part: ev.part, reason: ev.reason}
		}
	case *types.Struct:
		res := tverdict{v: vShare}
		for f := range u.Fields() {
			fv := ps.typeVerdict(f.Type())
			switch fv.v {
			case vForbid:
				return tverdict{v: vForbid, path: "." + f.Name() + fv.path, part: fv.part, reason: fv.reason}
			case vWalk:
				res.v = vWalk
			}
		}
		if res.v == vShare {
			return res
		}
	}
	if ps.isError(t) && ps.errStatic(t, map[types.Type]bool{}) {
		return tverdict{v: vShare}
	}
	return walk
}

func (ps *pass) isError(t types.Type) bool {
	errType := types.Universe.Lookup("error").Type().Underlying().(*types.Interface)
	return !types.IsInterface(t) && types.Implements(t, errType)
}

// errStatic mirrors shareable's errStatic.
func (ps *pass) errStatic(t types.Type, seen map[types.Type]bool) bool {
	if seen[t] {
		return true
	}
	seen[t] = true
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Kind() != types.UnsafePointer
	case *types.Pointer:
		if ps.registered(t) || declares(t) {
			return true
		}
		return ps.errStatic(u.Elem(), seen)
	case *types.Array:
		return ps.errStatic(u.Elem(), seen)
	case *types.Struct:
		if ps.registered(t) || declares(t) {
			return true
		}
		if forbiddenNamed(t) != "" {
			return false
		}
		for f := range u.Fields() {
			if !ps.errStatic(f.Type(), seen) {
				return false
			}
		}
		return true
	}
	return false
}

// nilOnlyReason returns the send gate's reason for a func, unsafe.Pointer or
// chan of a non-shareable element (a nil one crosses, another is refused),
// or "" for other types.
func (ps *pass) nilOnlyReason(t types.Type) string {
	if tv := ps.typeVerdict(t); tv.v != vWalk || tv.copier {
		return ""
	}
	switch u := t.Underlying().(type) {
	case *types.Signature:
		if why := forbiddenNamed(t); why != "" {
			return why
		}
		return "func is not shareable"
	case *types.Basic:
		if u.Kind() == types.UnsafePointer {
			return "unsafe.Pointer is not shareable"
		}
	case *types.Chan:
		return "chan of " + typeString(u.Elem()) + " is not shareable: its element type is not shareable"
	}
	return ""
}

// refusal is a part of a value that the send gate will certainly refuse.
type refusal struct {
	path   string
	reason string
	// unsure: a part walked before this one is not visible here and could
	// be refused first, under another path.
	unsure bool
}

// mayFail reports whether some value of t could be refused by the send gate
// walking in copy mode (a forbidden type, a non-nil func..., an interface).
func (ps *pass) mayFail(t types.Type, seen map[types.Type]bool) bool {
	t = types.Unalias(t)
	if seen[t] {
		return false
	}
	seen[t] = true
	tv := ps.typeVerdict(t)
	switch tv.v {
	case vShare:
		return false
	case vForbid:
		return true
	}
	switch u := t.Underlying().(type) {
	case *types.Signature, *types.Chan, *types.Interface:
		return true
	case *types.Basic:
		return u.Kind() == types.UnsafePointer
	case *types.Pointer:
		return ps.mayFail(u.Elem(), seen)
	case *types.Slice:
		return ps.mayFail(u.Elem(), seen)
	case *types.Array:
		return ps.mayFail(u.Elem(), seen)
	case *types.Map:
		return ps.mayFail(u.Key(), seen) || ps.mayFail(u.Elem(), seen)
	case *types.Struct:
		for f := range u.Fields() {
			if ps.mayFail(f.Type(), seen) {
				return true
			}
		}
	}
	return false
}

// refused returns the part of the value of e that the send gate will certainly
// refuse, or nil. It follows what the send gate's walk does: the type's verdict
// first, then pointers (transparently), struct fields in declaration order
// and array and slice elements in index order; interfaces by the static
// type of the expression stored in them.
func (ps *pass) refused(e ast.Expr, depth int) *refusal {
	e = ast.Unparen(e)
	if depth > 32 {
		return nil
	}
	t := ps.TypesInfo.TypeOf(e)
	if t == nil {
		return nil
	}
	if types.IsInterface(t) {
		// any(x), error(x): the dynamic value is x.
		if call, ok := e.(*ast.CallExpr); ok && len(call.Args) == 1 {
			if tv, ok := ps.TypesInfo.Types[call.Fun]; ok && tv.IsType() {
				return ps.refused(call.Args[0], depth+1)
			}
		}
		return nil
	}
	if tv := ps.typeVerdict(t); tv.v == vForbid {
		return &refusal{path: tv.path, reason: tv.reason}
	} else if tv.v == vShare || tv.copier {
		return nil
	}
	if r := ps.nilOnlyReason(t); r != "" {
		if ps.nonNil(e, depth) {
			return &refusal{reason: r}
		}
		return nil
	}
	if id, ok := e.(*ast.Ident); ok && depth <= 16 {
		if v, ok := ps.TypesInfo.Uses[id].(*types.Var); ok {
			if init := ps.onlyValue(v, ps.except); init != nil {
				return ps.refused(init, depth+1)
			}
		}
	}
	switch u := t.Underlying().(type) {
	case *types.Pointer:
		if x, ok := e.(*ast.UnaryExpr); ok && x.Op == token.AND {
			if _, lit := ast.Unparen(x.X).(*ast.CompositeLit); lit {
				return ps.refused(x.X, depth+1)
			}
		}
		if ev := ps.typeVerdict(u.Elem()); ev.v == vForbid && ps.nonNil(e, depth) {
			return &refusal{path: ev.path, reason: ev.reason}
		}
	case *types.Struct, *types.Array, *types.Slice:
		if lit, ok := e.(*ast.CompositeLit); ok {
			return ps.refusedLit(lit, u, depth)
		}
	}
	return nil
}

// refusedLit walks a struct, array or slice literal like the send gate walks the
// value it builds.
func (ps *pass) refusedLit(lit *ast.CompositeLit, u types.Type, depth int) *refusal {
	unsure := false
	visit := func(seg string, elem ast.Expr, et types.Type) *refusal {
		if elem == nil {
			return nil // zero value: crosses
		}
		if r := ps.refused(elem, depth+1); r != nil {
			return &refusal{path: seg + r.path, reason: r.reason, unsure: unsure || r.unsure}
		}
		if ps.mayFail(et, map[types.Type]bool{}) {
			unsure = true
		}
		return nil
	}
	switch u := u.(type) {
	case *types.Struct:
		byField := make([]ast.Expr, u.NumFields())
		for i, el := range lit.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				id, _ := kv.Key.(*ast.Ident)
				for j := range u.NumFields() {
					if id != nil && u.Field(j).Name() == id.Name {
						byField[j] = kv.Value
					}
				}
			} else if i < len(byField) {
				byField[i] = el
			}
		}
		for i := range u.NumFields() {
			f := u.Field(i)
			if r := visit("."+f.Name(), byField[i], f.Type()); r != nil {
				return r
			}
		}
	case *types.Array, *types.Slice:
		var et types.Type
		if a, ok := u.(*types.Array); ok {
			et = a.Elem()
		} else {
			et = u.(*types.Slice).Elem()
		}
		idx := 0
		for _, el := range lit.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				tv := ps.TypesInfo.Types[kv.Key]
				if tv.Value == nil {
					return nil // a non-constant index: order unknown
				}
				n, ok := constant.Int64Val(constant.ToInt(tv.Value))
				if !ok || int(n) < idx {
					return nil // out of order: keep it simple
				}
				idx, el = int(n), kv.Value
			}
			if r := visit("["+strconv.Itoa(idx)+"]", el, et); r != nil {
				return r
			}
			idx++
		}
	}
	return nil
}

// nonNil reports whether the value of e is certainly not nil: a func
// literal, a declared function or method value, &x, new, make, a
// conversion of such a value, or a local variable defined once from one
// and never written again.
func (ps *pass) nonNil(e ast.Expr, depth int) bool {
	e = ast.Unparen(e)
	switch x := e.(type) {
	case *ast.FuncLit:
		return true
	case *ast.UnaryExpr:
		return x.Op == token.AND
	case *ast.Ident:
		switch obj := ps.TypesInfo.Uses[x].(type) {
		case *types.Func:
			return true
		case *types.Var:
			if depth > 16 {
				return false
			}
			if init := ps.onlyValue(obj, ps.except); init != nil {
				return ps.nonNil(init, depth+1)
			}
		}
	case *ast.SelectorExpr:
		if sel, ok := ps.TypesInfo.Selections[x]; ok {
			return sel.Kind() == types.MethodVal || sel.Kind() == types.MethodExpr
		}
		_, fn := ps.TypesInfo.Uses[x.Sel].(*types.Func) // pkg.F
		return fn
	case *ast.CallExpr:
		if id, ok := ast.Unparen(x.Fun).(*ast.Ident); ok {
			if b, ok := ps.TypesInfo.Uses[id].(*types.Builtin); ok {
				return b.Name() == "new" || b.Name() == "make"
			}
		}
		if tv, ok := ps.TypesInfo.Types[x.Fun]; ok && tv.IsType() && len(x.Args) == 1 {
			return ps.nonNil(x.Args[0], depth+1) // unsafe.Pointer(&x), F(func(){})
		}
	}
	return false
}

// onlyValue returns the expression a local variable was defined with when
// that is the only value it ever holds: defined with := or var x = e, and
// never assigned, incremented or address-taken anywhere in its function.
//
// A write at except (the &x of a move call) does not count.
func (ps *pass) onlyValue(v *types.Var, except ast.Node) ast.Expr {
	if v.Parent() == nil || v.Pkg() != ps.Pkg || v.Parent() == ps.Pkg.Scope() {
		return nil
	}
	file := ps.fileOf(v.Pos())
	if file == nil {
		return nil
	}
	var init ast.Expr
	written := false
	ast.Inspect(file, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.AssignStmt:
			if len(x.Lhs) == len(x.Rhs) {
				for i, l := range x.Lhs {
					if id, ok := l.(*ast.Ident); ok && ps.TypesInfo.Defs[id] == v {
						init = x.Rhs[i]
					}
				}
			}
		case *ast.ValueSpec:
			if len(x.Names) == len(x.Values) {
				for i, id := range x.Names {
					if ps.TypesInfo.Defs[id] == v {
						init = x.Values[i]
					}
				}
			}
		}
		return true
	})
	writes(ps.TypesInfo, file, v, func(w ast.Node) { written = written || w != except })
	if written {
		return nil
	}
	return init
}

func (ps *pass) fileOf(pos token.Pos) *ast.File {
	for _, f := range ps.Files {
		if f.FileStart <= pos && pos < f.FileEnd {
			return f
		}
	}
	return nil
}

// checkGate reports e when the send gate will certainly refuse its value.
func (ps *pass) checkGate(e ast.Expr, what string) {
	r := ps.refused(e, 0)
	if r == nil {
		return
	}
	t := ps.TypesInfo.TypeOf(ast.Unparen(e))
	if types.IsInterface(t) {
		if call, ok := ast.Unparen(e).(*ast.CallExpr); ok && len(call.Args) == 1 {
			t = ps.TypesInfo.TypeOf(call.Args[0])
		}
	}
	msg := "goractor: the send gate refuses this value " + what + ": " + typeString(t) + r.path + ": " + r.reason
	if r.unsure {
		msg += " (it may name an earlier part first)"
	}
	ps.report(analysis.Diagnostic{Pos: e.Pos(), End: e.End(), Category: "sendgate", Message: msg})
}
