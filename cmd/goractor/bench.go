package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"time"

	"github.com/goractor/goractor/internal/benchfix"
)

func init() {
	registerCommand(command{
		name:    "bench",
		summary: "measure goractor against its baselines: goractor bench [--lib PATH] [--json] [--quick]",
		run:     runBench,
	})
}

// figure is one measured number, printed as `name value unit` (the format
// of the peer measurements in docs/performance.md).
type figure struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
}

// benchReport is the --json document.
type benchReport struct {
	Go         string   `json:"go"`
	OS         string   `json:"os"`
	Arch       string   `json:"arch"`
	Cgo        bool     `json:"cgo"`
	CPUs       int      `json:"cpus"`
	GOMAXPROCS int      `json:"gomaxprocs"`
	Quick      bool     `json:"quick"`
	Reps       int      `json:"repetitions"`
	Lib        string   `json:"lib"`
	Figures    []figure `json:"figures"`
	// Skipped maps a figure left out (a baseline whose symbol --lib does
	// not export) to the reason.
	Skipped map[string]string `json:"skipped,omitempty"`
	Errors  []string          `json:"errors,omitempty"`
}

// benchConfig sizes a run.
type benchConfig struct {
	lib   string  // the fixture library
	reps  int     // repetitions per figure (the median is reported)
	scale float64 // multiplies every iteration count
	// progress, when set, gets one line per figure as it is measured.
	progress io.Writer
	// skip maps the figures not to measure to the reason (fixtureSkips).
	skip map[string]string
}

// n scales an iteration count, keeping at least min.
func (c *benchConfig) n(full, min int) int {
	return max(min, int(float64(full)*c.scale))
}

func runBench(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	lib := fs.String("lib", "", "fixture library to load (default: build one with cc into a temporary directory)")
	asJSON := fs.Bool("json", false, "print one JSON document instead of `name value unit` lines")
	quick := fs.Bool("quick", false, "smaller sizes, 3 repetitions: under 30 seconds")
	reps := fs.Int("reps", 0, "repetitions per figure (default 5, or 3 with --quick; at least 3)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: goractor bench [--lib PATH] [--json] [--quick] [--reps N]")
		fmt.Fprintln(stderr, "\nEach figure is the median of the repetitions; ratios use a baseline measured in the same run.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	cfg := benchConfig{lib: *lib, reps: 5, scale: 1, progress: stderr}
	if *quick {
		cfg.reps, cfg.scale = 3, 0.2
	}
	if *reps != 0 {
		cfg.reps = max(3, *reps)
	}
	if benchScaleOverride > 0 {
		cfg.scale = benchScaleOverride
	}
	if cfg.lib == "" {
		dir, err := os.MkdirTemp("", "goractor-bench-")
		if err != nil {
			fmt.Fprintln(stderr, "goractor bench:", err)
			return 1
		}
		defer os.RemoveAll(dir)
		path, err := benchfix.Build(dir)
		if err != nil {
			fmt.Fprintf(stderr, "goractor bench: building the fixture (use --lib PATH to load a prebuilt one): %v\n", err)
			return 1
		}
		cfg.lib = path
	} else {
		skips, err := fixtureSkips(cfg.lib)
		if err != nil {
			fmt.Fprintln(stderr, "goractor bench:", err)
			return 1
		}
		cfg.skip = skips
	}
	figs, errs := bench(&cfg)
	rep := benchReport{
		Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH, Cgo: benchfix.HaveCgo,
		CPUs: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), Quick: *quick, Reps: cfg.reps,
		Lib: *lib, Figures: figs,
	}
	if len(cfg.skip) > 0 {
		rep.Skipped = cfg.skip
	}
	for _, err := range errs {
		rep.Errors = append(rep.Errors, err.Error())
		fmt.Fprintln(stderr, "goractor bench:", err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintln(stderr, "goractor bench:", err)
			return 1
		}
	} else {
		for _, f := range figs {
			fmt.Fprintf(stdout, "%s %s %s\n", f.Name, formatValue(f.Value), f.Unit)
		}
		for _, s := range skipLines(cfg.skip) {
			fmt.Fprintln(stdout, s)
		}
	}
	if len(errs) > 0 {
		return 1
	}
	return 0
}

// benchScaleOverride, when positive, replaces the size scale (tests shrink
// the command's runs with it).
var benchScaleOverride float64

// formatValue prints about four significant digits, never in exponent form.
func formatValue(v float64) string {
	switch a := abs(v); {
	case a >= 1000:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 1, 64)
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 2, 64)
	case a >= 1:
		return strconv.FormatFloat(v, 'f', 3, 64)
	}
	return strconv.FormatFloat(v, 'f', 4, 64)
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// median returns the median of xs (the mean of the middle two for an even
// count).
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// measurement produces one or more figures per repetition.
type measurement struct {
	names []string // the figures it yields, in order
	units []string
	run   func(c *benchConfig) ([]float64, error)
}

// ratio is a figure computed from two others of the same run.
type ratio struct {
	name, num, den string
}

// bench runs every measurement cfg.reps times and returns the medians, in a
// fixed order, followed by the ratios; errors name the failed figures.
func bench(cfg *benchConfig) ([]figure, []error) {
	var (
		figs []figure
		errs []error
	)
	byName := map[string]float64{}
	defer closeRunHosts() // a host holds the run's --lib; the node stays
	for _, m := range measurements() {
		samples := make([][]float64, len(m.names))
		start := time.Now()
		var err error
		for range cfg.reps {
			var vals []float64
			vals, err = m.run(cfg)
			if err == nil && len(vals) != len(m.names) {
				err = fmt.Errorf("%d values for %d figures", len(vals), len(m.names))
			}
			if err != nil {
				break
			}
			for i, v := range vals {
				samples[i] = append(samples[i], v)
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", m.names[0], err))
			continue
		}
		for i, name := range m.names {
			if _, skip := cfg.skip[name]; skip {
				continue
			}
			v := median(samples[i])
			figs = append(figs, figure{Name: name, Value: v, Unit: m.units[i]})
			byName[name] = v
		}
		if cfg.progress != nil {
			fmt.Fprintf(cfg.progress, "# %-45s %v\n", m.names[0], time.Since(start).Round(time.Millisecond))
		}
	}
	for _, r := range ratios() {
		num, ok1 := byName[r.num]
		den, ok2 := byName[r.den]
		if ok1 && ok2 && den > 0 {
			figs = append(figs, figure{Name: r.name, Value: num / den, Unit: "x"})
		}
	}
	return figs, errs
}

// errBadResult reports a native function that computed the wrong value: the
// fixture does not have the expected ABI.
var errBadResult = errors.New("wrong result from the fixture (does --lib export the expected ABI?)")
