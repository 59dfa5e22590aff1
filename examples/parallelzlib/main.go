package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/extension/zlib"
)

const blockSize = 256 << 10

func main() {
	var input string
	if len(os.Args) > 1 {
		b, err := os.ReadFile(os.Args[1])
		if err != nil {
			fmt.Fprintln(os.Stderr, "parallelzlib:", err)
			os.Exit(1)
		}
		input = string(b)
	}
	if err := run(os.Stdout, input, min(max(2, runtime.NumCPU()), 8)); err != nil {
		fmt.Fprintln(os.Stderr, "parallelzlib:", err)
		os.Exit(1)
	}
}

// block is a unit of work: shareable (an int and a string).
type block struct {
	Index int
	Data  string
}

// result is a compressed block, moved back to the main actor.
type result struct {
	Index  int
	Tid    int
	Packed []byte
}

// run compresses input (generated text when empty) with 1 and with workers
// actors and writes the comparison to w.
func run(w io.Writer, input string, workers int) error {
	if input == "" {
		input = text(16 << 20)
	}
	var blocks []string
	for off := 0; off < len(input); off += blockSize {
		blocks = append(blocks, input[off:min(off+blockSize, len(input))])
	}
	return actor.Run(func(ctx *actor.Context) error {
		fmt.Fprintf(w, "%d bytes in %d blocks of %d KiB; main actor on thread %d\n", len(input), len(blocks), blockSize>>10, ctx.ThreadID())
		packed1, t1, _, err := compress(ctx, blocks, 1)
		if err != nil {
			return err
		}
		packedN, tn, tids, err := compress(ctx, blocks, workers)
		if err != nil {
			return err
		}
		for i := range packedN {
			if string(packedN[i]) != string(packed1[i]) {
				return fmt.Errorf("block %d compressed differently by 1 and %d actors", i, workers)
			}
		}
		if err := verify(blocks, packedN); err != nil {
			return err
		}
		size := 0
		for _, p := range packedN {
			size += len(p)
		}
		fmt.Fprintf(w, "1 actor : %v\n", t1.Round(time.Millisecond))
		fmt.Fprintf(w, "%d actors: %v on threads %v\n", workers, tn.Round(time.Millisecond), tids)
		fmt.Fprintf(w, "speedup %.2fx; %d -> %d bytes (%.1f:1), verified by uncompressing\n",
			t1.Seconds()/tn.Seconds(), len(input), size, float64(len(input))/float64(size))
		return nil
	})
}

// compress runs n worker actors over blocks and returns the compressed
// blocks in order, the wall time, and the workers' thread ids.
func compress(ctx *actor.Context, blocks []string, n int) ([][]byte, time.Duration, []int, error) {
	results := ctx.NewPort()
	workers := make([]*actor.Ref, n)
	for i := range workers {
		ref, err := ctx.Spawn(worker, actor.WithName(fmt.Sprintf("zlib-%d", i)), actor.WithArgs(results))
		if err != nil {
			return nil, 0, nil, err
		}
		workers[i] = ref
	}
	start := time.Now()
	for i, b := range blocks {
		if err := workers[i%n].Send(block{Index: i, Data: b}); err != nil {
			return nil, 0, nil, err
		}
	}
	out := make([][]byte, len(blocks))
	for range blocks {
		wctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		v, err := results.Receive(wctx)
		cancel()
		if err != nil {
			return nil, 0, nil, err
		}
		r := v.(result)
		out[r.Index] = r.Packed
	}
	elapsed := time.Since(start)
	seen := map[int]bool{ctx.ThreadID(): true}
	var tids []int
	for _, ref := range workers {
		if err := ref.Send("done"); err != nil {
			return nil, 0, nil, err
		}
		if err := ref.Join(context.Background()); err != nil {
			return nil, 0, nil, err
		}
		tid := ref.ThreadID()
		if seen[tid] {
			return nil, 0, nil, fmt.Errorf("actor %s shares thread %d", ref.Name(), tid)
		}
		seen[tid] = true
		tids = append(tids, tid)
	}
	return out, elapsed, tids, nil
}

// worker compresses the blocks it receives until it gets "done".
func worker(cx *actor.Context) (any, error) {
	results := cx.Args()[0].(*actor.Port)
	z, err := zlib.Open() // each actor opens the extension on its own thread
	if err != nil {
		return nil, err
	}
	defer z.Close()
	for {
		msg, err := cx.Receive()
		if err != nil {
			return nil, err
		}
		b, ok := msg.(block)
		if !ok {
			return nil, nil // "done"
		}
		packed, err := z.Compress([]byte(b.Data))
		if err != nil {
			return nil, err
		}
		res := result{Index: b.Index, Tid: cx.ThreadID(), Packed: packed}
		if err := results.SendMove(&res); err != nil { // no copy; res is zeroed
			return nil, err
		}
	}
}

func verify(blocks []string, packed [][]byte) error {
	z, err := zlib.Open()
	if err != nil {
		return err
	}
	defer z.Close()
	for i, p := range packed {
		back, err := z.Uncompress(p, len(blocks[i]))
		if err != nil {
			return fmt.Errorf("block %d: %w", i, err)
		}
		if string(back) != blocks[i] {
			return errors.New("uncompressed data differs from the input")
		}
	}
	return nil
}

// text returns size bytes of deterministic, compressible text.
func text(size int) string {
	words := strings.Fields("the actor owns its thread and the gate checks every value that crosses " +
		"between actors while native code runs in parallel on real libraries")
	var b strings.Builder
	b.Grow(size + 16)
	x := uint32(88172645)
	for b.Len() < size {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b.WriteString(words[x%uint32(len(words))])
		if x%13 == 0 {
			b.WriteString(".\n")
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String()[:size]
}
