package conformance

import (
	"github.com/goractor/goractor/extension"
)

// FromManifest returns the subject a parsed manifest describes (what
// `goractor check` runs): the manifest's declaration, and its functions with
// their inputs, result layouts and sequences.
func FromManifest(m *extension.Manifest) Subject {
	d := m.Declaration()
	s := Subject{Declaration: &d}
	for i := range m.Functions {
		mf := &m.Functions[i]
		f := Function{Name: mf.Name, Signature: mf.Signature, Library: mf.Library, Result: layoutOf(mf.Result)}
		for _, st := range mf.Steps {
			f.Steps = append(f.Steps, Step{Name: st.Name, Signature: st.Signature, Library: st.Library, Result: layoutOf(st.Result)})
		}
		for _, in := range mf.Args() {
			if len(mf.Steps) == 0 {
				f.Inputs = append(f.Inputs, argsOf(in))
				continue
			}
			steps := make([]any, len(in))
			for k, a := range in {
				steps[k] = argsOf(a.([]any))
			}
			f.Inputs = append(f.Inputs, steps)
		}
		s.Functions = append(s.Functions, f)
	}
	return s
}

func layoutOf(l *extension.ManifestLayout) *Layout {
	if l == nil {
		return nil
	}
	out := &Layout{Size: l.Bytes}
	for _, f := range l.Struct {
		out.Fields = append(out.Fields, Field{Name: f.Name, Type: f.Type})
	}
	return out
}

// argsOf turns a manifest's pointer forms into the suite's argument values.
func argsOf(in []any) []any {
	out := make([]any, len(in))
	for i, a := range in {
		p, ok := a.(*extension.ManifestPointer)
		if !ok {
			out[i] = a
			continue
		}
		switch p.Kind {
		case "buffer":
			out[i] = Buffer(p.Size)
		case "out":
			out[i] = Out(*layoutOf(p.Layout))
		case "value":
			out[i] = PtrTo{Value: p.Value}
		case "result":
			out[i] = StepResult(p.Step)
		case "arg":
			out[i] = StepArg{Step: p.Step, Arg: p.Arg}
		}
	}
	return out
}
