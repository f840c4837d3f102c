package datasets

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/machi-opendata/portal/catalog"
)

func mustMatchStandard(t *testing.T, kind catalog.Kind, header []string) *Mapping {
	t.Helper()
	m, problems := MatchStandard(kind, "f.csv", header)
	if m == nil || len(problems) != 0 {
		t.Fatalf("MatchStandard(%s) = %v, %v", kind, m, problems)
	}
	return m
}

// rowOf builds a row for header from column name -> value.
func rowOf(header []string, values map[string]string) []string {
	cells := make([]string, len(header))
	for i, c := range header {
		cells[i] = values[c]
	}
	return cells
}

func TestExtractEvacuation(t *testing.T) {
	all := func(v bool) map[string]bool {
		return map[string]bool{"flood": v, "landslide": v, "storm_surge": v, "earthquake": v, "tsunami": v, "fire": v, "inland_flood": v, "volcano": v}
	}
	h2019 := templateHeaderOf(t, "xxxxxx_evacuation_space.csv")
	h2023 := templateHeaderOf(t, "2023_evacuation_space.csv")
	tests := []struct {
		name   string
		header []string
		values map[string]string
		want   map[string]any
	}{
		{name: "2019", header: h2019, values: map[string]string{
			"NO": "1", "名称": "武蔵野市立第一小学校", "住所": "東京都武蔵野市吉祥寺北町1-11-37", "緯度": "35.7134", "経度": "139.5794",
			"市区町村コード": "132039", "災害種別_洪水": "○", "災害種別_崖崩れ、土石流及び地滑り": "×", "災害種別_高潮": "",
			"災害種別_地震": "◯", "災害種別_津波": "0", "災害種別_大規模な火事": "●", "災害種別_内水氾濫": "1", "災害種別_火山現象": "不可",
			"指定避難所との重複": "○", "想定収容人数": "1,200人"},
			want: map[string]any{"id": "1", "name": "武蔵野市立第一小学校", "address": "東京都武蔵野市吉祥寺北町1-11-37",
				"lat": 35.7134, "lon": 139.5794, "code": "132039", "also_shelter": true, "capacity": 1200,
				"hazards": map[string]bool{"flood": true, "landslide": false, "storm_surge": false, "earthquake": true,
					"tsunami": false, "fire": true, "inland_flood": true, "volcano": false}}},
		{name: "2023", header: h2023, values: map[string]string{
			"全国地方公共団体コード": "１３２０３９", "ID": "A-1", "名称": "井の頭恩賜公園", "所在地_連結表記": "東京都武蔵野市御殿山一丁目",
			"緯度": " 35.6997 ", "経度": "139.5733", "災害種別_地震": "可", "災害種別_大規模な火事": "TRUE", "指定避難所との重複": "",
			"想定収容人数": "５０００"},
			want: map[string]any{"code": "132039", "id": "A-1", "name": "井の頭恩賜公園", "address": "東京都武蔵野市御殿山一丁目",
				"lat": 35.6997, "lon": 139.5733, "also_shelter": false, "capacity": 5000,
				"hazards": func() map[string]bool { h := all(false); h["earthquake"], h["fire"] = true, true; return h }()}},
		{name: "GSI", header: gsiHeader, values: map[string]string{
			"NO": "3", "共通ID": "13203-003", "施設・場所名": "武蔵野中央公園", "住所": "東京都武蔵野市八幡町2-4-22",
			"洪水": "1", "崖崩れ、土石流及び地滑り": "1", "高潮": "1", "地震": "1", "津波": "1", "大規模な火事": "1", "内水氾濫": "1", "火山現象": "1",
			"指定避難所との住所同一": "1", "緯度": "35.7161", "経度": "139.5547"},
			want: map[string]any{"id": "3", "common_id": "13203-003", "name": "武蔵野中央公園", "address": "東京都武蔵野市八幡町2-4-22",
				"lat": 35.7161, "lon": 139.5547, "also_shelter": true, "hazards": all(true)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := mustMatchStandard(t, catalog.KindEvacuation, tt.header)
			got, problems := m.Extract("hinan.csv", 5, rowOf(tt.header, tt.values))
			if len(problems) != 0 {
				t.Errorf("problems = %v", problems)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Extract() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExtractProblems(t *testing.T) {
	header := templateHeaderOf(t, "xxxxxx_public_facility.csv")
	base := map[string]string{"都道府県コード又は市区町村コード": "131229", "名称": "葛飾区役所", "住所": "東京都葛飾区立石5-13-1",
		"緯度": "35.7434", "経度": "139.8472"}
	tests := []struct {
		name     string
		change   map[string]string
		column   string
		severity string
		reason   string
		noLatLon bool // the row has no location
	}{
		{name: "latitude out of range", change: map[string]string{"緯度": "95.1"}, column: "緯度", severity: SeverityError,
			reason: "緯度 95.1 is outside -90..90", noLatLon: true},
		{name: "swapped", change: map[string]string{"緯度": "139.8472", "経度": "35.7434"}, column: "緯度", severity: SeverityError,
			reason: "緯度 139.8472 is outside -90..90; 緯度 and 経度 look swapped (経度 35.7434)", noLatLon: true},
		{name: "longitude out of range", change: map[string]string{"経度": "-200"}, column: "経度", severity: SeverityError,
			reason: "経度 -200 is outside -180..180", noLatLon: true},
		{name: "bad check digit", change: map[string]string{"都道府県コード又は市区町村コード": "131228"},
			column: "都道府県コード又は市区町村コード", severity: SeverityWarning,
			reason: `"131228" is not a valid 全国地方公共団体コード: its check digit should be 9 (131229)`},
		{name: "code without check digit", change: map[string]string{"都道府県コード又は市区町村コード": "13122"},
			column: "都道府県コード又は市区町村コード", severity: SeverityWarning,
			reason: `"13122" has 5 digits; 全国地方公共団体コード has 6: probably 131229 (check digit missing)`},
		{name: "required empty", change: map[string]string{"名称": "　"}, column: "名称", severity: SeverityError,
			reason: "名称 is required in 公共施設一覧 and is empty"},
	}
	m := mustMatchStandard(t, catalog.KindFacility, header)
	// Coordinates that cannot be read leave the row without a location;
	// the importer warns about them (csvPlan.point).
	for _, lat := range []string{"不明", "－", "", "35.7434,"} {
		values := map[string]string{"名称": "葛飾区役所", "緯度": lat, "経度": "139.8472"}
		fields, problems := m.Extract("shisetsu.csv", 3, rowOf(header, values))
		if _, ok := fields["lat"]; ok || len(problems) != 0 {
			t.Errorf("緯度 %q: fields %v, problems %v; want no location and no problem", lat, fields, problems)
		}
	}
	// DMS is read as the importer reads it.
	fields, _ := m.Extract("shisetsu.csv", 4, rowOf(header, map[string]string{"名称": "区役所", "緯度": "35°44'36.24\"", "経度": "139.8472"}))
	if lat, _ := fields["lat"].(float64); lat < 35.7433 || lat > 35.7434 {
		t.Errorf("DMS latitude read as %v", fields["lat"])
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values := make(map[string]string)
			for k, v := range base {
				values[k] = v
			}
			for k, v := range tt.change {
				values[k] = v
			}
			fields, problems := m.Extract("shisetsu.csv", 12, rowOf(header, values))
			want := []Problem{{File: "shisetsu.csv", Line: 12, Column: tt.column, Reason: tt.reason, Severity: tt.severity}}
			if diff := cmp.Diff(want, problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			_, hasLat := fields["lat"]
			_, hasLon := fields["lon"]
			if hasLat == tt.noLatLon || hasLon == tt.noLatLon {
				t.Errorf("fields = %v; want lat and lon only for a usable location", fields)
			}
		})
	}

	// 2023 code column, a leading zero lost by a spreadsheet.
	m = mustMatchStandard(t, catalog.KindEvacuation, evacuationPartial2023)
	_, problems := m.Extract("hinan.csv", 2, rowOf(evacuationPartial2023, map[string]string{
		"全国地方公共団体コード": "92011", "名称": "中央小学校", "所在地_連結表記": "栃木県宇都宮市中央本町1-29",
		"緯度": "36.55925966", "経度": "139.8847723", "災害種別_洪水": "△"}))
	want := []Problem{
		{File: "hinan.csv", Line: 2, Column: "全国地方公共団体コード", Severity: SeverityWarning,
			Reason: `"92011" has 5 digits; 全国地方公共団体コード has 6: probably 092011 (leading zero lost)`},
		{File: "hinan.csv", Line: 2, Column: "災害種別_洪水", Severity: SeverityWarning,
			Reason: `"△" is not a yes/no value (yes: 1, ○; no: empty, 0, ×); read as no`},
	}
	if diff := cmp.Diff(want, problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestExtractEvent(t *testing.T) {
	header := templateHeaderOf(t, "xxxxxx_event.csv")
	m := mustMatchStandard(t, catalog.KindEvent, header)
	got, problems := m.Extract("event.csv", 3, rowOf(header, map[string]string{
		"都道府県コード又は市区町村コード": "132039", "NO": "1", "イベント名": "武蔵野市民まつり", "開始日": "2024/4/1",
		"終了日": "令和6年4月3日", "開始時間": "9:00", "終了時間": "１７：００", "料金(基本)": "無料", "場所名称": "武蔵野中央公園",
		"定員": "先着30名", "参加申込終了日": "2024-03-15", "説明": "毎年恒例のまつりです。", "緯度": "35.7161", "経度": "139.5547",
		"URL": "https://www.city.musashino.lg.jp/"}))
	if len(problems) != 0 {
		t.Errorf("problems = %v", problems)
	}
	want := map[string]any{"code": "132039", "id": "1", "name": "武蔵野市民まつり", "start_date": "2024-04-01", "end_date": "2024-04-03",
		"start_time": "09:00", "end_time": "17:00", "fee": "無料", "place": "武蔵野中央公園", "capacity": 30, "deadline": "2024-03-15",
		"description": "毎年恒例のまつりです。", "lat": 35.7161, "lon": 139.5547, "url": "https://www.city.musashino.lg.jp/"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Extract() (-want +got):\n%s", diff)
	}

	got, problems = m.Extract("event.csv", 4, rowOf(header, map[string]string{
		"イベント名": "未定の催し", "開始日": "来年春ごろ", "終了日": "2024/4/1", "定員": "20～30人"}))
	wantProblems := []Problem{
		{File: "event.csv", Line: 4, Column: "開始日", Severity: SeverityError,
			Reason: `"来年春ごろ" is not a date (such as 2024-04-01 or 令和6年4月1日)`},
		{File: "event.csv", Line: 4, Column: "定員", Severity: SeverityWarning, Reason: `"20～30人" is not a whole number; left out`},
	}
	if diff := cmp.Diff(wantProblems, problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if _, ok := got["start_date"]; ok {
		t.Errorf("fields = %v, want no start_date", got)
	}

	_, problems = m.Extract("event.csv", 5, rowOf(header, map[string]string{"イベント名": "逆順", "開始日": "2024/4/3", "終了日": "2024/4/1"}))
	if len(problems) != 1 || problems[0].Column != "終了日" || problems[0].Severity != SeverityWarning {
		t.Errorf("problems = %v, want a warning on 終了日", problems)
	}
}

func TestExtractPhoto(t *testing.T) {
	m := mustMatchStandard(t, catalog.KindPhoto, photoArchiveHeader)
	tests := []struct {
		name   string
		values map[string]string
		want   map[string]any
	}{
		{name: "era decade kept as written", values: map[string]string{"タイトル": "吉祥寺駅前", "撮影日": "昭和30年代",
			"撮影場所": "吉祥寺駅北口", "画像ファイル": "kichijoji_001.jpg", "撮影者": "武蔵野市", "ライセンス": "CC BY 4.0"},
			want: map[string]any{"title": "吉祥寺駅前", "date": "昭和30年代", "place": "吉祥寺駅北口", "image": "kichijoji_001.jpg",
				"creator": "武蔵野市", "license": "CC BY 4.0"}},
		{name: "date", values: map[string]string{"タイトル": "市役所", "撮影日": "2001/5/3", "画像ファイル": "shiyakusho.jpg",
			"緯度": "35.7179", "経度": "139.5661", "解説": "竣工当時"},
			want: map[string]any{"title": "市役所", "date": "2001-05-03", "image": "shiyakusho.jpg", "lat": 35.7179, "lon": 139.5661,
				"description": "竣工当時"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := m.Extract("photo.csv", 2, rowOf(photoArchiveHeader, tt.values))
			if len(problems) != 0 {
				t.Errorf("problems = %v", problems)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Extract() (-want +got):\n%s", diff)
			}
		})
	}
	_, problems := m.Extract("photo.csv", 3, rowOf(photoArchiveHeader, map[string]string{"タイトル": "画像なし"}))
	if len(problems) != 1 || problems[0].Column != "画像ファイル" || problems[0].Severity != SeverityError {
		t.Errorf("problems = %v, want an error on the empty 画像ファイル", problems)
	}
}

// A short row (fewer cells than the header) reads the missing cells as empty.
func TestExtractShortRow(t *testing.T) {
	m := mustMatchStandard(t, catalog.KindEvacuation, gsiHeader)
	got, problems := m.Extract("gsi.csv", 9, []string{"1", "", "公園", "住所"})
	if len(problems) != 0 {
		t.Errorf("problems = %v", problems)
	}
	if got["name"] != "公園" || got["also_shelter"] != false || len(got["hazards"].(map[string]bool)) != 8 {
		t.Errorf("Extract() = %v", got)
	}
}
