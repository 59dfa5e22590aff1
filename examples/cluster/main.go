package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/extension/zlib"
	"github.com/goractor/goractor/node"
)

const blockSize = 256 << 10

// workerEnv makes this program a worker node (it re-executes itself).
const workerEnv = "GORACTOR_CLUSTER_WORKER"

// Block is a unit of work; Packed its compressed form and who made it.
type Block struct {
	Index int
	Data  []byte
}

type Packed struct {
	Index int
	Node  string
	Data  []byte
}

func init() {
	node.RegisterType[Block]("cluster.Block")
	node.RegisterType[Packed]("cluster.Packed")
	// A compressor opens zlib on its own thread when it starts and closes
	// it when it stops.
	node.RegisterHandlerKind("cluster.zlib", func() actor.Handler {
		var z *zlib.Lib
		var where string
		return actor.HandlerFunc(func(hc *actor.HandlerContext, msg any) {
			switch m := msg.(type) {
			case actor.Started:
				var err error
				if z, err = zlib.Open(); err != nil {
					panic(err)
				}
				where = fmt.Sprintf("pid %d", os.Getpid())
			case actor.Stopped:
				if z != nil {
					_ = z.Close()
				}
			case Block:
				out, err := z.Compress(m.Data)
				if err != nil {
					panic(err)
				}
				_ = hc.Respond(Packed{Index: m.Index, Node: where, Data: out})
			}
		})
	})
}

func main() {
	if os.Getenv(workerEnv) != "" {
		os.Exit(workerMain())
	}
	var input []byte
	if len(os.Args) > 1 {
		b, err := os.ReadFile(os.Args[1])
		if err != nil {
			fmt.Fprintln(os.Stderr, "cluster:", err)
			os.Exit(1)
		}
		input = b
	}
	if err := run(os.Stdout, input); err != nil {
		fmt.Fprintln(os.Stderr, "cluster:", err)
		os.Exit(1)
	}
}

// workerMain runs a worker node until its stdin closes (the parent ended).
func workerMain() int {
	err := actor.Run(func(cx *actor.Context) error { return node.ServeChild(cx) })
	if err != nil {
		fmt.Fprintln(os.Stderr, "cluster worker:", err)
		return 1
	}
	return 0
}

// run compresses input (generated text when empty) on three nodes and
// writes the report to out.
func run(out io.Writer, input []byte) error {
	if len(input) == 0 {
		input = text(8 << 20)
	}
	var blocks [][]byte
	for off := 0; off < len(input); off += blockSize {
		blocks = append(blocks, input[off:min(off+blockSize, len(input))])
	}
	// Two workers: this program re-executed on 127.0.0.1. They end when
	// their stdin closes, and die with this process even on kill -9.
	var workers []*worker
	defer func() {
		for _, w := range workers {
			_ = w.stop(20 * time.Second)
		}
	}()
	for range 2 {
		w, err := startWorker(workerEnv+"=1", 30*time.Second)
		if err != nil {
			return err
		}
		workers = append(workers, w)
	}
	return actor.Run(func(cx *actor.Context) error {
		n, err := node.Start(cx)
		if err != nil {
			return err
		}
		defer n.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		addrs := []string{n.Addr(), workers[0].Addr, workers[1].Addr}
		var zs []*actor.Ref
		for i, a := range addrs {
			z, err := n.Spawn(ctx, a, "cluster.zlib", node.WithName(fmt.Sprintf("zlib@node%d", i)))
			if err != nil {
				return err
			}
			zs = append(zs, z)
		}
		start := time.Now()
		packed := make([]Packed, len(blocks))
		errs := make([]error, len(zs))
		var wg sync.WaitGroup
		for i, z := range zs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for b := i; b < len(blocks); b += len(zs) {
					v, err := z.Request(ctx, Block{Index: b, Data: blocks[b]})
					if err != nil {
						errs[i] = fmt.Errorf("block %d on %s: %w", b, addrs[i], err)
						return
					}
					packed[b] = v.(Packed)
				}
			}()
		}
		wg.Wait()
		elapsed := time.Since(start)
		if err := errors.Join(errs...); err != nil {
			return err
		}
		perNode := map[string]int{}
		total := 0
		z, err := zlib.Open()
		if err != nil {
			return err
		}
		defer z.Close()
		for i, p := range packed {
			back, err := z.Uncompress(p.Data, len(blocks[i]))
			if err != nil {
				return fmt.Errorf("block %d: %w", i, err)
			}
			if string(back) != string(blocks[i]) {
				return fmt.Errorf("block %d does not round-trip", i)
			}
			perNode[p.Node]++
			total += len(p.Data)
		}
		fmt.Fprintf(out, "%d bytes in %d blocks of %d KiB over 3 nodes (%s, %s, %s) in %v\n",
			len(input), len(blocks), blockSize>>10, addrs[0], addrs[1], addrs[2], elapsed.Round(time.Millisecond))
		fmt.Fprintf(out, "this process is pid %d\n", os.Getpid())
		for who, c := range perNode {
			fmt.Fprintf(out, "  %s compressed %d blocks\n", who, c)
		}
		if len(perNode) != 3 {
			return fmt.Errorf("work done by %d processes; want 3", len(perNode))
		}
		fmt.Fprintf(out, "total %d -> %d bytes; every block verified by uncompressing\n", len(input), total)
		for _, z := range zs {
			if err := z.Stop(ctx); err != nil {
				return err
			}
		}
		return nil
	})
}

// text returns size bytes of deterministic, compressible text.
func text(size int) []byte {
	words := strings.Fields("the actor owns its thread and the gate checks every value that crosses " +
		"between nodes while native code runs in parallel on three processes")
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
	return []byte(b.String()[:size])
}
