package main

import (
	"io"
	"path/filepath"
	"testing"

	"github.com/goractor/goractor/internal/testlib"
)

func TestMain(m *testing.M) { testlib.ExampleMain(m, main, testlib.ThrottleIgnore) }

func TestRun(t *testing.T) {
	db := filepath.Join(t.TempDir(), "test.db")
	testlib.ExampleRun(t, func(w io.Writer) error { return run(w, db, 5000, 3) },
		"with 5000 rows", "sync.Mutex is not shareable", "3 actors agree with the main actor: 5000 rows")
}
