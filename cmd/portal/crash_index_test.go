package main

import (
	"database/sql"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestCrashDuringIndexRebuild kills the portal while it rebuilds its search
// index at start (after an upgrade changes the mapping, after the index
// was found damaged, or after an operator removed it), then starts it
// again: the second start must rebuild again or finish the job, not serve
// the half-built index. TestCrashSafety's kills rarely land in a rebuild
// (one happens only when a kill has damaged the index), so this aims at it.
func TestCrashDuringIndexRebuild(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the portal a dozen times")
	}
	const attempts = 4
	h := &crashHarness{t: t, bin: buildPortal(t), data: filepath.Join(t.TempDir(), "data"), spent: map[string]time.Duration{}}
	t.Cleanup(h.stop)
	h.start(0) // loads the demo and builds the index
	h.srv.kill()
	index := filepath.Join(h.data, "search")
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 0))
	for i := range attempts {
		h.cycle = i + 1
		if err := os.RemoveAll(index); err != nil {
			t.Fatal(err)
		}
		killAt := h.killOnceIndexed(index, time.Duration(rng.Int64N(int64(400*time.Millisecond))))
		h.start(0)
		want := publishedSlugs(t, h.data)
		got := h.indexedDatasets()
		if !slices.Equal(got, want) {
			t.Errorf("killed %v after the rebuild began, then restarted: the index holds %d of the %d published datasets (%v)",
				killAt, len(got), len(want), got)
		}
		h.srv.kill()
	}
}

// killOnceIndexed starts the portal, waits until its index folder appears
// (the rebuild of a removed index begins with it), waits d more and kills
// it. It returns how long after the folder appeared the kill came.
func (h *crashHarness) killOnceIndexed(index string, d time.Duration) time.Duration {
	h.t.Helper()
	log := &crashLog{listening: make(chan string, 1)}
	srv := &crashServer{log: log, done: make(chan struct{})}
	srv.cmd = crashCommand(h.bin, h.data)
	srv.cmd.Stderr = log
	if err := srv.cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	go func() { srv.cmd.Wait(); close(srv.done) }()
	h.srv = srv
	for deadline := time.Now().Add(3 * time.Minute); ; time.Sleep(2 * time.Millisecond) {
		if _, err := os.Stat(index); err == nil {
			break
		}
		select {
		case <-srv.done:
			h.t.Fatalf("the portal stopped before building its index: %v\n%s", srv.cmd.ProcessState, log.tail())
		default:
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("no index folder after 3 minutes\n%s", log.tail())
		}
	}
	began := time.Now()
	time.Sleep(d)
	srv.kill()
	return time.Since(began).Round(time.Millisecond)
}

// publishedSlugs lists the published datasets, read from the catalog.
func publishedSlugs(t *testing.T, data string) []string {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(data, "portal.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT slug FROM datasets WHERE status = 'published' AND current_version > 0 ORDER BY slug`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		out = append(out, s)
	}
	return out
}

// indexedDatasets lists the datasets the search index holds, sorted.
func (h *crashHarness) indexedDatasets() []string {
	h.t.Helper()
	c := newCrashClient(h.srv.base)
	var out []string
	for offset, total := 0, 1; offset < total; offset += 100 {
		status, body, err := c.get("/api/v1/search?type=dataset&sort=title&limit=100&offset=" + strconv.Itoa(offset))
		var res struct {
			Total int `json:"total"`
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		if err != nil || status != 200 || json.Unmarshal(body, &res) != nil {
			h.t.Fatalf("search: %d %v %.300s", status, err, body)
		}
		for _, it := range res.Items {
			if slug, ok := strings.CutPrefix(it.ID, "dataset:"); ok {
				out = append(out, slug)
			}
		}
		total = res.Total
	}
	slices.Sort(out)
	return out
}
