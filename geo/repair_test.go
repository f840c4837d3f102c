package geo

import (
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/paulmach/orb"
)

func TestRepairGeometry(t *testing.T) {
	nan := math.NaN()
	sq := orb.Ring{{139, 35}, {139.1, 35}, {139.1, 35.1}, {139, 35.1}, {139, 35}} // counterclockwise
	tests := []struct {
		name    string
		in      orb.Geometry
		japan   bool
		want    orb.Geometry // nil: dropped
		faults  []string     // substrings of the problems, in order
		repairs int          // faults with a repair
	}{
		{name: "valid point", in: orb.Point{139.5, 35.7}, japan: true, want: orb.Point{139.5, 35.7}},
		{name: "NaN point", in: orb.Point{nan, 35}, want: nil, faults: []string{"not finite"}},
		{name: "outside Japan", in: orb.Point{-0.1, 51.5}, japan: true, want: orb.Point{-0.1, 51.5}, faults: []string{"outside Japan"}},
		{name: "outside Japan, CRS not Japanese", in: orb.Point{-0.1, 51.5}, want: orb.Point{-0.1, 51.5}},
		{name: "line with NaN and repeats", in: orb.LineString{{139, 35}, {139, 35}, {nan, 1}, {139.1, 35}},
			want: orb.LineString{{139, 35}, {139.1, 35}}, faults: []string{"not finite", "repeated"}, repairs: 2},
		{name: "degenerate line", in: orb.LineString{{139, 35}, {139, 35}}, want: nil, faults: []string{"repeated", "2 distinct"}, repairs: 1},
		{name: "unclosed ring", in: orb.Polygon{sq[:4]}, want: orb.Polygon{sq}, faults: []string{"not closed"}, repairs: 1},
		{name: "clockwise exterior", in: orb.Polygon{{{139, 35}, {139, 35.1}, {139.1, 35.1}, {139.1, 35}, {139, 35}}},
			want: orb.Polygon{{{139, 35}, {139.1, 35}, {139.1, 35.1}, {139, 35.1}, {139, 35}}}, faults: []string{"wound"}, repairs: 1},
		{name: "degenerate hole", in: orb.Polygon{sq, {{139.05, 35.05}, {139.06, 35.05}, {139.05, 35.05}}},
			want: orb.Polygon{sq}, faults: []string{"hole"}, repairs: 1},
		{name: "self-intersection reported, kept", in: orb.Polygon{{{139, 35}, {139.1, 35.1}, {139.1, 35}, {139, 35.1}, {139, 35}}},
			want: orb.Polygon{{{139, 35}, {139.1, 35.1}, {139.1, 35}, {139, 35.1}, {139, 35}}}, faults: []string{"invalid polygon"}},
		{name: "multipolygon drops a flat member", in: orb.MultiPolygon{{sq}, {{{140, 35}, {140.1, 35}, {140, 35}}}},
			want: orb.MultiPolygon{{sq}}, faults: []string{"fewer than 3", "no area"}, repairs: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, faults := RepairGeometry(tt.in, tt.japan)
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("geometry (-want +got):\n%s", d)
			}
			if len(faults) != len(tt.faults) {
				t.Fatalf("faults = %+v, want %q", faults, tt.faults)
			}
			repairs := 0
			for i, f := range faults {
				if !strings.Contains(f.Problem, tt.faults[i]) {
					t.Errorf("fault %d = %q, want it to mention %q", i, f.Problem, tt.faults[i])
				}
				if f.Repair != "" {
					repairs++
				}
			}
			if repairs != tt.repairs {
				t.Errorf("repairs = %d, want %d (%+v)", repairs, tt.repairs, faults)
			}
		})
	}
}

func TestMergeReportsIssuesPerFeature(t *testing.T) {
	def := MergeDef{Name: "x", Fields: []FieldDef{{Name: "name"}}, Sources: []SourceDef{{Dataset: "a", Mapping: map[string]Names{"name": {"n"}}}}}
	src := SourceLayer{Dataset: "a", CRS: mustCRS(6677), Columns: []string{"n"}, Features: []SourceFeature{
		{ID: "1", Geometry: orb.Point{math.NaN(), 35}, Values: []string{"bad"}},
		{ID: "2", Geometry: orb.Polygon{{{139, 35}, {139.1, 35}, {139.1, 35.1}}}, Values: []string{"open"}},
		{ID: "3", Geometry: orb.Point{10, 10}, Values: []string{"far"}},
		{ID: "4", Values: []string{"no geometry"}},
	}}
	out, rep, err := Merge(def, []SourceLayer{src})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Features) != 3 {
		t.Errorf("features = %d, want 3 (the NaN point dropped)", len(out.Features))
	}
	type issue struct {
		ID       string
		Repaired bool
		Dropped  bool
	}
	var got []issue
	for _, is := range rep.Issues {
		got = append(got, issue{is.FeatureID, is.Repair != "", is.Dropped})
	}
	want := []issue{{"1", false, true}, {"2", true, false}, {"3", false, false}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("issues (-want +got):\n%s\n%+v", d, rep.Issues)
	}
}

func TestMergeBoundary(t *testing.T) {
	city := orb.Polygon{{{139, 35}, {139.1, 35}, {139.1, 35.1}, {139, 35.1}, {139, 35}}}
	straddling := orb.Polygon{{{139.05, 35.05}, {139.15, 35.05}, {139.15, 35.08}, {139.05, 35.08}, {139.05, 35.05}}}
	src := SourceLayer{Dataset: "a", Columns: []string{"n"}, Features: []SourceFeature{
		{ID: "in", Geometry: orb.Point{139.05, 35.05}, Values: []string{"in"}},
		{ID: "edge", Geometry: orb.Point{139, 35.05}, Values: []string{"edge"}},
		{ID: "out", Geometry: orb.Point{139.2, 35.05}, Values: []string{"out"}},
		{ID: "straddling", Geometry: straddling, Values: []string{"straddling"}},
		{ID: "line-out", Geometry: orb.LineString{{140, 35}, {140.1, 35}}, Values: []string{"line-out"}},
		{ID: "none", Values: []string{"none"}},
	}}
	tests := []struct {
		mode    string
		ids     []string
		clipped int
	}{
		{BoundaryInside, []string{"a:in", "a:edge", "a:none"}, 0},
		{BoundaryClip, []string{"a:in", "a:edge", "a:straddling", "a:none"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			def := MergeDef{Name: "x", Fields: []FieldDef{{Name: "name"}},
				Sources:  []SourceDef{{Dataset: "a", Mapping: map[string]Names{"name": {"n"}}}},
				Boundary: &BoundaryDef{Mode: tt.mode, Geometry: city}}
			out, rep, err := Merge(def, []SourceLayer{src})
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, f := range out.Features {
				ids = append(ids, f.ID)
			}
			if d := cmp.Diff(tt.ids, ids); d != "" {
				t.Errorf("kept (-want +got):\n%s", d)
			}
			if rep.Clipped != tt.clipped || rep.Outside != 6-len(tt.ids) {
				t.Errorf("clipped %d, outside %d", rep.Clipped, rep.Outside)
			}
			if tt.mode == BoundaryClip {
				b := out.Features[2].Geometry.Bound()
				if b.Max[0] > 139.1+1e-12 || b.Min[0] != 139.05 {
					t.Errorf("clipped bound = %v", b)
				}
			}
		})
	}
}
