package ffi

import (
	"fmt"
	"reflect"
)

// Binding is one symbol to bind in BindAll or Load.
type Binding struct {
	Symbol string
	// Target receives the function: a pointer to a func variable (bound like
	// Bind), or a **Func, in which case Signature must be set.
	Target    any
	Signature string // Go syntax, for a **Func target
	Options   []BindOption
}

// BindAll binds every binding or none: all symbols are looked up and all
// signatures validated before any target is written, and the first failure
// is returned (a *LoadError or *SignatureError).
func (l *Library) BindAll(bs ...Binding) error {
	type pending struct {
		f  *Func
		fv reflect.Value
		fp **Func
	}
	ps := make([]pending, 0, len(bs))
	for _, b := range bs {
		var sig *Signature
		var err error
		var p pending
		switch t := b.Target.(type) {
		case **Func:
			if t == nil {
				panic("ffi: BindAll: nil **Func target for " + b.Symbol)
			}
			p.fp = t
			sig, err = ParseSignature(b.Signature)
		default:
			p.fv = checkFptr(b.Target)
			sig, err = SignatureOf(p.fv.Type())
		}
		if err != nil {
			return fmt.Errorf("ffi: bind %q: %w", b.Symbol, err)
		}
		p.f, err = l.Func(b.Symbol, sig, b.Options...)
		if err != nil {
			return err
		}
		ps = append(ps, p)
	}
	for _, p := range ps {
		if p.fp != nil {
			*p.fp = p.f
		} else {
			p.f.setFunc(p.fv)
		}
	}
	return nil
}
