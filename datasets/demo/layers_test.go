package demo

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/machi-opendata/portal/geo"
)

func TestDemoLayers(t *testing.T) {
	layers, err := Layers()
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != 3 {
		t.Fatalf("%d layers, want 3", len(layers))
	}
	evac, fac, dist := layers[0], layers[1], layers[2]
	if evac.CRS.EPSG != 6677 || evac.Department != "bousai" || len(evac.Features) != 27 {
		t.Errorf("evacuation sites: CRS %v, department %q, %d features", evac.CRS, evac.Department, len(evac.Features))
	}
	if d := cmp.Diff([]string{"ID", "名称", "名称カナ", "所在地", "電話番号", "収容人数", "洪水", "地震", "大規模火事"}, evac.Columns); d != "" {
		t.Errorf("evacuation columns, decoded from Shift_JIS (-want +got):\n%s", d)
	}
	// The first site, back from zone IX, within a millimetre or so of the CSV's.
	if p := evac.Features[0].Geometry.(orb.Point); geo.HaversineDistance(p, orb.Point{139.567122, 35.709376}) > 0.01 {
		t.Errorf("first site at %v", p)
	}
	if evac.Features[0].Values[1] != "みどり野市立第一小学校" {
		t.Errorf("first name = %q", evac.Features[0].Values[1])
	}
	if fac.Department != "toshikeikaku" || len(fac.Features) != 52 {
		t.Errorf("facilities: %q, %d features", fac.Department, len(fac.Features))
	}
	city := Boundary()
	for _, f := range dist.Features {
		for _, p := range f.Geometry.(orb.Polygon)[0] {
			if !planar.PolygonContains(city, p) {
				t.Errorf("district %s: %v outside the city", f.ID, p)
			}
		}
	}
	if len(dist.Features) < 3 {
		t.Errorf("%d districts", len(dist.Features))
	}
}

func TestDemoUnifiedLayer(t *testing.T) {
	layers, err := Layers()
	if err != nil {
		t.Fatal(err)
	}
	def, err := UnifiedLayerDefinition()
	if err != nil {
		t.Fatal(err)
	}
	out, rep, err := geo.Merge(def, layers[:2])
	if err != nil {
		t.Fatal(err)
	}
	var matched []string
	for _, m := range rep.Matches {
		if m.Kept.Name != m.Merged.Name {
			t.Errorf("matched %q with %q", m.Kept.Name, m.Merged.Name)
		}
		if m.Rule != geo.RuleNameDistance || m.Distance <= 0 || m.Distance > 100 || m.Similarity < 0.8 {
			t.Errorf("%s: rule %s, %.1f m, similarity %.2f", m.Kept.Name, m.Rule, m.Distance, m.Similarity)
		}
		matched = append(matched, m.Kept.Name)
	}
	// In the order of 都市計画課's layer, whose features were matched.
	want := []string{
		"みどり野市総合体育館",
		"みどり野中央公園", "けやき公園", "桜台公園", "緑が丘公園", "若葉台公園", "泉町ふれあい公園",
		"みどり野市立第一小学校", "みどり野市立第二小学校", "みどり野市立第三小学校", "みどり野市立第四小学校",
		"みどり野市立第五小学校", "みどり野市立第六小学校", "みどり野市立第七小学校", "みどり野市立第八小学校",
		"みどり野市立第一中学校", "みどり野市立第二中学校", "みどり野市立第三中学校", "みどり野市立第四中学校",
	}
	if d := cmp.Diff(want, matched); d != "" {
		t.Errorf("conflated (-want +got):\n%s", d)
	}
	if rep.Matched != len(want) || len(out.Features) != 27+52-len(want) {
		t.Errorf("matched %d, %d features", rep.Matched, len(out.Features))
	}
	if len(rep.Issues) != 0 || rep.Outside != 0 {
		t.Errorf("issues %+v, outside %d", rep.Issues, rep.Outside)
	}
	for _, f := range out.Features {
		if len(f.Sources) == 0 {
			t.Fatalf("%s: no provenance", f.ID)
		}
		for _, s := range f.Sources {
			if s.Version != 1 || s.FeatureID == "" || (s.Department != "bousai" && s.Department != "toshikeikaku") {
				t.Errorf("%s: provenance %+v", f.ID, s)
			}
		}
	}
	// 第一小学校: 防災安全課's values first, the URL only 都市計画課 has.
	first := out.Features[0]
	got := map[string]string{}
	for i, name := range out.Fields {
		got[name] = first.Values[i]
	}
	wantFirst := map[string]string{
		"name": "みどり野市立第一小学校", "name_kana": "ミドリノシリツダイイチショウガッコウ",
		"address": "東京都みどり野市中町二丁目20番1号", "phone": "0422-00-2701", "capacity": "2400",
		"flood": "", "earthquake": "1", "large_fire": "1",
		"url": "https://www.city.midorino.example.jp/shisetsu/0039.html",
	}
	if d := cmp.Diff(wantFirst, got); d != "" {
		t.Errorf("merged attributes (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]geo.Provenance{
		{Dataset: LayerEvacuationSites, Version: 1, Department: "bousai", FeatureID: "1"},
		{Dataset: LayerFacilities, Version: 1, Department: "toshikeikaku", FeatureID: "F039"},
	}, first.Sources); d != "" {
		t.Errorf("provenance (-want +got):\n%s", d)
	}
}
