package vet

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// Analyzer is goractor vet: the five checks described in the package
// documentation.
var Analyzer = &analysis.Analyzer{
	Name:      "goractor",
	Doc:       "report isolation mistakes that goractor's run-time send and call gates refuse or cannot see\n\nSee https://pkg.go.dev/github.com/goractor/goractor/vet.",
	URL:       "https://pkg.go.dev/github.com/goractor/goractor/vet",
	Requires:  []*analysis.Analyzer{inspect.Analyzer},
	Run:       run,
	FactTypes: []analysis.Fact{new(nativeFact), new(registeredFact)},
}

const (
	actorPkg     = "github.com/goractor/goractor/actor"
	shareablePkg = "github.com/goractor/goractor/shareable"
	ffiPkg       = "github.com/goractor/goractor/ffi"
	puregoPkg    = "github.com/ebitengine/purego"
)

// sendArgs maps the functions whose argument crosses the send gate to that
// argument's index; -1: every argument (variadic WithArgs).
var sendArgs = map[string]int{
	"(*" + actorPkg + ".Ref).Send":               0,
	"(*" + actorPkg + ".Ref).SendContext":        1,
	"(*" + actorPkg + ".Ref).TrySend":            0,
	"(*" + actorPkg + ".Ref).Request":            1,
	"(*" + actorPkg + ".HandlerContext).Send":    1,
	"(*" + actorPkg + ".HandlerContext).Respond": 0,
	"(*" + actorPkg + ".Port).Send":              0,
	actorPkg + ".WithArgs":                       -1,
}

// moveFuncs are the functions that clear the variable their argument points
// to.
var moveFuncs = map[string]bool{
	"(*" + actorPkg + ".Ref).SendMove":  true,
	"(*" + actorPkg + ".Port).SendMove": true,
	shareablePkg + ".Move":              true,
	shareablePkg + ".MoveAny":           true,
}

const (
	spawnBody    = "(*" + actorPkg + ".Context).Spawn"
	spawnHandler = "(*" + actorPkg + ".Context).SpawnHandler"
	unpinnedOpt  = actorPkg + ".Unpinned"
)

// nativeCalls are the calls that run native code on the calling thread.
var nativeCalls = map[string]bool{
	"(*" + ffiPkg + ".Func).Call":      true,
	"(*" + ffiPkg + ".Func).CallErrno": true,
	puregoPkg + ".SyscallN":            true,
}

// signatureArgs maps the functions taking a text signature to its index.
var signatureArgs = map[string]int{
	ffiPkg + ".ParseSignature": 0,
	ffiPkg + ".MustSignature":  0,
}

// calleeName returns the full name of the function or method call calls
// ("pkg.F", "(*pkg.T).M"), generic functions by their origin, or "".
func calleeName(info *types.Info, call *ast.CallExpr) string {
	fn, ok := typeutil.Callee(info, call).(*types.Func)
	if !ok {
		return ""
	}
	return fn.Origin().FullName()
}

// pass wraps an analysis pass with the //goractor:ignore filter.
type pass struct {
	*analysis.Pass
	ignored  map[string]map[int]bool // file name -> silenced lines
	decls    map[*types.Func]*ast.FuncDecl
	verdicts map[types.Type]*tverdict // typeVerdict's memo
	regs     map[string]bool          // types registered with the send gate (typeKey)
	except   ast.Node                 // a write onlyValue ignores (checkMove)
}

func newPass(p *analysis.Pass) *pass {
	ps := &pass{Pass: p, ignored: map[string]map[int]bool{}, decls: map[*types.Func]*ast.FuncDecl{}}
	for _, f := range p.Files {
		name := p.Fset.File(f.Pos()).Name()
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				if !strings.HasPrefix(c.Text, "//goractor:ignore") {
					continue
				}
				if ps.ignored[name] == nil {
					ps.ignored[name] = map[int]bool{}
				}
				line := p.Fset.Position(c.Slash).Line
				ps.ignored[name][line] = true
				if alone(p.Fset, f, c) {
					ps.ignored[name][line+1] = true
				}
			}
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				if fn, ok := p.TypesInfo.Defs[fd.Name].(*types.Func); ok {
					ps.decls[fn] = fd
				}
			}
		}
	}
	return ps
}

// alone reports whether comment c is the only thing on its line.
func alone(fset *token.FileSet, f *ast.File, c *ast.Comment) bool {
	line := fset.Position(c.Slash).Line
	only := true
	ast.Inspect(f, func(n ast.Node) bool {
		if n == nil || !only {
			return false
		}
		if _, ok := n.(*ast.File); ok {
			return true
		}
		if _, ok := n.(*ast.CommentGroup); ok {
			return false
		}
		start, end := fset.Position(n.Pos()).Line, fset.Position(n.End()).Line
		if start > line || end < line {
			return start <= line // skip subtrees that lie wholly before or after
		}
		if start == line || end == line {
			if _, isBlock := n.(*ast.BlockStmt); !isBlock {
				only = false
			}
		}
		return true
	})
	return only
}

func (ps *pass) report(d analysis.Diagnostic) {
	pos := ps.Fset.Position(d.Pos)
	if ps.ignored[pos.Filename][pos.Line] {
		return
	}
	ps.Pass.Report(d)
}

// reportf reports n under category, the check's name (package doc, "Checks").
func (ps *pass) reportf(category string, n ast.Node, format string, args ...any) {
	ps.report(analysis.Diagnostic{Pos: n.Pos(), End: n.End(), Category: category, Message: fmt.Sprintf(format, args...)})
}

func run(p *analysis.Pass) (any, error) {
	ps := newPass(p)
	ins := p.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	ps.exportFacts()
	ins.WithStack([]ast.Node{(*ast.CallExpr)(nil)}, func(n ast.Node, push bool, stack []ast.Node) bool {
		if !push {
			return true
		}
		call := n.(*ast.CallExpr)
		name := calleeName(p.TypesInfo, call)
		if name == "" {
			return true
		}
		if i, ok := sendArgs[name]; ok {
			ps.checkSendArgs(call, i)
		}
		if moveFuncs[name] {
			ps.checkMove(call, stack)
		}
		if name == spawnBody || name == spawnHandler {
			ps.checkSpawn(call, name == spawnBody, stack)
		}
		if i, ok := signatureArgs[name]; ok && i < len(call.Args) {
			ps.checkSignature(call.Args[i])
		}
		return true
	})
	return nil, nil
}

// checkSendArgs runs the gate check on the crossing arguments of call.
func (ps *pass) checkSendArgs(call *ast.CallExpr, i int) {
	if i >= 0 {
		if i < len(call.Args) {
			ps.checkGate(call.Args[i], "sent")
		}
		return
	}
	if call.Ellipsis.IsValid() {
		return // a slice passed on: its elements are not visible here
	}
	for _, a := range call.Args {
		ps.checkGate(a, "passed to WithArgs")
	}
}

// rootIdent returns the variable at the root of an lvalue (x, x.f, x[i],
// *x, (x)), or nil.
func rootIdent(e ast.Expr) *ast.Ident {
	for {
		switch x := e.(type) {
		case *ast.Ident:
			return x
		case *ast.SelectorExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		default:
			return nil
		}
	}
}

// localVar returns the local variable id refers to, or nil (package-level
// variables, fields and everything else).
func localVar(info *types.Info, id *ast.Ident) *types.Var {
	if id == nil {
		return nil
	}
	v, ok := info.Uses[id].(*types.Var)
	if !ok {
		v, ok = info.Defs[id].(*types.Var)
	}
	if !ok || v.IsField() || v.Pkg() == nil || v.Parent() == v.Pkg().Scope() || v.Parent() == nil {
		return nil
	}
	return v
}

// writes calls f for every place in root that writes v: assignments and
// inc/dec to v or through it (v.f =, v[i] =), &v, and calls of pointer
// methods on v.
func writes(info *types.Info, root ast.Node, v *types.Var, f func(n ast.Node)) {
	is := func(e ast.Expr) bool {
		id := rootIdent(e)
		return id != nil && (info.Uses[id] == v || (info.Defs[id] == v))
	}
	ast.Inspect(root, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.AssignStmt:
			for _, l := range x.Lhs {
				if is(l) && !(x.Tok == token.DEFINE && info.Defs[rootIdent(l)] == v) {
					f(l)
				}
			}
		case *ast.IncDecStmt:
			if is(x.X) {
				f(x.X)
			}
		case *ast.UnaryExpr:
			if x.Op == token.AND && is(x.X) {
				f(x)
			}
		case *ast.SelectorExpr:
			// v.M() with a pointer receiver takes &v implicitly.
			if sel, ok := info.Selections[x]; ok && sel.Kind() == types.MethodVal && is(x.X) {
				if _, ptrRecv := sel.Obj().Type().(*types.Signature).Recv().Type().Underlying().(*types.Pointer); ptrRecv {
					if _, isPtr := info.TypeOf(x.X).Underlying().(*types.Pointer); !isPtr {
						f(x)
					}
				}
			}
		case *ast.RangeStmt:
			if x.Tok == token.ASSIGN {
				for _, e := range []ast.Expr{x.Key, x.Value} {
					if e != nil && is(e) {
						f(e)
					}
				}
			}
		}
		return true
	})
}

// typeString renders t the way reflect.Type.String does: package names,
// not paths.
func typeString(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string { return p.Name() })
}
