package datasets

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/japanese"

	"github.com/machi-opendata/portal/catalog"
)

const (
	templateDir = "../../shared/data/standard-templates"
	realCSVDir  = "../../shared/data/real-csv"
)

// readSharedCSV reads a shared CSV file in place: UTF-8 (with or without BOM) or
// Shift_JIS, skipping '#' comment lines before the header. It stands in for
// the package's CSV reader, which is tested on its own.
func readSharedCSV(t *testing.T, path string) [][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		if data, err = japanese.ShiftJIS.NewDecoder().Bytes(data); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	for bytes.HasPrefix(data, []byte("#")) {
		_, data, _ = bytes.Cut(data, []byte("\n"))
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

func standardByID(t *testing.T, id string) *Standard {
	t.Helper()
	for _, s := range Standards() {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("no standard %q", id)
	return nil
}

func schemeColumns(s *Standard, name string) []string {
	for _, sc := range s.schemes {
		if sc.name == name {
			return sc.columns
		}
	}
	return nil
}

// templateName reads xxxxxx_<id>[_all|_new][_yyyymmdd...].csv and
// 2023_<id>.csv.
var templateName = regexp.MustCompile(`^(xxxxxx|2023)_(.+?)(?:_all|_new)?(?:_yyyymmdd)*\.csv$`)

// TestTemplatesEqualSchemes checks the column lists in standard_schemas.go
// against the Digital Agency's templates, column for column.
func TestTemplatesEqualSchemes(t *testing.T) {
	entries, err := os.ReadDir(templateDir)
	if err != nil {
		t.Fatal(err)
	}
	checked := make(map[string]bool)
	for _, e := range entries {
		m := templateName.FindStringSubmatch(e.Name())
		if m == nil {
			t.Errorf("template %s: unexpected file name", e.Name())
			continue
		}
		schemeName, id := Scheme2019, m[2]
		if m[1] == "2023" {
			schemeName = Scheme2023
		}
		t.Run(e.Name(), func(t *testing.T) {
			header := readSharedCSV(t, filepath.Join(templateDir, e.Name()))[0]
			s := standardByID(t, id)
			if diff := cmp.Diff(header, schemeColumns(s, schemeName)); diff != "" {
				t.Errorf("%s scheme %s differs from the template (-template +code):\n%s", id, schemeName, diff)
			}
			checked[id+"/"+schemeName] = true

			// The template's own header is recognised among all
			// standards, under the right scheme.
			got, problems := MatchStandard(catalog.KindTable, e.Name(), header)
			if got == nil {
				t.Fatalf("MatchStandard(table) = nil, %v; want %s", problems, id)
			}
			if got.Standard.ID != id || got.Scheme != schemeName || !got.Conforms {
				t.Errorf("MatchStandard(table) = %s scheme %s conforms %v, want %s scheme %s conforming",
					got.Standard.ID, got.Scheme, got.Conforms, id, schemeName)
			}
			if len(got.Index) != len(header) {
				t.Errorf("%d of %d columns mapped", len(got.Index), len(header))
			}
		})
	}
	for _, s := range Standards() {
		if !checked[s.ID+"/"+Scheme2019] {
			t.Errorf("standard %s: no 2019 template checked", s.ID)
		}
	}
}

func TestStandards(t *testing.T) {
	kinds := make(map[catalog.Kind]int)
	ids := make(map[string]bool)
	for _, s := range Standards() {
		kinds[s.Kind]++
		if ids[s.ID] {
			t.Errorf("duplicate standard %s", s.ID)
		}
		ids[s.ID] = true
		keys := make(map[string]bool)
		for _, f := range s.Fields {
			if keys[f.Key] {
				t.Errorf("%s: duplicate field %s", s.ID, f.Key)
			}
			keys[f.Key] = true
			if len(f.Names) == 0 {
				t.Errorf("%s: field %s has no names", s.ID, f.Key)
			}
		}
	}
	for _, k := range []catalog.Kind{catalog.KindFacility, catalog.KindEvacuation, catalog.KindEvent, catalog.KindPhoto} {
		if kinds[k] != 1 {
			t.Errorf("%d standards of kind %s, want 1", kinds[k], k)
		}
	}
	if kinds[catalog.KindTable] != 11 {
		t.Errorf("%d table standards, want 11", kinds[catalog.KindTable])
	}

	// Spot checks of the field definitions.
	ev := standardByID(t, "evacuation_space")
	want := Field{Key: "hazard_flood", Names: []string{"災害種別_洪水", "洪水"}, Type: TypeBoolean}
	if diff := cmp.Diff(want, *ev.field("hazard_flood")); diff != "" {
		t.Errorf("hazard_flood (-want +got):\n%s", diff)
	}
	if f := ev.field("name"); !f.Required || !slices.Contains(f.Names, "施設・場所名") {
		t.Errorf("evacuation name field = %+v", f)
	}
	if f := standardByID(t, "event").field("start_date"); !f.Required || f.Type != TypeDate {
		t.Errorf("event start_date field = %+v", f)
	}
	if f := standardByID(t, "public_facility").field("lat"); f.Type != TypeNumber || f.Required {
		t.Errorf("facility lat field = %+v", f)
	}
}

// Headers of the newer scheme: 2023 lists inferred for facility and event,
// the GSI layout, and published files.
var (
	gsiHeader          = strings.Split("NO,共通ID,施設・場所名,住所,洪水,崖崩れ、土石流及び地滑り,高潮,地震,津波,大規模な火事,内水氾濫,火山現象,指定避難所との住所同一,緯度,経度,備考", ",")
	facility2023Header = strings.Split("全国地方公共団体コード,ID,地方公共団体名,名称,名称_カナ,名称_英字,所在地_連結表記,所在地_都道府県,所在地_市区町村,所在地_町字,所在地_番地以下,建物名等(方書),緯度,経度,電話番号,内線番号,連絡先メールアドレス,連絡先FormURL,郵便番号,利用可能曜日,開始時間,終了時間,説明,バリアフリー情報,URL,画像,画像_ライセンス,備考", ",")
	event2023Header    = strings.Split("全国地方公共団体コード,ID,地方公共団体名,イベント名,イベント名_カナ,イベント名_英字,開始日,終了日,開始時間,終了時間,説明,料金（基本）,料金（詳細）,連絡先名称,連絡先電話番号,連絡先メールアドレス,場所名称,所在地_連結表記,緯度,経度,定員,参加申込終了日,URL,画像,画像_ライセンス,備考", ",")
	// A published 2023 evacuation list (宇都宮市) that drops optional columns.
	evacuationPartial2023 = strings.Split("全国地方公共団体コード,ID,名称,名称_カナ,所在地_全国地方公共団体コード,町字ID,所在地_連結表記,所在地_都道府県,所在地_市区町村,緯度,経度,電話番号,災害種別_洪水,災害種別_崖崩れ、土石流及び地滑り,災害種別_地震,指定避難所との重複,想定収容人数,対象となる町会・自治会", ",")
	// A published 2023 消防水利施設一覧 (南さつま市).
	fireHydrant2023    = strings.Split("全国地方公共団体コード,ID,地方公共団体名,種別,所在地_全国地方公共団体コード,町字ID,所在地_連結表記,所在地_都道府県,所在地_市区町村,所在地_町字,所在地_番地以下,建物名等(方書),緯度,経度,口径,備考", ",")
	photoArchiveHeader = strings.Split("番号,タイトル,撮影日,撮影場所,緯度,経度,画像ファイル,撮影者,ライセンス,解説", ",")
)

func templateHeaderOf(t *testing.T, file string) []string {
	t.Helper()
	return readSharedCSV(t, filepath.Join(templateDir, file))[0]
}

func TestMatchStandardKinds(t *testing.T) {
	tests := []struct {
		name    string
		kind    catalog.Kind
		header  []string
		wantStd string
		scheme  string
		tagged  bool           // close to the scheme (all conform: the required fields are there)
		index   map[string]int // a few keys to check
	}{
		{name: "facility 2019", kind: catalog.KindFacility, header: templateHeaderOf(t, "xxxxxx_public_facility.csv"),
			wantStd: "public_facility", scheme: Scheme2019, tagged: true,
			index: map[string]int{"code": 0, "id": 1, "name": 4, "address": 8, "lat": 10, "lon": 11, "url": 22}},
		{name: "facility 2023", kind: catalog.KindFacility, header: facility2023Header,
			wantStd: "public_facility", scheme: Scheme2023, tagged: true,
			index: map[string]int{"code": 0, "id": 1, "name": 3, "name_en": 5, "address": 6, "address_extra": 11, "lat": 12, "image": 25}},
		{name: "evacuation 2019", kind: catalog.KindEvacuation, header: templateHeaderOf(t, "xxxxxx_evacuation_space.csv"),
			wantStd: "evacuation_space", scheme: Scheme2019, tagged: true,
			index: map[string]int{"id": 0, "name": 1, "address": 3, "code": 10, "hazard_flood": 13, "hazard_volcano": 20, "also_shelter": 21, "capacity": 22}},
		{name: "evacuation 2023", kind: catalog.KindEvacuation, header: templateHeaderOf(t, "2023_evacuation_space.csv"),
			wantStd: "evacuation_space", scheme: Scheme2023, tagged: true,
			index: map[string]int{"code": 0, "id": 1, "name": 2, "address": 7, "city_code": 22, "hazard_flood": 24, "also_shelter": 32}},
		{name: "evacuation 2023 partial", kind: catalog.KindEvacuation, header: evacuationPartial2023,
			wantStd: "evacuation_space", scheme: Scheme2023, tagged: true,
			index: map[string]int{"code": 0, "address": 6, "hazard_earthquake": 14, "capacity": 16}},
		{name: "evacuation GSI", kind: catalog.KindEvacuation, header: gsiHeader,
			wantStd: "evacuation_space", scheme: SchemeGSI, tagged: true,
			index: map[string]int{"id": 0, "common_id": 1, "name": 2, "address": 3, "hazard_flood": 4, "hazard_landslide": 5,
				"hazard_volcano": 11, "also_shelter": 12, "lat": 13, "lon": 14, "note": 15}},
		{name: "event 2019", kind: catalog.KindEvent, header: templateHeaderOf(t, "xxxxxx_event.csv"),
			wantStd: "event", scheme: Scheme2019, tagged: true,
			index: map[string]int{"name": 4, "start_date": 7, "end_date": 8, "fee": 13, "place": 19, "capacity": 26, "deadline": 27}},
		{name: "event 2023", kind: catalog.KindEvent, header: event2023Header,
			wantStd: "event", scheme: Scheme2023, tagged: true,
			index: map[string]int{"name": 3, "name_en": 5, "start_date": 6, "fee": 11, "fee_detail": 12, "address": 17}},
		{name: "photo cultural property", kind: catalog.KindPhoto, header: templateHeaderOf(t, "xxxxxx_cultural_property.csv"),
			wantStd: "cultural_property", scheme: Scheme2019, tagged: true,
			index: map[string]int{"title": 4, "place": 10, "image": 26, "license": 27, "description": 30}},
		// A photo archive with its own header has every required field
		// but follows no standard: it imports as a photo dataset, untagged.
		{name: "photo archive", kind: catalog.KindPhoto, header: photoArchiveHeader,
			wantStd: "cultural_property", scheme: Scheme2019, tagged: false,
			index: map[string]int{"title": 1, "date": 2, "place": 3, "lat": 4, "image": 6, "creator": 7, "license": 8, "description": 9}},
		// Tourism columns under the facility kind: mapped, untagged.
		{name: "tourism as facility", kind: catalog.KindFacility, header: templateHeaderOf(t, "xxxxxx_tourism.csv"),
			wantStd: "public_facility", scheme: Scheme2019, tagged: false,
			index: map[string]int{"name": 4, "lat": 10}},
		{name: "fire hydrant 2023", kind: catalog.KindTable, header: fireHydrant2023,
			wantStd: "fire_hydrant", scheme: Scheme2023, tagged: true,
			index: map[string]int{"category": 3, "address": 6, "lat": 12, "口径": 14}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, problems := MatchStandard(tt.kind, "f.csv", tt.header)
			if len(problems) != 0 {
				t.Errorf("problems = %v", problems)
			}
			if m == nil {
				t.Fatal("MatchStandard() = nil")
			}
			if tagged := m.Tags() != nil; m.Standard.ID != tt.wantStd || m.Scheme != tt.scheme || !m.Conforms || tagged != tt.tagged {
				t.Errorf("MatchStandard() = %s scheme %s conforms %v tagged %v, want %s scheme %s conforming, tagged %v",
					m.Standard.ID, m.Scheme, m.Conforms, tagged, tt.wantStd, tt.scheme, tt.tagged)
			}
			for k, want := range tt.index {
				if got, ok := m.Index[k]; !ok || got != want {
					t.Errorf("Index[%q] = %d, %v; want %d (%s)", k, got, ok, want, tt.header[want])
				}
			}
		})
	}
}

func TestMatchStandardTable(t *testing.T) {
	tests := []struct {
		name    string
		header  []string
		wantStd string // "" for no match
	}{
		{"evacuation GSI", gsiHeader, "evacuation_space"},
		{"partial 2023 evacuation", evacuationPartial2023, "evacuation_space"},
		{"event 2023", event2023Header, "event"},
		{"only generic columns", strings.Split("名称,名称_カナ,住所,方書,緯度,経度,電話番号,内線番号,URL,備考", ","), ""},
		{"own header", strings.Split("施設名,所在地,緯度,経度", ","), ""},
		{"photo archive", photoArchiveHeader, ""},
		{"empty", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, problems := MatchStandard(catalog.KindTable, "t.csv", tt.header)
			if problems != nil {
				t.Errorf("problems = %v, want nil for tables", problems)
			}
			got := ""
			if m != nil {
				got = m.Standard.ID
			}
			if got != tt.wantStd {
				t.Errorf("MatchStandard(table) = %q, want %q", got, tt.wantStd)
			}
		})
	}
	if m, p := MatchStandard(catalog.KindLayer, "l.csv", gsiHeader); m != nil || p != nil {
		t.Errorf("MatchStandard(layer) = %v, %v; want nil, nil", m, p)
	}
}

func TestMatchStandardMissingRequired(t *testing.T) {
	header := slices.DeleteFunc(templateHeaderOf(t, "xxxxxx_public_facility.csv"), func(c string) bool { return c == "名称" })
	m, problems := MatchStandard(catalog.KindFacility, "shisetsu.csv", header)
	want := []Problem{{File: "shisetsu.csv", Column: "名称", Severity: SeverityError,
		Reason: "公共施設一覧 (自治体標準オープンデータセット) needs a 名称 column and the header has none (also accepted: 施設名, 施設名称, 施設名等, 名前)"}}
	if diff := cmp.Diff(want, problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if m == nil || m.Conforms || m.Tags() != nil {
		t.Errorf("mapping = %+v, want a non-conforming one without tags", m)
	}

	header = strings.Split("イベント名,場所名称,日時,説明", ",")
	_, problems = MatchStandard(catalog.KindEvent, "event.csv", header)
	if len(problems) != 1 || problems[0].Column != "開始日" || !strings.HasPrefix(problems[0].Reason, "イベント一覧 (自治体標準オープンデータセット) needs a 開始日 column") {
		t.Errorf("problems = %v, want one for 開始日", problems)
	}

	_, problems = MatchStandard(catalog.KindPhoto, "photo.csv", strings.Split("タイトル,撮影日", ","))
	if len(problems) != 1 || problems[0].Column != "画像" || !strings.Contains(problems[0].Reason, "also accepted: 画像ファイル, 画像ファイル名, ファイル名") {
		t.Errorf("problems = %v, want one for 画像", problems)
	}
}

// TestHeaderNormalization: full-width brackets, letters and spaces.
func TestHeaderNormalization(t *testing.T) {
	header := templateHeaderOf(t, "xxxxxx_event.csv")
	for i, c := range header {
		switch c {
		case "料金(基本)":
			header[i] = "料金（基本）"
		case "URL":
			header[i] = "ＵＲＬ"
		case "イベント名":
			header[i] = " イベント名　"
		case "NO":
			header[i] = "no"
		}
	}
	header[0] = "\ufeff" + header[0]
	m, problems := MatchStandard(catalog.KindEvent, "e.csv", header)
	if len(problems) != 0 || !m.Conforms || len(m.Index) != len(header) {
		t.Fatalf("MatchStandard() = %+v, %v", m, problems)
	}
	if m.Index["fee"] != 13 || m.Index["url"] != 30 || m.Index["name"] != 4 || m.Index["id"] != 1 || m.Index["code"] != 0 {
		t.Errorf("Index = %v", m.Index)
	}
	// Problems name the column as the file writes it, trimmed.
	_, ps := m.Extract("e.csv", 2, make([]string, len(header)))
	if len(ps) == 0 || ps[0].Column != "イベント名" {
		t.Errorf("problems = %v, want the first about イベント名", ps)
	}
}

func TestRealTourismFiles(t *testing.T) {
	tests := []struct {
		file string
		code string // first record's code
		name string
		lat  float64
	}{
		{"katsushika_tourism.csv", "131229", "葛飾柴又寅さん記念館", 35.757368},
		{"shimabara_tourism.csv", "422037", "島原城", 32.78926},
		{"yanai_tourism_sjis.csv", "352128", "白壁の町並み", 33.9692679},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			rows := readSharedCSV(t, filepath.Join(realCSVDir, tt.file))
			m, problems := MatchStandard(catalog.KindTable, tt.file, rows[0])
			if m == nil {
				t.Fatalf("MatchStandard(table) = nil, %v", problems)
			}
			if m.Standard.ID != "tourism" || m.Scheme != Scheme2019 || !m.Conforms {
				t.Errorf("MatchStandard() = %s scheme %s conforms %v", m.Standard.ID, m.Scheme, m.Conforms)
			}
			if diff := cmp.Diff([]string{"自治体標準ODS", "観光施設一覧"}, m.Tags()); diff != "" {
				t.Errorf("Tags() (-want +got):\n%s", diff)
			}
			if m.Index["code"] != 0 || m.Index["fee"] != 16 || m.Index["fee_detail"] != 17 {
				t.Errorf("Index = %v", m.Index)
			}
			for i, cells := range rows[1:] {
				fields, problems := m.Extract(tt.file, i+2, cells)
				for _, p := range problems {
					if p.Severity == SeverityError {
						t.Errorf("record %d: %v", i+1, p)
					}
				}
				if i == 0 && (fields["code"] != tt.code || fields["name"] != tt.name || fields["lat"] != tt.lat) {
					t.Errorf("first record = %v", fields)
				}
			}
		})
	}
}

func TestTags(t *testing.T) {
	m, _ := MatchStandard(catalog.KindEvacuation, "gsi.csv", gsiHeader)
	if diff := cmp.Diff([]string{"自治体標準ODS", "指定緊急避難場所一覧"}, m.Tags()); diff != "" {
		t.Errorf("Tags() (-want +got):\n%s", diff)
	}
	m, _ = MatchStandard(catalog.KindPhoto, "p.csv", photoArchiveHeader)
	if m.Tags() != nil {
		t.Errorf("Tags() = %v for a non-conforming mapping, want nil", m.Tags())
	}
	var none *Mapping
	if none.Tags() != nil {
		t.Error("nil mapping has tags")
	}
}
