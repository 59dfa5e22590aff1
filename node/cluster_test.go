package node

import (
	"bufio"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/goractor/goractor/actor"
)

// Entry asks the "ledger" kind to record ID in the file at Path before it
// answers.
type Entry struct {
	Path string
	ID   int
}

func init() {
	RegisterType[Entry]("node_test.Entry")
	RegisterHandlerKind("ledger", func() actor.Handler {
		return actor.HandlerFunc(func(hc *actor.HandlerContext, msg any) {
			e, ok := msg.(Entry)
			if !ok {
				return
			}
			f, err := os.OpenFile(e.Path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
			if err != nil {
				panic(err)
			}
			_, err = fmt.Fprintf(f, "%d\n", e.ID)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				panic(err)
			}
			_ = hc.Respond(e.ID)
		})
	})
}

// TestThreeNodesCountersBalance spreads work over two peer processes and
// checks the counters of the three systems together: every message offered
// was received, refused or dead-lettered somewhere, once.
func TestThreeNodesCountersBalance(t *testing.T) {
	peers := []*proc{startPeer(t), startPeer(t)}
	var local actor.Stats
	before := testCx.System().Stats()
	withNode(t, func(cx *actor.Context, n *Node) error {
		ctx := timeout(t, 60*time.Second)
		want := 0
		var sums []*actor.Ref
		for i, p := range peers {
			sum := spawn(t, ctx, p.addr, "sum")
			echo := spawn(t, ctx, p.addr, "echo")
			for j := 1; j <= 50; j++ {
				if err := sum.Send(j * (i + 1)); err != nil {
					return err
				}
				want += j * (i + 1)
				if v, err := echo.Request(ctx, j); err != nil || v != j+1 {
					return fmt.Errorf("peer %d: Request(%d) = %v, %v", i, j, v, err)
				}
			}
			// Refused at the node boundary: counted here.
			if err := echo.Send(func() {}); err == nil {
				return errors.New("a func crossed a node")
			}
			if err := echo.Stop(ctx); err != nil {
				return err
			}
			// Dead letter: the actor is gone.
			if err := echo.Send(1); !errors.Is(err, actor.ErrClosed) {
				return fmt.Errorf("Send to a stopped remote actor = %v; want ErrClosed", err)
			}
			sums = append(sums, sum)
		}
		got := 0
		for _, sum := range sums {
			if err := sum.Send(0); err != nil {
				return err
			}
			v, err := sum.Value(ctx)
			if err != nil {
				return err
			}
			got += v.(int)
		}
		if got != want {
			t.Errorf("total over two peers = %d; want %d", got, want)
		}
		after := cx.System().Stats()
		local = actor.Stats{
			Sent:        after.Sent - before.Sent,
			Received:    after.Received - before.Received,
			Rejected:    after.Rejected - before.Rejected,
			Dropped:     after.Dropped - before.Dropped,
			DeadLetters: after.DeadLetters - before.DeadLetters,
		}
		return nil
	})
	total := local
	for i, p := range peers {
		p.stop(t)
		select {
		case st := <-p.stats:
			t.Logf("peer %d: %+v", i, st)
			total.Sent += st.Sent
			total.Received += st.Received
			total.Rejected += st.Rejected
			total.Dropped += st.Dropped
			total.DeadLetters += st.DeadLetters
		default:
			t.Fatalf("peer %d printed no counters", i)
		}
	}
	t.Logf("local: %+v", local)
	if total.Sent != total.Received+total.Rejected+total.Dropped+total.DeadLetters {
		t.Errorf("counters over three nodes do not balance: %+v", total)
	}
	if total.Rejected < 2 || total.DeadLetters < 2 {
		t.Errorf("counters over three nodes %+v; want the 2 refusals and 2 dead letters counted", total)
	}
}

// TestSilentNode points a node at a listener that accepts connections and
// never answers: the spawn fails with ErrNodeDown within the failure
// detector's deadline, not never.
func TestSilentNode(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var conns []net.Conn
	var mu sync.Mutex
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	defer func() {
		ln.Close()
		wg.Wait()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	}()
	withNode(t, func(cx *actor.Context, n *Node) error {
		start := time.Now()
		_, err := n.Spawn(timeout(t, 30*time.Second), ln.Addr().String(), "echo")
		if !errors.Is(err, actor.ErrNodeDown) {
			t.Errorf("Spawn on a silent node = %v; want ErrNodeDown", err)
		}
		t.Logf("silent node declared down after %v: %v", time.Since(start), err)
		return nil
	})
}

// TestExactlyOnceUnderKills sends numbered requests from several actors to
// a peer that records each before answering, and kills the peer (SIGKILL)
// at a random moment, three times. Every request either completes or
// fails; every completed one was recorded exactly once, and none was
// recorded twice.
func TestExactlyOnceUnderKills(t *testing.T) {
	const rounds, workers = 3, 4
	dir := t.TempDir()
	for round := range rounds {
		p := startPeer(t)
		path := filepath.Join(dir, "ledger"+strconv.Itoa(round))
		var completed []int
		var failed int
		withNode(t, func(cx *actor.Context, n *Node) error {
			ctx := timeout(t, 60*time.Second)
			ledger := spawn(t, ctx, p.addr, "ledger")
			var mu sync.Mutex
			var wg sync.WaitGroup
			first := make(chan struct{}) // closed when a request completed
			var firstOnce sync.Once
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range 10000 { // bounded; the kill ends it sooner
						id := w*100000 + i
						v, err := ledger.Request(ctx, Entry{Path: path, ID: id})
						mu.Lock()
						if err != nil {
							failed++
							mu.Unlock()
							if !errors.Is(err, actor.ErrNodeDown) {
								t.Errorf("request %d: %v; want ErrNodeDown", id, err)
							}
							return
						}
						if v != id {
							t.Errorf("request %d answered %v", id, v)
						}
						completed = append(completed, id)
						mu.Unlock()
						firstOnce.Do(func() { close(first) })
					}
				}()
			}
			// Kill at a random moment after the work has started: on a
			// loaded machine the first answer can take longer than the
			// random delay.
			select {
			case <-first:
			case <-ctx.Done():
			}
			time.Sleep(time.Duration(rand.IntN(250)) * time.Millisecond)
			p.kill()
			wg.Wait()
			return nil
		})
		seen := map[int]int{}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			id, err := strconv.Atoi(sc.Text())
			if err != nil {
				continue // a line cut by the kill
			}
			seen[id]++
		}
		f.Close()
		for id, c := range seen {
			if c > 1 {
				t.Errorf("round %d: request %d recorded %d times", round, id, c)
			}
		}
		for _, id := range completed {
			if seen[id] != 1 {
				t.Errorf("round %d: completed request %d recorded %d times", round, id, seen[id])
			}
		}
		t.Logf("round %d: %d completed, %d failed, %d recorded", round, len(completed), failed, len(seen))
		if len(completed) == 0 {
			t.Errorf("round %d: no request completed before the kill", round)
		}
	}
}
