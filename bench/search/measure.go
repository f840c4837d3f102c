package main

import (
	"bufio"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"
)

// sample is one timed call.
type sample struct {
	q string
	d time.Duration
}

// series is a latency distribution.
type series struct {
	all                 []sample
	passes              int
	p50, p90, p99, maxD time.Duration
	cpu                 time.Duration // CPU time of the process over the timed passes (all threads, GC included)
}

// cpuTime is the CPU time the process has used (user + system). On a
// machine shared with other work it says what wall times cannot: how much
// work a phase was, whatever it had to wait for.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// finish computes the percentiles (nearest rank).
func (s *series) finish() {
	if len(s.all) == 0 {
		return
	}
	ds := make([]time.Duration, len(s.all))
	for i, x := range s.all {
		ds[i] = x.d
	}
	slices.Sort(ds)
	at := func(q float64) time.Duration {
		i := int(q*float64(len(ds))+0.999999) - 1
		return ds[min(max(i, 0), len(ds)-1)]
	}
	s.p50, s.p90, s.p99, s.maxD = at(0.50), at(0.90), at(0.99), ds[len(ds)-1]
}

func (s series) String() string {
	return fmt.Sprintf("p50 %s, p90 %s, p99 %s, max %s (%d calls, %d passes; CPU %s a call)", ms(s.p50), ms(s.p90), ms(s.p99), ms(s.maxD), len(s.all), s.passes, ms(s.cpuPerCall()))
}

// cpuPerCall is the process's CPU time per timed call.
func (s series) cpuPerCall() time.Duration {
	if len(s.all) == 0 {
		return 0
	}
	return s.cpu / time.Duration(len(s.all))
}

// slowest returns the n items with the highest median latency.
func (s series) slowest(n int) []sample {
	by := map[string][]time.Duration{}
	for _, x := range s.all {
		by[x.q] = append(by[x.q], x.d)
	}
	var out []sample
	for q, ds := range by {
		slices.Sort(ds)
		out = append(out, sample{q, ds[len(ds)/2]})
	}
	slices.SortFunc(out, func(a, b sample) int { return int(b.d - a.d) })
	return out[:min(n, len(out))]
}

// timeSeries runs fn over items once to warm up, then times passes over
// them until c.passes are done or c.budget is spent (at least one).
func timeSeries(c config, items []string, fn func(string) error) (series, error) {
	var s series
	for _, q := range items {
		if err := fn(q); err != nil {
			return s, fmt.Errorf("%q: %w", q, err)
		}
	}
	start, cpu := time.Now(), cpuTime()
	for s.passes < max(1, c.passes) {
		for _, q := range items {
			t := time.Now()
			if err := fn(q); err != nil {
				return s, fmt.Errorf("%q: %w", q, err)
			}
			s.all = append(s.all, sample{q, time.Since(t)})
		}
		s.passes++
		if time.Since(start) > c.budget {
			break
		}
	}
	s.cpu = cpuTime() - cpu
	s.finish()
	return s, nil
}

// suggestPrefixes are the first one, two and three characters of each
// judged query, as typed key by key.
func suggestPrefixes(queries []string) []string {
	var out []string
	for _, q := range queries {
		rs := []rune(strings.TrimSpace(q))
		for n := 1; n <= 3 && n <= len(rs); n++ {
			p := strings.TrimSpace(string(rs[:n]))
			if p != "" && !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// scriptOf says what a prefix starts with: kana, kanji or latin (letters,
// digits, full-width forms).
func scriptOf(p string) string {
	r, _ := utf8.DecodeRuneInString(p)
	switch {
	case unicode.Is(unicode.Hiragana, r), unicode.Is(unicode.Katakana, r), r == 'ー':
		return "kana"
	case unicode.Is(unicode.Han, r):
		return "kanji"
	}
	return "latin"
}

// settle waits for Bleve's background merges to finish (the number of
// segment files unchanged for 10 s, at most 2 minutes), as they would on a
// portal that has just reindexed, so that latencies are not measured during
// merges.
func settle(dir string) (took time.Duration, before, after int) {
	start := time.Now()
	count := func() int {
		n := 0
		filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
			if err == nil && strings.HasSuffix(d.Name(), ".zap") {
				n++
			}
			return nil
		})
		return n
	}
	before = count()
	prev, same := before, 0
	for time.Since(start) < 2*time.Minute && same < 10 {
		time.Sleep(time.Second)
		n := count()
		if n == prev {
			same++
		} else {
			same, prev = 0, n
		}
	}
	if same < 10 {
		log.Printf("merges still changing the segments after %v", time.Since(start).Round(time.Second))
	}
	return time.Since(start) - time.Duration(same)*time.Second, before, prev
}

// dirSize is what du reports for dir: the blocks its files occupy.
func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if fi, err := d.Info(); err == nil {
			if st, ok := fi.Sys().(*syscall.Stat_t); ok {
				n += st.Blocks * 512
			} else {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// vmHWM is the process's peak resident set size (/proc/self/status).
func vmHWM() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func mb(b int64) string {
	if b >= 1<<30 {
		return fmt.Sprintf("%.2f GB", float64(b)/(1<<30))
	}
	return fmt.Sprintf("%.0f MB", float64(b)/(1<<20))
}

func ms(d time.Duration) string {
	switch {
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/1e6)
	case d < time.Second:
		return fmt.Sprintf("%.0f ms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

func secs(d time.Duration) string {
	if d < 10*time.Second {
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return fmt.Sprintf("%.0f s", d.Seconds())
}

// thousands writes n with thousands separators.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
