package datasets

import (
	"context"
	"testing"

	"github.com/machi-opendata/portal/catalog"
)

// TestFeaturesAndDates: records as features (a point from the bounds, null
// without coordinates), one feature by row, and the date filter over a
// start and an end column (an empty end being the start's day).
func TestFeaturesAndDates(t *testing.T) {
	im := testImporter(t)
	csv := "名称,緯度,経度,開始日,終了日\n" +
		"春まつり,35.7071,139.5687,2026-04-10,2026-04-12\n" +
		"夏の講座,,,2026-07-01,\n" +
		"秋の展示,35.7102,139.5903,2026-09-20,2026-10-05\n" +
		"日付なし,35.7150,139.5700,,\n"
	if _, err := importBytes(t, im, catalog.KindTable, "events", "e.csv", []byte(csv)); err != nil {
		t.Fatal(err)
	}
	v, _ := recordsOf(t, im, "events")
	rs := &Records{DB: im.Store.DB}
	ctx := context.Background()

	var geoms []string
	err := rs.Features(ctx, v, RecordFilter{Offset: 1, Limit: 2}, func(row int, geometry, props []byte) error {
		geoms = append(geoms, string(geometry))
		return nil
	})
	if err != nil || len(geoms) != 2 || geoms[0] != "" || geoms[1] != `{"type":"Point","coordinates":[139.5903,35.7102]}` {
		t.Errorf("features 2 and 3: %q (%v)", geoms, err)
	}
	g, props, err := rs.Feature(ctx, v, 1)
	if err != nil || string(g) != `{"type":"Point","coordinates":[139.5687,35.7071]}` || len(props) < 10 {
		t.Errorf("feature 1: %s %s (%v)", g, props, err)
	}
	if _, _, err := rs.Feature(ctx, v, 9); catalog.KindOf(err) != catalog.NotFound {
		t.Errorf("feature 9: %v, want NotFound", err)
	}
	if first, last, err := rs.DateRange(ctx, v, "開始日", "終了日"); err != nil || first != "2026-04-10" || last != "2026-10-05" {
		t.Errorf("date range %s %s (%v)", first, last, err)
	}

	for _, tt := range []struct {
		from, to string
		want     int
	}{
		{"2026-04-11", "2026-04-11", 1}, // within a span
		{"2026-04-12", "2026-07-01", 2}, // a span's last day, a one-day record
		{"2026-07-02", "2026-09-19", 0},
		{"2026-10-01", "", 1},
		{"", "2026-06-30", 1},
		{"", "", 3}, // every record with a date
	} {
		n, err := rs.Count(ctx, v, RecordFilter{Dates: &DateFilter{Start: "開始日", End: "終了日", From: tt.from, To: tt.to}})
		if err != nil || n != tt.want {
			t.Errorf("%s..%s: %d (%v), want %d", tt.from, tt.to, n, err, tt.want)
		}
	}
	if _, err := rs.Count(ctx, v, RecordFilter{Dates: &DateFilter{Start: "nosuch"}}); catalog.KindOf(err) != catalog.Invalid {
		t.Errorf("unknown date column: %v", err)
	}
	if n, err := rs.Count(ctx, v, RecordFilter{Row: 3}); err != nil || n != 1 {
		t.Errorf("row 3: %d (%v)", n, err)
	}
}
