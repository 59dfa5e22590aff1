package libc

import "github.com/goractor/goractor/extension"

// Name is the extension's registered name.
const Name = "libc"

// Unsafe lists the functions declared NotParallelSafe: each returns a pointer
// to a static buffer or updates hidden global state (glibc's manual marks
// them MT-Unsafe race:...).
var Unsafe = []string{
	"strtok", "l64a", "asctime", "ctime", "gmtime", "localtime", "strerror", "strsignal",
	"rand", "srand", "random", "srandom", "drand48", "lrand48", "mrand48", "erand48", "srand48",
	"ecvt", "fcvt", "gcvt", "tmpnam", "ttyname", "ptsname", "getlogin", "crypt", "inet_ntoa",
	"getpwnam", "getpwuid", "getgrnam", "getgrgid", "gethostbyname", "gethostbyaddr",
	"getservbyname", "getprotobyname", "readdir", "setlocale", "localeconv", "nl_langinfo",
	"mblen", "mbtowc", "wctomb", "strfmon", "getdate", "hcreate", "hsearch", "hdestroy",
	"setenv", "unsetenv", "putenv", "clearenv",
}

// Reentrant lists the _r forms, declared ParallelSafe explicitly.
var Reentrant = []string{
	"strtok_r", "asctime_r", "ctime_r", "gmtime_r", "localtime_r", "strerror_r", "rand_r",
	"random_r", "drand48_r", "lrand48_r", "ttyname_r", "ptsname_r", "getlogin_r", "crypt_r",
	"getpwnam_r", "getpwuid_r", "getgrnam_r", "getgrgid_r", "gethostbyname_r", "readdir_r",
	"ecvt_r", "fcvt_r", "hcreate_r", "hsearch_r", "hdestroy_r",
}

// Declaration is what this package registers.
var Declaration = func() extension.Declaration {
	d := extension.Declaration{
		Name:      Name,
		Libraries: []string{"libc.so.6", "libc.so"},
		Safety:    extension.ParallelSafe,
		Functions: map[string]extension.Safety{},
	}
	for _, f := range Unsafe {
		d.Functions[f] = extension.NotParallelSafe
	}
	for _, f := range Reentrant {
		d.Functions[f] = extension.ParallelSafe
	}
	return d
}()

func init() { extension.MustRegister(Declaration) }

// Lib is libc, loaded, with a few functions bound.
type Lib struct {
	// Strlen is strlen (parallel-safe).
	Strlen func(string) uint64
	// Atoi is atoi (parallel-safe).
	Atoi func(string) int32
	// Abs is abs (parallel-safe).
	Abs func(int32) int32
	// L64a is l64a: not parallel-safe (static buffer).
	L64a func(int64) (string, error)
	// Strerror is strerror: not parallel-safe (static buffer for unknown
	// codes, locale-dependent).
	Strerror func(int32) (string, error)
	// Rand is rand: not parallel-safe (hidden state).
	Rand func() (int32, error)
	// RandR is rand_r: parallel-safe, the state is the caller's.
	RandR func(seed *uint32) int32

	x *extension.Extension
}

// Open loads libc through the extension registry (opts as for
// extension.Load).
func Open(opts ...extension.LoadOption) (*Lib, error) {
	x, err := extension.Load(Name, opts...)
	if err != nil {
		return nil, err
	}
	l := &Lib{x: x}
	if err := x.BindOrClose(map[string]any{
		"strlen": &l.Strlen, "atoi": &l.Atoi, "abs": &l.Abs, "l64a": &l.L64a,
		"strerror": &l.Strerror, "rand": &l.Rand, "rand_r": &l.RandR,
	}); err != nil {
		return nil, err
	}
	return l, nil
}

// Extension returns the underlying extension.
func (l *Lib) Extension() *extension.Extension { return l.x }

// Close releases the library.
func (l *Lib) Close() error { return l.x.Close() }
