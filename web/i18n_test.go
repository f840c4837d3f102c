package web

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/machi-opendata/portal/catalog"
)

// translatedTemplates are the templates whose every word comes from the
// catalogs. (The admin pages are not translated yet: they are served in
// Japanese.)
var translatedTemplates = []string{"layout", "home", "datasets", "dataset", "map", "events", "about", "error", "api", "ogc", "photos", "photo"}

// baseKeys are a catalog's messages: a plural's forms (key.one,
// key.other) count as the one message key.
func baseKeys(t *testing.T, l lang) map[string]string {
	t.Helper()
	cat, err := messages()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for k, v := range cat[l] {
		base := strings.TrimSuffix(strings.TrimSuffix(k, ".one"), ".other")
		out[base] += v
	}
	return out
}

var placeholder = regexp.MustCompile(`\{[a-z_]+\}`)

// TestCatalogsComplete: both catalogs have the same messages, with the
// same values put in.
func TestCatalogsComplete(t *testing.T) {
	jaKeys, enKeys := baseKeys(t, ja), baseKeys(t, en)
	for k, v := range jaKeys {
		e, ok := enKeys[k]
		if !ok {
			t.Errorf("%s: in ja.toml, not in en.toml", k)
			continue
		}
		p1, p2 := placeholder.FindAllString(v, -1), placeholder.FindAllString(e, -1)
		slices.Sort(p1)
		slices.Sort(p2)
		if !slices.Equal(slices.Compact(p1), slices.Compact(p2)) {
			t.Errorf("%s: ja has %v, en has %v", k, p1, p2)
		}
		if hasJapanese(e) && k != "dataset.standard_html" {
			t.Errorf("%s: Japanese in en.toml: %q", k, e)
		}
	}
	for k := range enKeys {
		if _, ok := jaKeys[k]; !ok {
			t.Errorf("%s: in en.toml, not in ja.toml", k)
		}
	}
	// The keys that Go code makes from values.
	var dynamic []string
	for _, k := range catalog.Kinds {
		dynamic = append(dynamic, "kind."+string(k))
	}
	for _, h := range hazards {
		dynamic = append(dynamic, "hazard."+h)
	}
	for _, f := range pageFacets {
		dynamic = append(dynamic, "facet."+f)
	}
	for i := range 7 {
		dynamic = append(dynamic, "weekday.short."+strconv.Itoa(i))
	}
	for _, st := range []int{400, 403, 404, 500} {
		dynamic = append(dynamic, errorTitleKey(st))
	}
	for _, k := range mapLocaleKeys {
		dynamic = append(dynamic, k)
	}
	for _, k := range dynamic {
		if _, ok := jaKeys[k]; !ok {
			t.Errorf("%s: used by the code, not in the catalogs", k)
		}
	}
}

var (
	// templateKey is a catalog key in a template: {{t .Lang "key" ...}}.
	templateKey = regexp.MustCompile(`\{\{-?\s*t \$?\.?[A-Za-z.]* "([^"]+)"`)
	// action is a template action; what is outside is the page's text.
	action = regexp.MustCompile(`(?s)\{\{.*?\}\}`)
)

// TestTemplatesUseCatalog: the translated templates' words are all in the
// catalogs: no kana or kanji outside template actions, and every key they
// name exists.
func TestTemplatesUseCatalog(t *testing.T) {
	keys := baseKeys(t, ja)
	for _, name := range translatedTemplates {
		b, err := templateFS.ReadFile("templates/" + name + ".html")
		if err != nil {
			t.Fatal(err)
		}
		src := string(b)
		for _, m := range templateKey.FindAllStringSubmatch(src, -1) {
			if _, ok := keys[m[1]]; !ok {
				t.Errorf("%s.html: key %q not in the catalogs", name, m[1])
			}
		}
		for i, line := range strings.Split(action.ReplaceAllString(src, ""), "\n") {
			if hasJapanese(line) {
				t.Errorf("%s.html:%d: Japanese outside the catalog: %s", name, i+1, line)
			}
		}
	}
}

func TestMessages(t *testing.T) {
	tests := []struct {
		l    lang
		key  string
		args []any
		want string
	}{
		{ja, "datasets.count", []any{"n", 1}, "1 件のデータ"},
		{en, "datasets.count", []any{"n", 1}, "1 dataset"},
		{en, "datasets.count", []any{"n", 12}, "12 datasets"},
		{en, "datasets.count", []any{"n", 0}, "0 datasets"},
		{en, "map.nearest_for", []any{"hazard", "Flood"}, "Nearest evacuation sites for: Flood"},
		{en, "no.such.key", nil, "no.such.key"},
	}
	for _, tt := range tests {
		if got := msg(tt.l, tt.key, tt.args...); got != tt.want {
			t.Errorf("msg(%s, %s, %v) = %q, want %q", tt.l, tt.key, tt.args, got, tt.want)
		}
	}
	if got := msgHTML(en, "dataset.standard_html", "name", "<b>"); !strings.Contains(string(got), `<span lang="ja">&lt;b&gt;</span>`) {
		t.Errorf("msgHTML does not escape its values: %s", got)
	}
}

// TestEraDates: the era changes on its first day, the first year is 元年,
// and dates before the Gregorian calendar have no era.
func TestEraDates(t *testing.T) {
	tests := []struct {
		y, m, d int
		want    string
	}{
		{2019, 4, 30, "平成31年4月30日"},
		{2019, 5, 1, "令和元年5月1日"},
		{2020, 1, 1, "令和2年1月1日"},
		{2026, 11, 22, "令和8年11月22日"},
		{1989, 1, 7, "昭和64年1月7日"},
		{1989, 1, 8, "平成元年1月8日"},
		{1926, 12, 24, "大正15年12月24日"},
		{1926, 12, 25, "昭和元年12月25日"},
		{1912, 7, 29, "明治45年7月29日"},
		{1912, 7, 30, "大正元年7月30日"},
		{1873, 1, 1, "明治6年1月1日"},
		{1872, 12, 31, "1872年12月31日"},
	}
	for _, tt := range tests {
		d := time.Date(tt.y, time.Month(tt.m), tt.d, 0, 0, 0, 0, japan)
		if got := eraDate(d); got != tt.want {
			t.Errorf("eraDate(%s) = %q, want %q", d.Format(time.DateOnly), got, tt.want)
		}
	}
	// 2019-04-30 15:30 UTC is already 1 May in Japan.
	if got := eraDate(time.Date(2019, 4, 30, 15, 30, 0, 0, time.UTC)); got != "令和元年5月1日" {
		t.Errorf("a UTC instant is dated in Japan: %q", got)
	}
	day := time.Date(2026, 11, 22, 10, 0, 0, 0, japan)
	for _, tt := range []struct {
		l          lang
		f          func(lang, time.Time) string
		name, want string
	}{
		{ja, formatDate, "date", "2026年11月22日（令和8年）"},
		{en, formatDate, "date", "22 November 2026"},
		{ja, formatMonth, "month", "2026年11月（令和8年）"},
		{en, formatMonth, "month", "November 2026"},
		{ja, formatDay, "day", "2026年11月22日（日）"},
		{en, formatDay, "day", "Sunday 22 November 2026"},
	} {
		if got := tt.f(tt.l, day); got != tt.want {
			t.Errorf("%s in %s: %q, want %q", tt.name, tt.l, got, tt.want)
		}
	}
	if got := formatDate(ja, time.Date(2019, 5, 1, 0, 0, 0, 0, japan)); got != "2019年5月1日（令和元年）" {
		t.Errorf("first day of Reiwa: %q", got)
	}
}

func TestWithLang(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/", "/?lang=en"},
		{"/datasets?q=%E6%96%BD%E8%A8%AD&kind=facility", "/datasets?q=%E6%96%BD%E8%A8%AD&kind=facility&lang=en"},
		{"/datasets?lang=ja&page=2", "/datasets?page=2&lang=en"},
		{"/map?lang=&hazard=flood", "/map?hazard=flood&lang=en"},
	}
	for _, tt := range tests {
		if got := withLang(tt.in, en); got != tt.want {
			t.Errorf("withLang(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// TestLangNegotiation: ?lang= first, then the cookie it sets, then
// Accept-Language, then Japanese; the answer says it varies.
func TestLangNegotiation(t *testing.T) {
	ts := newTestServer(t)
	tests := []struct {
		name, path string
		header     []string
		want       lang
		cookie     bool // the answer sets the lang cookie
	}{
		{"default", "/", nil, ja, false},
		{"query en", "/?lang=en", nil, en, true},
		{"query ja over header", "/?lang=ja", []string{"Accept-Language", "en"}, ja, true},
		{"header en", "/", []string{"Accept-Language", "en-GB,en;q=0.9"}, en, false},
		{"header ja first", "/", []string{"Accept-Language", "ja,en;q=0.5"}, ja, false},
		{"header other", "/", []string{"Accept-Language", "fr"}, ja, false},
		{"header fr then en", "/", []string{"Accept-Language", "fr, en;q=0.5"}, en, false},
		{"cookie", "/about", []string{"Cookie", "lang=en", "Accept-Language", "ja"}, en, false},
		{"query over cookie", "/about?lang=ja", []string{"Cookie", "lang=en"}, ja, true},
		{"unknown query", "/?lang=fr", []string{"Accept-Language", "en"}, en, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ts.get(t, tt.path, tt.header...)
			defer res.Body.Close()
			doc, err := goquery.NewDocumentFromReader(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			if got := doc.Find("html").AttrOr("lang", ""); got != string(tt.want) {
				t.Errorf("html lang %q, want %s", got, tt.want)
			}
			if v := strings.Join(res.Header.Values("Vary"), ","); !strings.Contains(v, "Accept-Language") || !strings.Contains(v, "Cookie") {
				t.Errorf("Vary %q", v)
			}
			var set string
			for _, c := range res.Cookies() {
				if c.Name == langCookie {
					set = c.Value
				}
			}
			if tt.cookie && set != string(tt.want) || !tt.cookie && set != "" {
				t.Errorf("lang cookie %q", set)
			}
		})
	}
}

// TestLanguageSwitch: every translated page links to itself in the other
// language, keeping its query, and names the language in that language.
func TestLanguageSwitch(t *testing.T) {
	ts := newDemoServer(t)
	for _, path := range []string{"/", "/datasets?q=" + url.QueryEscape("避難") + "&kind=evacuation", "/datasets/evacuation-spaces",
		"/map?lat=35.705&lon=139.565&hazard=flood", "/events?month=2026-04", "/about", "/api/", "/ogc?f=html",
		"/ogc/collections/aed/items?f=html&limit=5", "/no-such-page"} {
		for _, l := range langs {
			u := withLang(path, l)
			res := ts.get(t, u)
			doc, err := goquery.NewDocumentFromReader(res.Body)
			res.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if got := doc.Find("html").AttrOr("lang", ""); got != string(l) {
				t.Errorf("%s: html lang %q", u, got)
			}
			a := doc.Find(".lang-switch a")
			href, _ := a.Attr("href")
			if want := withLang(path, l.Other()); href != want {
				t.Errorf("%s: switch to %q, want %q", u, href, want)
			}
			if a.AttrOr("hreflang", "") != string(l.Other()) || a.AttrOr("lang", "") != string(l.Other()) || a.Text() != msg(l.Other(), "lang.name") {
				t.Errorf("%s: switch %q hreflang=%q lang=%q", u, a.Text(), a.AttrOr("hreflang", ""), a.AttrOr("lang", ""))
			}
			if n := doc.Find(`link[rel="alternate"][hreflang]`).Length(); n != 2 {
				t.Errorf("%s: %d hreflang alternates", u, n)
			}
			// English pages mark what stays Japanese. (Not the API
			// reference: it is English prose that quotes Japanese
			// terms, from openapi.json.)
			if l == en && path != "/api/" {
				doc.Find("main *:not(script)").Each(func(_ int, s *goquery.Selection) {
					own := s.Contents().FilterFunction(func(_ int, c *goquery.Selection) bool { return goquery.NodeName(c) == "#text" }).Text()
					if hasJapanese(own) {
						if lng, _ := s.Closest("[lang]").Attr("lang"); lng != "ja" {
							t.Errorf("%s: Japanese %q in lang=%q", u, strings.TrimSpace(own), lng)
						}
					}
				})
			}
		}
	}
}

// TestEnglishPages: the words, dates and data of the English pages, and
// Japanese data marked as such when there is no English.
func TestEnglishPages(t *testing.T) {
	ts := newDemoServer(t)
	ts.importCSV(t, "only-ja", "日本語だけの表", "x.csv", "名前\nあ\n")

	home := ts.page(t, "/?lang=en", http.StatusOK)
	if got := home.Find("h1").Text(); got != "Midorino City Open Data" {
		t.Errorf("home h1 %q", got)
	}
	if got := home.Find("nav .nav a").First().Text(); got != "Find data" {
		t.Errorf("nav %q", got)
	}
	if home.Find(`.kinds a[href="/datasets?kind=evacuation"]`).Text() != "Evacuation shelters and sites" {
		t.Errorf("kind label %q", home.Find(`.kinds a[href="/datasets?kind=evacuation"]`).Text())
	}

	d := ts.page(t, "/datasets/evacuation-spaces?lang=en", http.StatusOK)
	h1 := d.Find("h1")
	if h1.AttrOr("lang", "") != "en" || hasJapanese(h1.Text()) || h1.Text() == "" {
		t.Errorf("English title: %q lang=%q", h1.Text(), h1.AttrOr("lang", ""))
	}
	if other := h1.Next(); other.AttrOr("lang", "") != "ja" || !hasJapanese(other.Text()) {
		t.Errorf("the Japanese title under it: %q", other.Text())
	}
	issued := d.Find("dl time").First().Text()
	if !regexp.MustCompile(`^\d{1,2} [A-Z][a-z]+ \d{4}$`).MatchString(issued) {
		t.Errorf("English date %q", issued)
	}
	if jaDate := ts.page(t, "/datasets/evacuation-spaces", http.StatusOK).Find("dl time").First().Text(); !regexp.MustCompile(`^\d{4}年\d+月\d+日（(令和|平成)(元|\d+)年）$`).MatchString(jaDate) {
		t.Errorf("Japanese date %q", jaDate)
	}

	only := ts.page(t, "/datasets/only-ja?lang=en", http.StatusOK)
	if h := only.Find("h1"); h.Text() != "日本語だけの表" || h.AttrOr("lang", "") != "ja" {
		t.Errorf("fallback title %q lang=%q", h.Text(), h.AttrOr("lang", ""))
	}
	list := ts.page(t, "/datasets?lang=en&q="+url.QueryEscape("日本語だけ"), http.StatusOK)
	if a := list.Find("ol.datasets h2 a").First(); a.AttrOr("lang", "") != "ja" {
		t.Errorf("fallback title in results %q lang=%q", a.Text(), a.AttrOr("lang", ""))
	}
	if got := list.Find(`p[role="status"]`).Text(); got != "1 dataset" {
		t.Errorf("count %q", got)
	}

	missing := ts.page(t, "/datasets/nope?lang=en", http.StatusNotFound)
	if got := missing.Find("h1").Text(); got != "Page not found" {
		t.Errorf("404 %q", got)
	}
	bad := ts.page(t, "/events?month=x&lang=en", http.StatusBadRequest)
	if got := bad.Find("main p").First().Text(); hasJapanese(got) || got == "" {
		t.Errorf("English error message %q", got)
	}
}
