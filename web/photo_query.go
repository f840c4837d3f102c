package web

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
)

// photoQuery is a search of the photos: words, a period, a place, a
// department and a dataset, as /api/v1/photos and /photos read them.
type photoQuery struct {
	Q          string
	From, To   string // as written, for the form and the paging links
	BBox       string
	Department string
	Dataset    string // a photo dataset's id: the map's layer of one archive
	Page       int
	PerPage    int

	words    []string            // every word of Q, folded
	periods  []datasets.PeriodIn // the periods Q names (昭和 in 昭和の駅前)
	rest     []string            // the words of Q without its periods, folded
	from, to string              // the days From and To mean; "" when not set
	bbox     *catalog.BBox
}

// particles join a period to the words around it (昭和の駅前, 大正末期に);
// cut with the period, they leave the words.
var particles = []string{"の", "に", "で", "と", "や", "へ", "から", "まで"}

// parsePhotoQuery reads a search from query parameters (get returns "" for
// a missing one); Invalid for a value it cannot read.
func parsePhotoQuery(get func(string) string, perPage int) (*photoQuery, error) {
	q := &photoQuery{Q: strings.TrimSpace(get("q")), From: strings.TrimSpace(get("from")), To: strings.TrimSpace(get("to")),
		BBox: strings.TrimSpace(get("bbox")), Department: strings.TrimSpace(get("department")),
		Dataset: strings.TrimSpace(get("dataset")), Page: 1, PerPage: perPage}
	var err error
	if q.Page, err = photoIntParam(get, "page", 1, maxPage); err != nil {
		return nil, err
	}
	if q.PerPage, err = photoIntParam(get, "per_page", perPage, maxPerPage); err != nil {
		return nil, err
	}
	if utf8.RuneCountInString(q.Q) > maxQRunes || len(strings.Fields(q.Q)) > maxQWords {
		return nil, catalog.Errorf(catalog.Invalid, "q must be at most %d characters and %d words", maxQRunes, maxQWords)
	}
	if q.From != "" {
		if q.from, _, err = photoPeriodParam("from", q.From); err != nil {
			return nil, err
		}
	}
	if q.To != "" {
		if _, q.to, err = photoPeriodParam("to", q.To); err != nil {
			return nil, err
		}
	}
	if q.from != "" && q.to != "" && q.to < q.from {
		return nil, catalog.Errorf(catalog.Invalid, "to (%s) is before from (%s)", q.To, q.From)
	}
	if q.BBox != "" {
		if q.bbox, err = parseBBox(q.BBox); err != nil {
			return nil, err
		}
	}
	q.readWords()
	return q, nil
}

// photoIntParam reads a whole number from 1 to hi.
func photoIntParam(get func(string) string, name string, def, hi int) (int, error) {
	s := get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > hi {
		return 0, catalog.Errorf(catalog.Invalid, "%s must be a whole number from 1 to %d", name, hi)
	}
	return n, nil
}

// photoPeriodParam reads from or to: a year, a date or a period.
func photoPeriodParam(name, v string) (from, to string, err error) {
	from, to, ok := datasets.ParsePeriod(v)
	if !ok {
		return "", "", catalog.Errorf(catalog.Invalid,
			"%s must be a year, a date or a period (1965, 1965-04-01, 昭和40年代, 1960年代, 大正末期), not %q", name, v)
	}
	return from, to, nil
}

// readWords splits Q into words, and again without the periods it names,
// cutting the particles that joined them: 昭和の駅前 is the period 昭和
// and the word 駅前.
func (q *photoQuery) readWords() {
	q.words = strings.Fields(datasets.FoldText(q.Q))
	norm, periods := datasets.PeriodsIn(q.Q)
	if len(periods) == 0 {
		return
	}
	q.periods = periods
	var pieces []string
	last := 0
	for _, p := range periods {
		pieces = append(pieces, trimParticles(norm[last:p.Start], last > 0, true))
		last = p.End
	}
	pieces = append(pieces, trimParticles(norm[last:], true, false))
	q.rest = strings.Fields(datasets.FoldText(strings.Join(pieces, " ")))
}

// trimParticles cuts the particles at the start (after a period) and at
// the end (before one) of s.
func trimParticles(s string, start, end bool) string {
	s = strings.TrimSpace(s)
	for changed := true; changed; {
		changed = false
		for _, p := range particles {
			if start && strings.HasPrefix(s, p) {
				s, changed = strings.TrimSpace(s[len(p):]), true
			}
			if end && strings.HasSuffix(s, p) {
				s, changed = strings.TrimSpace(s[:len(s)-len(p)]), true
			}
		}
	}
	return s
}

// match tells whether p is found by q. Words match as written (昭和通り
// is a street's name too) or as a period and the words around it (昭和の
// 駅前: a photo of the 駅前 taken in 昭和).
func (q *photoQuery) match(p *photo) bool {
	if q.Department != "" && p.Dataset.Department != q.Department || q.Dataset != "" && p.Dataset.Slug != q.Dataset {
		return false
	}
	if (q.from != "" || q.to != "") && !photoOverlaps(p, q.from, q.to) {
		return false
	}
	if q.bbox != nil && !(p.HasPoint && p.Lon >= q.bbox[0] && p.Lat >= q.bbox[1] && p.Lon <= q.bbox[2] && p.Lat <= q.bbox[3]) {
		return false
	}
	if containsAll(p.text, q.words) {
		return true
	}
	if len(q.periods) == 0 {
		return false
	}
	for _, per := range q.periods {
		if !photoOverlaps(p, per.From, per.To) {
			return false
		}
	}
	return containsAll(p.text, q.rest)
}

// photoOverlaps tells whether p's date range meets from..to (either may be ""
// for open); a photo whose date reads as no period meets none.
func photoOverlaps(p *photo, from, to string) bool {
	if p.From == "" {
		return false
	}
	return (to == "" || p.From <= to) && (from == "" || p.To >= from)
}

func containsAll(text string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

// find returns the photos of set that q finds, in the set's order.
func (q *photoQuery) find(set *photoSet) []*photo {
	var out []*photo
	for _, p := range set.all {
		if q.match(p) {
			out = append(out, p)
		}
	}
	return out
}

// pageOf returns the page of found that q asks for.
func (q *photoQuery) pageOf(found []*photo) []*photo {
	start := min((q.Page-1)*q.PerPage, len(found))
	return found[start:min(start+q.PerPage, len(found))]
}

// values writes q back as query parameters, for links that keep the
// filters (the gallery's paging); the page is the caller's.
func (q *photoQuery) values() url.Values {
	v := url.Values{}
	for _, kv := range [][2]string{{"q", q.Q}, {"from", q.From}, {"to", q.To}, {"bbox", q.BBox}, {"department", q.Department}, {"dataset", q.Dataset}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	return v
}
