// Package nodegate lets package node run its node-boundary rules on package
// shareable's walker, the walker of the local send gate, without shareable
// importing node, actor or the codec. Package shareable sets Install and
// Check when it is initialized; node imports shareable, so shareable's init
// has run before node's init calls Install.
package nodegate

import "reflect"

// Rules is what only package node knows about a value crossing a node.
type Rules struct {
	// Refuse returns why no value of the static type t may cross a node
	// (actor.Ref, actor.Port, shareable.Frozen inside a value), or "".
	// It depends only on t: the verdict is cached with the type.
	Refuse func(t reflect.Type) string
	// Whole reports whether values of t are encoded whole by their own
	// marshaler (cbor.Marshaler, encoding.BinaryMarshaler): the walk does
	// not enter them. It depends only on t.
	Whole func(t reflect.Type) bool
	// Dynamic returns why a value whose dynamic type is t, held in an
	// interface, cannot cross a node (its type is not registered, or it is
	// a shareable.Frozen), or "". It is asked on every walk: registrations
	// may be added after a type's verdict was cached.
	Dynamic func(t reflect.Type) string
}

var (
	// Install makes r the node-boundary rules. Package node calls it once,
	// from its init. Set by package shareable.
	Install func(r Rules)
	// Check reports whether v may cross a node under the installed rules: nil,
	// or a *shareable.IsolationError naming the first part that cannot. Set
	// by package shareable.
	Check func(v any) error
)
