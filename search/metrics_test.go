package search

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestNDCG(t *testing.T) {
	rel := map[string]int{"a": 3, "b": 2, "c": 1}
	tests := []struct {
		name   string
		ranked []string
		rel    map[string]int
		k      int
		want   float64
	}{
		{"perfect", []string{"a", "b", "c"}, rel, 10, 1},
		{"perfect then noise", []string{"a", "b", "c", "x", "y"}, rel, 10, 1},
		{"empty ranking", nil, rel, 10, 0},
		{"nothing relevant found", []string{"x", "y"}, rel, 10, 0},
		{"nothing judged", []string{"a"}, map[string]int{}, 10, 0},
		{"k zero", []string{"a"}, rel, 0, 0},
		// DCG = 0/log2(2) + (2^2-1)/log2(3) + (2^3-1)/log2(4) = 1.892789 + 3.5 = 5.392789
		// IDCG = 7/log2(2) + 3/log2(3) + 1/log2(4) = 7 + 1.892789 + 0.5 = 9.392789
		// nDCG = 5.392789 / 9.392789 = 0.574141
		{"partial", []string{"x", "b", "a"}, rel, 3, 0.574141},
		// Cut at k=2: DCG = 1/1 + 7/log2(3) = 5.416508; IDCG = 7 + 3/log2(3) = 8.892789.
		{"ideal cut at k", []string{"c", "a", "b"}, rel, 2, 0.609090},
		// Three grade-3 ids, k=1: the ideal is one grade-3 id too.
		{"k below judged", []string{"a"}, map[string]int{"a": 3, "b": 3, "c": 3}, 1, 1},
		// The repeat of a gains nothing: 7 / (7 + 7/log2(3)) = 0.613147.
		{"repeat counts once", []string{"a", "a"}, map[string]int{"a": 3, "b": 3}, 2, 0.613147},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := NDCG(tc.ranked, tc.rel, tc.k); math.Abs(got-tc.want) > 1e-6 {
				t.Errorf("NDCG(%q, k=%d) = %.6f, want %.6f", tc.ranked, tc.k, got, tc.want)
			}
		})
	}
}

func TestRecall(t *testing.T) {
	rel := map[string]int{"a": 3, "b": 2, "c": 1}
	tests := []struct {
		name   string
		ranked []string
		rel    map[string]int
		k      int
		want   float64
	}{
		{"all found", []string{"c", "x", "a", "b"}, rel, 10, 1},
		{"empty ranking", nil, rel, 10, 0},
		{"partial", []string{"x", "b", "a"}, rel, 3, 2.0 / 3},
		{"beyond k not counted", []string{"x", "b", "a"}, rel, 2, 1.0 / 3},
		{"repeat counts once", []string{"a", "a", "a"}, rel, 3, 1.0 / 3},
		{"nothing judged", []string{"a"}, map[string]int{}, 10, 0},
		{"k zero", []string{"a"}, rel, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Recall(tc.ranked, tc.rel, tc.k); math.Abs(got-tc.want) > 1e-9 {
				t.Errorf("Recall(%q, k=%d) = %.6f, want %.6f", tc.ranked, tc.k, got, tc.want)
			}
		})
	}
}

func TestScore(t *testing.T) {
	js := []Judgement{
		{Query: "q1", Kind: "japanese", Relevant: map[string]int{"a": 3}},
		{Query: "q2", Kind: "japanese", Relevant: map[string]int{"b": 1, "c": 1}},
		{Query: "q3", Kind: "kana", Relevant: map[string]int{"a": 3}},
	}
	results := map[string][]string{"q1": {"a"}, "q2": {"b"}, "q3": {"x"}}
	s, err := Score(js, 10, func(q string) ([]string, error) { return results[q], nil })
	if err != nil {
		t.Fatal(err)
	}
	// q2: DCG = 1, IDCG = 1 + 1/log2(3), nDCG = 0.613147; recall 0.5.
	q2 := 1 / (1 + 1/math.Log2(3))
	want := Scores{
		NDCG:    (1 + q2 + 0) / 3,
		Recall:  (1 + 0.5 + 0) / 3,
		ByKind:  map[string][2]float64{"japanese": {(1 + q2) / 2, 0.75}, "kana": {0, 0}},
		Queries: 3,
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	if s.Queries != want.Queries || !near(s.NDCG, want.NDCG) || !near(s.Recall, want.Recall) || len(s.ByKind) != len(want.ByKind) {
		t.Fatalf("Score = %+v, want %+v", s, want)
	}
	for kind, w := range want.ByKind {
		if g := s.ByKind[kind]; !near(g[0], w[0]) || !near(g[1], w[1]) {
			t.Errorf("ByKind[%s] = %v, want %v", kind, g, w)
		}
	}

	boom := errors.New("index closed")
	if _, err := Score(js, 10, func(string) ([]string, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Errorf("Score with a failing run: error %v, want %v", err, boom)
	}
}

func TestLoadJudgementsInvalid(t *testing.T) {
	tests := []struct {
		name, json string
	}{
		{"not json", `[{"query": `},
		{"no query", `[{"kind": "kana", "relevant": {"dataset:aed": 3}}]`},
		{"no kind", `[{"query": "AED", "relevant": {"dataset:aed": 3}}]`},
		{"nothing relevant", `[{"query": "AED", "kind": "english", "relevant": {}}]`},
		{"grade 4", `[{"query": "AED", "kind": "english", "relevant": {"dataset:aed": 4}}]`},
		{"grade 0", `[{"query": "AED", "kind": "english", "relevant": {"dataset:aed": 0}}]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "judged.json")
			if err := os.WriteFile(path, []byte(tc.json), 0o644); err != nil {
				t.Fatal(err)
			}
			if js, err := LoadJudgements(path); err == nil {
				t.Errorf("LoadJudgements = %+v, want an error", js)
			}
		})
	}
	if _, err := LoadJudgements(filepath.Join(t.TempDir(), "missing.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: error %v, want os.ErrNotExist", err)
	}
}

// judgedKinds are the kinds of query the judged set must cover.
var judgedKinds = []string{"japanese", "kana", "english", "typo", "multiword", "place", "synonym", "era"}

func TestJudgedSet(t *testing.T) {
	js, err := LoadJudgements("testdata/judged.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(js) < 70 {
		t.Errorf("%d judged queries, want at least 70", len(js))
	}
	demo := loadDemo(t)
	perKind := map[string]int{}
	seen := map[string]bool{}
	for _, j := range js {
		perKind[j.Kind]++
		if seen[j.Query] {
			t.Errorf("query %q judged twice", j.Query)
		}
		seen[j.Query] = true
		for id := range j.Relevant {
			if !demo.ids[id] {
				t.Errorf("query %q: %s is not a demo dataset or record", j.Query, id)
			}
		}
	}
	for _, kind := range judgedKinds {
		if perKind[kind] < 5 {
			t.Errorf("%d queries of kind %s, want at least 5", perKind[kind], kind)
		}
		delete(perKind, kind)
	}
	for kind := range perKind {
		t.Errorf("unknown kind %q (want one of %v)", kind, judgedKinds)
	}
}

// TestBaselineScores measures naive substring matching, the floor any
// analysis of the search index has to beat.
func TestBaselineScores(t *testing.T) {
	js, err := LoadJudgements("testdata/judged.json")
	if err != nil {
		t.Fatal(err)
	}
	demo := loadDemo(t)
	run := func(q string) ([]string, error) { return demo.baselineSubstring(q), nil }
	s, err := Score(js, 10, run)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("substring baseline over %d queries: nDCG@10 %.3f, recall@10 %.3f", s.Queries, s.NDCG, s.Recall)
	kinds := make([]string, 0, len(s.ByKind))
	for kind := range s.ByKind {
		kinds = append(kinds, kind)
	}
	sort.Strings(kinds)
	for _, kind := range kinds {
		t.Logf("  %-9s nDCG@10 %.3f, recall@10 %.3f", kind, s.ByKind[kind][0], s.ByKind[kind][1])
	}
	// Broad queries (避難場所, 地震 避難) judge more than 10 ids, so even a
	// perfect ranking misses some of them in the first 10.
	ideal, err := Score(js, 10, func(q string) ([]string, error) { return idealRanking(js, q), nil })
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("a perfect ranking: nDCG@10 %.3f, recall@10 %.3f", ideal.NDCG, ideal.Recall)
	if math.Abs(ideal.NDCG-1) > 1e-9 {
		t.Errorf("a perfect ranking scores nDCG@10 %.6f, want 1", ideal.NDCG)
	}
	for name, v := range map[string]float64{"nDCG": s.NDCG, "recall": s.Recall} {
		if v <= 0 || v >= 1 {
			t.Errorf("baseline %s@10 = %.3f, want strictly between 0 and 1", name, v)
		}
	}

	// Kana and synonym queries should defeat substring matching; if none
	// does, the judged set is too easy to tell analyzers apart.
	var zero []string
	for _, j := range js {
		if NDCG(demo.baselineSubstring(j.Query), j.Relevant, 10) == 0 {
			zero = append(zero, fmt.Sprintf("%s (%s)", j.Query, j.Kind))
		}
	}
	t.Logf("nDCG@10 = 0 for %d queries: %s", len(zero), strings.Join(zero, ", "))
	if len(zero) == 0 {
		t.Error("the substring baseline finds something for every query; the judged set is too easy")
	}
}

// idealRanking returns the ids judged for query, best grade first.
func idealRanking(js []Judgement, query string) []string {
	for _, j := range js {
		if j.Query != query {
			continue
		}
		ids := make([]string, 0, len(j.Relevant))
		for id := range j.Relevant {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(a, b int) bool {
			if j.Relevant[ids[a]] != j.Relevant[ids[b]] {
				return j.Relevant[ids[a]] > j.Relevant[ids[b]]
			}
			return ids[a] < ids[b]
		})
		return ids
	}
	return nil
}

// demoDir holds the embedded demo catalog, read in place.
const demoDir = "../datasets/demo/data"

// demoCorpus is the demo catalog as documents for the baseline: datasets in
// catalog order, then each dataset's records in file order.
type demoCorpus struct {
	docs []demoDoc
	ids  map[string]bool
}

type demoDoc struct {
	id   string
	text string // folded with baselineFold
}

// loadDemo reads catalog.json and the CSV files it lists. Records are
// numbered from 1 by data row, continuing across a dataset's files.
func loadDemo(t *testing.T) demoCorpus {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(demoDir, "catalog.json"))
	if err != nil {
		t.Fatal(err)
	}
	var datasets []struct {
		Slug          string   `json:"slug"`
		Title         string   `json:"title"`
		TitleEn       string   `json:"title_en"`
		Description   string   `json:"description"`
		DescriptionEn string   `json:"description_en"`
		Keywords      []string `json:"keywords"`
		Files         []string `json:"files"`
	}
	if err := json.Unmarshal(b, &datasets); err != nil {
		t.Fatalf("catalog.json: %v", err)
	}
	c := demoCorpus{ids: map[string]bool{}}
	var records []demoDoc
	for _, d := range datasets {
		id := "dataset:" + d.Slug
		text := strings.Join(append([]string{d.Title, d.TitleEn, d.Description, d.DescriptionEn}, d.Keywords...), "\n")
		c.docs = append(c.docs, demoDoc{id, baselineFold(text)})
		c.ids[id] = true
		row := 0
		for _, name := range d.Files {
			for _, cells := range readDemoCSV(t, name) {
				row++
				id := fmt.Sprintf("record:%s:%d", d.Slug, row)
				records = append(records, demoDoc{id, baselineFold(strings.Join(cells, ","))})
				c.ids[id] = true
			}
		}
		if row == 0 {
			t.Fatalf("dataset %s has no records", d.Slug)
		}
	}
	c.docs = append(c.docs, records...)
	return c
}

// readDemoCSV returns the data rows of a demo CSV file (UTF-8 with BOM, one
// header row).
func readDemoCSV(t *testing.T, name string) [][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(demoDir, name))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(rows) < 2 {
		t.Fatalf("%s: no data rows", name)
	}
	return rows[1:]
}

// baselineFold is all the analysis the baseline gets: NFKC and lower case.
// No kana folding, no tokenizing, no synonyms.
func baselineFold(s string) string {
	return strings.ToLower(norm.NFKC.String(s))
}

// baselineSubstring ranks documents by how many of the query's words (split
// on spaces after baselineFold) occur in them as substrings; ties keep corpus
// order, datasets first. Documents matching no word are left out.
func (c demoCorpus) baselineSubstring(query string) []string {
	words := strings.Fields(baselineFold(query))
	type hit struct {
		id   string
		hits int
	}
	var hits []hit
	for _, d := range c.docs {
		n := 0
		for _, w := range words {
			if strings.Contains(d.text, w) {
				n++
			}
		}
		if n > 0 {
			hits = append(hits, hit{d.id, n})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].hits > hits[j].hits })
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.id
	}
	return ids
}
