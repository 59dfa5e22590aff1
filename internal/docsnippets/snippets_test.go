// Package docsnippets holds the test that every Go snippet in README.md and
// docs/*.md compiles.
//
// # The convention
//
// Every fenced block opened with ```go in README.md or in any .md file of
// docs/ (new guides are picked up automatically) is type-checked against the
// packages of this module and the standard library, as the compiler would
// check it, except that unused variables and imports are allowed (a snippet
// may show a result without using it). A block is one of:
//
//   - a file: it starts with a package clause and is checked as it is;
//   - declarations: it parses as the body of a Go file (funcs, types, vars,
//     consts), and is checked as one file of its own package;
//   - statements: anything else is checked as the body of a function.
//
// Imports are added for you: a qualifier such as actor., ffi., fmt. or time.
// imports the package listed in imports below (extend the table when a guide
// uses a new one). Free names the guides use without declaring them are
// declared by the prelude below (ctx is the actor's *actor.Context, lib an
// *ffi.Library, pool an *ffi.Pool, t a *testing.T...); a snippet that
// declares one of these names itself at the top level replaces it.
//
// A snippet that needs more free names says so on the line just before its
// fence, with an HTML comment that renders as nothing:
//
//	<!-- snippet: var r *Rand; type Rand struct{} -->
//
// whose text after "snippet:" is Go declarations added to that snippet's
// file. Text that is not Go (shell sessions, program output, pseudo-code)
// goes in a fence without the go tag (```sh, ```text). There is no way to
// skip a go block: if it cannot compile, it is not Go.
package docsnippets

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// imports maps the qualifiers the guides use to import paths.
var imports = map[string]string{
	"actor":      "github.com/goractor/goractor/actor",
	"ffi":        "github.com/goractor/goractor/ffi",
	"extension":  "github.com/goractor/goractor/extension",
	"shareable":  "github.com/goractor/goractor/shareable",
	"safetytest": "github.com/goractor/goractor/safety/safetytest",
	"execctx":    "github.com/goractor/goractor/internal/execctx",
	"libc":       "github.com/goractor/goractor/extension/libc",
	"libm":       "github.com/goractor/goractor/extension/libm",
	"zlib":       "github.com/goractor/goractor/extension/zlib",
	"sqlite3":    "github.com/goractor/goractor/extension/sqlite3",
	"node":       "github.com/goractor/goractor/node",
	"host":       "github.com/goractor/goractor/host",
	"context":    "context",
	"errors":     "errors",
	"fmt":        "fmt",
	"io":         "io",
	"log":        "log",
	"os":         "os",
	"reflect":    "reflect",
	"runtime":    "runtime",
	"slog":       "log/slog",
	"strings":    "strings",
	"sync":       "sync",
	"testing":    "testing",
	"time":       "time",
	"unsafe":     "unsafe",
	"zap":        "go.uber.org/zap",
	"proto":      "google.golang.org/protobuf/proto",
}

// prelude declares the free names the guides use. Each line declares one
// name (the first word after var/type/const/func).
var prelude = []string{
	"var ctx *actor.Context",
	"var bg context.Context",
	"var lib *ffi.Library",
	"var pool *ffi.Pool",
	"var t *testing.T",
	"var err error",
}

type snippet struct {
	file  string // path relative to the repository root
	line  int    // line of the first line of code
	extra string // declarations from a snippet: comment
	code  string
}

var directive = regexp.MustCompile(`^<!--\s*snippet:(.*)-->\s*$`)

// extract returns the go blocks of one markdown file.
func extract(t *testing.T, root, rel string) []snippet {
	data, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	var out []snippet
	for i := 0; i < len(lines); i++ {
		fence := strings.TrimSpace(lines[i])
		if !strings.HasPrefix(fence, "```") {
			continue
		}
		lang := strings.TrimSpace(strings.TrimPrefix(fence, "```"))
		start := i + 1
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
		}
		if i == len(lines) {
			t.Errorf("%s:%d: unclosed fence", rel, start)
			break
		}
		if lang != "go" {
			continue
		}
		s := snippet{file: rel, line: start + 1, code: strings.Join(lines[start:i], "\n")}
		if start >= 2 {
			if m := directive.FindStringSubmatch(strings.TrimSpace(lines[start-2])); m != nil {
				s.extra = strings.TrimSpace(m[1])
			}
		}
		out = append(out, s)
	}
	return out
}

// source builds the Go file for s.
func (s snippet) source() (string, error) {
	code := s.code
	at := fmt.Sprintf("//line %s:%d\n", s.file, s.line)
	fset := token.NewFileSet()
	if _, err := parser.ParseFile(fset, "", code, parser.PackageClauseOnly); err == nil {
		return at + code, nil
	}
	var body string
	if f, err := parser.ParseFile(fset, "", "package p\n"+code, 0); err == nil {
		// Declarations: leave out the prelude names the snippet declares.
		declared := map[string]bool{}
		for name := range f.Scope.Objects {
			declared[name] = true
		}
		body = header(declared, s.extra) + at + code + "\n"
	} else if _, err2 := parser.ParseFile(fset, "", "package p\nfunc _() {\n"+code+"\n}", 0); err2 == nil {
		body = header(nil, s.extra) + "func _() {\n" + at + code + "\n}\n"
	} else {
		return "", fmt.Errorf("%s:%d: neither declarations nor statements: %v", s.file, s.line, err2)
	}
	// Imports for the qualifiers used and not declared.
	f, err := parser.ParseFile(fset, "", "package p\n"+body, 0)
	if err != nil {
		return "", fmt.Errorf("%s:%d: %v", s.file, s.line, err)
	}
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && f.Scope.Lookup(id.Name) == nil {
				used[id.Name] = true
			}
		}
		return true
	})
	var names []string
	for name := range used {
		if imports[name] != "" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("package snippet\n\nimport (\n")
	for _, name := range names {
		fmt.Fprintf(&b, "\t%s %q\n", name, imports[name])
	}
	b.WriteString(")\n\n")
	b.WriteString(body)
	return b.String(), nil
}

// header is the prelude without the names in declared, then extra.
func header(declared map[string]bool, extra string) string {
	var b strings.Builder
	for _, d := range prelude {
		if name := strings.Fields(d)[1]; !declared[name] {
			b.WriteString(d + "\n")
		}
	}
	if extra != "" {
		b.WriteString(extra + "\n")
	}
	return b.String()
}

// exports returns the export data file of every package the snippets may
// import, from one go list run.
func exports(t *testing.T, root string) map[string]string {
	var paths []string
	for _, p := range imports {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	cmd := exec.Command("go", append([]string{"list", "-export", "-deps", "-json=ImportPath,Export"}, paths...)...)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	m := map[string]string{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p struct{ ImportPath, Export string }
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		m[p.ImportPath] = p.Export
	}
	return m
}

// newImporter returns an importer reading the export data of the packages in
// the imports table and their dependencies.
func newImporter(t *testing.T, root string) (*token.FileSet, types.Importer) {
	exp := exports(t, root)
	fset := token.NewFileSet()
	return fset, importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		f, ok := exp[path]
		if !ok || f == "" {
			return nil, fmt.Errorf("no export data for %q (add it to the imports table)", path)
		}
		return os.Open(f)
	})
}

// markdown lists README.md and every .md file in docs/.
func markdown(t *testing.T, root string) []string {
	files := []string{"README.md"}
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		files = append(files, filepath.Join("docs", filepath.Base(d)))
	}
	return files
}

// soft reports the errors the convention allows: unused variables and
// imports.
func soft(err error) bool {
	te, ok := err.(types.Error)
	return ok && te.Soft && (strings.Contains(te.Msg, "declared and not used") || strings.Contains(te.Msg, "imported and not used"))
}

func TestSnippetsCompile(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	var all []snippet
	for _, md := range markdown(t, root) {
		all = append(all, extract(t, root, md)...)
	}
	if len(all) == 0 {
		t.Fatal("no go snippets found")
	}
	fset, imp := newImporter(t, root)
	for _, s := range all {
		src, err := s.source()
		if err != nil {
			t.Error(err)
			continue
		}
		if errs := check(fset, imp, s, src); len(errs) > 0 {
			t.Errorf("%s:%d: snippet does not compile:\n\t%s", s.file, s.line, strings.Join(errs, "\n\t"))
		}
	}
	t.Logf("checked %d snippets", len(all))
}

// check type-checks src and returns its errors but the allowed ones.
func check(fset *token.FileSet, imp types.Importer, s snippet, src string) []string {
	f, err := parser.ParseFile(fset, "snippet.go", src, parser.ParseComments)
	if err != nil {
		return []string{err.Error()}
	}
	var errs []string
	conf := types.Config{Importer: imp, Error: func(err error) {
		if !soft(err) {
			errs = append(errs, err.Error())
		}
	}}
	_, _ = conf.Check("snippet", fset, []*ast.File{f}, nil)
	return errs
}

// TestSnippetCheckerFails: the checker reports a snippet that does not
// compile, with its file and line, and accepts one that does.
func TestSnippetCheckerFails(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	fset, imp := newImporter(t, root)
	for _, tc := range []struct {
		code string
		ok   bool
	}{
		{"v, err := ctx.Self().Value(ctx)", true},
		{"v, err := ctx.Self().Value(ctx.NoSuchMethod())", false},
		{"x := 1 +", false},
		{"type T struct{ X int }\n\nfunc (T) M() string { return fmt.Sprint(1) }", true},
		{"func f() int { return \"s\" }", false},
		{"r.Rand()", false},
	} {
		s := snippet{file: "docs/x.md", line: 7, code: tc.code}
		src, err := s.source()
		var errs []string
		if err != nil {
			errs = []string{err.Error()}
		} else {
			errs = check(fset, imp, s, src)
		}
		if got := len(errs) == 0; got != tc.ok {
			t.Errorf("snippet %q: errors %q; want ok=%v", tc.code, errs, tc.ok)
		}
		if !tc.ok && len(errs) > 0 && !strings.Contains(errs[0], "docs/x.md:") {
			t.Errorf("snippet %q: error %q does not name its markdown file", tc.code, errs[0])
		}
	}
	s := snippet{file: "docs/x.md", line: 3, code: "r.Rand()", extra: "var r interface{ Rand() int }"}
	src, err := s.source()
	if err != nil {
		t.Fatal(err)
	}
	if errs := check(fset, imp, s, src); len(errs) > 0 {
		t.Errorf("snippet with a directive: %q", errs)
	}
}

var (
	mdLink     = regexp.MustCompile(`\]\(([^)\s]+)\)`)
	inlineCode = regexp.MustCompile("`[^`]*`")
)

// TestDocsLinksStayInRepository: every link in docs/*.md is relative and
// names a file or directory of this repository.
func TestDocsLinksStayInRepository(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		data, err := os.ReadFile(d)
		if err != nil {
			t.Fatal(err)
		}
		inFence := false
		for i, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "```") {
				inFence = !inFence
			}
			if inFence {
				continue
			}
			line = inlineCode.ReplaceAllString(line, "")
			for _, m := range mdLink.FindAllStringSubmatch(line, -1) {
				target, _, _ := strings.Cut(m[1], "#")
				if target == "" {
					continue // an anchor in the same page
				}
				where := fmt.Sprintf("docs/%s:%d: link %q", filepath.Base(d), i+1, m[1])
				if strings.Contains(target, "://") || strings.HasPrefix(target, "/") {
					t.Errorf("%s leaves the repository", where)
					continue
				}
				abs := filepath.Join(filepath.Dir(d), target)
				if rel, err := filepath.Rel(root, abs); err != nil || strings.HasPrefix(rel, "..") {
					t.Errorf("%s leaves the repository", where)
				} else if _, err := os.Stat(abs); err != nil {
					t.Errorf("%s names no file: %v", where, err)
				}
			}
		}
	}
}
