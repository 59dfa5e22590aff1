package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/goractor/goractor/actor"
	"github.com/goractor/goractor/extension/sqlite3"
	"github.com/goractor/goractor/shareable"
)

func main() {
	dir, err := os.MkdirTemp("", "goractor-sqlite-")
	if err == nil {
		err = run(os.Stdout, filepath.Join(dir, "example.db"), 200_000, min(max(2, runtime.NumCPU()), 8))
		os.RemoveAll(dir)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "sqlite:", err)
		os.Exit(1)
	}
}

// part is what a worker reports: shareable numbers.
type part struct {
	Worker, Tid int
	Rows, Sum   int64
	Elapsed     time.Duration
}

// run creates the database at path with rows rows and aggregates it with
// workers actors, writing what happens to w.
func run(w io.Writer, path string, rows, workers int) error {
	lib, err := sqlite3.Open()
	if err != nil {
		return err
	}
	defer lib.Close()
	return actor.Run(func(ctx *actor.Context) error {
		fmt.Fprintf(w, "SQLite %s (threadsafe=%d); main actor on thread %d\n", lib.LibVersion(), lib.Threadsafe(), ctx.ThreadID())
		db, err := lib.Open(path)
		if err != nil {
			return err
		}
		defer db.Close()
		err = db.Exec(fmt.Sprintf(`PRAGMA journal_mode=WAL;
			CREATE TABLE readings(id INTEGER PRIMARY KEY, sensor INTEGER, value INTEGER);
			INSERT INTO readings(sensor, value)
			  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < %d)
			  SELECT i %% 16, (i * 7919) %% 1000 FROM n;`, rows))
		if err != nil {
			return err
		}
		_, want, err := db.Query("SELECT count(*), sum(value) FROM readings")
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "main: created %s with %v rows, sum(value) = %v\n", filepath.Base(path), want[0][0], want[0][1])

		// A connection stays with its actor.
		err = ctx.Self().Send(db)
		var ie *shareable.IsolationError
		if !errors.As(err, &ie) {
			return fmt.Errorf("sending a connection: err = %v, want *shareable.IsolationError", err)
		}
		fmt.Fprintf(w, "main: sending the connection to another actor -> %v\n", err)

		refs := make([]*actor.Ref, workers)
		for i := range refs {
			refs[i], err = ctx.Spawn(aggregate, actor.WithName(fmt.Sprintf("reader-%d", i)),
				actor.WithArgs(path, i, workers, int64(rows)))
			if err != nil {
				return err
			}
		}
		var total, count int64
		tids := map[int]bool{ctx.ThreadID(): true}
		for _, r := range refs {
			wctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			v, err := r.Value(wctx)
			cancel()
			if err != nil {
				return err
			}
			p := v.(part)
			fmt.Fprintf(w, "%s: own connection on thread %d, rows %d, sum %d, %v\n", r.Name(), p.Tid, p.Rows, p.Sum, p.Elapsed.Round(time.Microsecond))
			if tids[p.Tid] {
				return fmt.Errorf("%s shares thread %d with another actor", r.Name(), p.Tid)
			}
			tids[p.Tid] = true
			total, count = total+p.Sum, count+p.Rows
		}
		if count != want[0][0].(int64) || total != want[0][1].(int64) {
			return fmt.Errorf("workers counted %d rows summing to %d; the table has %v rows summing to %v", count, total, want[0][0], want[0][1])
		}
		fmt.Fprintf(w, "%d actors agree with the main actor: %d rows, sum %d\n", workers, count, total)
		return nil
	})
}

// aggregate opens its own connection and sums its share of the table.
func aggregate(cx *actor.Context) (any, error) {
	path, k, n, rows := cx.Args()[0].(string), cx.Args()[1].(int), cx.Args()[2].(int), cx.Args()[3].(int64)
	lib, err := sqlite3.Open()
	if err != nil {
		return nil, err
	}
	defer lib.Close()
	db, err := lib.Open(path) // this actor's connection
	if err != nil {
		return nil, err
	}
	defer db.Close()
	lo, hi := rows*int64(k)/int64(n), rows*int64(k+1)/int64(n)
	start := time.Now()
	_, res, err := db.Query(fmt.Sprintf("SELECT count(*), coalesce(sum(value), 0) FROM readings WHERE id > %d AND id <= %d", lo, hi))
	if err != nil {
		return nil, err
	}
	return part{Worker: k, Tid: cx.ThreadID(), Rows: res[0][0].(int64), Sum: res[0][1].(int64), Elapsed: time.Since(start)}, nil
}
