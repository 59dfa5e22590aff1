package zlib

import (
	"errors"
	"fmt"

	"github.com/goractor/goractor/extension"
)

// Name is the extension's registered name.
const Name = "zlib"

// Declaration is what this package registers.
var Declaration = extension.Declaration{
	Name:      Name,
	Libraries: []string{"libz.so.1", "libz.so"},
	Safety:    extension.ParallelSafe,
}

func init() { extension.MustRegister(Declaration) }

// zlib's return codes.
const (
	zOK       = 0
	zMemError = -4
	zBufError = -5
	zDataErr  = -3
)

// Sentinels wrapped by *Error.
var (
	ErrData = errors.New("zlib: corrupt or incomplete data")
	ErrBuf  = errors.New("zlib: output buffer too small")
	ErrMem  = errors.New("zlib: out of memory")
)

// Error is a zlib return code other than Z_OK.
type Error struct {
	Op   string // "compress2" or "uncompress"
	Code int32  // zlib's return code
}

// Error returns the error's message.
func (e *Error) Error() string { return fmt.Sprintf("zlib: %s: code %d", e.Op, e.Code) }

// Unwrap returns the sentinel for the code, if any.
func (e *Error) Unwrap() error {
	switch e.Code {
	case zDataErr:
		return ErrData
	case zBufError:
		return ErrBuf
	case zMemError:
		return ErrMem
	}
	return nil
}

// Lib is zlib, loaded. The exported fields are the bound C functions, for
// callers who manage buffers themselves.
type Lib struct {
	// CompressBound is compressBound(sourceLen).
	CompressBound func(uint64) uint64
	// Compress2 is compress2(dest, &destLen, source, sourceLen, level).
	Compress2 func(dst []byte, dstLen *uint64, src []byte, srcLen uint64, level int32) int32
	// UncompressC is uncompress(dest, &destLen, source, sourceLen).
	UncompressC func(dst []byte, dstLen *uint64, src []byte, srcLen uint64) int32
	// Crc32 is crc32(crc, buf, len).
	Crc32 func(crc uint64, buf []byte, n uint32) uint64
	// Version is zlibVersion().
	Version func() string

	x *extension.Extension
}

// Open loads zlib through the extension registry (opts as for
// extension.Load).
func Open(opts ...extension.LoadOption) (*Lib, error) {
	x, err := extension.Load(Name, opts...)
	if err != nil {
		return nil, err
	}
	l := &Lib{x: x}
	if err := x.BindOrClose(map[string]any{
		"compressBound": &l.CompressBound, "compress2": &l.Compress2, "uncompress": &l.UncompressC,
		"crc32": &l.Crc32, "zlibVersion": &l.Version,
	}); err != nil {
		return nil, err
	}
	return l, nil
}

// Extension returns the underlying extension.
func (l *Lib) Extension() *extension.Extension { return l.x }

// Close releases the library.
func (l *Lib) Close() error { return l.x.Close() }

// Compress returns src compressed at the default level.
func (l *Lib) Compress(src []byte) ([]byte, error) {
	n := l.CompressBound(uint64(len(src)))
	dst := make([]byte, n)
	if code := l.Compress2(dst, &n, src, uint64(len(src)), -1); code != zOK {
		return nil, &Error{Op: "compress2", Code: code}
	}
	return dst[:n], nil
}

// Uncompress returns the data compressed in src. sizeHint is the expected
// size (0 when unknown); the buffer grows until the data fits.
func (l *Lib) Uncompress(src []byte, sizeHint int) ([]byte, error) {
	size := max(sizeHint, 4*len(src), 64)
	// zlib cannot expand data more than about 1032:1, so a buffer larger
	// than that which is still "too small" means truncated input.
	limit := max(1032*len(src)+64, sizeHint)
	for {
		dst := make([]byte, size)
		n := uint64(size)
		code := l.UncompressC(dst, &n, src, uint64(len(src)))
		switch {
		case code == zOK:
			return dst[:n], nil
		case code == zBufError && size < limit:
			size = min(size*4, limit) // Z_BUF_ERROR: too small (or truncated input), grow
		default:
			return nil, &Error{Op: "uncompress", Code: code}
		}
	}
}
