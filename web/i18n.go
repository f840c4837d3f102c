package web

import (
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/catalog/era"
	"github.com/pelletier/go-toml/v2"
	"golang.org/x/text/language"
)

// The citizens' pages in Japanese and English. Every piece of interface
// text is a key of the message catalogs in locales/ (ja.toml, en.toml);
// templates say {{t .Lang "key"}}, Go code msg(l, "key"). Data (dataset
// titles, departments, licences) comes in both languages where the catalog
// has both (pick), in Japanese otherwise, marked with its lang.
//
// Why not a library: two languages whose plural rules are "one form"
// (Japanese) and "one or other" (English) are all we need. go-i18n would
// bring CLDR plurals for every language and a text/template per message;
// golang.org/x/text/message wants generated catalogs. A map of strings read
// from TOML (translators can comment it) is checked completely by a test.

// lang is a page's language: "ja" or "en", as in <html lang>.
type lang string

const (
	ja lang = "ja"
	en lang = "en"
)

// Other is the language the switch offers.
func (l lang) Other() lang {
	if l == en {
		return ja
	}
	return en
}

// langs are the languages pages are offered in; the first is the default.
var langs = []lang{ja, en}

//go:embed locales/*.toml
var localeFS embed.FS

// messages are the catalogs by language, read once: they are part of the
// binary, so a broken catalog fails the start (parseTemplates loads them)
// and every test.
var messages = sync.OnceValues(loadMessages)

// loadMessages reads locales/{lang}.toml into flat keys: a table [nav]
// with datasets = "…" is the key "nav.datasets". A message whose value is
// a table with one and other is a plural (see msg).
func loadMessages() (map[lang]map[string]string, error) {
	out := map[lang]map[string]string{}
	for _, l := range langs {
		b, err := localeFS.ReadFile("locales/" + string(l) + ".toml")
		if err != nil {
			return nil, err
		}
		var tree map[string]any
		if err := toml.Unmarshal(b, &tree); err != nil {
			return nil, fmt.Errorf("locales/%s.toml: %w", l, err)
		}
		m := map[string]string{}
		if err := flatten(m, "", tree); err != nil {
			return nil, fmt.Errorf("locales/%s.toml: %w", l, err)
		}
		out[l] = m
	}
	return out, nil
}

func flatten(out map[string]string, prefix string, tree map[string]any) error {
	for k, v := range tree {
		key := prefix + k
		switch x := v.(type) {
		case string:
			out[key] = x
		case map[string]any:
			if err := flatten(out, key+".", x); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%s: %T, want a string", key, v)
		}
	}
	return nil
}

// msg is the message key in l, with {name} replaced by the value that
// follows name in args (pairs of name, value). A plural message (key.one,
// key.other) is chosen by the argument n. A key missing from l is taken from
// Japanese; a key missing from both is shown as itself, so a slip is seen
// on the page (and TestCatalogsComplete catches it first).
func msg(l lang, key string, args ...any) string {
	cat, err := messages()
	if err != nil {
		return key
	}
	s, ok := lookup(cat[l], l, key, args)
	if !ok {
		if s, ok = lookup(cat[ja], ja, key, args); !ok {
			return key
		}
	}
	if len(args) == 0 {
		return s
	}
	pairs := make([]string, 0, len(args))
	for i := 0; i+1 < len(args); i += 2 {
		pairs = append(pairs, "{"+fmt.Sprint(args[i])+"}", fmt.Sprint(args[i+1]))
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

func lookup(m map[string]string, l lang, key string, args []any) (string, bool) {
	if s, ok := m[key]; ok {
		return s, true
	}
	form := "other"
	for i := 0; i+1 < len(args); i += 2 {
		if args[i] == "n" && fmt.Sprint(args[i+1]) == "1" && l == en {
			form = "one"
		}
	}
	if s, ok := m[key+"."+form]; ok {
		return s, true
	}
	s, ok := m[key+".other"]
	return s, ok
}

// msgHTML is a message that holds markup (its key ends in _html): the
// catalogs are ours and trusted; the arguments are escaped.
func msgHTML(l lang, key string, args ...any) template.HTML {
	esc := make([]any, len(args))
	for i, a := range args {
		if i%2 == 1 {
			a = template.HTMLEscapeString(fmt.Sprint(a))
		}
		esc[i] = a
	}
	return template.HTML(msg(l, key, esc...))
}

// translate is the templates' t: msg, or msgHTML for a key ending in _html.
func translate(l lang, key string, args ...any) any {
	if strings.HasSuffix(key, "_html") {
		return msgHTML(l, key, args...)
	}
	return msg(l, key, args...)
}

// text is a piece of data in the language it is written in: pages mark it
// with lang when it is not the page's (a Japanese title on an English page).
type text struct {
	Text string
	Lang lang
}

func (t text) String() string { return t.Text }

// pick is the English of a bilingual field on English pages when there is
// one, the Japanese otherwise.
func pick(l lang, jaText, enText string) text {
	if l == en && strings.TrimSpace(enText) != "" {
		return text{enText, en}
	}
	return text{jaText, ja}
}

// dataLang is the language of a piece of data for its lang attribute:
// Japanese if it has kana or kanji, the page's language otherwise.
func dataLang(l lang, v any) lang {
	if hasJapanese(fmt.Sprint(v)) {
		return ja
	}
	return l
}

func hasJapanese(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) {
			return true
		}
	}
	return false
}

// langCookie keeps the language a visitor chose with the switch, so the
// site's own links need not carry ?lang=.
const langCookie = "lang"

var langMatcher = language.NewMatcher([]language.Tag{language.Japanese, language.English})

// langKey keeps a request's language in its context once it is known.
const langKey = "web.lang"

// pageLang is the language to answer c in: ?lang=ja|en first (remembered
// in a cookie), then that cookie, then Accept-Language, then Japanese.
func pageLang(c *gin.Context) lang {
	if l, ok := c.Get(langKey); ok {
		return l.(lang)
	}
	l := resolveLang(c)
	c.Set(langKey, l)
	return l
}

func resolveLang(c *gin.Context) lang {
	if l, ok := parseLang(c.Query("lang")); ok {
		if old, _ := c.Cookie(langCookie); old != string(l) {
			http.SetCookie(c.Writer, &http.Cookie{Name: langCookie, Value: string(l), Path: "/",
				MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: c.Request.TLS != nil})
		}
		return l
	}
	if v, err := c.Cookie(langCookie); err == nil {
		if l, ok := parseLang(v); ok {
			return l
		}
	}
	return acceptLang(c.GetHeader("Accept-Language"))
}

func parseLang(s string) (lang, bool) {
	switch lang(s) {
	case ja, en:
		return lang(s), true
	}
	return "", false
}

// acceptLang matches an Accept-Language header against the pages'
// languages; Japanese when nothing matches.
func acceptLang(header string) lang {
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return ja
	}
	_, i, conf := langMatcher.Match(tags...)
	if conf == language.No {
		return ja
	}
	return langs[i]
}

// withLang is the URI u (path and query) with lang=l, the other
// parameters kept in their order.
func withLang(u string, l lang) string {
	p, q, _ := strings.Cut(u, "?")
	frag := ""
	if i := strings.IndexByte(q, '#'); i >= 0 {
		q, frag = q[:i], q[i:]
	}
	var kept []string
	for _, kv := range strings.Split(q, "&") {
		if kv != "" && kv != "lang" && !strings.HasPrefix(kv, "lang=") {
			kept = append(kept, kv)
		}
	}
	kept = append(kept, "lang="+string(l))
	return p + "?" + strings.Join(kept, "&") + frag
}

// page is what every translated page's view carries (embedded): its
// language for the templates' t, and what the layout shows.
type page struct {
	Lang   lang
	Layout layout
}

// layout is the data of the "head" and "foot" templates.
type layout struct {
	Lang   lang
	Title  string
	Switch string // this page in the other language
	// Alternates are the page in each language, absolute, for
	// <link rel="alternate" hreflang>.
	Alternates map[lang]string
}

// pageOf is implemented by the views of translated pages.
type pageOf interface{ pageInfo() page }

func (p page) pageInfo() page { return p }

// page starts a translated page's view: its language (see pageLang) and
// layout; titled sets the title. The answer varies with the language, so
// caches are told what it depends on.
func (s *Server) page(c *gin.Context) page {
	l := pageLang(c)
	h := c.Writer.Header()
	if !slices.Contains(h.Values("Vary"), "Accept-Language") {
		h.Add("Vary", "Accept-Language")
		h.Add("Vary", "Cookie")
	}
	h.Set("Content-Language", string(l))
	u := c.Request.URL.RequestURI()
	alt := map[lang]string{}
	for _, x := range langs {
		alt[x] = s.cfg.BaseURL + withLang(u, x)
	}
	return page{Lang: l, Layout: layout{Lang: l, Switch: withLang(u, l.Other()), Alternates: alt}}
}

// titled is p with the title title.
func (p page) titled(title string) page {
	p.Layout.Title = title
	return p
}

// t is msg in the page's language.
func (p page) t(key string, args ...any) string { return msg(p.Lang, key, args...) }

// layoutOf is the head's data from what a template passes it: a layout,
// or a title alone from a page that is not translated yet (it is then
// Japanese throughout, and offers no switch).
func layoutOf(v any) layout {
	switch x := v.(type) {
	case layout:
		return x
	case string:
		return layout{Lang: ja, Title: x}
	case nil:
		return layout{Lang: ja}
	}
	return layout{Lang: ja, Title: fmt.Sprint(v)}
}

// templateFuncs are the functions of the templates that concern language.
func templateFuncs() template.FuncMap {
	return template.FuncMap{
		"t":        translate,
		"layoutOf": layoutOf,
		"pick":     pick,
		"dataLang": dataLang,
		"date":     formatDate,
		"dateTime": formatDateTime,
		"month":    formatMonth,
		"kind":     kindName,
		"langName": func(l lang) string { return msg(l, "lang.name") },
		"weekdays": func(l lang) []string {
			out := make([]string, 7)
			for i := range out {
				out[i] = msg(l, "weekday.short."+strconv.Itoa(i))
			}
			return out
		},
		"isoDate": func(t interface{ Format(string) string }) string { return t.Format("2006-01-02") },
	}
}

// kindName names a kind for citizens.
func kindName(l lang, k catalog.Kind) string { return msg(l, "kind."+string(k)) }

// Dates as people read them: 2026年11月22日（令和8年） in Japanese, with the
// era beside the Western year; 22 November 2026 in English. Dates are
// Japan's, whatever the server's zone.

// gregorianFrom is the first day Japan counted in the Gregorian calendar
// (明治6年1月1日); before it a day of the era was a lunisolar one.
const gregorianFrom = "1873-01-01"

// eraOf is the era of t's day in Japan and the year within it (1 is 元年);
// ok is false before 1873, when the calendar was lunisolar. The eras are
// catalog/era's, the ones the photo archive's periods are read with.
func eraOf(t time.Time) (name string, year int, ok bool) {
	t = t.In(japan)
	day := t.Format(time.DateOnly)
	if day < gregorianFrom {
		return "", 0, false
	}
	eras := era.Eras() // oldest first
	for i := len(eras) - 1; i >= 0; i-- {
		if day >= eras[i].From {
			return eras[i].Name, t.Year() - eras[i].Year + 1, true
		}
	}
	return "", 0, false
}

// eraYear writes an era year: 令和元年, 令和8年.
func eraYear(name string, year int) string {
	if year == 1 {
		return name + "元年"
	}
	return name + strconv.Itoa(year) + "年"
}

// eraDate writes t's day in the Japanese calendar: 令和元年5月1日; the
// Western date before the eras.
func eraDate(t time.Time) string {
	name, year, ok := eraOf(t)
	t = t.In(japan)
	if !ok {
		return t.Format("2006年1月2日")
	}
	return eraYear(name, year) + t.Format("1月2日")
}

// formatDate writes t's day: 2026年11月22日（令和8年）, 22 November 2026.
func formatDate(l lang, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(japan)
	if l == en {
		return t.Format("2 January 2006")
	}
	return withEra(t, t.Format("2006年1月2日"))
}

// formatDateTime writes t's day and time: 2026年4月1日 18:00, 1 April 2026 18:00.
func formatDateTime(l lang, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(japan)
	if l == en {
		return t.Format("2 January 2006 15:04")
	}
	return t.Format("2006年1月2日 15:04")
}

// formatMonth writes t's month: 2026年4月（令和8年）, April 2026.
func formatMonth(l lang, t time.Time) string {
	t = t.In(japan)
	if l == en {
		return t.Format("January 2006")
	}
	return withEra(t, t.Format("2006年1月"))
}

// withEra adds t's Japanese era year to s: 2026年4月（令和8年）.
func withEra(t time.Time, s string) string {
	if name, year, ok := eraOf(t); ok {
		s += "（" + eraYear(name, year) + "）"
	}
	return s
}

// formatDay writes a day with its weekday: 2026年4月1日（水）, Wednesday 1 April 2026.
func formatDay(l lang, t time.Time) string {
	t = t.In(japan)
	if l == en {
		return t.Format("Monday 2 January 2006")
	}
	return t.Format("2006年1月2日") + "（" + msg(ja, "weekday.short."+strconv.Itoa(int(t.Weekday()))) + "）"
}
