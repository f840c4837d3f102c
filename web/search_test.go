package web

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
)

func TestSearchAcrossDatasetsAndRecords(t *testing.T) {
	ts := newTestServer(t)
	_, err := ts.im.Import(context.Background(), datasets.ImportRequest{Slug: "kouhou-shisetsu", Kind: catalog.KindFacility,
		Department: "shisan", Meta: &catalog.Dataset{TitleJA: "公共施設一覧"}, Publish: true,
		Files: []datasets.File{{Name: "f.csv", Data: strings.NewReader(
			"名称,名称_カナ,住所,緯度,経度\n中央図書館,チュウオウトショカン,みどり野市中町1-1,35.7071,139.5687\n" +
				"西公民館,ニシコウミンカン,みどり野市西町2-8,35.7053,139.5461\n")}}})
	if err != nil {
		t.Fatal(err)
	}
	type hit struct {
		ID       string              `json:"id"`
		Type     string              `json:"type"`
		Dataset  string              `json:"dataset"`
		Row      int                 `json:"row"`
		Snippets map[string][]string `json:"snippets"`
		PageURL  string              `json:"page_url"`
		APIURL   string              `json:"api_url"`
	}
	var res struct {
		Total int   `json:"total"`
		Items []hit `json:"items"`
	}
	// Published through the importer, searchable at once.
	decode(t, ts.get(t, "/api/v1/search?q="+url.QueryEscape("図書館")), &res)
	found := false
	for _, h := range res.Items {
		if h.ID == "record:kouhou-shisetsu:1" {
			found = true
			if h.Type != "facility" || h.Row != 1 || !strings.HasSuffix(h.APIURL, "/api/v1/datasets/kouhou-shisetsu/records?offset=0&limit=1") {
				t.Errorf("hit = %+v", h)
			}
			snip := strings.Join(h.Snippets["title"], "") + strings.Join(h.Snippets["text"], "")
			if !strings.Contains(snip, "<mark>") {
				t.Errorf("no highlighted snippet: %v", h.Snippets)
			}
		}
	}
	if !found {
		t.Errorf("図書館 did not find the library record: %+v", res)
	}
	// A kana query meets the kanji name through its reading.
	decode(t, ts.get(t, "/api/v1/search?q="+url.QueryEscape("こうみんかん")), &res)
	if len(res.Items) == 0 || res.Items[0].ID != "record:kouhou-shisetsu:2" {
		t.Errorf("こうみんかん: %+v", res.Items)
	}
	// Odd queries are plain text, never a 500 or a 400.
	for _, q := range []string{`"unbalanced`, "*", "-", "a:b", strings.Repeat("避難所", 700), "\x00\x01", "(", "~", "AND OR NOT"} {
		if r := ts.get(t, "/api/v1/search?q="+url.QueryEscape(q)); r.StatusCode != 200 {
			t.Errorf("q=%.20q: status %d", q, r.StatusCode)
		}
	}
	var sug struct {
		Items []struct{ Text, Dataset string } `json:"items"`
	}
	decode(t, ts.get(t, "/api/v1/suggest?q="+url.QueryEscape("ちゅうおう")), &sug)
	if len(sug.Items) == 0 || sug.Items[0].Text != "中央図書館" {
		t.Errorf("suggest ちゅうおう: %+v", sug.Items)
	}
	// The dataset list ranks by the index and says why.
	var list struct {
		Total int `json:"total"`
		Items []struct {
			ID       string              `json:"id"`
			Snippets map[string][]string `json:"snippets"`
		} `json:"items"`
	}
	decode(t, ts.get(t, "/api/v1/datasets?q="+url.QueryEscape("公共施設")), &list)
	if list.Total == 0 || list.Items[0].ID != "kouhou-shisetsu" {
		t.Errorf("datasets q=公共施設: %+v", list)
	}
}
