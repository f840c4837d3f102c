package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/machi-opendata/portal/catalog"
)

// synth is a synthetic catalog: municipalities with their towns, and the
// datasets they publish, each with the number of records it holds. Records
// are not kept: eachRecord draws them again, the same every time, from a
// generator seeded per dataset.
type synth struct {
	seed     uint64
	cities   []*city
	datasets []*dsPlan
	records  int // records over all datasets
}

// city is a municipality: 桜川市 (サクラガワシ, Sakuragawa City).
type city struct {
	name, kana, en string
	stem           word // the name without 市・町・村, for event names
	pref           string
	towns          []word
	lat, lon       float64
}

// dsPlan is one dataset of the synthetic catalog.
type dsPlan struct {
	index   int
	d       *catalog.Dataset
	dept    catalog.Department
	cols    []catalog.Column
	city    *city
	topic   *standardTopic // nil for a dataset without records
	records int
}

// datasetsPerCity sets how many municipalities share the datasets: 10,000
// datasets come from 200 municipalities, as on a prefecture-wide portal.
const datasetsPerCity = 50

// newSynth plans a catalog of n datasets and total records, drawn from seed.
func newSynth(seed uint64, n, total int) *synth {
	r := rand.New(rand.NewPCG(seed, 0x6d616368))
	s := &synth{seed: seed}
	nCities := max(1, (n+datasetsPerCity-1)/datasetsPerCity)
	seen := map[string]bool{}
	for i := range nCities {
		c := newCity(r, i, seen)
		s.cities = append(s.cities, c)
	}
	depts := map[string]catalog.Department{}
	for _, d := range departments {
		depts[d.Code] = d
	}
	// Datasets: each municipality publishes the standard tables (some only
	// by chance), then statistics until its share of n is reached.
	for ci, c := range s.cities {
		quota := n / nCities
		if ci < n%nCities {
			quota++
		}
		var mine []*dsPlan
		for ti := range standardTopics {
			t := &standardTopics[ti]
			if len(mine) == quota {
				break
			}
			if t.optional > 0 && r.Float64() > t.optional {
				continue
			}
			mine = append(mine, s.standardDataset(r, c, t, depts[t.dept]))
		}
		used := map[string]bool{}
		for len(mine) < quota {
			t := &statTopics[r.IntN(len(statTopics))]
			year := 2019 + r.IntN(7)
			if used[fmt.Sprint(t.title, year)] && len(used) < len(statTopics)*7 {
				continue
			}
			used[fmt.Sprint(t.title, year)] = true
			mine = append(mine, s.statDataset(r, c, t, year, depts[t.dept]))
		}
		for _, p := range mine {
			p.index = len(s.datasets)
			p.d.Slug = fmt.Sprintf("c%03d-d%05d", ci, p.index)
			s.datasets = append(s.datasets, p)
		}
	}
	s.allocate(r, total)
	return s
}

// allocate spreads total records over the datasets of the standard tables:
// each table's share (standardTopics) is divided among the municipalities
// that publish it, unevenly, as big and small towns are.
func (s *synth) allocate(r *rand.Rand, total int) {
	jitter := map[*dsPlan]float64{}
	sum := map[string]float64{}
	shares := 0.0
	for _, p := range s.datasets {
		if p.topic == nil {
			continue
		}
		j := 0.3 + 1.4*r.Float64()
		jitter[p] = j
		if sum[p.topic.standard] == 0 {
			shares += p.topic.share
		}
		sum[p.topic.standard] += j
	}
	left := total
	var last *dsPlan
	for _, p := range s.datasets {
		if p.topic == nil {
			continue
		}
		w := p.topic.share / shares * jitter[p] / sum[p.topic.standard]
		p.records = min(left, int(float64(total)*w))
		left -= p.records
		last = p
	}
	if last != nil {
		last.records += left
	}
	s.records = total
}

func newCity(r *rand.Rand, i int, seen map[string]bool) *city {
	c := &city{pref: prefectures[r.IntN(len(prefectures))], lat: 31.5 + 11*r.Float64(), lon: 130.5 + 11*r.Float64()}
	if i == 0 {
		// The demo's city, so that its towns and station are among the
		// generated ones, as the judged queries name them.
		c.name, c.kana, c.en, c.pref = "みどり野市", "ミドリノシ", "Midorino City", "東京都"
		c.stem = word{"みどり野", "ミドリノ", "Midorino"}
		c.towns = []word{{"中町", "ナカマチ", "Nakamachi"}, {"本町", "ホンチョウ", "Honcho"}, {"東町", "ヒガシマチ", "Higashimachi"},
			{"西町", "ニシマチ", "Nishimachi"}, {"北町", "キタマチ", "Kitamachi"}, {"南町", "ミナミマチ", "Minamimachi"},
			{"桜台", "サクラダイ", "Sakuradai"}, {"若葉台", "ワカバダイ", "Wakabadai"}, {"緑が丘", "ミドリガオカ", "Midorigaoka"},
			{"泉町", "イズミチョウ", "Izumicho"}}
	} else {
		for {
			st, suf, ty := stems[r.IntN(len(stems))], citySuffixes[r.IntN(len(citySuffixes))], cityTypes[r.IntN(len(cityTypes))]
			c.stem = word{st.ja + suf.ja, st.kana + suf.kana, st.en + suf.en}
			c.name, c.kana, c.en = c.stem.ja+ty.ja, c.stem.kana+ty.kana, c.stem.en+" "+ty.en
			if len([]rune(c.stem.ja)) > 1 && !seen[c.name] {
				break
			}
		}
	}
	seen[c.name] = true
	names := map[string]bool{}
	for _, t := range c.towns {
		names[t.ja] = true
	}
	for n := 18 + r.IntN(18); len(c.towns) < n; {
		st, suf := stems[r.IntN(len(stems))], townSuffixes[r.IntN(len(townSuffixes))]
		t := word{st.ja + suf.ja, st.kana + suf.kana, st.en + suf.en}
		if !names[t.ja] {
			names[t.ja] = true
			c.towns = append(c.towns, t)
		}
	}
	return c
}

var epoch = time.Date(2020, 4, 1, 9, 0, 0, 0, time.UTC)

func (s *synth) standardDataset(r *rand.Rand, c *city, t *standardTopic, dept catalog.Department) *dsPlan {
	d := &catalog.Dataset{
		TitleJA:        c.name + " " + t.title,
		DescriptionJA:  fmt.Sprintf(t.about, c.name),
		Kind:           t.kind,
		Department:     dept.Code,
		Keywords:       append(slices.Clone(t.keywords), c.name, "自治体標準ODS", t.standard),
		Themes:         t.themes,
		License:        t.license,
		Status:         catalog.StatusPublished,
		Modified:       epoch.Add(time.Duration(r.IntN(6*365*24)) * time.Hour),
		Standard:       t.standard,
		CurrentVersion: 1,
		Formats:        []string{"CSV", "JSON", "GeoJSON"},
	}
	if r.IntN(10) < 7 {
		d.TitleEN = t.titleEN + " (" + c.en + ")"
	}
	if r.IntN(10) < 4 {
		d.DescriptionEN = t.titleEN + " of " + c.en + ", in the Digital Agency's standard columns."
	}
	if t.kind == catalog.KindEvent {
		d.TemporalStart, d.TemporalEnd = "2026-04-01", "2027-03-31"
	}
	if t.kind == catalog.KindPhoto {
		d.TemporalStart, d.TemporalEnd = "1950-01-01", "1998-12-31"
		d.Formats = append(d.Formats, "JPEG")
	}
	return &dsPlan{d: d, dept: dept, cols: columns(t.columns), city: c, topic: t}
}

func (s *synth) statDataset(r *rand.Rand, c *city, t *statTopic, year int, dept catalog.Department) *dsPlan {
	reiwa := year - 2018
	d := &catalog.Dataset{
		TitleJA: fmt.Sprintf("%s %s（令和%d年度）", c.name, t.title, reiwa),
		DescriptionJA: fmt.Sprintf("%sの%s（令和%d年度・%d年度）です。%sが取りまとめた%sを掲載しています。数値は年度末現在のものです。",
			c.name, t.title, reiwa, year, dept.NameJA, t.detail),
		Kind:           catalog.KindTable,
		Department:     dept.Code,
		Keywords:       append(slices.Clone(t.keywords), c.name, fmt.Sprintf("令和%d年度", reiwa)),
		Themes:         []string{t.theme},
		License:        []string{"CC-BY-4.0", "CC-BY-4.0", "PDL-1.0", "CC0-1.0"}[r.IntN(4)],
		Status:         catalog.StatusPublished,
		Modified:       epoch.Add(time.Duration(r.IntN(6*365*24)) * time.Hour),
		CurrentVersion: 1,
		Formats:        t.formats,
	}
	if r.IntN(10) < 5 {
		d.TitleEN = fmt.Sprintf("%s (%s, FY%d)", t.titleEN, c.en, year)
	}
	cols := []string{"年度", "区分", "町丁名", "件数", "備考"}
	return &dsPlan{d: d, dept: dept, cols: columns(cols), city: c}
}

func columns(names []string) []catalog.Column {
	out := make([]catalog.Column, len(names))
	for i, n := range names {
		out[i] = catalog.Column{Name: n, Type: catalog.TypeText}
	}
	return out
}

var kanjiDigits = []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}

// address writes a Japanese address in one of the ways municipalities
// write them, and returns the town it is in.
func address(r *rand.Rand, c *city) (string, word) {
	t := c.towns[r.IntN(len(c.towns))]
	switch r.IntN(5) {
	case 0, 1, 2:
		return fmt.Sprintf("%s%s%s%s丁目%d番%d号", c.pref, c.name, t.ja, kanjiDigits[1+r.IntN(5)], 1+r.IntN(30), 1+r.IntN(20)), t
	case 3:
		return fmt.Sprintf("%s%s%s%d番地%d", c.pref, c.name, t.ja, 1+r.IntN(3000), 1+r.IntN(30)), t
	}
	return fmt.Sprintf("%s%s%s%d-%d-%d", c.pref, c.name, t.ja, 1+r.IntN(5), 1+r.IntN(30), 1+r.IntN(20)), t
}

// facilityName names a facility of kind fk in town t of c: 桜台図書館,
// みどり野市立第一小学校, 若葉台中央公園. alias is the short name a school
// goes by, when the full name has the municipality in it.
func facilityName(r *rand.Rand, c *city, t word, fk *facilityKind) (name word, alias string) {
	w := fk.w
	switch {
	case fk.schoolLike && r.IntN(3) == 0:
		o := ordinals[r.IntN(len(ordinals))]
		return word{c.name + "立" + o.ja + w.ja, c.kana + "リツ" + o.kana + w.kana, c.stem.en + " " + o.en + " " + w.en}, o.ja + w.ja
	case fk.schoolLike && r.IntN(2) == 0:
		return word{c.name + "立" + t.ja + w.ja, c.kana + "リツ" + t.kana + w.kana, c.stem.en + " " + t.en + " " + w.en}, t.ja + w.ja
	case r.IntN(4) == 0:
		q := qualifiers[r.IntN(len(qualifiers))]
		if r.IntN(3) == 0 {
			return word{c.stem.ja + q.ja + w.ja, c.stem.kana + q.kana + w.kana, c.stem.en + " " + q.en + " " + w.en}, ""
		}
		return word{t.ja + q.ja + w.ja, t.kana + q.kana + w.kana, t.en + " " + q.en + " " + w.en}, ""
	case r.IntN(8) == 0:
		o := ordinals[r.IntN(3)]
		return word{t.ja + o.ja + w.ja, t.kana + o.kana + w.kana, t.en + " " + o.en + " " + w.en}, ""
	}
	return word{t.ja + w.ja, t.kana + w.kana, t.en + " " + w.en}, ""
}

func facilityKindNamed(ja string) *facilityKind {
	for i := range facilityKinds {
		if facilityKinds[i].w.ja == ja {
			return &facilityKinds[i]
		}
	}
	return &facilityKinds[3] // 公園
}

var evacKinds = func() []*facilityKind {
	var out []*facilityKind
	for i := range facilityKinds {
		if facilityKinds[i].evac {
			out = append(out, &facilityKinds[i])
		}
	}
	return out
}()
