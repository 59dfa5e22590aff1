package node

import (
	"fmt"
	"io"
	"os"

	"github.com/goractor/goractor/actor"
)

// ServeChild runs cx's system as a node in a child process started by its
// parent with the self-exec pattern: it starts the node (opts as for
// Start), announces it with one line "ADDR <address>" on stdout, and serves
// until stdin reaches EOF — the parent closed it, or died — then closes the
// node.
func ServeChild(cx *actor.Context, opts ...Option) error {
	n, err := Start(cx, opts...)
	if err != nil {
		return err
	}
	fmt.Printf("ADDR %s\n", n.Addr())
	_, _ = io.Copy(io.Discard, os.Stdin)
	return n.Close()
}
