package search_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/search"
)

func TestDatasetDoc(t *testing.T) {
	mod := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	d := &catalog.Dataset{Slug: "photos", TitleJA: "写真", TitleEN: "Photos", DescriptionJA: "昭和の写真", Kind: catalog.KindPhoto,
		Department: "kouhou", Keywords: []string{"写真"}, Themes: []string{"EDUC"}, License: "CC-BY-4.0", Modified: mod,
		TemporalStart: "1954-01-01", Standard: "文化財一覧", Formats: []string{"CSV"}}
	cols := []catalog.Column{{Name: "撮影年月日", Type: catalog.TypeText}, {Name: "撮影年月日_ISO", Derived: "撮影年月日"}, {Name: "名称"}}
	got := search.DatasetDoc(d, catalog.Department{Code: "kouhou", NameJA: "秘書広報課", NameEN: "Public Relations"}, cols)
	want := search.Doc{
		ID: "dataset:photos", Type: "dataset", Dataset: "photos", Title: "写真", TitleEN: "Photos", Text: "昭和の写真",
		TextEN: "Public Relations", Context: "文化財一覧", Keywords: []string{"写真"}, Kind: "photo", Department: "kouhou",
		DepartmentName: "秘書広報課", License: "CC-BY-4.0", Themes: []string{"EDUC"}, Formats: []string{"CSV"},
		Columns: []string{"撮影年月日", "名称"}, Modified: mod, From: "1954-01-01", To: "1954-01-01",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DatasetDoc (-want +got):\n%s", diff)
	}
}

func TestRecordDoc(t *testing.T) {
	ds := func(kind catalog.Kind, slug string) *catalog.Dataset {
		return &catalog.Dataset{Slug: slug, TitleJA: slug + "一覧", Kind: kind, Department: "d", License: "CC0-1.0", Themes: []string{"JUST"},
			Standard: map[catalog.Kind]string{catalog.KindEvacuation: "指定緊急避難場所一覧"}[kind]}
	}
	tests := []struct {
		name          string
		d             *catalog.Dataset
		fields, props map[string]any
		check         func(t *testing.T, doc search.Doc)
	}{
		{"evacuation", ds(catalog.KindEvacuation, "ev"),
			map[string]any{"name": "第一小学校", "name_kana": "ダイイチショウガッコウ", "address": "中町1-1", "lat": 35.7, "lon": 139.5,
				"hazards": map[string]any{"flood": true, "earthquake": true, "fire": false}, "also_shelter": true},
			map[string]any{"名称": "第一小学校", "電話番号": "0422-00-0000", "備考": "校庭のみ"},
			func(t *testing.T, doc search.Doc) {
				if doc.ID != "record:ev:3" || doc.Type != "evacuation" || doc.Row != 3 || doc.Title != "第一小学校" || doc.Reading != "ダイイチショウガッコウ" {
					t.Errorf("identity: %+v", doc)
				}
				for _, w := range []string{"洪水", "地震", "指定避難所", "中町1-1", "指定緊急避難場所"} {
					if !strings.Contains(doc.Text, w) {
						t.Errorf("text lacks %s: %q", w, doc.Text)
					}
				}
				if strings.Contains(doc.Text, "大規模な火事") || strings.Contains(doc.Text+doc.Extra, "0422") {
					t.Errorf("text has what it should not: %q / %q", doc.Text, doc.Extra)
				}
				if !strings.Contains(doc.TextEN, "flood") || !strings.Contains(doc.TextEN, "shelter") {
					t.Errorf("English text %q", doc.TextEN)
				}
				if !doc.HasPoint || doc.Lat != 35.7 || doc.Context != "ev一覧 指定緊急避難場所一覧" || doc.License != "CC0-1.0" {
					t.Errorf("point or inherited fields: %+v", doc)
				}
			}},
		{"event", ds(catalog.KindEvent, "events"),
			map[string]any{"name": "桜まつり", "name_en": "Cherry Blossom Festival", "start_date": "2027-04-03", "end_date": "2027-04-04", "place": "桜台公園"},
			map[string]any{"アクセス方法": "駅から徒歩5分"},
			func(t *testing.T, doc search.Doc) {
				if doc.From != "2027-04-03" || doc.To != "2027-04-04" || doc.TitleEN != "Cherry Blossom Festival" {
					t.Errorf("dates or English title: %+v", doc)
				}
				if !strings.Contains(doc.Text, "2027年4月3日～2027年4月4日") || !strings.Contains(doc.Text, "桜台公園") {
					t.Errorf("text %q", doc.Text)
				}
				if doc.Extra != "駅から徒歩5分" {
					t.Errorf("extra %q", doc.Extra)
				}
			}},
		{"photo of an era", ds(catalog.KindPhoto, "photos"),
			map[string]any{"title": "旧市役所庁舎", "date": "昭和30年代", "place": "中町", "image": "p.jpg"},
			nil,
			func(t *testing.T, doc search.Doc) {
				if doc.Type != "photo" || doc.From != "1955-01-01" || doc.To != "1964-12-31" || !strings.Contains(doc.Text, "昭和30年代") {
					t.Errorf("photo: %+v", doc)
				}
			}},
		{"table standard", ds(catalog.KindTable, "aed"),
			map[string]any{"name": "市役所", "address": "中町2-1"},
			map[string]any{"名称": "市役所", "設置位置": "1階", "小児対応設備の有無": "有", "電話番号": "0422", "URL": "https://example.jp", "NO": "1", "開始時間": "8:30"},
			func(t *testing.T, doc search.Doc) {
				if doc.Type != "record" || doc.Kind != "table" {
					t.Errorf("type %s, kind %s", doc.Type, doc.Kind)
				}
				if doc.Extra != "市役所\n小児対応設備\n1階" {
					t.Errorf("extra %q", doc.Extra)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, ok := search.RecordDoc(tt.d, 3, tt.fields, tt.props)
			if !ok {
				t.Fatal("not ok")
			}
			tt.check(t, doc)
		})
	}
	d := ds(catalog.KindTable, "t")
	if _, ok := search.RecordDoc(d, 1, nil, map[string]any{"a": "b"}); ok {
		t.Error("a record without typed fields is indexed")
	}
	if _, ok := search.RecordDoc(d, 1, map[string]any{"lat": 35.0}, map[string]any{"NO": "1"}); ok {
		t.Error("a record with nothing to say is indexed")
	}
}
