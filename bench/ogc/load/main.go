// Command load is bench/load with what a side-by-side server comparison
// on a shared machine needs: it counts only the requests that complete
// inside the measured window (a slow server's requests still in flight at
// the end are not credited to it), and it reads the CPU time the servers'
// processes used in that same window from /proc (utime+stime of each given
// process and all its descendants, plus the time of descendants that
// exited, as the kernel adds them to their parent's cutime+cstime).
//
//	load -c 50 -d 20s -cpu portal=PID -cpu pg_featureserv=PID -cpu postgres=PID URL...
//
// It prints one line of key=value pairs.
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

type procs []string // name=pid

func (p *procs) String() string     { return strings.Join(*p, ",") }
func (p *procs) Set(s string) error { *p = append(*p, s); return nil }

func main() {
	clients := flag.Int("c", 50, "concurrent clients")
	dur := flag.Duration("d", 20*time.Second, "measured window")
	warm := flag.Duration("warmup", 2*time.Second, "load before the window")
	timeout := flag.Duration("timeout", 60*time.Second, "request timeout (an error)")
	var cpu procs
	flag.Var(&cpu, "cpu", "name=PID: report the CPU seconds of PID and its descendants in the window (repeatable)")
	flag.Parse()
	urls := flag.Args()
	if len(urls) == 0 {
		fmt.Fprintln(os.Stderr, "usage: load [-c 50] [-d 20s] [-cpu name=PID]... URL...")
		os.Exit(2)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: *clients, MaxIdleConns: *clients, DisableCompression: true}
	client := &http.Client{Transport: tr, Timeout: *timeout}

	var (
		mu          sync.Mutex
		lat         []time.Duration
		errs        int
		bytes       int64
		start, stop time.Time // the window; zero start: warming up
		wg          sync.WaitGroup
	)
	t0 := time.Now()
	winStart, winStop := t0.Add(*warm), t0.Add(*warm+*dur)
	for c := range *clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := c; ; i++ {
				begin := time.Now()
				if !begin.Before(winStop) {
					return
				}
				res, err := client.Get(urls[i%len(urls)])
				var n int64
				if err == nil {
					n, err = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if err == nil && res.StatusCode != http.StatusOK {
						err = fmt.Errorf("status %d", res.StatusCode)
					}
				}
				end := time.Now()
				// Counted when it ends inside the window.
				if end.Before(winStart) || !end.Before(winStop) {
					continue
				}
				mu.Lock()
				if err != nil {
					errs++
				} else {
					lat = append(lat, end.Sub(begin))
					bytes += n
				}
				mu.Unlock()
			}
		}()
	}
	// CPU at the window's edges.
	time.Sleep(time.Until(winStart))
	start = time.Now()
	before := make([]float64, len(cpu))
	for i, p := range cpu {
		before[i] = treeCPU(pidOf(p))
	}
	time.Sleep(time.Until(winStop))
	stop = time.Now()
	after := make([]float64, len(cpu))
	for i, p := range cpu {
		after[i] = treeCPU(pidOf(p))
	}
	window := stop.Sub(start).Seconds()
	wg.Wait()

	slices.Sort(lat)
	pct := func(p float64) string {
		if len(lat) == 0 {
			return "-"
		}
		return fmt.Sprintf("%.1fms", float64(lat[min(len(lat)-1, int(float64(len(lat))*p))].Microseconds())/1000)
	}
	fmt.Printf("requests=%d rps=%.1f errors=%d p50=%s p99=%s avg_bytes=%d", len(lat), float64(len(lat))/window, errs,
		pct(0.50), pct(0.99), bytes/int64(max(1, len(lat))))
	for i, p := range cpu {
		name, _, _ := strings.Cut(p, "=")
		fmt.Printf(" cpu_%s=%.2f", name, after[i]-before[i])
	}
	fmt.Println()
}

func pidOf(p string) int {
	_, s, _ := strings.Cut(p, "=")
	pid, err := strconv.Atoi(s)
	if err != nil {
		fmt.Fprintln(os.Stderr, "load: -cpu wants name=PID:", p)
		os.Exit(2)
	}
	return pid
}

const clockTicks = 100 // USER_HZ on Linux

// stat reads a process's parent, utime+stime and cutime+cstime, in ticks.
func stat(pid string) (ppid int, own, children float64, ok bool) {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0, 0, 0, false
	}
	// The command may hold spaces: the fields follow its closing ")".
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	num := func(i int) float64 { v, _ := strconv.ParseFloat(f[i], 64); return v }
	// f[0] is state (field 3); ppid is field 4, utime 14, stime 15, cutime 16, cstime 17.
	ppid, _ = strconv.Atoi(f[1])
	return ppid, num(11) + num(12), num(13) + num(14), true
}

// treeCPU is the CPU seconds of root, its live descendants, and its
// descendants that exited and were waited for.
func treeCPU(root int) float64 {
	parent := map[int]int{}
	own := map[int]float64{}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		pid, _ := strconv.Atoi(filepath.Base(d))
		pp, o, _, ok := stat(filepath.Base(d))
		if ok {
			parent[pid], own[pid] = pp, o
		}
	}
	in := func(pid int) bool {
		for range 64 {
			if pid == root {
				return true
			}
			p, ok := parent[pid]
			if !ok || p <= 1 {
				return false
			}
			pid = p
		}
		return false
	}
	total := 0.0
	for pid, o := range own {
		if in(pid) {
			total += o
		}
	}
	_, _, waited, _ := stat(strconv.Itoa(root))
	return (total + waited) / clockTicks
}
