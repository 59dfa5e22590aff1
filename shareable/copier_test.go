package shareable_test

import (
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/goractor/goractor/shareable"
)

var (
	protoOnce      sync.Once
	protoRefusedAs error // what Pass said about a message before the copier was registered
)

// TestRegisterCopier_Protobuf: the generic walk refuses a protobuf message
// (it reaches protoimpl's internal state); with proto.Clone registered for
// every proto.Message, a send carries an independent, equal message.
func TestRegisterCopier_Protobuf(t *testing.T) {
	msg, err := structpb.NewStruct(map[string]any{"name": "svc", "ports": []any{80.0, 443.0}})
	if err != nil {
		t.Fatal(err)
	}
	_ = proto.Size(msg)   // a message the proto API has used holds its runtime type info
	protoOnce.Do(func() { // the registry is process-wide: once per test binary
		_, protoRefusedAs = shareable.Pass(msg)
		shareable.RegisterCopierFunc(func(m proto.Message) (proto.Message, error) { return proto.Clone(m), nil })
	})
	if !errors.Is(protoRefusedAs, shareable.ErrNotShareable) {
		t.Fatalf("Pass(proto message) before RegisterCopier = %v; want a refusal", protoRefusedAs)
	}
	got, err := shareable.Pass(msg)
	if err != nil {
		t.Fatalf("Pass(proto message) = %v", err)
	}
	c := got.(*structpb.Struct)
	if c == msg || !proto.Equal(c, msg) {
		t.Fatalf("Pass gave %v (same pointer %v); want an equal, distinct message", c, c == msg)
	}
	c.Fields["name"] = structpb.NewStringValue("changed")
	if msg.Fields["name"].GetStringValue() != "svc" {
		t.Errorf("changing the copy changed the original")
	}
	// Inside other data, two references to one message get one copy.
	type envelope struct {
		A, B *structpb.Struct
		Tag  string
	}
	e, err := shareable.Copy(envelope{msg, msg, "t"})
	if err != nil {
		t.Fatal(err)
	}
	if e.A == msg || e.A != e.B || !proto.Equal(e.A, msg) {
		t.Errorf("copy of an envelope: A=%p B=%p original %p; want one new equal message", e.A, e.B, msg)
	}
	// Check still reports the message as mutable; Move hands it over.
	if err := shareable.Check(msg); err == nil || !strings.Contains(err.Error(), "registered copier") {
		t.Errorf("Check(proto message) = %v; want mutable, with a copier", err)
	}
	m := msg
	if moved, err := shareable.Move(&m); err != nil || moved != msg || m != nil {
		t.Errorf("Move(proto message) = %p, %v (variable now %p)", moved, err, m)
	}
}

// copierSeq makes a fresh type per run, so -count=2 starts unregistered.
var copierSeq struct {
	sync.Mutex
	n int
}

func freshType(t *testing.T) reflect.Type {
	copierSeq.Lock()
	defer copierSeq.Unlock()
	copierSeq.n++
	name := "F" + strings.Repeat("x", copierSeq.n)
	return reflect.PointerTo(reflect.StructOf([]reflect.StructField{{Name: name, Type: reflect.TypeFor[[]int]()}}))
}

// TestRegisterCopier_Rules: a copier replaces the walk for its type, its
// error and a result of the wrong type refuse the copy, nil values need no
// copier, and a nil type or func panics.
func TestRegisterCopier_Rules(t *testing.T) {
	typ := freshType(t)
	v := reflect.New(typ.Elem())
	v.Elem().Field(0).Set(reflect.ValueOf([]int{1, 2}))
	calls := 0
	mode := "ok"
	shareable.RegisterCopier(typ, func(x any) (any, error) {
		calls++
		switch mode {
		case "fail":
			return nil, errors.New("no copy today")
		case "wrong":
			return 42, nil
		}
		n := reflect.New(typ.Elem())
		n.Elem().Field(0).Set(reflect.ValueOf([]int{-1}))
		return n.Interface(), nil
	})
	out, err := shareable.CopyAny(v.Interface())
	if err != nil || calls != 1 {
		t.Fatalf("CopyAny = %v, %v after %d calls; want the copier's value after 1", out, err, calls)
	}
	if got := reflect.ValueOf(out).Elem().Field(0).Interface().([]int); len(got) != 1 || got[0] != -1 {
		t.Errorf("CopyAny gave %v; want the copier's result [-1]", got)
	}
	if _, err := shareable.CopyAny(reflect.Zero(typ).Interface()); err != nil || calls != 1 {
		t.Errorf("CopyAny(nil pointer) = %v after %d calls; want nil without a call", err, calls)
	}
	mode = "fail"
	_, err = shareable.Pass([]any{1, v.Interface()})
	var ie *shareable.IsolationError
	if !errors.As(err, &ie) || !strings.Contains(ie.Reason, "no copy today") || ie.Type != typ {
		t.Errorf("Pass with a failing copier = %v; want an *IsolationError with the copier's error", err)
	}
	mode = "wrong"
	if _, err := shareable.CopyAny(v.Interface()); err == nil || !strings.Contains(err.Error(), "copier returned int") {
		t.Errorf("CopyAny with a copier of the wrong type = %v", err)
	}
	for name, f := range map[string]func(){
		"nil type": func() { shareable.RegisterCopier(nil, func(any) (any, error) { return nil, nil }) },
		"nil func": func() { shareable.RegisterCopier(typ, nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("RegisterCopier with a %s did not panic", name)
				}
			}()
			f()
		}()
	}
}
