package geo

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/paulmach/orb"
)

func mergeFixture() (MergeDef, []SourceLayer) {
	def := MergeDef{
		Name:   "facilities",
		Fields: []FieldDef{{Name: "name"}, {Name: "std_id"}, {Name: "phone"}, {Name: "capacity"}},
		Sources: []SourceDef{
			{Dataset: "bousai", Mapping: map[string]Names{"name": {"名称"}, "std_id": {"ID"}, "capacity": {"収容人数"}}},
			{Dataset: "toshi", Mapping: map[string]Names{"name": {"施設名", "名称", "NAME"}, "std_id": {"標準ID"}, "phone": {"電話番号"}, "capacity": {"定員"}}},
		},
		Conflation: &ConflationRule{IDField: "std_id", NameField: "name", MinSimilarity: 0.7, MaxDistance: 100, Ignore: []string{"(避難所)"}},
	}
	bousai := SourceLayer{Dataset: "bousai", Version: 3, Department: "bousai", CRS: mustCRS(6677),
		Columns: []string{"ID", "名称", "収容人数"},
		Features: []SourceFeature{
			{ID: "1", Geometry: orb.Point{139.5671, 35.7093}, Values: []string{"", "第一小学校（避難所）", "2400"}},
			{ID: "2", Geometry: orb.Point{139.5805, 35.7040}, Values: []string{"S-2", "第二小学校", "2100"}},
			{ID: "3", Geometry: orb.Point{139.5600, 35.7000}, Values: []string{"", "中央公園", "500"}},
		}}
	toshi := SourceLayer{Dataset: "toshi", Version: 7, Department: "toshikeikaku", CRS: mustCRS(4326),
		Columns: []string{"ＮＡＭＥ", "標準ID", "電話番号"},
		Features: []SourceFeature{
			// 30 m from bousai 1, full-width digits in nothing, same name once normalised.
			{ID: "a", Geometry: orb.Point{139.5674, 35.7094}, Values: []string{"第一小学校", "", "0422-1"}},
			// Same ID as bousai 2 though 2 km away: the ID rule wins.
			{ID: "b", Geometry: orb.Point{139.60, 35.71}, Values: []string{"二小", "S-2", "0422-2"}},
			// Similar name, too far.
			{ID: "c", Geometry: orb.Point{139.57, 35.70}, Values: []string{"中央公園", "", ""}},
			// Close, different name.
			{ID: "d", Geometry: orb.Point{139.5671, 35.7093}, Values: []string{"市民プール", "", ""}},
		}}
	return def, []SourceLayer{bousai, toshi}
}

func mustCRS(code int) CRS {
	c, err := CRSByEPSG(code)
	if err != nil {
		panic(err)
	}
	return c
}

func TestMergeConflation(t *testing.T) {
	def, sources := mergeFixture()
	out, rep, err := Merge(def, sources)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(out.Features), 5; got != want {
		t.Fatalf("features = %d, want %d", got, want)
	}
	type row struct {
		ID      string
		Values  []string
		Sources []Provenance
	}
	var got []row
	for _, f := range out.Features {
		got = append(got, row{f.ID, f.Values, f.Sources})
	}
	want := []row{
		{"bousai:1", []string{"第一小学校（避難所）", "", "0422-1", "2400"}, []Provenance{
			{"bousai", 3, "bousai", "1"}, {"toshi", 7, "toshikeikaku", "a"}}},
		{"bousai:2", []string{"第二小学校", "S-2", "0422-2", "2100"}, []Provenance{
			{"bousai", 3, "bousai", "2"}, {"toshi", 7, "toshikeikaku", "b"}}},
		{"bousai:3", []string{"中央公園", "", "", "500"}, []Provenance{{"bousai", 3, "bousai", "3"}}},
		{"toshi:c", []string{"中央公園", "", "", ""}, []Provenance{{"toshi", 7, "toshikeikaku", "c"}}},
		{"toshi:d", []string{"市民プール", "", "", ""}, []Provenance{{"toshi", 7, "toshikeikaku", "d"}}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("merged (-want +got):\n%s", d)
	}
	if rep.Matched != 2 || len(rep.Matches) != 2 {
		t.Fatalf("matched = %d, want 2: %+v", rep.Matched, rep.Matches)
	}
	m0, m1 := rep.Matches[0], rep.Matches[1]
	if m0.Rule != RuleNameDistance || m0.Kept.Name != "第一小学校（避難所）" || m0.Merged.Name != "第一小学校" ||
		m0.Similarity != 1 || m0.Distance < 25 || m0.Distance > 35 {
		t.Errorf("first match = %+v", m0)
	}
	if m1.Rule != RuleID || m1.Kept.ID != "S-2" || m1.Merged.FeatureID != "b" || !strings.Contains(m1.Reason, "S-2") {
		t.Errorf("second match = %+v", m1)
	}
	if d := cmp.Diff(map[string]string{"name": "ＮＡＭＥ", "std_id": "標準ID", "phone": "電話番号"}, rep.Sources[1].Mapped); d != "" {
		t.Errorf("mapping (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"capacity"}, rep.Sources[1].Missing); d != "" {
		t.Errorf("missing (-want +got):\n%s", d)
	}
}

func TestMergePrecedenceAndNoConflation(t *testing.T) {
	def, sources := mergeFixture()
	def.Precedence = []string{"toshi", "bousai"}
	out, rep, err := Merge(def, sources)
	if err != nil {
		t.Fatal(err)
	}
	if out.Features[0].ID != "toshi:a" || out.Features[0].Values[0] != "第一小学校" || out.Features[0].Values[3] != "2400" {
		t.Errorf("first feature = %+v, want toshi's name with bousai's capacity", out.Features[0])
	}
	if rep.Matched != 2 {
		t.Errorf("matched = %d", rep.Matched)
	}
	def.Conflation = nil
	out, rep, err = Merge(def, sources)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Features) != 7 || rep.Matched != 0 {
		t.Errorf("without conflation: %d features, %d matched; want 7, 0", len(out.Features), rep.Matched)
	}
	for _, f := range out.Features {
		if len(f.Sources) != 1 || f.Sources[0].Version == 0 || f.Sources[0].Department == "" || f.Sources[0].FeatureID == "" {
			t.Errorf("%s: provenance %+v", f.ID, f.Sources)
		}
	}
}

func TestMergeMissingSource(t *testing.T) {
	def, sources := mergeFixture()
	_, _, err := Merge(def, sources[:1])
	if !errors.Is(err, ErrInvalidDefinition) || !strings.Contains(err.Error(), "toshi") {
		t.Errorf("err = %v", err)
	}
}

func TestNameSimilarity(t *testing.T) {
	tests := []struct {
		a, b string
		want float64
	}{
		{"第一小学校", "第一小学校", 1},
		{"ab", "ab", 1},
		{"abcd", "abce", 2 * 2.0 / 6},
		{"a", "b", 0},
		{"", "", 0},
	}
	for _, tt := range tests {
		if got := NameSimilarity(tt.a, tt.b); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("NameSimilarity(%q, %q) = %g, want %g", tt.a, tt.b, got, tt.want)
		}
	}
	if got := NormalizeName(" みどり野市立 第１小学校（避難所）", []string{"(避難所)"}); got != "みどり野市立第1小学校" {
		t.Errorf("NormalizeName = %q", got)
	}
}

func TestHaversineDistance(t *testing.T) {
	// One minute of latitude along a meridian is about 1,852 m (1,849 m
	// on the mean sphere).
	d := HaversineDistance(orb.Point{139.5, 35.0}, orb.Point{139.5, 35.0 + 1.0/60})
	if math.Abs(d-1853.2) > 5 {
		t.Errorf("distance = %g", d)
	}
}

func TestConflationGridFindsNeighbours(t *testing.T) {
	// Points straddling cell edges must still be found: 80 m apart
	// east–west and north–south around many positions.
	def := MergeDef{Name: "x", Fields: []FieldDef{{Name: "name"}},
		Sources:    []SourceDef{{Dataset: "a", Mapping: map[string]Names{"name": {"n"}}}, {Dataset: "b", Mapping: map[string]Names{"name": {"n"}}}},
		Conflation: &ConflationRule{NameField: "name", MinSimilarity: 1, MaxDistance: 100}}
	a := SourceLayer{Dataset: "a", Columns: []string{"n"}}
	b := SourceLayer{Dataset: "b", Columns: []string{"n"}}
	n := 0
	for lat := 35.0; lat < 35.05; lat += 0.0031 {
		for lon := 139.0; lon < 139.05; lon += 0.0047 {
			name := []string{strings.Repeat("x", n%7+1) + string(rune('a'+n%26))}
			a.Features = append(a.Features, SourceFeature{ID: "p", Geometry: orb.Point{lon, lat}, Values: name})
			dlon := 80 / (111320 * math.Cos(lat*math.Pi/180))
			b.Features = append(b.Features, SourceFeature{ID: "q", Geometry: orb.Point{lon + dlon*float64(n%2), lat + 80/111000.0*float64(1-n%2)}, Values: name})
			n++
		}
	}
	_, rep, err := Merge(def, []SourceLayer{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Matched != n {
		t.Errorf("matched %d of %d", rep.Matched, n)
	}
}
