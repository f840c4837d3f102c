// Command search is the scale benchmark of issue 3: a synthetic catalog of
// Japanese datasets and records indexed by the portal's search index
// (search.Open, a search.Writer, the production analyzers), its query and
// suggest latency on the judged queries, and the same against SQLite FTS5
// with the trigram tokenizer; then relevance on the demo catalog, both ways.
//
//	go run -tags sqlite_fts5 ./bench/search -datasets 10000 -records 1000000
//	go run -tags sqlite_fts5 ./bench/search -records 100000   # a quick run
//
// Without -tags sqlite_fts5 the FTS5 anchor is skipped (and said so). The
// report is a Markdown table on stdout; progress goes to stderr.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/machi-opendata/portal/search"
)

type config struct {
	datasets, records int
	seed              uint64
	dir               string
	keep              bool
	maxIndex          time.Duration // projected indexing time above which the records are capped
	capAt             int
	passes            int
	budget            time.Duration // per latency series, after one warm-up pass
	cpuProfile        string
	searchProfile     string
	judged            string
	fts, demo         bool
	sample            int
	writers           int
}

func main() {
	var c config
	flag.IntVar(&c.datasets, "datasets", 10000, "datasets to generate")
	flag.IntVar(&c.records, "records", 1000000, "records to generate")
	flag.Uint64Var(&c.seed, "seed", 3, "seed of the generated catalog")
	flag.StringVar(&c.dir, "dir", "", "work directory (default: a new temporary one, removed at the end)")
	flag.BoolVar(&c.keep, "keep", false, "keep the work directory (index, FTS5 database)")
	flag.DurationVar(&c.maxIndex, "max-index", 20*time.Minute, "if indexing is projected to take longer (from the first 100,000 records), index only -cap-at records and extrapolate")
	flag.IntVar(&c.capAt, "cap-at", 200000, "records to index when the projection exceeds -max-index")
	flag.IntVar(&c.passes, "passes", 5, "timed passes over the queries (after a warm-up pass)")
	flag.DurationVar(&c.budget, "budget", 60*time.Second, "stop a latency series after the pass that exceeds this (at least one pass)")
	flag.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile of the indexing phase to this file")
	flag.StringVar(&c.searchProfile, "searchprofile", "", "write a CPU profile of the search and suggest timing to this file")
	flag.StringVar(&c.judged, "judged", "search/testdata/judged.json", "the judged query set")
	flag.BoolVar(&c.fts, "fts", true, "run the SQLite FTS5 anchor")
	flag.BoolVar(&c.demo, "demo", true, "compare relevance on the demo catalog")
	flag.IntVar(&c.writers, "writers", 0, "0: put through a search.Writer, as search.Syncer.Rebuild does; n: n goroutines calling Put with one batch each")
	flag.IntVar(&c.sample, "sample", 0, "print this many generated documents of each type and exit")
	flag.Parse()
	log.SetFlags(log.Ltime)
	log.SetPrefix("bench/search ")
	if err := run(context.Background(), c); err != nil {
		log.Print(err)
		os.Exit(1)
	}
}

func run(ctx context.Context, c config) error {
	began := time.Now()
	if c.sample > 0 {
		return printSample(newSynth(c.seed, c.datasets, c.records), c.sample)
	}
	js, err := search.LoadJudgements(c.judged)
	if err != nil {
		return err
	}
	var queries []string
	for _, j := range js {
		queries = append(queries, j.Query)
	}
	if c.dir == "" {
		if c.dir, err = os.MkdirTemp("", "bench-search-"); err != nil {
			return err
		}
	} else if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return err
	}
	if !c.keep {
		defer os.RemoveAll(c.dir)
	}
	rep := &report{cfg: c, started: began, queries: len(queries)}

	log.Printf("planning %d datasets and %d records (seed %d)", c.datasets, c.records, c.seed)
	s := newSynth(c.seed, c.datasets, c.records)
	rep.cities = len(s.cities)

	ix, err := indexBleve(c, s, filepath.Join(c.dir, "index"), rep)
	if err != nil {
		return err
	}
	rep.settle, rep.zapsBefore, rep.zapsAfter = settle(filepath.Join(c.dir, "index"))
	rep.sizeSettled = dirSize(filepath.Join(c.dir, "index"))
	log.Printf("merges settled in %v: %d -> %d segment files, %s", rep.settle.Round(time.Second), rep.zapsBefore, rep.zapsAfter, mb(rep.sizeSettled))

	if err := timeBleve(ctx, c, ix, queries, rep); err != nil {
		return err
	}
	if err := ix.Close(); err != nil {
		return err
	}

	if c.fts {
		if err := runFTS(c, s, queries, rep); err != nil {
			return err
		}
	}
	if c.demo {
		log.Printf("relevance on the demo catalog")
		ddir := filepath.Join(c.dir, "demo")
		if err := os.MkdirAll(ddir, 0o755); err != nil {
			return err
		}
		if rep.rel, err = compareRelevance(ctx, ddir, js); err != nil {
			return fmt.Errorf("demo relevance: %w", err)
		}
	}
	rep.wall, rep.hwmEnd = time.Since(began), vmHWM()
	rep.write(os.Stdout, js)
	return nil
}

// errStop ends a generation early (the record cap).
var errStop = errors.New("stop")

// indexBleve builds the index as a reindex does: a new index (search.Open
// on an empty directory), the datasets, then the records, through a
// search.Writer as search.Syncer.Rebuild puts them (-writers n for the
// older ways).
func indexBleve(c config, s *synth, dir string, rep *report) (*search.Index, error) {
	ix, err := search.Open(dir)
	if err != nil && !errors.Is(err, search.ErrRebuild) {
		return nil, err
	}
	if c.cpuProfile != "" {
		f, err := os.Create(c.cpuProfile)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
		defer pprof.StopCPUProfile()
	}
	const batch = 500
	buf := make([]search.Doc, 0, batch)
	var put time.Duration
	pt := newPutter(ix, c.writers)
	defer pt.close()
	// flush puts what is buffered; sync also waits for the batches that
	// other writers still hold, so that what is counted is indexed.
	flush := func(sync bool) error {
		start := time.Now()
		err := pt.put(buf)
		if err == nil && sync {
			err = pt.wait()
		}
		put += time.Since(start)
		buf = buf[:0]
		return err
	}
	add := func(d search.Doc) error {
		buf = append(buf, d)
		if len(buf) == batch {
			return flush(false)
		}
		return nil
	}

	log.Printf("indexing %d datasets", len(s.datasets))
	start, cpu := time.Now(), cpuTime()
	if err := s.eachDataset(func(d search.Doc) error { rep.idxDatasets++; return add(d) }); err != nil {
		return nil, err
	}
	if err := flush(true); err != nil {
		return nil, err
	}
	rep.tDatasets = time.Since(start)
	rep.putDatasets = put
	log.Printf("datasets: %v (%.0f/s)", rep.tDatasets.Round(time.Millisecond), float64(rep.idxDatasets)/rep.tDatasets.Seconds())

	target := s.records
	const step = 100000
	recStart, last, lastN := time.Now(), time.Now(), 0
	put = 0
	var docTime time.Duration
	err = s.eachRecord(s.records, &docTime, func(d search.Doc) error {
		if err := add(d); err != nil {
			return err
		}
		rep.idxRecords++
		n := rep.idxRecords
		if n%step == 0 || n == target {
			if err := flush(true); err != nil {
				return err
			}
			now := time.Now()
			cp := checkpoint{n: n, elapsed: now.Sub(recStart), rate: float64(n-lastN) / now.Sub(last).Seconds()}
			rep.checkpoints = append(rep.checkpoints, cp)
			log.Printf("records: %d in %v (%.0f/s in the last %d), RSS peak %s", n, cp.elapsed.Round(time.Second), cp.rate, n-lastN, mb(vmHWM()))
			last, lastN = now, n
			if len(rep.checkpoints) == 1 && n < s.records {
				rep.projected = rep.tDatasets + time.Duration(float64(cp.elapsed)*float64(s.records)/float64(n))
				if rep.projected > c.maxIndex && c.capAt < s.records {
					target = max(n, c.capAt)
					rep.capped = true
					log.Printf("projected %v for %d records (over %v): indexing %d and extrapolating", rep.projected.Round(time.Second), s.records, c.maxIndex, target)
				}
			}
			if n >= target {
				return errStop
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return nil, err
	}
	if err := flush(true); err != nil {
		return nil, err
	}
	rep.tRecords = time.Since(recStart)
	rep.cpuIndex = cpuTime() - cpu
	rep.putRecords, rep.docRecords = put, docTime
	rep.totalRecords = s.records
	pprof.StopCPUProfile()
	rep.hwmIndex = vmHWM()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rep.heapIndex = ms.HeapInuse
	rep.sizeIndexed = dirSize(dir)
	log.Printf("indexed %d datasets + %d records in %v (CPU %v); index %s; peak RSS %s", rep.idxDatasets, rep.idxRecords,
		(rep.tDatasets + rep.tRecords).Round(time.Second), rep.cpuIndex.Round(time.Second), mb(rep.sizeIndexed), mb(rep.hwmIndex))
	return ix, nil
}

// timeBleve times the judged queries (with and without facets) and the
// suggest prefixes on the big index.
func timeBleve(ctx context.Context, c config, ix *search.Index, queries []string, rep *report) error {
	if c.searchProfile != "" {
		f, err := os.Create(c.searchProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	totals := map[string]int{}
	for _, mode := range []struct {
		name     string
		noFacets bool
		out      *series
	}{{"search", false, &rep.search}, {"search, NoFacets", true, &rep.searchNoFacets}} {
		log.Printf("timing %s", mode.name)
		s, err := timeSeries(c, queries, func(q string) error {
			res, err := ix.Search(ctx, search.Query{Q: q, Limit: 10, NoFacets: mode.noFacets})
			if err == nil {
				totals[q] = res.Total
			}
			return err
		})
		if err != nil {
			return err
		}
		*mode.out = s
		log.Printf("%s: %s", mode.name, s)
	}
	rep.totals = totals
	prefixes := suggestPrefixes(queries)
	log.Printf("timing suggest (%d prefixes)", len(prefixes))
	var err error
	rep.suggest, err = timeSeries(c, prefixes, func(p string) error {
		_, err := ix.Suggest(ctx, p, 10)
		return err
	})
	if err != nil {
		return err
	}
	log.Printf("suggest: %s", rep.suggest)
	rep.suggestByScript = map[string]series{}
	for _, script := range []string{"kana", "kanji", "latin"} {
		var ps []string
		for _, p := range prefixes {
			if scriptOf(p) == script {
				ps = append(ps, p)
			}
		}
		if len(ps) == 0 {
			continue
		}
		var byScript series
		for _, l := range rep.suggest.all {
			if scriptOf(l.q) == script {
				byScript.all = append(byScript.all, l)
			}
		}
		byScript.finish()
		rep.suggestByScript[script] = byScript
	}
	return nil
}

// runFTS builds the anchor over the same documents as the Bleve index and
// times the same queries.
func runFTS(c config, s *synth, queries []string, rep *report) error {
	log.Printf("FTS5: indexing the same %d + %d documents", rep.idxDatasets, rep.idxRecords)
	start := time.Now()
	var docTime time.Duration
	f, insert, optimize, n, err := buildFTS(filepath.Join(c.dir, "fts.db"), func(fn func(search.Doc) error) error {
		if err := s.eachDataset(fn); err != nil {
			return err
		}
		return s.eachRecord(rep.idxRecords, &docTime, fn)
	})
	if errors.Is(err, errNoFTS5) {
		rep.ftsErr = err
		log.Print(err)
		return nil
	}
	if err != nil {
		return err
	}
	defer f.close()
	rep.ftsDocs, rep.ftsInsert, rep.ftsOptimize, rep.ftsWall = n, insert, optimize, time.Since(start)
	rep.ftsSize = f.size()
	log.Printf("FTS5: %d documents, insert %v + optimize %v, %s", n, insert.Round(time.Second), optimize.Round(time.Second), mb(rep.ftsSize))
	rep.fts, err = timeSeries(c, queries, func(q string) error {
		_, err := f.search(q, 10)
		return err
	})
	if err != nil {
		return err
	}
	log.Printf("FTS5 search: %s", rep.fts)
	return nil
}
