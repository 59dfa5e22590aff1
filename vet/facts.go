package vet

import (
	"go/ast"
	"go/types"
	"slices"
	"strings"
)

// nativeFact marks a function whose body makes a native call on the calling
// thread, directly or through another such function.
type nativeFact struct{}

func (*nativeFact) AFact()         {}
func (*nativeFact) String() string { return "native" }

// registeredFact lists the types a package registers with the send gate
// (shareable.Register, RegisterType), as "pkgpath.Name" or "*pkgpath.Name".
type registeredFact struct{ Types []string }

func (*registeredFact) AFact()           {}
func (f *registeredFact) String() string { return "registered(" + strings.Join(f.Types, ", ") + ")" }

// exportFacts computes this package's facts and loads its dependencies'
// registrations.
func (ps *pass) exportFacts() {
	ps.regs = map[string]bool{}
	for _, pf := range ps.AllPackageFacts() {
		if f, ok := pf.Fact.(*registeredFact); ok {
			for _, t := range f.Types {
				ps.regs[t] = true
			}
		}
	}
	var mine []string
	for _, file := range ps.Files {
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if key := ps.registration(call); key != "" && !ps.regs[key] {
				ps.regs[key] = true
				mine = append(mine, key)
			}
			return true
		})
	}
	if len(mine) > 0 {
		slices.Sort(mine)
		ps.ExportPackageFact(&registeredFact{Types: mine})
	}
	// Native calls: iterate to a fixed point over the package's functions.
	for changed := true; changed; {
		changed = false
		for fn, d := range ps.decls {
			var f nativeFact
			if ps.ImportObjectFact(fn, &f) {
				continue
			}
			if ps.nativeIn(d.Body) != nil {
				ps.ExportObjectFact(fn, &nativeFact{})
				changed = true
			}
		}
	}
}

// copierPrefix marks a registeredFact entry made by RegisterCopier.
const copierPrefix = "copier:"

// registration returns the key of the type call registers with the send gate
// (Register, RegisterType; RegisterCopier and RegisterCopierFunc with
// copierPrefix), or "".
func (ps *pass) registration(call *ast.CallExpr) string {
	prefix := ""
	switch calleeName(ps.TypesInfo, call) {
	case shareablePkg + ".RegisterType":
		return typeKey(ps.typeArg(call.Fun))
	case shareablePkg + ".RegisterCopierFunc":
		if key := typeKey(ps.typeArg(call.Fun)); key != "" {
			return copierPrefix + key
		}
		return ""
	case shareablePkg + ".RegisterCopier":
		prefix = copierPrefix
	case shareablePkg + ".Register":
	default:
		return ""
	}
	if len(call.Args) == 0 {
		return ""
	}
	inner, ok := ast.Unparen(call.Args[0]).(*ast.CallExpr)
	if !ok {
		return ""
	}
	key := ""
	switch calleeName(ps.TypesInfo, inner) {
	case "reflect.TypeFor":
		key = typeKey(ps.typeArg(inner.Fun))
	case "reflect.TypeOf":
		if len(inner.Args) == 1 {
			key = typeKey(ps.TypesInfo.TypeOf(inner.Args[0]))
		}
	}
	if key == "" {
		return ""
	}
	return prefix + key
}

// typeArg returns the first type argument of an instantiated function
// expression F[T].
func (ps *pass) typeArg(fun ast.Expr) types.Type {
	switch x := ast.Unparen(fun).(type) {
	case *ast.IndexExpr:
		fun = x.X
	case *ast.IndexListExpr:
		fun = x.X
	}
	if inst, ok := ps.TypesInfo.Instances[identOf(ast.Unparen(fun))]; ok && inst.TypeArgs.Len() > 0 {
		return inst.TypeArgs.At(0)
	}
	return nil
}

// typeKey names a named type or a pointer to one for registeredFact.
func typeKey(t types.Type) string {
	if t == nil {
		return ""
	}
	prefix := ""
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t, prefix = p.Elem(), "*"
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return ""
	}
	return prefix + n.Obj().Pkg().Path() + "." + n.Obj().Name()
}
