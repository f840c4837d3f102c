package web

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/search"
)

// BenchmarkCKANPackageSearch measures package_search on a catalog of
// 10,000 published datasets (50 departments), through the server's
// handler, request by request: each sub-benchmark reports the p50 and p99
// of its requests (the target: p99 under 10 ms).
//
//	go test ./web -run XXX -bench CKANPackageSearch -benchtime 2000x
func BenchmarkCKANPackageSearch(b *testing.B) {
	const datasets = 10_000
	srv, words := ckanBenchServer(b, datasets)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	cat, err := srv.ckanCatalog(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	took := time.Since(start)
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.Logf("the CKAN view of %d datasets: built in %v, %.1f MB of heap", len(cat.packages), took.Round(time.Millisecond),
		float64(after.HeapAlloc-before.HeapAlloc)/1e6)
	rng := rand.New(rand.NewPCG(7, 7))
	dept := func() string { return fmt.Sprintf("dept-%02d", rng.IntN(50)) }
	tests := []struct {
		name  string
		query func() url.Values
	}{
		{"default", func() url.Values { return url.Values{} }},
		{"harvest-rows100", func() url.Values { // CKANHarvester's paging
			return url.Values{"rows": {"100"}, "start": {fmt.Sprint(rng.IntN(datasets/100) * 100)}, "sort": {"id asc"}}
		}},
		{"harvest-rows1000", func() url.Values {
			return url.Values{"rows": {"1000"}, "start": {fmt.Sprint(rng.IntN(datasets/1000) * 1000)}, "sort": {"id asc"}}
		}},
		{"modified-since", func() url.Values {
			return url.Values{"fq": {"metadata_modified:[2026-01-05T00:00:00Z TO *]"}, "sort": {"metadata_modified desc"}, "rows": {"100"}}
		}},
		{"fq-facets", func() url.Values {
			return url.Values{"fq": {"organization:" + dept() + " -groups:soci"}, "rows": {"20"},
				"facet.field": {`["organization","groups","tags","res_format","license_id"]`}}
		}},
		{"facets-everything", func() url.Values {
			return url.Values{"rows": {"0"}, "facet.field": {`["organization","groups","tags","res_format","license_id"]`}}
		}},
		{"q", func() url.Values { return url.Values{"q": {words[rng.IntN(len(words))]}} }},
		{"q-fq-facets", func() url.Values {
			return url.Values{"q": {words[rng.IntN(len(words))]}, "fq": {"groups:soci"}, "facet.field": {`["organization"]`}}
		}},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			var times []time.Duration
			bytes := 0
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, "/api/3/action/package_search?"+tt.query().Encode(), nil)
				w := &discardWriter{header: http.Header{}}
				t0 := time.Now()
				srv.ServeHTTP(w, req)
				times = append(times, time.Since(t0))
				if w.code != 200 {
					b.Fatalf("%s: %d", req.URL, w.code)
				}
				bytes += w.n
			}
			slices.Sort(times)
			pct := func(p float64) float64 {
				return float64(times[min(len(times)-1, int(p*float64(len(times))))].Microseconds()) / 1000
			}
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
			b.ReportMetric(float64(bytes)/float64(len(times))/1024, "KiB/answer")
		})
	}
}

// discardWriter is a connection that takes the answer as fast as it is
// written and keeps none of it, as a socket to a quick client does (a
// recorder would time the growing of its buffer).
type discardWriter struct {
	header http.Header
	code   int
	n      int
}

func (w *discardWriter) Header() http.Header { return w.header }
func (w *discardWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}
func (w *discardWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	w.n += len(p)
	return len(p), nil
}

// ckanBenchServer builds a catalog of n published datasets through the
// store's own AddVersion (no records: package_search never reads them),
// indexes them as the portal does, and serves it. words are query words
// the datasets' titles use.
func ckanBenchServer(b *testing.B, n int) (*Server, []string) {
	b.Helper()
	ctx := context.Background()
	dir := b.TempDir()
	store, err := catalog.Open(ctx, filepath.Join(dir, "portal.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var clock time.Time
	store.Now = func() time.Time { return clock }
	var depts []catalog.Department
	for i := range 50 {
		d := catalog.Department{Code: fmt.Sprintf("dept-%02d", i), NameJA: fmt.Sprintf("第%d課", i+1), NameEN: fmt.Sprintf("Division %d", i+1)}
		if err := store.PutDepartment(ctx, d); err != nil {
			b.Fatal(err)
		}
		depts = append(depts, d)
	}
	towns := []string{"桜台", "泉町", "緑が丘", "中町", "西町", "東町", "北町", "南町", "若葉", "本町", "旭町", "栄町"}
	topics := []struct {
		title string
		kind  catalog.Kind
		tags  []string
	}{
		{"公共施設一覧", catalog.KindFacility, []string{"公共施設", "施設"}},
		{"指定緊急避難場所一覧", catalog.KindEvacuation, []string{"防災", "避難場所"}},
		{"イベント一覧", catalog.KindEvent, []string{"イベント", "まつり"}},
		{"AED設置箇所一覧", catalog.KindTable, []string{"AED", "救命"}},
		{"ごみ排出量", catalog.KindTable, []string{"ごみ", "環境"}},
		{"人口統計", catalog.KindTable, []string{"人口", "統計"}},
		{"保育園一覧", catalog.KindTable, []string{"子育て", "保育"}},
		{"写真アーカイブ", catalog.KindPhoto, []string{"写真", "歴史"}},
	}
	licenses := []string{"CC-BY-4.0", "PDL-1.0", "CC0-1.0"}
	rng := rand.New(rand.NewPCG(3, 3))
	columns := []catalog.Column{{Name: "名称", Type: catalog.TypeText}, {Name: "住所", Type: catalog.TypeText}, {Name: "定員", Type: catalog.TypeInteger}}
	index, err := search.Open(filepath.Join(dir, "search"))
	if err != nil && err != search.ErrRebuild {
		b.Fatal(err)
	}
	b.Cleanup(func() { index.Close() })
	var docs []search.Doc
	for i := range n {
		clock = base.Add(time.Duration(i) * time.Minute)
		topic := topics[rng.IntN(len(topics))]
		dept := depts[rng.IntN(len(depts))]
		town := towns[rng.IntN(len(towns))]
		var themes []string
		for _, t := range rng.Perm(len(catalog.Themes))[:1+rng.IntN(3)] {
			themes = append(themes, catalog.Themes[t].Code)
		}
		meta := catalog.Dataset{Slug: fmt.Sprintf("ds-%05d", i), Kind: topic.kind, Department: dept.Code,
			TitleJA: fmt.Sprintf("%s %s（令和%d年度）", town, topic.title, 1+rng.IntN(7)), License: licenses[rng.IntN(len(licenses))],
			DescriptionJA: fmt.Sprintf("%sの%sです。%sが毎年度更新します。", town, topic.title, dept.NameJA),
			Themes:        themes, Keywords: append(slices.Clone(topic.tags), town)}
		sum := fmt.Sprintf("%064x", i)
		d, v, err := store.AddVersion(ctx, catalog.NewVersion{Meta: meta, Publish: true, Actor: "bench",
			Files: []catalog.VersionFile{{Name: "data.csv", SHA256: sum, Size: 2048, MediaType: "text/csv", Role: "data"}}},
			func(ctx context.Context, tx *sql.Tx, versionID int64) (catalog.VersionStats, error) {
				return catalog.VersionStats{Columns: columns, Rows: 100}, nil
			})
		if err != nil {
			b.Fatal(err)
		}
		for _, f := range []string{"data.csv", "data.json"} {
			if err := store.PutDistribution(ctx, v.ID, f, catalog.DistributionInfo{Size: 4096, SHA256: sum}); err != nil {
				b.Fatal(err)
			}
		}
		docs = append(docs, search.DatasetDoc(d, dept, columns))
	}
	for i := 0; i < len(docs); i += 500 {
		if err := index.Put(docs[i:min(i+500, len(docs))]...); err != nil {
			b.Fatal(err)
		}
	}
	srv, err := New(store, &catalog.Files{Dir: filepath.Join(dir, "files")}, index, Config{BaseURL: "http://portal.test"},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	var words []string
	for _, t := range topics {
		words = append(words, strings.TrimSuffix(t.title, "一覧"))
	}
	return srv, append(words, towns...)
}
