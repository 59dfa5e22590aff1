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
		{"goractor native crash line", "goractor: native crash: signal=SIGBUS code=2 addr=0x7f pc=0x7f at=libz.so.1:inflate+0x1a call=libz.so.1:uncompress tid=42 caller=actor decoder 2\n",
			"SIGBUS", "uncompress", "decoder 2", "goractor: native crash: signal=SIGBUS code=2 addr=0x7f pc=0x7f at=libz.so.1:inflate+0x1a call=libz.so.1:uncompress tid=42 caller=actor decoder 2"},
		{"native line, then labels name the host's caller", "goractor: native crash: signal=SIGSEGV code=1 addr=0x0 pc=0x7f at=libcrashy.so+0x1139 call=? tid=42 caller=unknown\n" +
			"SIGSEGV: segmentation violation\nPC=0x7f m=3 sigcode=1 addr=0x0\n\n" +
			`goroutine 3 [syscall labels:{"goractor.actor": "scorer-1", "goractor.symbol": "score"}]:` + "\n",
			"SIGSEGV", "score", "scorer-1", "goractor: native crash: signal=SIGSEGV code=1 addr=0x0 pc=0x7f at=libcrashy.so+0x1139 call=? tid=42 caller=unknown"},
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
