package vet

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/goractor/goractor/ffi"
)

// checkMove reports the first read of a variable after a move cleared it:
// the call moves &x, and a later statement of the block holding the call
// reads x before assigning it. A read inside `if err != nil` right after
// `err := ...Move(&x)` is the failed move's path, where x is intact, and is
// not reported.
func (ps *pass) checkMove(call *ast.CallExpr, stack []ast.Node) {
	if len(call.Args) != 1 {
		return
	}
	u, ok := ast.Unparen(call.Args[0]).(*ast.UnaryExpr)
	if !ok || u.Op != token.AND {
		return
	}
	id, ok := ast.Unparen(u.X).(*ast.Ident)
	if !ok {
		return
	}
	v := localVar(ps.TypesInfo, id)
	if v == nil {
		return
	}
	// The statement that holds the call, directly in a block, with no
	// function literal in between.
	var block []ast.Stmt
	var stmt ast.Stmt
	for i := len(stack) - 2; i >= 0; i-- {
		var list []ast.Stmt
		switch n := stack[i].(type) {
		case *ast.FuncLit:
			return
		case *ast.BlockStmt:
			list = n.List
		case *ast.CaseClause:
			list = n.Body
		case *ast.CommClause:
			list = n.Body
		default:
			continue
		}
		s, ok := stack[i+1].(ast.Stmt)
		if !ok {
			return // the call is in a case's expression
		}
		block, stmt = list, s
		break
	}
	if stmt == nil {
		return
	}
	var errVar types.Object
	if as, ok := stmt.(*ast.AssignStmt); ok && len(as.Lhs) >= 1 && ast.Unparen(as.Rhs[len(as.Rhs)-1]) == call {
		if eid, ok := as.Lhs[len(as.Lhs)-1].(*ast.Ident); ok {
			errVar = ps.TypesInfo.ObjectOf(eid)
		}
	}
	// A move the send gate refuses leaves the variable alone.
	ps.except = u
	refused := ps.refused(id, 0) != nil
	ps.except = nil
	if refused {
		return
	}
	at := slices.Index(block, stmt)
	for _, s := range block[at+1:] {
		if use, stop := ps.firstUse(s, v, errVar); use != nil {
			ps.reportf("move", use, "goractor: %s is read after it was moved at line %d: the move cleared it (assign it again, or send a copy with Send)",
				v.Name(), ps.Fset.Position(call.Pos()).Line)
			return
		} else if stop {
			return
		}
	}
}

// firstUse returns the first read of v in s, in source order, or stop when
// s assigns v before reading it.
func (ps *pass) firstUse(s ast.Stmt, v *types.Var, errVar types.Object) (use *ast.Ident, stop bool) {
	ast.Inspect(s, func(n ast.Node) bool {
		if use != nil || stop {
			return false
		}
		switch x := n.(type) {
		case *ast.IfStmt:
			if errVar != nil && isNotNil(ps.TypesInfo, x.Cond, errVar) {
				if x.Else != nil {
					use, stop = ps.firstUse(x.Else, v, nil)
				}
				return false
			}
		case *ast.AssignStmt:
			for _, r := range x.Rhs {
				if u, st := ps.firstUse(&ast.ExprStmt{X: r}, v, nil); u != nil || st {
					use, stop = u, st
					return false
				}
			}
			for _, l := range x.Lhs {
				if id, ok := l.(*ast.Ident); ok && ps.TypesInfo.ObjectOf(id) == v {
					stop = true // assigned again: later reads see the new value
					return false
				}
			}
		case *ast.Ident:
			if ps.TypesInfo.Uses[x] == v {
				use = x
			}
		}
		return true
	})
	return use, stop
}

// isNotNil reports whether cond is `obj != nil`.
func isNotNil(info *types.Info, cond ast.Expr, obj types.Object) bool {
	b, ok := ast.Unparen(cond).(*ast.BinaryExpr)
	if !ok || b.Op != token.NEQ {
		return false
	}
	id, ok := ast.Unparen(b.X).(*ast.Ident)
	nilID, ok2 := ast.Unparen(b.Y).(*ast.Ident)
	return ok && ok2 && info.ObjectOf(id) == obj && nilID.Name == "nil"
}

// checkSpawn runs the spawn, unpinned and body-result checks on a Spawn or
// SpawnHandler call.
func (ps *pass) checkSpawn(call *ast.CallExpr, body bool, stack []ast.Node) {
	if len(call.Args) == 0 {
		return
	}
	arg := ast.Unparen(call.Args[0])
	var fnBody *ast.BlockStmt
	switch a := arg.(type) {
	case *ast.FuncLit:
		fnBody = a.Body
		ps.checkCaptures(call, a, stack)
	case *ast.Ident, *ast.SelectorExpr:
		if fn, ok := ps.TypesInfo.Uses[identOf(a)].(*types.Func); ok {
			if d := ps.decls[fn]; d != nil {
				fnBody = d.Body
			}
		}
	}
	if fnBody == nil {
		return
	}
	if body {
		ast.Inspect(fnBody, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ReturnStmt:
				if len(x.Results) == 2 {
					ps.checkGate(x.Results[0], "returned from the body")
				}
			}
			return true
		})
	}
	if !call.Ellipsis.IsValid() {
		for _, o := range call.Args[1:] {
			oc, ok := ast.Unparen(o).(*ast.CallExpr)
			if !ok || calleeName(ps.TypesInfo, oc) != unpinnedOpt {
				continue
			}
			if native := ps.nativeIn(fnBody); native != nil {
				ps.report(analysis.Diagnostic{
					Pos: native.Pos(), End: native.End(), Category: "unpinned",
					Message: "goractor: native call in the body of an actor spawned with Unpinned (line " +
						itoa(ps.Fset.Position(o.Pos()).Line) + "): it runs on whatever thread the goroutine has; spawn the actor pinned",
					SuggestedFixes: []analysis.SuggestedFix{{
						Message:   "remove Unpinned()",
						TextEdits: []analysis.TextEdit{removeArg(call, o)},
					}},
				})
			}
		}
	}
}

func identOf(e ast.Expr) *ast.Ident {
	switch x := e.(type) {
	case *ast.Ident:
		return x
	case *ast.SelectorExpr:
		return x.Sel
	}
	return nil
}

// removeArg deletes argument a of call with the comma before it.
func removeArg(call *ast.CallExpr, a ast.Expr) analysis.TextEdit {
	i := slices.Index(call.Args, a)
	return analysis.TextEdit{Pos: call.Args[i-1].End(), End: a.End()}
}

func itoa(n int) string { return constant.MakeInt64(int64(n)).ExactString() }

// nativeIn returns the first native call in body, not counting those in
// go statements (another goroutine), or nil.
func (ps *pass) nativeIn(body ast.Node) *ast.CallExpr {
	var found *ast.CallExpr
	ast.Inspect(body, func(n ast.Node) bool {
		if found != nil {
			return false
		}
		switch x := n.(type) {
		case *ast.GoStmt:
			return false
		case *ast.CallExpr:
			if ps.isNative(x) {
				found = x
				return false
			}
			if tv, ok := ps.TypesInfo.Types[x.Fun]; ok && tv.IsType() {
				return true // a conversion such as HandlerFunc(func...) runs here
			}
			// A func literal passed to another call (a pool, a callback)
			// runs where that call decides: not counted.
			ast.Inspect(x.Fun, func(n ast.Node) bool {
				if c, ok := n.(*ast.CallExpr); ok && found == nil && ps.isNative(c) {
					found = c
				}
				return found == nil
			})
			for _, a := range x.Args {
				if _, lit := ast.Unparen(a).(*ast.FuncLit); !lit && found == nil {
					found = ps.nativeIn(a)
				}
			}
			return false
		}
		return true
	})
	return found
}

// isNative reports whether call runs native code on the calling thread:
// one of nativeCalls, or a function known to make one (nativeFact).
func (ps *pass) isNative(call *ast.CallExpr) bool {
	fn, ok := typeutil.Callee(ps.TypesInfo, call).(*types.Func)
	if !ok {
		return false
	}
	fn = fn.Origin()
	if nativeCalls[fn.FullName()] {
		return true
	}
	var f nativeFact
	return ps.ImportObjectFact(fn, &f)
}

// checkCaptures reports variables captured by a spawned closure that the
// closure writes, or that its creator writes after the spawn (or anywhere
// in a loop around the spawn that the variable outlives).
func (ps *pass) checkCaptures(call *ast.CallExpr, lit *ast.FuncLit, stack []ast.Node) {
	var encl ast.Node // the enclosing function's body
	var loops []ast.Node
	for i := len(stack) - 2; i >= 0 && encl == nil; i-- {
		switch n := stack[i].(type) {
		case *ast.FuncDecl:
			encl = n.Body
		case *ast.FuncLit:
			encl = n.Body
		case *ast.ForStmt, *ast.RangeStmt:
			loops = append(loops, n)
		}
	}
	if encl == nil {
		return
	}
	seen := map[*types.Var]bool{}
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		v := localVar(ps.TypesInfo, id)
		if v == nil || seen[v] || v.Pos() >= lit.Pos() && v.Pos() < lit.End() {
			return true
		}
		if !(v.Pos() >= encl.Pos() && v.Pos() < encl.End()) {
			return true // a variable of a function further out: its writes are not all visible here
		}
		seen[v] = true
		var inside, after ast.Node
		writes(ps.TypesInfo, lit.Body, v, func(w ast.Node) {
			if inside == nil {
				inside = w
			}
		})
		writes(ps.TypesInfo, encl, v, func(w ast.Node) {
			if after != nil || (w.Pos() >= lit.Pos() && w.Pos() < lit.End()) {
				return
			}
			if w.Pos() >= call.End() {
				after = w
				return
			}
			for _, l := range loops {
				if w.Pos() >= l.Pos() && w.End() <= l.End() && !(v.Pos() >= l.Pos() && v.Pos() < l.End()) {
					after = w
					return
				}
			}
		})
		switch {
		case inside != nil:
			ps.reportf("spawn", id, "goractor: the spawned closure captures %s and writes it (line %d): the creator shares it with the actor; pass it with WithArgs or declare it inside the closure",
				v.Name(), ps.Fset.Position(inside.Pos()).Line)
		case after != nil:
			ps.reportf("spawn", id, "goractor: the spawned closure captures %s, which its creator writes after the spawn (line %d): pass it with WithArgs or copy it before Spawn",
				v.Name(), ps.Fset.Position(after.Pos()).Line)
		}
		return true
	})
}

// checkSignature reports a constant text signature ffi.ParseSignature
// refuses, with its error.
func (ps *pass) checkSignature(e ast.Expr) {
	tv, ok := ps.TypesInfo.Types[e]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.String {
		return
	}
	if _, err := ffi.ParseSignature(constant.StringVal(tv.Value)); err != nil {
		ps.reportf("signature", e, "goractor: %v", err)
	}
}
