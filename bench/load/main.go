// Command load holds C concurrent clients against one or more URLs for a
// fixed time and prints the request rate, error count and latency
// percentiles. It only talks to the address it is given (loopback in our
// benchmarks) and stops by itself.
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

func main() {
	clients := flag.Int("c", 50, "concurrent clients")
	dur := flag.Duration("d", 30*time.Second, "how long to run")
	warm := flag.Duration("warmup", 2*time.Second, "run this long before measuring")
	flag.Parse()
	urls := flag.Args()
	if len(urls) == 0 {
		fmt.Fprintln(os.Stderr, "usage: load [-c 50] [-d 30s] URL...")
		os.Exit(2)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: *clients, DisableCompression: true}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	run := func(d time.Duration) ([]time.Duration, int) {
		var (
			mu     sync.Mutex
			lat    []time.Duration
			errors int
			wg     sync.WaitGroup
		)
		stop := time.Now().Add(d)
		for c := range *clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var mine []time.Duration
				bad := 0
				for i := c; time.Now().Before(stop); i++ {
					start := time.Now()
					res, err := client.Get(urls[i%len(urls)])
					if err == nil {
						io.Copy(io.Discard, res.Body)
						res.Body.Close()
						if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusNotModified {
							err = fmt.Errorf("status %d", res.StatusCode)
						}
					}
					if err != nil {
						bad++
						continue
					}
					mine = append(mine, time.Since(start))
				}
				mu.Lock()
				lat = append(lat, mine...)
				errors += bad
				mu.Unlock()
			}()
		}
		wg.Wait()
		return lat, errors
	}
	run(*warm)
	lat, errs := run(*dur)
	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(float64(len(lat))*p))]
	}
	fmt.Printf("urls=%s clients=%d duration=%s requests=%d rps=%.0f errors=%d p50=%s p90=%s p99=%s max=%s\n",
		strings.Join(urls, ","), *clients, *dur, len(lat), float64(len(lat))/dur.Seconds(), errs,
		pct(0.50), pct(0.90), pct(0.99), pct(1))
	if errs > 0 {
		os.Exit(1)
	}
}
