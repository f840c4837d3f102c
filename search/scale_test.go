package search_test

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/machi-opendata/portal/search"
)

// A larger index than the demo's, for indexing throughput and latency:
//
//	go test ./search/ -run TestScale -v -timeout 30m -search.scale 20000 -search.variants combined,kagome+reading
//
// The records are the demo's, repeated under other town names and numbers,
// so they are as long and as Japanese as real ones; the judged queries are
// run three times each. Skipped unless -search.scale is set.
var (
	scaleDocs     = flag.Int("search.scale", 0, "index this many generated records and report times")
	scaleVariants = flag.String("search.variants", search.DefaultVariant, "variants for -search.scale, comma-separated; variant/ablation undoes one decision")
)

func TestScale(t *testing.T) {
	if *scaleDocs == 0 {
		t.Skip("set -search.scale")
	}
	docs := generatedDocs(t, *scaleDocs)
	js := judged(t)
	for _, v := range strings.Split(*scaleVariants, ",") {
		open := func() (*search.Index, error) { return search.OpenMem(v) }
		if name, ablation, ok := strings.Cut(v, "/"); ok {
			open = func() (*search.Index, error) { return search.OpenMemAblated(name, ablation) }
		}
		ix, err := open()
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if err := ix.Put(docs...); err != nil {
			t.Fatal(err)
		}
		took := time.Since(start)
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		t.Logf("%s: %d documents indexed in %v (%.0f/s); heap in use %d MB (dictionary, documents and index)",
			v, len(docs), took.Round(time.Millisecond), float64(len(docs))/took.Seconds(), ms.HeapInuse>>20)
		ctx := context.Background()
		var lat []time.Duration
		slowest := map[string]time.Duration{}
		for range 3 {
			for _, j := range js {
				s := time.Now()
				if _, err := ix.Search(ctx, search.Query{Q: j.Query, Limit: 10}); err != nil {
					t.Fatal(err)
				}
				lat = append(lat, time.Since(s))
				slowest[j.Query] = max(slowest[j.Query], time.Since(s))
			}
		}
		if *evalDetail {
			var qs []string
			for q := range slowest {
				qs = append(qs, q)
			}
			slices.SortFunc(qs, func(a, b string) int { return int(slowest[b] - slowest[a]) })
			for _, q := range qs[:min(10, len(qs))] {
				t.Logf("%s: slow %q %v", v, q, slowest[q].Round(10*time.Microsecond))
			}
		}
		t.Logf("%s: search %s", v, percentiles(lat))
		lat = lat[:0]
		for _, p := range []string{"と", "とし", "としょ", "み", "みど", "中", "中央", "さくら", "ひ", "ひなん", "図書", "こみゅ"} {
			for range 5 {
				s := time.Now()
				if _, err := ix.Suggest(ctx, p, 10); err != nil {
					t.Fatal(err)
				}
				lat = append(lat, time.Since(s))
			}
		}
		t.Logf("%s: suggest %s", v, percentiles(lat))
		ix.Close()
	}
}

func percentiles(lat []time.Duration) string {
	slices.Sort(lat)
	p := func(q float64) time.Duration {
		return lat[min(len(lat)-1, int(q*float64(len(lat))))].Round(10 * time.Microsecond)
	}
	return fmt.Sprintf("p50 %v, p90 %v, p99 %v, max %v", p(0.5), p(0.9), p(0.99), lat[len(lat)-1].Round(10*time.Microsecond))
}

// generatedDocs repeats the demo's records under other towns and numbers.
func generatedDocs(t *testing.T, n int) []search.Doc {
	base := demoDocs(t)
	towns := []string{"中町", "本町", "東町", "西町", "北町", "南町", "桜台", "若葉台", "緑が丘", "泉町", "青葉", "富士見",
		"松が丘", "旭町", "栄町", "大和田", "高砂", "日の出", "千代田", "宮前"}
	var docs []search.Doc
	for i := 0; len(docs) < n; i++ {
		d := base[i%len(base)]
		if d.Type == "dataset" {
			continue
		}
		town := towns[(i/len(base))%len(towns)]
		d.Dataset = fmt.Sprintf("gen-%d", i/1000)
		d.Row = i
		d.ID = search.RecordID(d.Dataset, i)
		d.Title = town + d.Title + strconv.Itoa(i%97)
		d.Text = strings.ReplaceAll(d.Text, "中町", town)
		docs = append(docs, d)
	}
	return docs
}
