package host_test

import (
	"testing"

	"github.com/goractor/goractor/host"
)

func TestParseCrashReport(t *testing.T) {
	for _, c := range []struct {
		name, in                  string
		signal, symbol, act, line string
	}{
		{"go runtime with labels", "log line\nSIGSEGV: segmentation violation\nPC=0x7f m=3 sigcode=1 addr=0x0\nsignal arrived during cgo execution\n\n" +
			`goroutine 31 gp=0x1 m=3 mp=0x2 [syscall, locked to thread labels:{"goractor.actor": "w \"1\"", "goractor.symbol": "crashy_check"}]:` + "\nruntime.cgocall(...)\n\ngoroutine 1 [running]:\n",
			"SIGSEGV", "crashy_check", `w "1"`, "SIGSEGV: segmentation violation"},
		{"go runtime bracketed", "panic: boom\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4]\n\ngoroutine 1 [running]:\n",
			"SIGSEGV", "", "", "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4]"},
		{"abort without labels", "SIGABRT: abort\nPC=0x1 m=0 sigcode=18446744073709551610\n\ngoroutine 0 gp=0x1 m=0 [idle]:\n",
			"SIGABRT", "", "", "SIGABRT: abort"},
		{"goractor native crash line wins", "SIGSEGV: segmentation violation\n" +
			`goractor: native crash: SIGSEGV in zlib_inflate (actor "decoder-2", pool none)` + "\n" +
			`goroutine 3 [syscall labels:{"goractor.actor": "x", "goractor.symbol": "y"}]:` + "\n",
			"SIGSEGV", "zlib_inflate", "decoder-2", `goractor: native crash: SIGSEGV in zlib_inflate (actor "decoder-2", pool none)`},
		{"nothing", "exit status 1\n", "", "", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			sig, sym, act, line := host.ParseCrashReport(c.in)
			if sig != c.signal || sym != c.symbol || act != c.act || line != c.line {
				t.Errorf("ParseCrashReport = %q %q %q %q; want %q %q %q %q", sig, sym, act, line, c.signal, c.symbol, c.act, c.line)
			}
		})
	}
}
