//go:build linux

// Command pingfloor measures the floor of a round trip between two
// processes on this machine: two Go processes (this program and a copy of
// itself) ping-pong one byte over a unix socketpair, then over loopback TCP,
// and the median of 20 000 round trips is printed for each. A hosted call
// (package host) makes one protoactor-go remote round trip, which cannot be
// faster than this (docs/performance.md).
//
//	go run ./internal/benchfix/peers/pingfloor
package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"slices"
	"syscall"
	"time"
)

const rounds = 20000

func main() {
	if os.Getenv("PINGFLOOR_CHILD") == "1" {
		if err := echo(); err != nil {
			fmt.Fprintln(os.Stderr, "pingfloor child:", err)
			os.Exit(1)
		}
		return
	}
	for _, mode := range []string{"socketpair", "tcp"} {
		us, err := measure(mode)
		if err != nil {
			fmt.Fprintln(os.Stderr, "pingfloor:", err)
			os.Exit(1)
		}
		fmt.Printf("%s round trip median %.1f µs\n", mode, us)
	}
}

// echo answers every byte on its connection until it closes.
func echo() error {
	var c net.Conn
	var err error
	if addr := os.Getenv("PINGFLOOR_TCP"); addr != "" {
		c, err = net.Dial("tcp", addr)
	} else {
		c, err = net.FileConn(os.NewFile(3, "socketpair"))
	}
	if err != nil {
		return err
	}
	b := make([]byte, 1)
	for {
		if _, err := c.Read(b); err != nil {
			return nil // the parent closed it
		}
		if _, err := c.Write(b); err != nil {
			return err
		}
	}
}

// measure starts the child, connects to it by mode and returns the median
// round trip in microseconds.
func measure(mode string) (float64, error) {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "PINGFLOOR_CHILD=1")
	cmd.Stderr = os.Stderr
	var c net.Conn
	switch mode {
	case "socketpair":
		fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
		if err != nil {
			return 0, err
		}
		theirs := os.NewFile(uintptr(fds[1]), "child end")
		cmd.ExtraFiles = []*os.File{theirs}
		if err := cmd.Start(); err != nil {
			return 0, err
		}
		theirs.Close()
		ours := os.NewFile(uintptr(fds[0]), "parent end")
		c, err = net.FileConn(ours)
		ours.Close()
		if err != nil {
			return 0, err
		}
	default:
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		defer ln.Close()
		cmd.Env = append(cmd.Env, "PINGFLOOR_TCP="+ln.Addr().String())
		if err := cmd.Start(); err != nil {
			return 0, err
		}
		if c, err = ln.Accept(); err != nil {
			return 0, err
		}
	}
	defer cmd.Wait()
	defer c.Close()
	b := make([]byte, 1)
	ds := make([]float64, 0, rounds)
	for i := range rounds + 1000 {
		t := time.Now()
		if _, err := c.Write(b); err != nil {
			return 0, err
		}
		if _, err := c.Read(b); err != nil {
			return 0, err
		}
		if i >= 1000 { // the first 1000 warm up
			ds = append(ds, float64(time.Since(t).Nanoseconds())/1e3)
		}
	}
	slices.Sort(ds)
	return ds[len(ds)/2], nil
}
