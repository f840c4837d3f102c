package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/machi-opendata/portal/search"
)

// checkpoint is the indexing progress after n records.
type checkpoint struct {
	n       int
	elapsed time.Duration // since the first record
	rate    float64       // records/s since the previous checkpoint
}

// report collects everything measured, for the Markdown at the end.
type report struct {
	cfg     config
	started time.Time
	wall    time.Duration
	queries int
	cities  int

	idxDatasets, idxRecords, totalRecords int
	tDatasets, tRecords                   time.Duration
	cpuIndex                              time.Duration // CPU time of the process while indexing
	putDatasets, putRecords, docRecords   time.Duration
	checkpoints                           []checkpoint
	capped                                bool
	projected                             time.Duration
	hwmIndex, hwmEnd                      int64
	heapIndex                             uint64
	sizeIndexed, sizeSettled              int64
	settle                                time.Duration
	zapsBefore, zapsAfter                 int

	search, searchNoFacets, suggest series
	suggestByScript                 map[string]series
	totals                          map[string]int

	ftsErr                          error
	ftsDocs                         int
	ftsInsert, ftsOptimize, ftsWall time.Duration
	ftsSize                         int64
	fts                             series

	rel *relevance
}

func verdict(ok bool) string {
	if ok {
		return "**met**"
	}
	return "**not met**"
}

// reindexTime is the time for the whole catalog: measured, or extrapolated
// from the records indexed at the rate of the last 100,000 (the slowest so
// far: merges grow with the index).
func (r *report) reindexTime() (d time.Duration, extrapolated bool) {
	d = r.tDatasets + r.tRecords
	if r.idxRecords >= r.totalRecords || len(r.checkpoints) == 0 {
		return d, false
	}
	rate := r.checkpoints[len(r.checkpoints)-1].rate
	left := float64(r.totalRecords - r.idxRecords)
	return d + time.Duration(left/rate*float64(time.Second)), true
}

func (r *report) write(w io.Writer, js []search.Judgement) {
	c := r.cfg
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	host, _ := os.Hostname()
	p("## Search (issue 3) — `go run -tags sqlite_fts5 ./bench/search %s`, %s\n\n", strings.Join(os.Args[1:], " "), r.started.Format(time.DateOnly))
	p("Go %s, %d CPUs (%s). Generated catalog (seed %d): %s datasets of %d municipalities (the standard tables, and statistics without records), %s records of the standard kinds; documents built by `search.DatasetDoc` / `search.RecordDoc` from `catalog.Dataset` values and typed fields + columns as the records table holds them. Whole run: %s.\n\n",
		runtime.Version(), runtime.NumCPU(), host, c.seed, thousands(r.idxDatasets), r.cities, thousands(r.totalRecords), secs(r.wall))
	if c.writers > 0 {
		p("**Not the production path**: %d goroutines call Put with a batch each (search.Syncer.Rebuild puts through a search.Writer).\n\n", c.writers)
	}
	if r.capped {
		p("**Capped**: the first 100,000 records projected %s for the whole catalog (over %v), so %s records were indexed and the rest extrapolated; the FTS5 anchor indexed the same %s.\n\n",
			secs(r.projected), c.maxIndex, thousands(r.idxRecords), thousands(r.idxRecords))
	}

	reindex, extra := r.reindexTime()
	docs := r.idxDatasets + r.idxRecords
	p("| what | portal (Bleve, `%s` analysis) | SQLite FTS5, trigram | target | result |\n|---|---|---|---|---|\n", search.DefaultVariant)
	ftsCell := func(s string) string {
		if r.ftsErr != nil {
			return "not run"
		}
		return s
	}
	p("| documents indexed | %s datasets + %s records | the same %s | | |\n", thousands(r.idxDatasets), thousands(r.idxRecords), thousands(r.ftsDocs))
	idxCell := fmt.Sprintf("%s (%.0f docs/s)", secs(r.tDatasets+r.tRecords), float64(docs)/(r.tDatasets+r.tRecords).Seconds())
	full := fmt.Sprintf("%s datasets + %s records", thousands(c.datasets), thousands(c.records))
	if extra {
		p("| reindex, measured | %s | %s | | |\n", idxCell, ftsCell(fmt.Sprintf("insert %s + optimize %s", secs(r.ftsInsert), secs(r.ftsOptimize))))
		p("| reindex of %s, extrapolated | **%s** | %s | < 60 s | %s |\n", full, secs(reindex),
			ftsCell(secs(time.Duration(float64(r.ftsInsert+r.ftsOptimize)*float64(c.datasets+c.records)/float64(max(1, r.ftsDocs))))), verdict(reindex < time.Minute))
	} else {
		p("| reindex of %s | **%s** | %s | < 60 s | %s |\n", full, idxCell, ftsCell(fmt.Sprintf("insert %s + optimize %s", secs(r.ftsInsert), secs(r.ftsOptimize))), verdict(reindex < time.Minute))
	}
	p("| index size on disk (du) | %s after indexing, %s after merges settled | %s | recorded | |\n", mb(r.sizeIndexed), mb(r.sizeSettled), ftsCell(mb(r.ftsSize)))
	p("| peak RSS (VmHWM) | %s after indexing (Go heap in use %s), %s for the whole run | | recorded | |\n", mb(r.hwmIndex), mb(int64(r.heapIndex)), mb(r.hwmEnd))
	lat := func(s series) string { return fmt.Sprintf("%s / %s / %s", ms(s.p50), ms(s.p90), ms(s.p99)) }
	p("| search p50 / p90 / p99, %d judged queries, limit 10, facets | **%s** | %s | p50 < 2 ms, p99 < 10 ms | %s |\n",
		r.queries, lat(r.search), ftsCell(lat(r.fts)), verdict(r.search.p50 < 2*time.Millisecond && r.search.p99 < 10*time.Millisecond))
	p("| the same, `NoFacets` | %s | | | %s |\n", lat(r.searchNoFacets), verdict(r.searchNoFacets.p50 < 2*time.Millisecond && r.searchNoFacets.p99 < 10*time.Millisecond))
	if r.ftsErr == nil {
		p("| latency vs FTS5 (p50 / p99) | %.2f× / %.2f× FTS5's | | no worse | %s |\n", ratio(r.search.p50, r.fts.p50), ratio(r.search.p99, r.fts.p99),
			verdict(r.search.p50 <= r.fts.p50 && r.search.p99 <= r.fts.p99))
	}
	p("| suggest p50 / p90 / p99, %d prefixes | %s | | p99 < 5 ms | %s |\n", len(suggestPrefixes(queriesOf(js))), lat(r.suggest), verdict(r.suggest.p99 < 5*time.Millisecond))
	if r.rel != nil {
		fts := "not run"
		if r.rel.ftsErr == nil {
			fts = fmt.Sprintf("%.3f / %.3f", r.rel.fts.NDCG, r.rel.fts.Recall)
		}
		p("| nDCG@10 / recall@10, demo catalog (%d documents), %d judged queries | **%.3f / %.3f** | %s | clearly higher | %s |\n",
			r.rel.docs, len(js), r.rel.ours.NDCG, r.rel.ours.Recall, fts, verdict(r.rel.ftsErr == nil && r.rel.ours.NDCG >= r.rel.fts.NDCG+0.1))
	}
	p("\nLatency series: one warm-up pass, then up to %d timed passes (a series stops after the pass that passes %v): search %d calls, NoFacets %d, suggest %d, FTS5 %d. Merges after the last batch: %d → %d segment files, settled in %s (not counted in the reindex).\n\n",
		c.passes, c.budget, len(r.search.all), len(r.searchNoFacets.all), len(r.suggest.all), len(r.fts.all), r.zapsBefore, r.zapsAfter, secs(r.settle))

	p("CPU time of the process (all threads, GC included; wall times above also count waiting for the cores, which this machine may share): indexing %s; per call, search %s, NoFacets %s, suggest %s, FTS5 %s.\n\n",
		secs(r.cpuIndex), ms(r.search.cpuPerCall()), ms(r.searchNoFacets.cpuPerCall()), ms(r.suggest.cpuPerCall()), ms(r.fts.cpuPerCall()))
	p("Indexing, where the wall time went: datasets %s (%s in `Put`); records %s, of which `Put` %s, `RecordDoc` %s, drawing the synthetic fields %s.\n\n",
		secs(r.tDatasets), secs(r.putDatasets), secs(r.tRecords), secs(r.putRecords), secs(r.docRecords), secs(r.tRecords-r.putRecords-r.docRecords))
	p("| records indexed | elapsed | records/s since the previous line |\n|---|---|---|\n")
	for _, cp := range r.checkpoints {
		p("| %s | %s | %.0f |\n", thousands(cp.n), secs(cp.elapsed), cp.rate)
	}
	p("\nSlowest judged queries (median of their timed calls, with facets; hits = total matches):\n\n| query | portal | hits | FTS5 |\n|---|---|---|---|\n")
	ftsMed := map[string]time.Duration{}
	for _, s := range r.fts.slowest(len(r.fts.all)) {
		ftsMed[s.q] = s.d
	}
	for _, s := range r.search.slowest(10) {
		p("| %s | %s | %s | %s |\n", s.q, ms(s.d), thousands(r.totals[s.q]), ftsCell(ms(ftsMed[s.q])))
	}
	if r.ftsErr == nil {
		p("\nSlowest FTS5 queries:\n\n| query | FTS5 | portal |\n|---|---|---|\n")
		ours := map[string]time.Duration{}
		for _, s := range r.search.slowest(len(r.search.all)) {
			ours[s.q] = s.d
		}
		for _, s := range r.fts.slowest(8) {
			p("| %s | %s | %s |\n", s.q, ms(s.d), ms(ours[s.q]))
		}
	}
	p("\nSuggest by script of the prefix:\n\n| prefixes | calls | p50 | p99 | max |\n|---|---|---|---|---|\n")
	for _, k := range []string{"kana", "kanji", "latin"} {
		if s, ok := r.suggestByScript[k]; ok {
			p("| %s | %d | %s | %s | %s |\n", k, len(s.all), ms(s.p50), ms(s.p99), ms(s.maxD))
		}
	}
	if r.rel != nil && r.rel.ftsErr == nil {
		var kinds []string
		for _, j := range js {
			if !slices.Contains(kinds, j.Kind) {
				kinds = append(kinds, j.Kind)
			}
		}
		p("\nRelevance by kind of query (nDCG@10 / recall@10), demo catalog:\n\n| | %s |\n|---|%s\n", strings.Join(kinds, " | "), strings.Repeat("---|", len(kinds)))
		for _, row := range []struct {
			name string
			s    search.Scores
		}{{"portal", r.rel.ours}, {"FTS5 trigram", r.rel.fts}} {
			p("| %s |", row.name)
			for _, k := range kinds {
				p(" %.2f / %.2f |", row.s.ByKind[k][0], row.s.ByKind[k][1])
			}
			p("\n")
		}
	}
	if r.ftsErr != nil {
		p("\nFTS5 anchor: %v.\n", r.ftsErr)
	}
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func queriesOf(js []search.Judgement) []string {
	out := make([]string, len(js))
	for i, j := range js {
		out[i] = j.Query
	}
	return out
}
