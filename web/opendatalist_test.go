package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets/demo"
)

// readOpenDataList reads a served list back as Excel would: a UTF-8 BOM,
// then CSV with CRLF line ends.
func readOpenDataList(t *testing.T, res *http.Response) [][]string {
	t.Helper()
	body := readAll(t, res.Body)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv; charset=utf-8") {
		t.Fatalf("open_data_list.csv: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	rest, ok := bytes.CutPrefix(body, []byte("\xef\xbb\xbf"))
	if !ok {
		t.Errorf("no UTF-8 BOM: starts %q", body[:min(len(body), 8)])
	}
	if bytes.Count(rest, []byte("\n")) != bytes.Count(rest, []byte("\r\n")) {
		t.Errorf("line ends are not all CRLF")
	}
	rows, err := csv.NewReader(bytes.NewReader(rest)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// templateHeader is the header of the Digital Agency's template.
func templateHeader(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../../shared/data/standard-templates/xxxxxx_open_data_list.csv")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))).Read()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestOpenDataList(t *testing.T) {
	ts := newDemoServer(t)
	res := ts.get(t, "/open_data_list.csv")
	rows := readOpenDataList(t, res)
	if diff := cmp.Diff(templateHeader(t), rows[0]); diff != "" {
		t.Fatalf("header differs from the template (-template +served):\n%s", diff)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="132039_open_data_list.csv"`) {
		t.Errorf("Content-Disposition = %s", cd)
	}
	published, _, _, err := ts.store.FindDatasets(context.Background(), catalog.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	bySlug := map[string]*catalog.Dataset{}
	for _, d := range published {
		bySlug[d.Slug] = d
	}
	if len(rows)-1 != len(published) {
		t.Fatalf("%d rows, want one per published dataset (%d)", len(rows)-1, len(published))
	}
	categories := []string{"国土・気象", "人口・世帯", "労働・賃金", "農林水産業", "鉱工業", "商業・サービス業", "企業・家計・経済",
		"住宅・土地・建設", "エネルギー・水", "運輸・観光", "情報通信・科学技術", "教育・文化・スポーツ・生活", "行財政", "司法・安全・環境",
		"社会保障・衛生", "国際", "その他"}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	seenNO := map[string]bool{}
	for _, row := range rows[1:] {
		cell := func(name string) string { return row[col[name]] }
		slug := strings.TrimPrefix(cell("URL"), "http://portal.test/datasets/")
		d := bySlug[slug]
		if d == nil {
			t.Errorf("row %v: URL %s is no published dataset's page", cell("NO"), cell("URL"))
			continue
		}
		want := map[string]string{
			"都道府県コード又は市区町村コード": demo.CityCode,
			"NO":      strconv.FormatInt(d.ID, 10),
			"都道府県名":   "東京都",
			"市区町村名":   demo.CityName,
			"データ名称":   d.TitleJA,
			"データ概要":   d.DescriptionJA,
			"データ形式":   strings.Join(d.Formats, ";"),
			"API対応有無": "有",
			"登録日":     d.Issued.In(japan).Format("2006-01-02"),
			"最終更新日":   d.Modified.In(japan).Format("2006-01-02"),
		}
		got := map[string]string{}
		for name := range want {
			got[name] = cell(name)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", slug, diff)
		}
		if !slices.Contains(categories, cell("分類")) {
			t.Errorf("%s: 分類 %q is not one of the template's", slug, cell("分類"))
		}
		if cell("更新頻度") == "" || cell("ライセンス") == "" {
			t.Errorf("%s: 更新頻度 %q, ライセンス %q", slug, cell("更新頻度"), cell("ライセンス"))
		}
		if seenNO[cell("NO")] {
			t.Errorf("NO %s twice", cell("NO"))
		}
		seenNO[cell("NO")] = true
	}
	// The demo's events are monthly; its facilities CC BY 4.0, under 行財政.
	for _, row := range rows[1:] {
		switch row[col["URL"]] {
		case "http://portal.test/datasets/events":
			if row[col["更新頻度"]] != "毎月" {
				t.Errorf("events: 更新頻度 %q", row[col["更新頻度"]])
			}
		case "http://portal.test/datasets/public-facilities":
			if row[col["ライセンス"]] != "CC BY 4.0" || row[col["分類"]] != "行財政" {
				t.Errorf("public-facilities: ライセンス %q 分類 %q", row[col["ライセンス"]], row[col["分類"]])
			}
		}
	}
	etag := res.Header.Get("ETag")
	if res := ts.get(t, "/open_data_list.csv", "If-None-Match", etag); etag == "" || res.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match %q: %d", etag, res.StatusCode)
	}
}

// TestOpenDataListWithoutCityCode: no configured code, no invented one.
func TestOpenDataListWithoutCityCode(t *testing.T) {
	ts := newTestServer(t)
	hs := restartWith(t, ts, Config{BaseURL: "http://portal.test", City: City{NameJA: "どこか市"}}, nil)
	res, err := http.Get(hs.URL + "/open_data_list.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	rows := readOpenDataList(t, res)
	if len(rows) != 2 {
		t.Fatalf("%d rows, want the header and one dataset", len(rows))
	}
	if code, pref, city := rows[1][0], rows[1][2], rows[1][3]; code != "" || pref != "" || city != "どこか市" {
		t.Errorf("code %q, prefecture %q, city %q; want the code and prefecture empty", code, pref, city)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="open_data_list.csv"`) {
		t.Errorf("Content-Disposition = %s", cd)
	}
}

func TestOpenDataListPrefecture(t *testing.T) {
	for _, tt := range []struct {
		code, pref string
		isPref     bool
	}{
		{"132039", "東京都", false}, {"011002", "北海道", false}, {"130001", "東京都", true},
		{"472018", "沖縄県", false}, {"", "", false}, {"992011", "", false},
	} {
		if got := prefectureName(tt.code); got != tt.pref || isPrefectureCode(tt.code) != tt.isPref {
			t.Errorf("%q: prefecture %q (is one: %v), want %q (%v)", tt.code, got, isPrefectureCode(tt.code), tt.pref, tt.isPref)
		}
	}
}
