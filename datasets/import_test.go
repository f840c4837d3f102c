package datasets

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/machi-opendata/portal/catalog"
)

// testImporter is an importer over a real SQLite file in a temporary folder.
func testImporter(t testing.TB) *Importer {
	t.Helper()
	dir := t.TempDir()
	store, err := catalog.Open(context.Background(), filepath.Join(dir, "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	store.Now = func() time.Time { return time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC) }
	for _, d := range []catalog.Department{{Code: "bousai", NameJA: "防災安全課"}, {Code: "kankou", NameJA: "観光課"}} {
		if err := store.PutDepartment(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	return &Importer{Store: store, Files: &catalog.Files{Dir: filepath.Join(dir, "files")}, MaxUpload: 100 << 20}
}

func importBytes(t testing.TB, im *Importer, kind catalog.Kind, slug, name string, data []byte) (*ImportResult, error) {
	t.Helper()
	return im.Import(context.Background(), ImportRequest{Slug: slug, Kind: kind, Department: "bousai", Publish: true,
		Files: []File{{Name: name, Data: bytes.NewReader(data)}}})
}

// recordsOf returns the stored props of a dataset's published version.
func recordsOf(t *testing.T, im *Importer, slug string) (*catalog.Version, []map[string]any) {
	t.Helper()
	ctx := context.Background()
	d, err := im.Store.DatasetBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	v, err := im.Store.Version(ctx, d.ID, d.CurrentVersion)
	if err != nil {
		t.Fatal(err)
	}
	rs := &Records{DB: im.Store.DB}
	raw, total, err := rs.Find(ctx, v, RecordFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if total != v.Rows {
		t.Errorf("records total %d != version rows %d", total, v.Rows)
	}
	var out []map[string]any
	for _, r := range raw {
		var m map[string]any
		if err := json.Unmarshal(r, &m); err != nil {
			t.Fatalf("stored record is not JSON: %v: %s", err, r)
		}
		out = append(out, m)
	}
	return v, out
}

func TestImportRealMunicipalFiles(t *testing.T) {
	tests := []struct {
		file     string
		kind     catalog.Kind
		rows     int
		encoding Encoding
		geometry bool
		column   string // a header that must be kept exactly as written
		standard string
	}{
		{"yanai_tourism_sjis.csv", catalog.KindTable, 18, ShiftJIS, true, "名称_カナ", "観光施設一覧"},
		{"katsushika_tourism.csv", catalog.KindTable, 3, "", true, "名称_英語", "観光施設一覧"},
		{"shimabara_tourism.csv", catalog.KindTable, 28, "", true, "料金（基本）", "観光施設一覧"},
		{"hachijo_sightseeing.csv", catalog.KindTable, 20, "", true, "緯度", ""},
		{"onsen.csv", catalog.KindTable, 7, "", true, "緯度", ""},
		{"saitama_aed.csv", catalog.KindTable, 392, UTF8BOM, true, "設置場所", ""},
		{"kyotenbyoinlist20220101.csv", catalog.KindTable, 87, "", false, "施設名", ""},
		{"tnm_exhibitions.csv", catalog.KindTable, 5, UTF8, false, "展示名", ""},
		{"volcano_damage.csv", catalog.KindTable, 21, "", false, "噴火年月日", ""},
	}
	im := testImporter(t)
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(realCSV + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			slug := strings.ReplaceAll(strings.TrimSuffix(tt.file, ".csv"), "_", "-")
			res, err := importBytes(t, im, tt.kind, slug, tt.file, data)
			if err != nil {
				t.Fatalf("import: %v", err)
			}
			// The counts were checked independently: Python's csv module
			// over the file decoded as cp932 or utf-8-sig, non-blank rows
			// below the header.
			if res.Rows != tt.rows || res.Refused != 0 {
				t.Errorf("rows = %d (refused %d), want %d", res.Rows, res.Refused, tt.rows)
			}
			if tt.encoding != "" && res.Encoding != tt.encoding {
				t.Errorf("encoding = %s, want %s", res.Encoding, tt.encoding)
			}
			if res.Standard != tt.standard {
				t.Errorf("standard = %q, want %q", res.Standard, tt.standard)
			}
			for _, p := range res.Problems {
				if p.Severity == SeverityError {
					t.Errorf("problem: %v", p.Error())
				}
			}
			v, recs := recordsOf(t, im, slug)
			if v.HasGeometry != tt.geometry {
				t.Errorf("has geometry = %v, want %v", v.HasGeometry, tt.geometry)
			}
			found := false
			for _, c := range v.Columns {
				found = found || c.Name == tt.column
			}
			if !found {
				t.Errorf("column %q not among %v", tt.column, v.Columns)
			}
			if len(recs) == 0 {
				t.Fatal("no records stored")
			}
			if recs[0][tt.column] == nil && tt.column != "施設名" {
				t.Errorf("first record lacks %q: %v", tt.column, recs[0])
			}
			// The original bytes are kept, addressed by their hash.
			kept, err := os.ReadFile(im.Files.Path(v.Files[0].SHA256))
			if err != nil || !bytes.Equal(kept, data) {
				t.Errorf("original not kept byte for byte (%v)", err)
			}
		})
	}
}

func TestImportTypesNumbersDatesAndCoordinates(t *testing.T) {
	im := testImporter(t)
	csv := "名称,人数,開設日,緯度,経度,開始\r\n" +
		"中央公民館,１，２３４,令和5年4月1日, 35.7012 ,139.5654 ,9:00\r\n" +
		"西図書館,－５,R5.4.2,35.7100,139.5500,１０：３０\r\n" +
		"東体育館,12,平成31年4月30日,,,\r\n"
	res, err := importBytes(t, im, catalog.KindTable, "types", "types.csv", []byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 3 {
		t.Fatalf("rows = %d; problems %v", res.Rows, res.Problems)
	}
	v, recs := recordsOf(t, im, "types")
	wantTypes := map[string]ColumnType{"名称": TypeText, "人数": TypeInteger, "開設日": TypeDate,
		"開設日_ISO8601": TypeDate, "緯度": TypeNumber, "経度": TypeNumber, "開始": TypeTime}
	for _, c := range v.Columns {
		if wantTypes[c.Name] != c.Type {
			t.Errorf("column %s: type %s, want %s", c.Name, c.Type, wantTypes[c.Name])
		}
	}
	if recs[0]["人数"] != 1234.0 || recs[1]["人数"] != -5.0 {
		t.Errorf("full-width numbers: %v, %v", recs[0]["人数"], recs[1]["人数"])
	}
	if recs[0]["開設日"] != "令和5年4月1日" || recs[0]["開設日_ISO8601"] != "2023-04-01" ||
		recs[1]["開設日_ISO8601"] != "2023-04-02" || recs[2]["開設日_ISO8601"] != "2019-04-30" {
		t.Errorf("era dates: %v / %v / %v", recs[0], recs[1], recs[2])
	}
	if recs[0]["緯度"] != 35.7012 {
		t.Errorf("latitude with stray spaces: %v", recs[0]["緯度"])
	}
	if recs[1]["開始"] != "10:30" {
		t.Errorf("full-width time: %v", recs[1]["開始"])
	}
	if !v.HasGeometry || v.BBox == nil || v.BBox[0] != 139.55 || v.BBox[3] != 35.71 {
		t.Errorf("bbox = %v", v.BBox)
	}
}

func TestImportBadRowsKeepsGoodOnes(t *testing.T) {
	im := testImporter(t)
	csv := "名称,緯度,経度\n" +
		"良い行,35.70,139.56\n" +
		"緯度と経度が逆,139.56,35.70\n" +
		"列が多い,35.70,139.56,余計,もっと\n" +
		"もう一つの良い行,35.71,139.57\n"
	res, err := importBytes(t, im, catalog.KindTable, "bad-rows", "bad.csv", []byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 2 || res.Refused != 2 {
		t.Errorf("rows %d refused %d, want 2 and 2; problems %v", res.Rows, res.Refused, res.Problems)
	}
	var lines []int
	for _, p := range res.Problems {
		if p.Severity == SeverityError {
			lines = append(lines, p.Line)
			if p.File != "bad.csv" || p.Reason == "" {
				t.Errorf("problem lacks file or reason: %+v", p)
			}
		}
	}
	if len(lines) != 2 || lines[0] != 3 || lines[1] != 4 {
		t.Errorf("error lines = %v, want [3 4]", lines)
	}
}

func TestImportUnreadableFilesChangeNothing(t *testing.T) {
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{0, 1, 2, 0xff}, 200)...)
	tests := []struct {
		name, file string
		data       []byte
		kind       catalog.Kind
		want       string // in the error message
	}{
		{"empty", "empty.csv", nil, catalog.KindTable, "empty"},
		{"binary renamed csv", "photo.csv", png, catalog.KindTable, "text"},
		{"not geojson", "x.geojson", []byte("{not json"), catalog.KindLayer, "x.geojson"},
		{"excel file", "x.xlsx", []byte("PK\x03\x04"), catalog.KindTable, "unsupported file type"},
		{"header only", "h.csv", []byte("名称,住所\r\n"), catalog.KindTable, "no records"},
		{"every row bad", "b.csv", []byte("名称,緯度,経度\n逆,139.5,35.7\n"), catalog.KindTable, "no row could be read"},
		{"mixed encodings", "m.csv", append([]byte("名称,住所\n中央図書館,中町\n"), []byte("\x90\xbc\x8c\xf6\x96\xaf\x8a\xd9,\x90\xbc\x92\xac\n")...), catalog.KindTable, "line 3"},
		{"geojson swapped everywhere", "s.geojson", []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[35.7,139.5]}}]}`), catalog.KindLayer, "longitude,latitude"},
		{"the kept file again, as the wrong kind", "again.csv", []byte("a,b\n1,2\n"), catalog.KindFacility, "名称"},
		{"facility without names", "f.csv", []byte("住所,緯度,経度\n中町1,35.7,139.5\n"), catalog.KindFacility, "名称"},
	}
	im := testImporter(t)
	// A dataset that must survive every failed upload unchanged.
	if _, err := importBytes(t, im, catalog.KindTable, "keep", "keep.csv", []byte("a,b\n1,2\n")); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := importBytes(t, im, tt.kind, "keep", tt.file, tt.data)
			if err == nil {
				t.Fatal("import succeeded")
			}
			if catalog.KindOf(err) != catalog.Invalid {
				t.Errorf("kind = %v, want invalid: %v", catalog.KindOf(err), err)
			}
			if !strings.Contains(catalog.MessageOf(err), tt.want) {
				t.Errorf("message %q does not mention %q", catalog.MessageOf(err), tt.want)
			}
			d, err := im.Store.DatasetBySlug(context.Background(), "keep")
			if err != nil || d.CurrentVersion != 1 {
				t.Fatalf("dataset changed: %v %v", d, err)
			}
			var n int
			if err := im.Store.DB.QueryRow("SELECT count(*) FROM versions").Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 1 {
				t.Errorf("%d versions after a refused upload", n)
			}
			// Nothing of the refused upload stays on disk.
			if files := storedFiles(t, im); len(files) != 1 {
				t.Errorf("stored files after a refused upload: %v", files)
			}
		})
	}
}

func TestImportUploadLimit(t *testing.T) {
	im := testImporter(t)
	im.MaxUpload = 1 << 10
	_, err := importBytes(t, im, catalog.KindTable, "big", "big.csv", bytes.Repeat([]byte("a,b\n"), 1000))
	if catalog.KindOf(err) != catalog.TooLarge || !strings.Contains(catalog.MessageOf(err), "big.csv") {
		t.Errorf("err = %v", err)
	}
}

func TestImportNewVersionKeepsOldOne(t *testing.T) {
	im := testImporter(t)
	if _, err := importBytes(t, im, catalog.KindTable, "ver", "v1.csv", []byte("名称\nA\n")); err != nil {
		t.Fatal(err)
	}
	res, err := importBytes(t, im, catalog.KindTable, "ver", "v2.csv", []byte("名称\nA\nB\n"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Version != 2 || res.Rows != 2 {
		t.Errorf("version %d rows %d", res.Version, res.Rows)
	}
	d, _ := im.Store.DatasetBySlug(context.Background(), "ver")
	v1, err := im.Store.Version(context.Background(), d.ID, 1)
	if err != nil || v1.Rows != 1 || v1.Files[0].Name != "v1.csv" {
		t.Errorf("version 1 = %+v, %v", v1, err)
	}
}

func TestImportGeoJSON(t *testing.T) {
	im := testImporter(t)
	gj := `{"type":"FeatureCollection","features":[
	 {"type":"Feature","properties":{"名称":"中央公園","面積":1.5,"番号":1},"geometry":{"type":"Point","coordinates":[139.56,35.70]}},
	 {"type":"Feature","properties":{"名称":"緑道","番号":2},"geometry":{"type":"LineString","coordinates":[[139.55,35.70],[139.57,35.71]]}},
	 {"type":"Feature","properties":{"名称":"逆","番号":3},"geometry":{"type":"Point","coordinates":[35.70,139.56]}}]}`
	res, err := importBytes(t, im, catalog.KindLayer, "parks", "parks.geojson", []byte(gj))
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 2 || res.Refused != 1 {
		t.Errorf("rows %d refused %d; %v", res.Rows, res.Refused, res.Problems)
	}
	v, recs := recordsOf(t, im, "parks")
	if !v.HasGeometry || recs[1]["_geometry"] == nil || recs[0]["面積"] != 1.5 {
		t.Errorf("records = %v", recs)
	}
}

func TestImportHugeFieldAmongManyRows(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 50 MB file")
	}
	im := testImporter(t)
	var b bytes.Buffer
	b.WriteString("名称,説明\n")
	for b.Len() < 40<<20 {
		b.WriteString("施設,ふつうの説明文です\n")
	}
	before := strings.Count(b.String(), "\n") // header + rows so far
	b.WriteString("巨大,\"")
	b.Write(bytes.Repeat([]byte("あ"), 10<<20/3))
	b.WriteString("\"\n最後の施設,説明\n")
	res, err := importBytes(t, im, catalog.KindTable, "huge", "huge.csv", b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != before || res.Refused != 1 {
		t.Errorf("rows %d refused %d, want %d and 1", res.Rows, res.Refused, before)
	}
	if len(res.Problems) != 1 || res.Problems[0].Line != before+1 || !strings.Contains(res.Problems[0].Reason, "over the limit") {
		t.Errorf("problems = %+v, want line %d", res.Problems, before+1)
	}
}

func TestImportPhotosWithMetadataAndImages(t *testing.T) {
	im := testImporter(t)
	meta := "タイトル,撮影年月日,撮影場所,緯度,経度,画像ファイル\r\n" +
		"駅前商店街,昭和40年,駅前,35.70,139.57,p1.jpg\r\n" +
		"旧市役所,1960-05-01,中町,35.71,139.56,p2.jpg\r\n"
	res, err := im.Import(context.Background(), ImportRequest{Slug: "photos", Kind: catalog.KindPhoto, Department: "bousai", Publish: true,
		Files: []File{
			{Name: "photos.csv", Data: strings.NewReader(meta)},
			{Name: "p1.jpg", Data: strings.NewReader("\xff\xd8\xff fake jpeg 1")},
		}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 2 {
		t.Fatalf("rows = %d; %v", res.Rows, res.Problems)
	}
	warned := false
	for _, p := range res.Problems {
		warned = warned || (p.Line == 3 && p.Severity == SeverityWarning && strings.Contains(p.Reason, "p2.jpg"))
	}
	if !warned {
		t.Errorf("no warning about the missing p2.jpg: %+v", res.Problems)
	}
	v, _ := recordsOf(t, im, "photos")
	roles := map[string]string{}
	for _, f := range v.Files {
		roles[f.Name] = f.Role
	}
	if roles["photos.csv"] != "data" || roles["p1.jpg"] != "image" {
		t.Errorf("files = %+v", v.Files)
	}

	// Images alone make one record each, titled by file name.
	res, err = im.Import(context.Background(), ImportRequest{Slug: "loose", Kind: catalog.KindPhoto, Department: "bousai", Publish: true,
		Files: []File{{Name: "a.jpg", Data: strings.NewReader("a")}, {Name: "b.png", Data: strings.NewReader("b")}}})
	if err != nil || res.Rows != 2 {
		t.Fatalf("images only: %v, %+v", err, res)
	}
	_, recs := recordsOf(t, im, "loose")
	if recs[1]["画像ファイル"] != "b.png" {
		t.Errorf("records = %v", recs)
	}

	// Images belong in photo datasets only.
	_, err = im.Import(context.Background(), ImportRequest{Slug: "tbl", Kind: catalog.KindTable, Department: "bousai",
		Files: []File{{Name: "a.jpg", Data: strings.NewReader("a")}}})
	if catalog.KindOf(err) != catalog.Invalid {
		t.Errorf("image in a table: %v", err)
	}
}

func TestImportGSIEvacuationSitesWithHazards(t *testing.T) {
	im := testImporter(t)
	csv := "NO,共通ID,施設・場所名,住所,洪水,崖崩れ、土石流及び地滑り,高潮,地震,津波,大規模な火事,内水氾濫,火山現象,指定避難所との住所同一,緯度,経度,備考\r\n" +
		"1,13203-001,第一小学校,東京都武蔵野市中町1-1,,,,1,,1,,,1,35.7071,139.5687,\r\n" +
		"2,13203-002,中央公園,東京都武蔵野市中町2-2,1,,,1,,1,1,,,35.7100,139.5700,\r\n"
	res, err := importBytes(t, im, catalog.KindEvacuation, "gsi", "gsi.csv", []byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 2 || res.Standard != "指定緊急避難場所一覧" {
		t.Fatalf("rows %d standard %q; %v", res.Rows, res.Standard, res.Problems)
	}
	var fields string
	if err := im.Store.DB.QueryRow(`SELECT fields FROM records WHERE row = 2`).Scan(&fields); err != nil {
		t.Fatal(err)
	}
	var f struct {
		Name    string          `json:"name"`
		Hazards map[string]bool `json:"hazards"`
	}
	if err := json.Unmarshal([]byte(fields), &f); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"flood": true, "landslide": false, "storm_surge": false, "earthquake": true,
		"tsunami": false, "fire": true, "inland_flood": true, "volcano": false}
	if f.Name != "中央公園" || len(f.Hazards) != 8 {
		t.Fatalf("fields = %s", fields)
	}
	for k, w := range want {
		if f.Hazards[k] != w {
			t.Errorf("hazard %s = %v, want %v", k, f.Hazards[k], w)
		}
	}
	d, _ := im.Store.DatasetBySlug(context.Background(), "gsi")
	if !slices.Contains(d.Keywords, "自治体標準ODS") || !slices.Contains(d.Keywords, "指定緊急避難場所一覧") {
		t.Errorf("keywords = %v", d.Keywords)
	}
}

// storedFiles lists the files under the store's hash folders (not tmp/).
func storedFiles(t *testing.T, im *Importer) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(im.Files.Dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "tmp" {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			out = append(out, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
