package sqlite3_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/goractor/goractor/extension/sqlite3"
	"github.com/goractor/goractor/internal/execctx"
	"github.com/goractor/goractor/internal/testlib"
	"github.com/goractor/goractor/safety"
)

func open(t *testing.T) *sqlite3.Lib {
	l, err := sqlite3.Open()
	testlib.SkipIfLibraryMissing(t, "libsqlite3 (libsqlite3-0)", err)
	t.Cleanup(func() { _ = l.Close() })
	return l
}

func TestQuery(t *testing.T) {
	l := open(t)
	c, err := l.Open(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Exec("CREATE TABLE t(id INTEGER, name TEXT, x REAL); INSERT INTO t VALUES (1,'a',1.5),(2,'b',NULL);"); err != nil {
		t.Fatal(err)
	}
	cols, rows, err := c.Query("SELECT id, name, x FROM t ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]any{{int64(1), "a", 1.5}, {int64(2), "b", nil}}
	if !reflect.DeepEqual(cols, []string{"id", "name", "x"}) || !reflect.DeepEqual(rows, want) {
		t.Errorf("Query = %v %v; want [id name x] %v", cols, rows, want)
	}
	var se *sqlite3.Error
	if err := c.Exec("SELEKT"); !errors.As(err, &se) {
		t.Errorf("Exec(bad SQL) = %v; want *sqlite3.Error", err)
	}
}

// One connection per actor-like locked goroutine, in parallel; a connection
// used by another actor is refused.
func TestConnectionPerActor(t *testing.T) {
	l := open(t)
	var wg sync.WaitGroup
	conns := make([]*sqlite3.Conn, 4)
	errs := make(chan error, 8)
	for i := range 4 {
		wg.Go(func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			unbind := execctx.Bind(execctx.New(fmt.Sprintf("a%d", i), false, execctx.Hooks{}))
			defer unbind()
			c, err := l.Open(":memory:")
			if err != nil {
				errs <- err
				return
			}
			conns[i] = c
			defer c.Close()
			for k := range 50 {
				_, rows, err := c.Query(fmt.Sprintf("SELECT %d * %d", i, k))
				if err != nil || rows[0][0] != int64(i*k) {
					errs <- fmt.Errorf("actor %d: %v %v", i, rows, err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// From this goroutine (not the owner), every connection refuses.
	for _, c := range conns {
		if err := c.Exec("SELECT 1"); !errors.Is(err, safety.ErrWrongThread) {
			t.Errorf("Exec by a non-owner = %v; want ErrWrongThread", err)
		}
	}
}

// Two connections to one file: a statement that meets the other's lock
// fails with SQLITE_BUSY at once with no busy timeout, and waits for the
// lock with the default one.
func TestBusyTimeout(t *testing.T) {
	l := open(t)
	path := filepath.Join(t.TempDir(), "busy.db")
	a, err := l.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := l.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := a.Exec("CREATE TABLE t(x); BEGIN EXCLUSIVE; INSERT INTO t VALUES (1);"); err != nil {
		t.Fatal(err)
	}
	if err := b.SetBusyTimeout(0); err != nil {
		t.Fatal(err)
	}
	var se *sqlite3.Error
	if err := b.Exec("INSERT INTO t VALUES (2)"); !errors.As(err, &se) || se.Code != 5 {
		t.Fatalf("write against an exclusive lock without a busy timeout: %v; want SQLITE_BUSY (code 5)", err)
	}
	if err := b.SetBusyTimeout(sqlite3.DefaultBusyTimeout); err != nil {
		t.Fatal(err)
	}
	committed := make(chan error, 1)
	time.AfterFunc(20*time.Millisecond, func() { committed <- a.Exec("COMMIT") })
	if err := b.Exec("INSERT INTO t VALUES (2)"); err != nil {
		t.Fatalf("write waiting for the lock: %v", err)
	}
	if err := <-committed; err != nil {
		t.Fatal(err)
	}
	if _, rows, err := b.Query("SELECT count(*) FROM t"); err != nil || rows[0][0] != int64(2) {
		t.Errorf("count = %v, %v; want 2", rows, err)
	}
}
