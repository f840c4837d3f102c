package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
)

// BenchmarkEventsICS serves /events.ics for an event dataset of 10,000
// events in the standard's columns (issue 8's target: under 200 ms).
//
//	go test ./web -run '^$' -bench EventsICS -benchtime 20x
func BenchmarkEventsICS(b *testing.B) {
	ts := startTestServer(b, func(ts *testServer) {
		ts.im.Indexed = nil // the index's merges would be timed too
		var csv strings.Builder
		csv.WriteString("都道府県コード又は市区町村コード,NO,都道府県名,市区町村名,イベント名,開始日,終了日,開始時間,終了時間,説明,料金(基本),場所名称,住所,緯度,経度,URL\r\n")
		day := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
		for i := range 10000 {
			d := day.AddDate(0, 0, i%365).Format(time.DateOnly)
			fmt.Fprintf(&csv, "132039,%d,東京都,みどり野市,市民講座 第%d回「くらしと防災」,%s,%s,10:00,11:30,市役所の職員が地域の防災について話します。申込は不要です。,無料,みどり野市民会館 第%d会議室,東京都みどり野市中町一丁目%d番,35.70%02d,139.56%02d,\r\n",
				i+1, i+1, d, d, i%5+1, i%30+1, i%100, i%100)
		}
		_, err := ts.im.Import(context.Background(), datasets.ImportRequest{Slug: "kouza", Kind: catalog.KindEvent, Department: "shisan",
			Meta: &catalog.Dataset{TitleJA: "市民講座の日程"}, Publish: true,
			Files: []datasets.File{{Name: "kouza.csv", Data: strings.NewReader(csv.String())}}})
		if err != nil {
			b.Fatal(err)
		}
	})
	var n int64
	for b.Loop() {
		res, err := http.Get(ts.URL + "/events.ics")
		if err != nil {
			b.Fatal(err)
		}
		n, err = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if err != nil || res.StatusCode != 200 {
			b.Fatalf("%d %v", res.StatusCode, err)
		}
	}
	b.ReportMetric(float64(n), "bytes/doc")
}
