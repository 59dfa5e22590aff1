package doccheck

import (
	"go/ast"
	"go/token"
	"strconv"
	"strings"
	"testing"
)

// TestSentinelsHavePackagePrefix: every exported package-level sentinel
// (var ErrX = errors.New("...") or fmt.Errorf("...")) of a documented package
// reads "<package>: ...", like the typed errors that wrap it.
func TestSentinelsHavePackagePrefix(t *testing.T) {
	checked := 0
	publicPackages(t, 0, func(fset *token.FileSet, rel, name string, pkg *ast.Package) {
		if name == "main" {
			return
		}
		for _, f := range pkg.Files {
			for _, decl := range f.Decls {
				gd, ok := decl.(*ast.GenDecl)
				if !ok || gd.Tok != token.VAR {
					continue
				}
				for _, spec := range gd.Specs {
					vs := spec.(*ast.ValueSpec)
					for i, id := range vs.Names {
						if !id.IsExported() || !strings.HasPrefix(id.Name, "Err") || i >= len(vs.Values) {
							continue
						}
						msg, ok := sentinelText(vs.Values[i])
						if !ok {
							continue
						}
						checked++
						if !strings.HasPrefix(msg, name+": ") {
							t.Errorf("%s: %s = %q; want the prefix %q", fset.Position(id.Pos()), id.Name, msg, name+": ")
						}
					}
				}
			}
		}
	})
	if checked < 10 {
		t.Fatalf("checked %d sentinels; the walk found too few to be right", checked)
	}
}

// sentinelText returns the message of errors.New("...") or
// fmt.Errorf("...", ...).
func sentinelText(e ast.Expr) (string, bool) {
	call, ok := e.(*ast.CallExpr)
	if !ok || len(call.Args) == 0 {
		return "", false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return "", false
	}
	pkg, ok := sel.X.(*ast.Ident)
	if !ok || !(pkg.Name == "errors" && sel.Sel.Name == "New" || pkg.Name == "fmt" && sel.Sel.Name == "Errorf") {
		return "", false
	}
	lit, ok := call.Args[0].(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}
