package demo

import (
	"bytes"
	"image/jpeg"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
)

const templates = "../../../shared/data/standard-templates"

// photoExtra are the columns the photo archive adds to 文化財一覧.
var photoExtra = []string{"画像ファイル", "撮影年月日", "撮影場所", "撮影者"}

// csvFiles lists every embedded CSV with its template and minimum rows.
var csvFiles = []struct {
	name     string
	template string
	extra    []string
	min      int
}{
	{"public_facility.csv", "xxxxxx_public_facility.csv", nil, 40},
	{"evacuation_space.csv", "2023_evacuation_space.csv", nil, 25},
	{"event.csv", "xxxxxx_event.csv", nil, 30},
	{"photos.csv", "xxxxxx_cultural_property.csv", photoExtra, 20},
	{"aed.csv", "xxxxxx_aed.csv", nil, 15},
}

func readEmbedded(t *testing.T, name string) (raw []byte, header []string, rows [][]string) {
	t.Helper()
	raw, err := fs.ReadFile(files, "data/"+name)
	if err != nil {
		t.Fatal(err)
	}
	header, rows, err = readCSV(raw)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return raw, header, rows
}

func TestCSVFormat(t *testing.T) {
	for _, tc := range csvFiles {
		t.Run(tc.name, func(t *testing.T) {
			raw, header, rows := readEmbedded(t, tc.name)
			if !bytes.HasPrefix(raw, bom) {
				t.Error("no UTF-8 BOM")
			}
			if !utf8.Valid(raw) {
				t.Error("not valid UTF-8")
			}
			if n, crlf := bytes.Count(raw, []byte("\n")), bytes.Count(raw, []byte("\r\n")); n != crlf || n == 0 {
				t.Errorf("%d line feeds, %d of them CRLF", n, crlf)
			}

			tpl, err := os.ReadFile(filepath.Join(templates, tc.template))
			if err != nil {
				t.Fatal(err)
			}
			want, _, err := readCSV(tpl)
			if err != nil {
				t.Fatal(err)
			}
			want = append(slices.Clip(want), tc.extra...)
			if !slices.Equal(header, want) {
				t.Errorf("header differs from %s\n got: %q\nwant: %q", tc.template, header, want)
			}
			if len(rows) < tc.min {
				t.Errorf("%d rows, want at least %d", len(rows), tc.min)
			}
		})
	}
}

func TestSampleMarked(t *testing.T) {
	for _, tc := range csvFiles {
		_, header, rows := readEmbedded(t, tc.name)
		col, err := columns(header, "備考")
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for i, r := range rows {
			if !strings.Contains(r[col["備考"]], SampleNote) {
				t.Errorf("%s row %d: 備考 %q lacks %s", tc.name, i+2, r[col["備考"]], SampleNote)
			}
		}
	}
}

func TestBoundary(t *testing.T) {
	p := Boundary()
	if len(p) != 1 {
		t.Fatalf("%d rings, want 1", len(p))
	}
	ring := p[0]
	if !ring.Closed() {
		t.Error("ring not closed")
	}
	if n := len(ring) - 1; n < 12 || n > 20 {
		t.Errorf("%d vertices, want 12-20", n)
	}
	if ring.Orientation() != orb.CCW {
		t.Error("exterior ring is not counter-clockwise (RFC 7946)")
	}
	for _, pt := range ring {
		if pt.Lon() < 139.53 || pt.Lon() > 139.60 || pt.Lat() < 35.69 || pt.Lat() > 35.72 {
			t.Errorf("vertex %v outside Musashino's area", pt)
		}
	}
}

// TestInsideBoundary checks every row of every CSV has coordinates inside the
// city, including the events after they are moved.
func TestInsideBoundary(t *testing.T) {
	city := Boundary()
	for _, tc := range csvFiles {
		_, header, rows := readEmbedded(t, tc.name)
		col, err := columns(header, "緯度", "経度")
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for i, r := range rows {
			lat, err1 := strconv.ParseFloat(r[col["緯度"]], 64)
			lon, err2 := strconv.ParseFloat(r[col["経度"]], 64)
			if err1 != nil || err2 != nil {
				t.Errorf("%s row %d: bad coordinates %q, %q", tc.name, i+2, r[col["緯度"]], r[col["経度"]])
				continue
			}
			if !planar.PolygonContains(city, orb.Point{lon, lat}) {
				t.Errorf("%s row %d: %v,%v outside the boundary", tc.name, i+2, lat, lon)
			}
		}
	}
}

// TestLocalGovCodes checks every code column holds a 6-digit code with a
// valid check digit.
func TestLocalGovCodes(t *testing.T) {
	codeCols := []string{"都道府県コード又は市区町村コード", "全国地方公共団体コード", "所在地_全国地方公共団体コード", "市区町村コード"}
	if !validCode(CityCode) {
		t.Fatalf("CityCode %s has a bad check digit", CityCode)
	}
	for _, tc := range csvFiles {
		_, header, rows := readEmbedded(t, tc.name)
		for c, h := range header {
			if !slices.Contains(codeCols, h) {
				continue
			}
			for i, r := range rows {
				if !validCode(r[c]) {
					t.Errorf("%s row %d: %s %q is not a valid code", tc.name, i+2, h, r[c])
				}
			}
		}
	}
}

func validCode(s string) bool {
	if len(s) != 6 {
		return false
	}
	sum := 0
	for i, w := range []int{6, 5, 4, 3, 2} {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		sum += int(s[i]-'0') * w
	}
	return s[5] == byte('0'+(11-sum%11)%10)
}

// TestPlacesAreFacilities checks the events and AEDs name facilities of the
// public facility list, at the same coordinates.
func TestPlacesAreFacilities(t *testing.T) {
	_, fh, frows := readEmbedded(t, "public_facility.csv")
	fc, _ := columns(fh, "名称", "緯度", "経度")
	where := map[string][2]string{}
	for _, r := range frows {
		where[r[fc["名称"]]] = [2]string{r[fc["緯度"]], r[fc["経度"]]}
	}
	for _, tc := range []struct{ file, col string }{{"event.csv", "場所名称"}, {"aed.csv", "名称"}} {
		_, h, rows := readEmbedded(t, tc.file)
		c, err := columns(h, tc.col, "緯度", "経度")
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			w, ok := where[r[c[tc.col]]]
			if !ok {
				t.Errorf("%s row %d: %s %q is not a facility", tc.file, i+2, tc.col, r[c[tc.col]])
				continue
			}
			if w != [2]string{r[c["緯度"]], r[c["経度"]]} {
				t.Errorf("%s row %d: %s is at %v, the facility at %v", tc.file, i+2, r[c[tc.col]], []string{r[c["緯度"]], r[c["経度"]]}, w)
			}
		}
	}
}

func TestEvacuationHazards(t *testing.T) {
	_, h, rows := readEmbedded(t, "evacuation_space.csv")
	never := []string{"災害種別_高潮", "災害種別_津波", "災害種別_火山現象", "災害種別_崖崩れ、土石流及び地滑り"}
	flags := []string{"災害種別_洪水", "災害種別_崖崩れ、土石流及び地滑り", "災害種別_高潮", "災害種別_地震",
		"災害種別_津波", "災害種別_大規模な火事", "災害種別_内水氾濫", "災害種別_火山現象", "指定避難所との重複"}
	c, err := columns(h, append(flags, "想定収容人数")...)
	if err != nil {
		t.Fatal(err)
	}
	floods := 0
	for i, r := range rows {
		for _, f := range flags {
			if v := r[c[f]]; v != "" && v != "1" {
				t.Errorf("row %d: %s = %q, want 1 or empty", i+2, f, v)
			}
		}
		for _, f := range never {
			if r[c[f]] != "" {
				t.Errorf("row %d: %s set in an inland plateau city", i+2, f)
			}
		}
		if r[c["災害種別_地震"]] != "1" {
			t.Errorf("row %d: not designated for earthquakes", i+2)
		}
		if r[c["災害種別_洪水"]] == "1" {
			floods++
		}
		if n, err := strconv.Atoi(r[c["想定収容人数"]]); err != nil || n <= 0 {
			t.Errorf("row %d: 想定収容人数 %q", i+2, r[c["想定収容人数"]])
		}
	}
	if floods == 0 || floods > len(rows)/4 {
		t.Errorf("%d of %d sites for floods, want a few", floods, len(rows))
	}
}

func TestDepartments(t *testing.T) {
	ds := Departments()
	phone := regexp.MustCompile(`^0422-\d{2}-\d{4}$`)
	codes := map[string]bool{}
	for _, d := range ds {
		if codes[d.Code] {
			t.Errorf("department %s twice", d.Code)
		}
		codes[d.Code] = true
		if d.NameJA == "" || d.NameEN == "" {
			t.Errorf("%s: missing name", d.Code)
		}
		if !strings.HasSuffix(d.Email, "@example.jp") {
			t.Errorf("%s: e-mail %q not @example.jp", d.Code, d.Email)
		}
		if !phone.MatchString(d.Phone) {
			t.Errorf("%s: phone %q", d.Code, d.Phone)
		}
	}
	for _, c := range []string{"bousai", "toshikeikaku", "douro", "kouhou", "shougai", "kenkou"} {
		if !codes[c] {
			t.Errorf("department %s missing", c)
		}
	}
}

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func TestRequests(t *testing.T) {
	now := time.Date(2027, 5, 12, 9, 30, 0, 0, time.FixedZone("JST", 9*60*60))
	reqs, err := Requests(now)
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) != 5 {
		t.Errorf("%d requests, want 5", len(reqs))
	}
	depts := map[string]bool{}
	for _, d := range Departments() {
		depts[d.Code] = true
	}
	freqs := []string{"ANNUAL", "MONTHLY", "QUARTERLY", "IRREG", "WEEKLY", "DAILY"}
	slugs := map[string]bool{}
	kinds := map[catalog.Kind]bool{}
	licenses := map[string]bool{}
	for _, r := range reqs {
		t.Run(r.Slug, func(t *testing.T) {
			m := r.Meta
			if !slugRE.MatchString(r.Slug) || m == nil || m.Slug != r.Slug {
				t.Errorf("bad slug %q", r.Slug)
			}
			if slugs[r.Slug] {
				t.Errorf("slug %s twice", r.Slug)
			}
			slugs[r.Slug] = true
			kinds[r.Kind] = true
			if !r.Kind.Valid() || m.Kind != r.Kind {
				t.Errorf("kind %q", r.Kind)
			}
			if !depts[r.Department] || m.Department != r.Department {
				t.Errorf("department %q does not exist", r.Department)
			}
			if !r.Publish || r.Actor != "demo" {
				t.Errorf("Publish %v, Actor %q", r.Publish, r.Actor)
			}
			if m.TitleJA == "" || m.TitleEN == "" || len(m.Keywords) == 0 || m.Contact.Email == "" {
				t.Error("metadata incomplete")
			}
			for _, d := range []string{m.DescriptionJA, m.DescriptionEN} {
				if d == "" {
					t.Error("missing description")
				}
			}
			if !strings.Contains(m.DescriptionJA, SampleNote) {
				t.Errorf("description does not say %s", SampleNote)
			}
			if _, ok := catalog.LicenseByID(m.License); !ok {
				t.Errorf("license %q unknown", m.License)
			}
			licenses[m.License] = true
			if len(m.Themes) == 0 {
				t.Error("no themes")
			}
			for _, th := range m.Themes {
				if _, ok := catalog.ThemeByCode(th); !ok {
					t.Errorf("theme %q unknown", th)
				}
			}
			if !slices.Contains(freqs, m.Frequency) {
				t.Errorf("frequency %q", m.Frequency)
			}
			if m.Spatial == nil || m.Spatial[0] >= m.Spatial[2] || m.Spatial[1] >= m.Spatial[3] {
				t.Errorf("spatial %v", m.Spatial)
			}
			if len(r.Files) == 0 || !strings.HasSuffix(r.Files[0].Name, ".csv") {
				t.Fatalf("files %v: want the CSV first", r.Files)
			}
			csvData, err := io.ReadAll(r.Files[0].Data)
			if err != nil {
				t.Fatal(err)
			}
			if r.Kind == catalog.KindEvent {
				if m.TemporalStart != "2027-05-01" || m.TemporalEnd != "2028-04-30" {
					t.Errorf("temporal %s..%s", m.TemporalStart, m.TemporalEnd)
				}
				_, h, rows := mustCSV(t, csvData)
				c, _ := columns(h, colStart)
				for _, row := range rows {
					if row[c[colStart]] < "2027-05-01" {
						t.Errorf("event on %s, before now's month", row[c[colStart]])
					}
				}
			}
			if r.Kind != catalog.KindPhoto {
				if len(r.Files) != 1 {
					t.Errorf("%d files, want 1", len(r.Files))
				}
				return
			}
			_, h, rows := mustCSV(t, csvData)
			c, _ := columns(h, "画像ファイル", "画像")
			if len(r.Files) != len(rows)+1 {
				t.Fatalf("%d files for %d photos", len(r.Files), len(rows))
			}
			for i, row := range rows {
				f := r.Files[i+1]
				if f.Name != row[c["画像ファイル"]] || f.Name != row[c["画像"]] {
					t.Errorf("image %d named %q, metadata says %q", i, f.Name, row[c["画像ファイル"]])
				}
				data, err := io.ReadAll(f.Data)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
					t.Errorf("%s: %v", f.Name, err)
				}
			}
		})
	}
	for _, k := range []catalog.Kind{catalog.KindFacility, catalog.KindEvacuation, catalog.KindEvent, catalog.KindPhoto, catalog.KindTable} {
		if !kinds[k] {
			t.Errorf("no %s dataset", k)
		}
	}
	for _, l := range []string{"CC-BY-4.0", "PDL-1.0", "CC0-1.0"} {
		if !licenses[l] {
			t.Errorf("no dataset under %s", l)
		}
	}
}

func mustCSV(t *testing.T, data []byte) ([]byte, []string, [][]string) {
	t.Helper()
	h, rows, err := readCSV(data)
	if err != nil {
		t.Fatal(err)
	}
	return data, h, rows
}

// TestStandardsRecognised checks the importer's standard matcher takes every
// data file for its standard and finds nothing to refuse in any row.
func TestStandardsRecognised(t *testing.T) {
	reqs, err := Requests(time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"public-facilities": "公共施設一覧", "evacuation-spaces": "指定緊急避難場所一覧", "events": "イベント一覧",
		"photo-archive": "文化財一覧", "aed": "AED設置箇所一覧",
	}
	for _, r := range reqs {
		t.Run(r.Slug, func(t *testing.T) {
			if !catalog.ValidSlug(r.Slug) {
				t.Errorf("catalog refuses slug %q", r.Slug)
			}
			data, err := io.ReadAll(r.Files[0].Data)
			if err != nil {
				t.Fatal(err)
			}
			header, rows, err := readCSV(data)
			if err != nil {
				t.Fatal(err)
			}
			m, problems := datasets.MatchStandard(r.Kind, r.Files[0].Name, header)
			if m == nil || !m.Conforms || len(problems) > 0 {
				t.Fatalf("not recognised as a standard: %v %v", m, problems)
			}
			if m.Standard.Name != want[r.Slug] {
				t.Errorf("recognised as %s, want %s", m.Standard.Name, want[r.Slug])
			}
			for i, row := range rows {
				if _, ps := m.Extract(r.Files[0].Name, i+2, row); len(ps) > 0 {
					t.Errorf("row %d: %v", i+2, ps)
				}
			}
		})
	}
}
