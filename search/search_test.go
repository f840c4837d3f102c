package search_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/search"
)

// The demo index, shared by the tests of this file (read only).
func demoIndex(t *testing.T) *search.Index {
	t.Helper()
	return indexed(t, search.DefaultVariant)
}

func ids(res *search.Result) []string {
	out := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.ID
	}
	return out
}

// What the issue promises a citizen.
func TestSearchFindsWhatIsMeant(t *testing.T) {
	ix := demoIndex(t)
	tests := []struct {
		q    string
		want string // among the first three hits, or the first four libraries
	}{
		{"避難所", "dataset:evacuation-spaces"},
		{"ひなんじょ", "dataset:evacuation-spaces"},
		{"ヒナンジョ", "dataset:evacuation-spaces"},
		{"避難場所", "dataset:evacuation-spaces"},
		{"evacuation", "dataset:evacuation-spaces"},
		{"図書館", "record:public-facilities:5"},
		{"桜まつり", "record:events:11"},
		{"昭和 駅前", "record:photo-archive:2"},
		{"ＡＥＤ", "dataset:aed"},
		{"こうみんかん", "record:public-facilities:9"},
		{"1964年", "record:photo-archive:10"},
	}
	for _, tt := range tests {
		res, err := ix.Search(context.Background(), search.Query{Q: tt.q, Limit: 3})
		if err != nil {
			t.Fatalf("%s: %v", tt.q, err)
		}
		got := ids(res)
		if tt.want == "record:public-facilities:5" && slices.ContainsFunc(got, func(id string) bool {
			return slices.Contains([]string{"record:public-facilities:6", "record:public-facilities:7", "record:public-facilities:8"}, id)
		}) {
			continue
		}
		if !slices.Contains(got, tt.want) {
			t.Errorf("%s: first hits %v, want %s among them", tt.q, ids(res), tt.want)
		}
	}
}

func TestOddQueries(t *testing.T) {
	ix := demoIndex(t)
	long := strings.Repeat("避難所 ", 700) // 2,100 characters
	for _, q := range []string{
		`"避難所`, `避難所"`, `*`, `-`, `- 避難所`, `+`, `:`, `title:避難所`, `(避難所 OR 公園`, `避難所^10`, `~`, `/.*/`,
		`\`, "避難所\x00\x01\x1b[31m", "\t\n\r", "", "   ", long, strings.Repeat("a", 2000), "\uFFFD\uFEFF", "ＡＮＤ ＯＲ ＮＯＴ",
		`<script>alert(1)</script>`, "%00", "' OR 1=1 --",
	} {
		res, err := ix.Search(context.Background(), search.Query{Q: q})
		if err != nil {
			t.Errorf("Search(%.30q): %v", q, err)
			continue
		}
		if res == nil || res.Facets == nil {
			t.Errorf("Search(%.30q): result %+v", q, res)
		}
		if _, err := ix.Suggest(context.Background(), q, 5); err != nil {
			t.Errorf("Suggest(%.30q): %v", q, err)
		}
	}
	// Text around the odd characters still counts.
	res, err := ix.Search(context.Background(), search.Query{Q: `"避難所`})
	if err != nil || res.Total == 0 {
		t.Errorf(`"避難所 finds nothing: %v`, err)
	}
}

func TestSearchInvalid(t *testing.T) {
	ix := demoIndex(t)
	for _, q := range []search.Query{{Q: "公園", Sort: "popularity"}, {Q: "公園", Limit: -1}, {Q: "公園", Offset: -5}} {
		_, err := ix.Search(context.Background(), q)
		if catalog.KindOf(err) != catalog.Invalid {
			t.Errorf("%+v: %v, want Invalid", q, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ix.Search(ctx, search.Query{Q: "公園"}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled search: %v", err)
	}
}

func TestFacetsAndFilters(t *testing.T) {
	ix := demoIndex(t)
	ctx := context.Background()
	all, err := ix.Search(ctx, search.Query{Types: []string{"dataset"}})
	if err != nil {
		t.Fatal(err)
	}
	if all.Total != 5 {
		t.Fatalf("%d datasets, want 5", all.Total)
	}
	want := map[string]map[string]int{
		"kind":    {"facility": 1, "evacuation": 1, "event": 1, "photo": 1, "table": 1},
		"license": {"CC-BY-4.0": 3, "PDL-1.0": 1, "CC0-1.0": 1},
	}
	for facet, counts := range want {
		for v, n := range counts {
			if got := all.Facets[facet][v]; got != n {
				t.Errorf("facet %s=%s: %d, want %d (%v)", facet, v, got, n, all.Facets[facet])
			}
		}
	}
	for _, f := range []string{"kind", "department", "theme", "tag", "format", "license"} {
		if len(all.Facets[f]) == 0 {
			t.Errorf("facet %s is empty", f)
		}
	}
	tests := []struct {
		q    search.Query
		want []string
	}{
		{search.Query{Types: []string{"dataset"}, License: "CC-BY-4.0", Sort: "title"}, []string{"dataset:events", "dataset:public-facilities", "dataset:photo-archive"}},
		{search.Query{Types: []string{"dataset"}, Kind: "evacuation"}, []string{"dataset:evacuation-spaces"}},
		{search.Query{Types: []string{"dataset"}, Theme: "HEAL", Sort: "title"}, []string{"dataset:aed", "dataset:events"}},
		{search.Query{Types: []string{"dataset"}, Tag: "AED"}, []string{"dataset:aed"}},
		{search.Query{Types: []string{"dataset"}, Format: "jpeg"}, []string{"dataset:photo-archive"}},
		{search.Query{Types: []string{"dataset"}, Department: "bousai"}, []string{"dataset:evacuation-spaces"}},
	}
	for _, tt := range tests {
		res, err := ix.Search(ctx, tt.q)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(res); !slices.Equal(got, tt.want) {
			t.Errorf("%+v: %v, want %v", tt.q, got, tt.want)
		}
	}
	res, err := ix.Search(ctx, search.Query{Q: "公園", Types: []string{"dataset"}})
	if err != nil || len(res.Hits) == 0 || res.Hits[0].ID != "dataset:public-facilities" {
		t.Errorf("公園 in datasets: %v %v", err, ids(res))
	}
	res, err = ix.Search(ctx, search.Query{Q: "公園", Types: []string{"facility", "evacuation"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		if h.Type != "facility" && h.Type != "evacuation" {
			t.Errorf("type filter lets %s (%s) through", h.ID, h.Type)
		}
	}
	if n := res.Facets["kind"]["facility"] + res.Facets["kind"]["evacuation"]; n != res.Total {
		t.Errorf("kind facet counts %d of %d hits", n, res.Total)
	}
}

// Pages of any sort put together are the whole list, each hit once, in
// the same order as one long page.
func TestPagingStable(t *testing.T) {
	ix := demoIndex(t)
	ctx := context.Background()
	for _, sort := range search.Sorts {
		for _, q := range []string{"", "公園", "みどり野"} {
			whole, err := ix.Search(ctx, search.Query{Q: q, Sort: sort, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			var paged []string
			for off := 0; off < min(whole.Total, 100); off += 7 {
				res, err := ix.Search(ctx, search.Query{Q: q, Sort: sort, Limit: 7, Offset: off})
				if err != nil {
					t.Fatal(err)
				}
				if res.Total != whole.Total {
					t.Errorf("%q by %s: total %d on page %d, %d on the whole", q, sort, res.Total, off, whole.Total)
				}
				paged = append(paged, ids(res)...)
			}
			paged = paged[:min(len(paged), len(whole.Hits))]
			if !slices.Equal(paged, ids(whole)) {
				t.Errorf("%q by %s: pages differ from the whole list", q, sort)
			}
		}
	}
	res, err := ix.Search(ctx, search.Query{Types: []string{"dataset"}, Sort: "title"})
	if err != nil {
		t.Fatal(err)
	}
	titles := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		titles[i] = h.Title
	}
	if !slices.IsSortedFunc(titles, func(a, b string) int { return strings.Compare(catalog.Fold(a), catalog.Fold(b)) }) {
		t.Errorf("not sorted by title: %v", titles)
	}
	res, err = ix.Search(ctx, search.Query{Q: "公園", Limit: 1000, Offset: 1 << 30})
	if err != nil || len(res.Hits) != 0 || res.Total == 0 {
		t.Errorf("past the end: %v, %d hits of %d", err, len(res.Hits), res.Total)
	}
}

func TestSnippets(t *testing.T) {
	ix := demoIndex(t)
	res, err := ix.Search(context.Background(), search.Query{Q: "ＡＥＤ", Types: []string{"dataset"}})
	if err != nil || len(res.Hits) == 0 {
		t.Fatalf("%v %+v", err, res)
	}
	h := res.Hits[0]
	if got := h.Snippets["title"]; len(got) != 1 || got[0] != "<mark>AED</mark>設置箇所一覧（みどり野市・サンプル）" {
		t.Errorf("title snippet %q", got)
	}
	if got := h.Snippets["text"]; len(got) == 0 || !strings.Contains(got[0], "<mark>AED</mark>（<mark>自動体外式除細動器</mark>）") {
		t.Errorf("text snippet %q", got)
	}
	res, err = ix.Search(context.Background(), search.Query{Q: "ヒナンジョ"})
	if err != nil || len(res.Hits) == 0 {
		t.Fatal(err)
	}
	marked := false
	for _, frags := range res.Hits[0].Snippets {
		for _, f := range frags {
			marked = marked || strings.Contains(f, "避難場所</mark>")
			if strings.Contains(f, "<mark>所</mark>") {
				t.Errorf("a match is cut: %s", f)
			}
		}
	}
	if !marked {
		t.Errorf("a kana query marks nothing of %s: %v", res.Hits[0].ID, res.Hits[0].Snippets)
	}
}

func TestSuggest(t *testing.T) {
	ix := demoIndex(t)
	ctx := context.Background()
	tests := []struct {
		prefix string
		want   string
	}{
		{"としょ", "みどり野市立中央図書館"}, // kana, by reading, inside the name
		{"トショ", "みどり野市立中央図書館"},
		{"図書", "みどり野市立中央図書館"},  // kanji
		{"図書か", "みどり野市立中央図書館"}, // half converted
		{"さくらだ", "桜台公園"},
		{"桜", "桜台公園"},
		{"みどりの", "みどり野市役所"},
		{"ａｅｄ", "AED設置箇所一覧（みどり野市・サンプル）"},
		{"指定", "指定緊急避難場所一覧（みどり野市・サンプル）"},
	}
	for _, tt := range tests {
		got, err := ix.Suggest(ctx, tt.prefix, 5)
		if err != nil {
			t.Fatal(err)
		}
		var texts []string
		for _, s := range got {
			texts = append(texts, s.Text)
		}
		if !slices.Contains(texts, tt.want) {
			t.Errorf("Suggest(%s) = %v, want %s", tt.prefix, texts, tt.want)
		}
		if len(got) > 5 || len(texts) != len(slices.Compact(slices.Clone(texts))) {
			t.Errorf("Suggest(%s): %v", tt.prefix, texts)
		}
	}
	got, err := ix.Suggest(ctx, "中央図書", 3)
	if err != nil || len(got) == 0 {
		t.Fatal(err)
	}
	if s := got[0]; s.Type != "facility" || s.Dataset != "public-facilities" || s.Row != 5 {
		t.Errorf("suggestion %+v, want the facility, not the AED list's copy", s)
	}
	for _, p := range []string{"", " ", "ぬぬぬぬ"} {
		if got, err := ix.Suggest(ctx, p, 5); err != nil || len(got) != 0 {
			t.Errorf("Suggest(%q) = %v, %v", p, got, err)
		}
	}
}
