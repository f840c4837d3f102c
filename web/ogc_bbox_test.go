package web

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestOGCBBoxByIndexMatchesSQL: items with a bbox alone are answered from
// the spatial index (numberMatched and the page); the records API answers
// the same bbox in SQL. Both must name the same features, page by page,
// for boxes of every size over the demo's layers.
func TestOGCBBoxByIndexMatchesSQL(t *testing.T) {
	ts := newDemoServer(t)
	rnd := rand.New(rand.NewPCG(1, 2))
	paged := 0 // boxes whose matches span several pages
	for _, id := range []string{"public-facilities", "evacuation-spaces"} {
		for range 12 {
			lon, lat := 138.9+rnd.Float64()*1.2, 35.5+rnd.Float64()*0.6
			w := []float64{0.002, 0.02, 0.2, 2}[rnd.IntN(4)]
			bbox := fmt.Sprintf("%.6f,%.6f,%.6f,%.6f", lon, lat, lon+w, lat+w)
			var sql struct {
				Total   int
				Records []struct {
					Row int `json:"_row"`
				}
			}
			decode(t, ts.get(t, "/api/v1/datasets/"+id+"/records?limit=1000&bbox="+bbox), &sql)
			var want []int
			for _, r := range sql.Records {
				want = append(want, r.Row)
			}
			var got []int
			matched := -1
			for offset := 0; ; offset += 7 {
				var page struct {
					NumberMatched int `json:"numberMatched"`
					Features      []struct {
						ID int `json:"id"`
					}
				}
				res := ts.get(t, fmt.Sprintf("/ogc/collections/%s/items?f=json&limit=7&offset=%d&bbox=%s", id, offset, bbox))
				if res.StatusCode != 200 {
					t.Fatalf("%s: %d", res.Request.URL, res.StatusCode)
				}
				decode(t, res, &page)
				matched = page.NumberMatched
				for _, f := range page.Features {
					got = append(got, f.ID)
				}
				if len(page.Features) < 7 {
					break
				}
			}
			if matched > 7 {
				paged++
			}
			if matched != sql.Total || !slices.Equal(got, want) {
				t.Errorf("%s bbox %s: OGC matched %d %v, SQL %d %v", id, bbox, matched, got, sql.Total, want)
			}
		}
	}
	if paged < 3 {
		t.Fatalf("only %d boxes matched more than a page: the comparison means little", paged)
	}
	// Without a filter, numberMatched is the version's row count.
	var all struct {
		NumberMatched int `json:"numberMatched"`
	}
	var sqlAll struct{ Total int }
	decode(t, ts.get(t, "/ogc/collections/evacuation-spaces/items?f=json&limit=1"), &all)
	decode(t, ts.get(t, "/api/v1/datasets/evacuation-spaces/records?limit=1"), &sqlAll)
	if all.NumberMatched != sqlAll.Total || all.NumberMatched == 0 {
		t.Errorf("unfiltered: %d, SQL %d", all.NumberMatched, sqlAll.Total)
	}
}
