package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
	"unsafe"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/extension/libc"
	"github.com/goractor/goractor/extension/zlib"
	"github.com/goractor/goractor/safety"
	"github.com/goractor/goractor/shareable"
)

// ---- 1. the main actor ----

func stepMainThread(ctx *actor.Context, r *report) error {
	tid, pid := ctx.ThreadID(), os.Getpid()
	r.line("actor %q: main actor %v, OS thread %d, process %d", ctx.Name(), ctx.IsMain(), tid, pid)
	if !ctx.IsMain() {
		return errors.New("the function given to actor.Run is not the main actor")
	}
	if !r.onMain {
		r.line("(run was not called from main(): the main actor has a dedicated thread)")
		if tid == pid {
			return fmt.Errorf("main actor on thread %d == pid although run was not called on the main thread", tid)
		}
		return nil
	}
	if tid != pid {
		return fmt.Errorf("main actor on thread %d, want the main thread (tid == pid %d)", tid, pid)
	}
	r.line("tid == pid: native libraries that insist on the main thread can be called here")
	return nil
}

// ---- 2. parallel zlib ----

// zjob is what a compressing actor reports: plain numbers, shareable.
type zjob struct {
	Tid       int
	In, Out   int
	Elapsed   time.Duration
	RoundTrip bool // the first chunk uncompressed back to the original
}

// corpus returns n deterministic, compressible text chunks of size bytes.
func corpus(n, size int) []string {
	words := strings.Fields("actor thread native call callback isolation frozen shareable " +
		"copy move gate extension parallel safe main pool future zlib sqlite message port select")
	var b strings.Builder
	x := uint32(2463534242)
	for b.Len() < size+n*64 {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b.WriteString(words[x%uint32(len(words))])
		if x%11 == 0 {
			b.WriteString(".\n")
		} else {
			b.WriteByte(' ')
		}
	}
	base := b.String()
	out := make([]string, n)
	for i := range out {
		out[i] = base[i*64 : i*64+size] // different, overlapping windows
	}
	return out
}

// compressor is an actor body: it opens zlib on its own thread, waits for
// "go", compresses chunks[i] for every i ≡ k (mod n) and reports.
func compressor(cx *actor.Context) (any, error) {
	chunks := cx.Args()[0].(shareable.List[string])
	k, n := cx.Args()[1].(int), cx.Args()[2].(int)
	z, err := zlib.Open()
	if err != nil {
		return nil, err
	}
	defer z.Close()
	if _, err := cx.Receive(); err != nil { // "go"
		return nil, err
	}
	res := zjob{Tid: cx.ThreadID(), RoundTrip: true}
	start := time.Now()
	for i := k; i < chunks.Len(); i += n {
		src := []byte(chunks.At(i))
		out, err := z.Compress(src)
		if err != nil {
			return nil, err
		}
		res.In += len(src)
		res.Out += len(out)
		if i == k {
			back, err := z.Uncompress(out, len(src))
			if err != nil {
				return nil, err
			}
			res.RoundTrip = string(back) == chunks.At(i)
		}
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// compressWith spawns n compressing actors, starts them together and
// returns their reports and the wall time.
func compressWith(ctx *actor.Context, chunks shareable.List[string], n int) ([]zjob, time.Duration, error) {
	refs := make([]*actor.Ref, n)
	for k := range refs {
		ref, err := ctx.Spawn(compressor, actor.WithName(fmt.Sprintf("zlib-%d", k)), actor.WithArgs(chunks, k, n))
		if err != nil {
			return nil, 0, err
		}
		refs[k] = ref
	}
	start := time.Now()
	for _, ref := range refs {
		if err := ref.Send("go"); err != nil {
			return nil, 0, err
		}
	}
	jobs := make([]zjob, n)
	for k, ref := range refs {
		wctx, cancel := withTimeout()
		v, err := ref.Value(wctx)
		cancel()
		if err != nil {
			return nil, 0, err
		}
		jobs[k] = v.(zjob)
	}
	return jobs, time.Since(start), nil
}

func stepParallelZlib(ctx *actor.Context, r *report) error {
	n := min(max(2, runtime.NumCPU()), 4)
	const chunkSize = 512 << 10
	chunks := shareable.MustList(corpus(8*n, chunkSize)...) // immutable: shared by reference
	one, t1, err := compressWith(ctx, chunks, 1)
	if err != nil {
		return err
	}
	many, tn, err := compressWith(ctx, chunks, n)
	if err != nil {
		return err
	}
	total := chunks.Len() * chunkSize
	r.line("%d chunks, %d MiB of text; zlib %s", chunks.Len(), total>>20, zlibVersion())
	r.line("1 actor : thread %d, %s", one[0].Tid, round(t1))
	tids := map[int]bool{ctx.ThreadID(): true}
	in, out := 0, 0
	for k, j := range many {
		r.line("actor %d : thread %d, %d chunks in %s", k, j.Tid, j.In/chunkSize, round(j.Elapsed))
		if tids[j.Tid] {
			return fmt.Errorf("actor %d runs on thread %d, which another actor (or main) uses", k, j.Tid)
		}
		tids[j.Tid] = true
		if !j.RoundTrip {
			return fmt.Errorf("actor %d: uncompress did not give the original back", k)
		}
		in, out = in+j.In, out+j.Out
	}
	if in != total || one[0].In != total || out != one[0].Out {
		return fmt.Errorf("compressed %d bytes into %d with %d actors, %d into %d with one; want %d in both",
			in, out, n, one[0].In, one[0].Out, total)
	}
	speedup := t1.Seconds() / tn.Seconds()
	r.line("%d actors: %s wall, speedup %.2fx over one actor (ratio %.1f:1)", n, round(tn), speedup, float64(in)/float64(out))
	if speedup < 1.2 {
		r.line("(little speedup: the %d CPUs are busy with something else)", runtime.NumCPU())
	}
	return nil
}

func zlibVersion() string {
	z, err := zlib.Open()
	if err != nil {
		return "?"
	}
	defer z.Close()
	return z.Version()
}

// ---- 3. a rejected send ----

// Item and Order are a message with a func inside: it cannot cross.
type Item struct {
	Name   string
	Notify func(string)
}

// Order holds items.
type Order struct {
	ID    int
	Items []Item
}

// Receipt is plain data: it crosses as a deep copy.
type Receipt struct {
	ID    int
	Lines []string
}

func stepRejectedSend(ctx *actor.Context, r *report) error {
	clerk, err := ctx.Spawn(func(cx *actor.Context) (any, error) {
		msg, err := cx.Receive()
		if err != nil {
			return nil, err
		}
		rc, ok := msg.(Receipt)
		if !ok {
			return nil, fmt.Errorf("first message is %T, want the Receipt that could cross", msg)
		}
		rc.Lines[0] = "changed by the receiver" // its own copy
		return rc.ID, nil
	}, actor.WithName("clerk"))
	if err != nil {
		return err
	}
	bad := Order{ID: 1, Items: []Item{{Name: "tea", Notify: func(string) {}}, {Name: "cake"}}}
	err = clerk.Send(bad) //goractor:ignore the send gate's refusal, shown on purpose
	var ie *shareable.IsolationError
	if !errors.As(err, &ie) {
		return fmt.Errorf("send of an Order holding a func: err = %v, want *shareable.IsolationError", err)
	}
	r.line("send(Order{Items[0].Notify: func}) -> %v", err)
	r.line("IsolationError.Path = %q, part %v", ie.Path, ie.Type)
	if ie.Path != ".Items[0].Notify" {
		return fmt.Errorf("path %q, want .Items[0].Notify", ie.Path)
	}
	good := Receipt{ID: 2, Lines: []string{"tea"}}
	if err := clerk.Send(good); err != nil {
		return err
	}
	wctx, cancel := withTimeout()
	defer cancel()
	id, err := clerk.Value(wctx)
	if err != nil {
		return err
	}
	r.line("nothing was enqueued; the next send, a Receipt (plain data), was deep-copied:")
	r.line("the receiver changed its Lines[0]; the sender's is still %q", good.Lines[0])
	if id != 2 || good.Lines[0] != "tea" {
		return fmt.Errorf("receiver saw receipt %v and the sender's line is %q", id, good.Lines[0])
	}
	return nil
}

// ---- 4. a frozen table ----

// Country is a row of the frozen table.
type Country struct {
	Name    string
	Capital string
	Notes   string
}

func stepFrozenTable(ctx *actor.Context, r *report) error {
	table := map[string]*Country{
		"fr": {"France", "Paris", strings.Repeat("a long description ", 4096)},
		"jp": {"Japan", "Tokyo", strings.Repeat("another description ", 4096)},
	}
	r.line("Check(table)  -> %v", shareable.Check(table))
	frozen, err := shareable.Freeze(table)
	if err != nil {
		return err
	}
	if err := shareable.Check(frozen); err != nil {
		return fmt.Errorf("Check(frozen) = %v, want nil", err)
	}
	r.line("Check(frozen) -> <nil>: sent by reference, like an int")
	// A struct of strings is already shareable: it is a leaf of the frozen
	// table, kept as it was, and As returns it without copying the bytes.
	notes := func(f shareable.Frozen) (string, bool) {
		v, ok := f.Lookup("jp")
		if !ok {
			return "", false
		}
		c, ok := shareable.As[Country](v)
		return c.Notes, ok
	}
	mine, ok := notes(frozen)
	if !ok {
		return errors.New(`frozen table has no ["jp"].Notes`)
	}
	reader, err := ctx.Spawn(func(cx *actor.Context) (any, error) {
		msg, err := cx.Receive()
		if err != nil {
			return nil, err
		}
		s, ok := notes(msg.(shareable.Frozen))
		if !ok {
			return nil, errors.New("received table has no jp")
		}
		return uintptr(unsafe.Pointer(unsafe.StringData(s))), nil // where the bytes live
	}, actor.WithName("reader"))
	if err != nil {
		return err
	}
	if err := reader.Send(frozen); err != nil {
		return err
	}
	wctx, cancel := withTimeout()
	defer cancel()
	v, err := reader.Value(wctx)
	if err != nil {
		return err
	}
	here := uintptr(unsafe.Pointer(unsafe.StringData(mine)))
	r.line(`["jp"].Notes (%d KiB): sender sees bytes at %#x, reader at %#x`, len(mine)>>10, here, v)
	if v.(uintptr) != here {
		return errors.New("the reader got a copy of the frozen table")
	}
	table["jp"].Capital = "Kyoto" // the snapshot does not follow later changes
	jp, _ := frozen.Lookup("jp")
	capital := jp.Value().(Country).Capital
	r.line(`the original changes to %q later; the snapshot still says %q`, table["jp"].Capital, capital)
	if capital != "Tokyo" {
		return fmt.Errorf("frozen capital %q, want Tokyo", capital)
	}
	return nil
}

// ---- 5. an unsafe extension call ----

func stepUnsafeCall(ctx *actor.Context, r *report) error {
	worker, err := ctx.Spawn(func(cx *actor.Context) (any, error) {
		c, err := libc.Open()
		if err != nil {
			return nil, err
		}
		defer c.Close()
		s, err := c.L64a(123456) // static buffer: declared not parallel-safe
		var ue *safety.UnsafeError
		if !errors.As(err, &ue) {
			return nil, fmt.Errorf("l64a in a worker returned %q, %v; want *safety.UnsafeError", s, err)
		}
		if !errors.Is(err, safety.ErrNotParallelSafe) {
			return nil, fmt.Errorf("l64a refusal %v does not wrap safety.ErrNotParallelSafe", err)
		}
		return ue.Error(), nil
	}, actor.WithName("worker"))
	if err != nil {
		return err
	}
	wctx, cancel := withTimeout()
	defer cancel()
	msg, err := worker.Value(wctx)
	if err != nil {
		return err
	}
	r.line("worker: l64a(123456) -> %v", msg)
	c, err := libc.Open()
	if err != nil {
		return err
	}
	defer c.Close()
	s, err := c.L64a(123456)
	if err != nil {
		return fmt.Errorf("l64a on the main actor: %w", err)
	}
	r.line("main  : l64a(123456) -> %q", s)
	if s != ".7S" {
		return fmt.Errorf("l64a(123456) = %q, want .7S", s)
	}
	return nil
}
