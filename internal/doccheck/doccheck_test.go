package doccheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// moduleRoot is the directory holding go.mod, two levels up from this package.
func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("doccheck: module root not found: %v", err)
	}
	return root
}

// publicDirs returns the directories of the packages pkg.go.dev documents:
// everything but internal/, testdata/ and hidden directories.
func publicDirs(t *testing.T, root string) []string {
	t.Helper()
	var dirs []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if p != root && (name == "internal" || name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
			return filepath.SkipDir
		}
		dirs = append(dirs, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}

// publicPackages parses the non-test files of every package publicDirs
// finds, for every platform, and calls fn with each package and its
// directory relative to the module root.
func publicPackages(t *testing.T, mode parser.Mode, fn func(fset *token.FileSet, rel, name string, pkg *ast.Package)) {
	t.Helper()
	root := moduleRoot(t)
	for _, dir := range publicDirs(t, root) {
		fset := token.NewFileSet()
		pkgs, err := parser.ParseDir(fset, dir, func(fi fs.FileInfo) bool {
			return !strings.HasSuffix(fi.Name(), "_test.go")
		}, mode)
		if err != nil {
			t.Fatalf("doccheck: %v", err)
		}
		rel, _ := filepath.Rel(root, dir)
		for name, pkg := range pkgs {
			fn(fset, rel, name, pkg)
		}
	}
}

// undocumented returns the exported identifiers of the non-test files of one
// package that have no doc comment, as "file:line: name", and whether the
// package has a package comment. Methods count when their receiver's type is
// exported; a spec inside a documented group (const/var/type block) counts
// as documented, as go doc shows the group's comment.
func undocumented(fset *token.FileSet, files []*ast.File) (missing []string, pkgDoc bool) {
	report := func(pos token.Pos, name string) {
		p := fset.Position(pos)
		missing = append(missing, filepath.Base(p.Filename)+":"+itoa(p.Line)+": "+name)
	}
	for _, f := range files {
		if f.Doc != nil && strings.TrimSpace(f.Doc.Text()) != "" {
			pkgDoc = true
		}
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if !d.Name.IsExported() || d.Doc != nil {
					continue
				}
				name := d.Name.Name
				if d.Recv != nil {
					recv := receiverName(d.Recv.List[0].Type)
					if !ast.IsExported(recv) {
						continue
					}
					name = recv + "." + name
				}
				report(d.Pos(), name)
			case *ast.GenDecl:
				if d.Tok == token.IMPORT {
					continue
				}
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						if s.Name.IsExported() && s.Doc == nil && d.Doc == nil {
							report(s.Pos(), s.Name.Name)
						}
					case *ast.ValueSpec:
						if s.Doc != nil || d.Doc != nil || s.Comment != nil {
							continue
						}
						for _, n := range s.Names {
							if n.IsExported() {
								report(n.Pos(), n.Name)
							}
						}
					}
				}
			}
		}
	}
	return missing, pkgDoc
}

// receiverName is the type name of a method receiver: T, *T, T[P], *T[P].
func receiverName(e ast.Expr) string {
	for {
		switch x := e.(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		case *ast.Ident:
			return x.Name
		default:
			return ""
		}
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// TestExportedIdentifiersHaveDocComments fails for every exported
// identifier without a doc comment, and every package without a package
// comment, in the packages pkg.go.dev shows. Commands (package main) need
// only their package comment. Files for every platform are read, not only
// the ones this build selects.
func TestExportedIdentifiersHaveDocComments(t *testing.T) {
	checked := 0
	publicPackages(t, parser.ParseComments, func(fset *token.FileSet, rel, name string, pkg *ast.Package) {
		files := make([]*ast.File, 0, len(pkg.Files))
		for _, fn := range slices.Sorted(mapKeys(pkg.Files)) {
			files = append(files, pkg.Files[fn])
		}
		missing, pkgDoc := undocumented(fset, files)
		checked++
		if !pkgDoc {
			t.Errorf("%s: package %s has no package comment", rel, name)
		}
		if name == "main" {
			return
		}
		for _, m := range missing {
			t.Errorf("%s/%s has no doc comment", rel, m)
		}
	})
	if checked == 0 {
		t.Fatal("doccheck: no package found")
	}
}

func mapKeys[M ~map[K]V, K comparable, V any](m M) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
