package sqlite3

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/goractor/goractor/extension"
	"github.com/goractor/goractor/internal/execctx"
	"github.com/goractor/goractor/safety"
)

// Name is the extension's registered name.
const Name = "sqlite3"

// Declaration is what this package registers.
var Declaration = extension.Declaration{
	Name:      Name,
	Libraries: []string{"libsqlite3.so.0", "libsqlite3.so"},
	Safety:    extension.ParallelSafe,
}

func init() { extension.MustRegister(Declaration) }

const (
	sqliteOK   = 0
	sqliteRow  = 100
	sqliteDone = 101

	openReadWrite = 0x02
	openCreate    = 0x04
	openNoMutex   = 0x8000 // a connection is used by one actor only

	typeInteger = 1
	typeFloat   = 2
	typeText    = 3
	typeBlob    = 4
	typeNull    = 5
)

// Error is an SQLite result code with its message.
type Error struct {
	Op   string // the C function that failed
	Code int32  // SQLite's result code
	Msg  string // sqlite3_errmsg
}

// Error returns the error's message.
func (e *Error) Error() string { return fmt.Sprintf("sqlite3: %s: %s (code %d)", e.Op, e.Msg, e.Code) }

// Lib is libsqlite3, loaded.
type Lib struct {
	x *extension.Extension

	openV2      func(name string, db *uintptr, flags int32, vfs uintptr) int32
	closeV2     func(db uintptr) int32
	busyTimeout func(db uintptr, ms int32) int32
	errmsg      func(db uintptr) string
	exec        func(db uintptr, sql string, cb, arg, errmsg uintptr) int32
	prepareV2   func(db uintptr, sql string, n int32, stmt *uintptr, tail uintptr) int32
	step        func(stmt uintptr) int32
	finalize    func(stmt uintptr) int32
	columnCount func(stmt uintptr) int32
	columnType  func(stmt uintptr, i int32) int32
	columnName  func(stmt uintptr, i int32) string
	columnInt64 func(stmt uintptr, i int32) int64
	columnDbl   func(stmt uintptr, i int32) float64
	columnText  func(stmt uintptr, i int32) string

	// LibVersion is sqlite3_libversion().
	LibVersion func() string
	// Threadsafe is sqlite3_threadsafe(): 0 when SQLite was built without
	// mutexes (then even distinct connections must not run in parallel).
	Threadsafe func() int32
}

// Open loads libsqlite3 through the extension registry (opts as for
// extension.Load).
func Open(opts ...extension.LoadOption) (*Lib, error) {
	x, err := extension.Load(Name, opts...)
	if err != nil {
		return nil, err
	}
	l := &Lib{x: x}
	if err := x.BindOrClose(map[string]any{
		"sqlite3_open_v2": &l.openV2, "sqlite3_close_v2": &l.closeV2, "sqlite3_errmsg": &l.errmsg,
		"sqlite3_exec": &l.exec, "sqlite3_prepare_v2": &l.prepareV2, "sqlite3_step": &l.step,
		"sqlite3_finalize": &l.finalize, "sqlite3_column_count": &l.columnCount,
		"sqlite3_column_type": &l.columnType, "sqlite3_column_name": &l.columnName,
		"sqlite3_column_int64": &l.columnInt64, "sqlite3_column_double": &l.columnDbl,
		"sqlite3_column_text": &l.columnText, "sqlite3_libversion": &l.LibVersion,
		"sqlite3_threadsafe": &l.Threadsafe, "sqlite3_busy_timeout": &l.busyTimeout,
	}); err != nil {
		return nil, err
	}
	if l.Threadsafe() == 0 {
		_ = x.Close()
		return nil, errors.New("sqlite3: library built without thread safety (SQLITE_THREADSAFE=0); it is not parallel-safe")
	}
	return l, nil
}

// Extension returns the underlying extension.
func (l *Lib) Extension() *extension.Extension { return l.x }

// Close releases the library. Close connections first.
func (l *Lib) Close() error { return l.x.Close() }

// Conn is a connection, owned by the actor that opened it. It is not
// shareable: do not send it to another actor (the isolation gate refuses
// to), and do not use it from another actor (its methods refuse).
type Conn struct {
	mu    sync.Mutex    // serialises the methods; also makes Conn non-shareable
	l     *Lib          // immutable
	db    uintptr       // guarded by mu; 0 once closed
	owner *execctx.Exec // the opening actor, nil outside actors; immutable
}

// DefaultBusyTimeout is how long a new connection waits for a lock another
// connection holds before a statement fails with "database is locked"
// (SQLITE_BUSY): actors with their own connections to one file contend for
// its locks, if only briefly (a WAL database's first readers race to set up
// its shared-memory index). go-sqlite3 waits 5 s too.
const DefaultBusyTimeout = 5 * time.Second

// Open opens (creating it if needed) the database at path; ":memory:" gives a
// private in-memory database. The connection belongs to the calling actor
// and waits up to DefaultBusyTimeout for locks (see SetBusyTimeout).
func (l *Lib) Open(path string) (*Conn, error) {
	var db uintptr
	rc := l.openV2(path, &db, openReadWrite|openCreate|openNoMutex, 0)
	if rc == sqliteOK {
		rc = l.busyTimeout(db, int32(DefaultBusyTimeout/time.Millisecond))
	}
	if rc != sqliteOK {
		msg := "cannot open"
		if db != 0 {
			msg = l.errmsg(db)
			l.closeV2(db)
		}
		return nil, &Error{Op: "sqlite3_open_v2", Code: rc, Msg: msg}
	}
	return &Conn{l: l, db: db, owner: execctx.Current()}, nil
}

// SetBusyTimeout sets how long c waits for a lock held by another
// connection before a statement fails with SQLITE_BUSY (sqlite3_busy_timeout;
// 0 fails at once).
func (c *Conn) SetBusyTimeout(d time.Duration) error {
	if err := c.enter("sqlite3_busy_timeout"); err != nil {
		return err
	}
	defer c.mu.Unlock()
	if rc := c.l.busyTimeout(c.db, int32(min(d/time.Millisecond, 1<<31-1))); rc != sqliteOK {
		return c.fail("sqlite3_busy_timeout", rc)
	}
	return nil
}

var errConnClosed = errors.New("sqlite3: connection is closed")

// enter locks c and checks the caller owns it.
func (c *Conn) enter(op string) error {
	if cur := execctx.Current(); cur != c.owner {
		return &safety.UnsafeError{Op: "call", Extension: Name, Function: op, Actor: cur.Name(),
			Err: fmt.Errorf("connection of actor %q used by another actor: %w", c.owner.Name(), safety.ErrWrongThread)}
	}
	c.mu.Lock()
	if c.db == 0 {
		c.mu.Unlock()
		return errConnClosed
	}
	return nil
}

func (c *Conn) fail(op string, rc int32) error {
	return &Error{Op: op, Code: rc, Msg: c.l.errmsg(c.db)}
}

// Exec runs one or more SQL statements that return no rows.
func (c *Conn) Exec(sql string) error {
	if err := c.enter("sqlite3_exec"); err != nil {
		return err
	}
	defer c.mu.Unlock()
	if rc := c.l.exec(c.db, sql, 0, 0, 0); rc != sqliteOK {
		return c.fail("sqlite3_exec", rc)
	}
	return nil
}

// Query runs one SQL statement and returns all its rows. Each value is an
// int64, a float64, a string or nil (blobs are returned as strings).
func (c *Conn) Query(sql string) (columns []string, rows [][]any, err error) {
	if err := c.enter("sqlite3_prepare_v2"); err != nil {
		return nil, nil, err
	}
	defer c.mu.Unlock()
	var stmt uintptr
	if rc := c.l.prepareV2(c.db, sql, -1, &stmt, 0); rc != sqliteOK {
		return nil, nil, c.fail("sqlite3_prepare_v2", rc)
	}
	defer c.l.finalize(stmt)
	n := c.l.columnCount(stmt)
	for i := range n {
		columns = append(columns, c.l.columnName(stmt, i))
	}
	for {
		rc := c.l.step(stmt)
		if rc == sqliteDone {
			return columns, rows, nil
		}
		if rc != sqliteRow {
			return nil, nil, c.fail("sqlite3_step", rc)
		}
		row := make([]any, n)
		for i := range n {
			switch c.l.columnType(stmt, i) {
			case typeInteger:
				row[i] = c.l.columnInt64(stmt, i)
			case typeFloat:
				row[i] = c.l.columnDbl(stmt, i)
			case typeText, typeBlob:
				row[i] = c.l.columnText(stmt, i)
			case typeNull:
				row[i] = nil
			}
		}
		rows = append(rows, row)
	}
}

// Close closes the connection. Only its owner may close it.
func (c *Conn) Close() error {
	if err := c.enter("sqlite3_close_v2"); err != nil {
		if errors.Is(err, errConnClosed) {
			return nil
		}
		return err
	}
	defer c.mu.Unlock()
	rc := c.l.closeV2(c.db)
	c.db = 0
	if rc != sqliteOK {
		return &Error{Op: "sqlite3_close_v2", Code: rc, Msg: "close failed"}
	}
	return nil
}
