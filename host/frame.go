package host

import (
	"fmt"

	"github.com/fxamacker/cbor/v2"

	"github.com/goractor/goractor/node"
)

// A call crosses to its host, and its answer back, as a callFrame: the
// CBOR encoding (github.com/fxamacker/cbor, node's codec library) of a
// callMsg (as an array) or of the replyMsg that answers it. To node it is one
// registered byte-string type, so it pays neither node's type registry nor
// its boundary walk over the call's []any: a call's arguments are
// booleans, numbers, strings and []byte by construction (codeOf, at Bind).
// In BenchmarkHostCall a struct message shaped like a call cost about 45 µs
// more per round trip than an int, on a round trip of about 300 µs; a byte
// string costs what an int does.
type callFrame []byte

func init() { node.RegisterType[callFrame]("goractor.host.frame") }

var (
	frameEnc = mustEnc(cbor.EncOptions{}.EncMode())
	// In an []any, CBOR integers decode to int64 or uint64, floats to
	// float64, byte strings to []byte; toValue converts. A string is C's
	// bytes: it need not be UTF-8.
	frameDec = mustDec(cbor.DecOptions{UTF8: cbor.UTF8DecodeInvalid}.DecMode())
)

func mustEnc(m cbor.EncMode, err error) cbor.EncMode {
	if err != nil {
		panic(err)
	}
	return m
}

func mustDec(m cbor.DecMode, err error) cbor.DecMode {
	if err != nil {
		panic(err)
	}
	return m
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
