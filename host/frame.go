package host

import (
	"fmt"

	"github.com/fxamacker/cbor/v2"

	"github.com/goractor/goractor/node"
)

// A call crosses to its host, and its answer back, as a callFrame: the
// CBOR encoding (github.com/fxamacker/cbor, node's codec library) of a
// callMsg (as an array) or of the replyMsg that answers it. Node's codec and
// boundary walk see one byte string instead of a struct with an []any, which
// they have nothing to refuse in anyway: a call's values are booleans,
// numbers, strings and []byte by construction (codeOf, at Bind).
// BenchmarkHostCall measures the difference: a struct message shaped like a
// call costs node far more than an int, and a byte string what an int does.
type callFrame []byte

func init() { node.RegisterType[callFrame]("goractor.host.frame") }

var (
	frameEnc = must(cbor.EncOptions{}.EncMode())
	// In an []any, CBOR integers decode to int64 or uint64, floats to
	// float64, byte strings to []byte; toValue converts. A string is C's
	// bytes: it need not be UTF-8.
	frameDec = must(cbor.DecOptions{UTF8: cbor.UTF8DecodeInvalid}.DecMode())
)

// must returns v, or panics with err (at init: fixed options).
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// callFrameOf encodes a call.
func callFrameOf(m *callMsg) (callFrame, error) {
	b, err := frameEnc.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("host: encode call of %s: %w", m.Symbol, err)
	}
	return b, nil
}

// call decodes a call.
func (f callFrame) call() (callMsg, error) {
	var m callMsg
	if err := frameDec.Unmarshal(f, &m); err != nil {
		return m, fmt.Errorf("host: decode call: %w", err)
	}
	return m, nil
}

// replyFrame encodes the answer to a call. The results are the basic
// values a bound function returns, which always encode; should one not,
// the answer is that error.
func replyFrame(r replyMsg) callFrame {
	b, err := frameEnc.Marshal(&r)
	if err != nil {
		b, _ = frameEnc.Marshal(&replyMsg{Err: node.ErrorOf(fmt.Errorf("host: encode answer: %w", err))})
	}
	return b
}

// reply decodes the answer to a call.
func (f callFrame) reply() (replyMsg, error) {
	var r replyMsg
	if err := frameDec.Unmarshal(f, &r); err != nil {
		return r, fmt.Errorf("host: decode answer: %w", err)
	}
	return r, nil
}
