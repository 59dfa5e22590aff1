package extension

import (
	"errors"
	"testing"
)

func validDecl(name string) Declaration {
	return Declaration{Name: name, Libraries: []string{"libfoo.so.1"}}
}

func TestRegisterErrors(t *testing.T) {
	tests := []struct {
		name string
		decl Declaration
		want error
	}{
		{"empty name", Declaration{Libraries: []string{"x"}}, ErrInvalidDeclaration},
		{"blank name", Declaration{Name: "  ", Libraries: []string{"x"}}, ErrInvalidDeclaration},
		{"bad char", Declaration{Name: "lib foo", Libraries: []string{"x"}}, ErrInvalidDeclaration},
		{"no library", Declaration{Name: "foo"}, ErrInvalidDeclaration},
		{"empty library", Declaration{Name: "foo", Libraries: []string{""}}, ErrInvalidDeclaration},
		{"bad safety", Declaration{Name: "foo", Libraries: []string{"x"}, Safety: 7}, ErrInvalidDeclaration},
		{"bad policy", Declaration{Name: "foo", Libraries: []string{"x"}, Policy: -1}, ErrInvalidDeclaration},
		{"bad affinity", Declaration{Name: "foo", Libraries: []string{"x"}, Affinity: 9}, ErrInvalidDeclaration},
		{"bad override", Declaration{Name: "foo", Libraries: []string{"x"}, Functions: map[string]Safety{"f": 5}}, ErrInvalidDeclaration},
		{"empty override", Declaration{Name: "foo", Libraries: []string{"x"}, Functions: map[string]Safety{"": ParallelSafe}}, ErrInvalidDeclaration},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRegistry()
			err := r.Register(tt.decl)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Register(%+v) = %v; want an error wrapping %v", tt.decl, err, tt.want)
			}
			var de *DeclarationError
			if !errors.As(err, &de) {
				t.Fatalf("Register error %T is not a *DeclarationError", err)
			}
			if got := r.Names(); len(got) != 0 {
				t.Errorf("Names() after a failed Register = %v; want none", got)
			}
		})
	}
}

func TestRegisterDuplicateAndNormalise(t *testing.T) {
	r := NewRegistry()
	if err := r.Register(validDecl("LibFoo")); err != nil {
		t.Fatal(err)
	}
	err := r.Register(validDecl("libfoo"))
	if !errors.Is(err, ErrDuplicate) {
		t.Fatalf("second Register = %v; want ErrDuplicate", err)
	}
	if got, want := err.Error(), `extension: declaration "libfoo": name already registered`; got != want {
		t.Errorf("error text = %q; want %q", got, want)
	}
	d, err := r.Lookup("LIBFOO")
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != "libfoo" {
		t.Errorf("Lookup(LIBFOO).Name = %q; want libfoo", d.Name)
	}
	if _, err := r.Lookup("nope"); !errors.Is(err, ErrNotRegistered) {
		t.Errorf("Lookup(nope) = %v; want ErrNotRegistered", err)
	}
}

// The registry keeps a private copy: mutating the caller's declaration (or a
// looked-up copy) afterwards cannot grant parallelism (B4: a late
// declaration has no effect).
func TestRegisterCopies(t *testing.T) {
	r := NewRegistry()
	d := Declaration{Name: "foo", Libraries: []string{"x"}, Functions: map[string]Safety{"f": NotParallelSafe}}
	r.MustRegister(d)
	d.Safety = ParallelSafe
	d.Functions["f"] = ParallelSafe
	d.Libraries[0] = "y"
	got, _ := r.Lookup("foo")
	if got.Safety != Undeclared || got.Functions["f"] != NotParallelSafe || got.Libraries[0] != "x" {
		t.Errorf("registered declaration changed with the caller's copy: %+v", got)
	}
	got.Functions["f"] = ParallelSafe
	again, _ := r.Lookup("foo")
	if again.Functions["f"] != NotParallelSafe {
		t.Errorf("Lookup returned the registry's own map")
	}
}

func TestMustRegisterPanics(t *testing.T) {
	r := NewRegistry()
	r.MustRegister(validDecl("a"))
	defer func() {
		if recover() == nil {
			t.Error("MustRegister of a duplicate did not panic")
		}
	}()
	r.MustRegister(validDecl("a"))
}

func TestSwapDefault(t *testing.T) {
	orig := Default()
	r := NewRegistry()
	restore := SwapDefault(r)
	if err := Register(validDecl("swapped")); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Lookup("swapped"); err != nil {
		t.Errorf("package-level Register did not use the swapped registry: %v", err)
	}
	restore()
	if Default() != orig {
		t.Error("restore did not put the original registry back")
	}
	if _, err := Lookup("swapped"); !errors.Is(err, ErrNotRegistered) {
		t.Errorf("original registry sees the swapped registration: %v", err)
	}
}

func TestSafetyOf(t *testing.T) {
	d := Declaration{Name: "libc", Libraries: []string{"x"}, Safety: ParallelSafe,
		Functions: map[string]Safety{"strtok": NotParallelSafe, "strtok_r": ParallelSafe, "odd": Undeclared}}
	for sym, want := range map[string]Safety{"strlen": ParallelSafe, "strtok": NotParallelSafe, "strtok_r": ParallelSafe, "odd": ParallelSafe} {
		if got := d.SafetyOf(sym); got != want {
			t.Errorf("SafetyOf(%q) = %v; want %v", sym, got, want)
		}
	}
	var zero Declaration
	if got := zero.SafetyOf("f"); got != NotParallelSafe {
		t.Errorf("undeclared SafetyOf = %v; want not-parallel-safe (B2: undeclared is unsafe)", got)
	}
}

func TestEnumStrings(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{Undeclared.String(), "undeclared"}, {NotParallelSafe.String(), "not-parallel-safe"},
		{ParallelSafe.String(), "parallel-safe"}, {Safety(9).String(), "Safety(9)"},
		{Raise.String(), "raise"}, {OnMain.String(), "on-main"}, {Serialize.String(), "serialize"},
		{Policy(5).String(), "Policy(5)"},
		{AnyThread.String(), "any-thread"}, {MainThread.String(), "main-thread"},
		{DedicatedThread.String(), "dedicated-thread"}, {Affinity(4).String(), "Affinity(4)"},
		{SignalsReport.String(), "report"}, {SignalsRepair.String(), "repair"}, {SignalsRefuse.String(), "refuse"},
		{RouteDirect.String(), "direct"}, {RouteRefused.String(), "refused"}, {RouteOnMain.String(), "on-main"},
		{RouteSerialized.String(), "serialized"}, {RouteDedicated.String(), "dedicated"},
	} {
		if c.got != c.want {
			t.Errorf("String() = %q; want %q", c.got, c.want)
		}
	}
	if Safety(0) != Undeclared || ParallelSafe == 0 || NotParallelSafe == 0 {
		t.Error("declared safety levels must start at one; zero must be Undeclared")
	}
}

// FuzzExtensionDeclaration: Register never panics, accepts only declarations
// that Validate accepts, and an accepted one never grants parallelism it did
// not state.
func FuzzExtensionDeclaration(f *testing.F) {
	f.Add("libm", "libm.so.6", 2, 0, 0, "cos", 2)
	f.Add("", "", 0, 0, 0, "", 0)
	f.Add("LibC", "libc.so.6", 2, 1, 2, "strtok", 1)
	f.Add("x y", "a", -1, 7, 3, "f", 9)
	f.Fuzz(func(t *testing.T, name, lib string, safety, policy, affinity int, fn string, fnSafety int) {
		d := Declaration{Name: name, Libraries: []string{lib}, Safety: Safety(safety), Policy: Policy(policy),
			Affinity: Affinity(affinity), Functions: map[string]Safety{fn: Safety(fnSafety)}}
		r := NewRegistry()
		err := r.Register(d)
		if (err == nil) != (d.Validate() == nil) {
			t.Fatalf("Register = %v but Validate = %v", err, d.Validate())
		}
		if err != nil {
			return
		}
		got, err := r.Lookup(name)
		if err != nil {
			t.Fatalf("Lookup after Register: %v", err)
		}
		for _, sym := range []string{fn, fn + "_other"} {
			s := got.SafetyOf(sym)
			if s == Undeclared {
				t.Fatalf("SafetyOf(%q) = undeclared; it must resolve to a declared level", sym)
			}
			stated := Safety(safety) == ParallelSafe
			if sym == fn && Safety(fnSafety) != Undeclared {
				stated = Safety(fnSafety) == ParallelSafe
			}
			if s.IsParallelSafe() != stated {
				t.Fatalf("SafetyOf(%q) = %v; declaration stated parallel-safe=%v", sym, s, stated)
			}
		}
	})
}
