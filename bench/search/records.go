package main

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/search"
)

// eachDataset calls fn with the document of every dataset, built by
// search.DatasetDoc as the portal builds it.
func (s *synth) eachDataset(fn func(search.Doc) error) error {
	for _, p := range s.datasets {
		if err := fn(search.DatasetDoc(p.d, p.dept, p.cols)); err != nil {
			return err
		}
	}
	return nil
}

// eachRecord calls fn with the documents of the first limit records,
// dataset by dataset. Each record is drawn as typed fields and columns
// (props), as JSON-decoded from the records table, and turned into a
// document by search.RecordDoc, as the portal does. docTime accumulates
// the time spent in RecordDoc.
func (s *synth) eachRecord(limit int, docTime *time.Duration, fn func(search.Doc) error) error {
	n := 0
	for _, p := range s.datasets {
		if p.records == 0 {
			continue
		}
		g := recordGen{r: rand.New(rand.NewPCG(s.seed, uint64(p.index)+1)), p: p, c: p.city}
		for row := 1; row <= p.records; row++ {
			if n == limit {
				return nil
			}
			n++
			fields, props := g.record(row)
			start := time.Now()
			doc, ok := search.RecordDoc(p.d, row, fields, props)
			*docTime += time.Since(start)
			if !ok {
				continue
			}
			if err := fn(doc); err != nil {
				return err
			}
		}
	}
	return nil
}

// recordGen draws the records of one dataset.
type recordGen struct {
	r *rand.Rand
	p *dsPlan
	c *city
}

func (g *recordGen) record(row int) (fields, props map[string]any) {
	switch g.p.topic.kind {
	case catalog.KindFacility:
		return g.facility(row)
	case catalog.KindEvacuation:
		return g.evacuation(row)
	case catalog.KindEvent:
		return g.event(row)
	case catalog.KindPhoto:
		return g.photo(row)
	}
	if g.p.topic.other < 0 {
		return g.aed(row)
	}
	return g.other(row)
}

// nilOr is v, or nil (a null cell) when v is empty.
func nilOr(v string) any {
	if v == "" {
		return nil
	}
	return v
}

func (g *recordGen) maybe(percent int, v string) string {
	if g.r.IntN(100) < percent {
		return v
	}
	return ""
}

func (g *recordGen) point() (float64, float64) {
	return g.c.lat + (g.r.Float64()-0.5)*0.06, g.c.lon + (g.r.Float64()-0.5)*0.06
}

func (g *recordGen) phone() string {
	return fmt.Sprintf("0%d-%02d-%04d", 3+g.r.IntN(97), g.r.IntN(100), g.r.IntN(10000))
}

func (g *recordGen) url(kind string, row int) string {
	return fmt.Sprintf("https://www.city.example.jp/%s/%s/%04d.html", g.p.d.Slug, kind, row)
}

// common adds the columns every standard table has.
func (g *recordGen) common(row int, fields, props map[string]any) {
	fields["id"], fields["prefecture"], fields["city"] = strconv.Itoa(row), g.c.pref, g.c.name
	props["NO"], props["都道府県名"], props["市区町村名"] = float64(row), g.c.pref, g.c.name
	props["備考"] = nil
}

func (g *recordGen) hours() (days, start, end, note string) {
	days = []string{"月火水木金", "月火水木金土", "火水木金土日", "毎日"}[g.r.IntN(4)]
	start = []string{"8:30", "9:00", "9:30", "10:00"}[g.r.IntN(4)]
	end = []string{"17:00", "17:15", "19:00", "21:00", "22:00"}[g.r.IntN(5)]
	return days, start, end, closedNotes[g.r.IntN(len(closedNotes))]
}

func (g *recordGen) facility(row int) (map[string]any, map[string]any) {
	r := g.r
	fk := &facilityKinds[r.IntN(len(facilityKinds))]
	addr, t := address(r, g.c)
	name, alias := facilityName(r, g.c, t, fk)
	about := fk.about[r.IntN(len(fk.about))]
	var acc []string
	for _, a := range accessibilityItems {
		if r.IntN(3) == 0 {
			acc = append(acc, a)
		}
	}
	access := joinSemi(acc)
	days, start, end, note := g.hours()
	lat, lon := g.point()
	kana, phone, url := g.maybe(80, name.kana), g.phone(), g.url("shisetsu", row)
	fields := map[string]any{"name": name.ja, "address": addr, "lat": lat, "lon": lon, "phone": phone, "open_days": days,
		"start_time": start, "end_time": end, "hours_note": note, "description": about, "url": url, "organization": g.c.name}
	props := map[string]any{"名称": name.ja, "名称_カナ": nilOr(kana), "名称_通称": nilOr(alias), "POIコード": nil, "住所": addr,
		"方書": nil, "緯度": lat, "経度": lon, "電話番号": phone, "内線番号": nil, "法人番号": nil, "団体名": g.c.name,
		"利用可能曜日": days, "開始時間": start, "終了時間": end, "利用可能時間特記事項": note, "説明": about,
		"バリアフリー情報": nilOr(access), "URL": url}
	if kana != "" {
		fields["name_kana"] = kana
	}
	if alias != "" {
		fields["name_alias"] = alias
	}
	if access != "" {
		fields["accessibility"] = access
	}
	g.common(row, fields, props)
	return fields, props
}

func joinSemi(parts []string) string {
	s := ""
	for i, p := range parts {
		if i > 0 {
			s += ";"
		}
		s += p
	}
	return s
}

// hazardOdds are the chances, in percent, that a site is designated for
// each hazard of hazardKeys.
var hazardOdds = []int{40, 15, 5, 90, 5, 70, 30, 2}

func (g *recordGen) evacuation(row int) (map[string]any, map[string]any) {
	r := g.r
	fk := evacKinds[r.IntN(len(evacKinds))]
	addr, t := address(r, g.c)
	name, _ := facilityName(r, g.c, t, fk)
	shelter := g.p.topic.standard == "指定避難所一覧" || r.IntN(2) == 0
	capacity := float64(100 * (1 + r.IntN(30)))
	districts := t.ja + kanjiDigits[1+r.IntN(3)] + "丁目町会;" + t.ja + kanjiDigits[4+r.IntN(3)] + "丁目町会"
	lat, lon := g.point()
	id := fmt.Sprintf("EV%04d", row)
	kana, en, url := g.maybe(90, name.kana), g.maybe(50, name.en), g.url("hinan", row)
	hazards := map[string]any{}
	fields := map[string]any{"name": name.ja, "address": addr, "address_machiaza": t.ja, "hazards": hazards,
		"also_shelter": shelter, "capacity": capacity, "districts": districts, "lat": lat, "lon": lon,
		"url": url, "localgov_name": g.c.pref + g.c.name}
	props := map[string]any{"ID": id, "名称": name.ja, "名称_カナ": nilOr(kana), "名称_英字": nilOr(en),
		"所在地_連結表記": addr, "所在地_都道府県": g.c.pref, "所在地_市区町村": g.c.name, "所在地_町字": t.ja,
		"緯度": lat, "経度": lon, "想定収容人数": capacity, "対象となる町会・自治会": districts, "URL": url}
	for i, h := range hazardKeys {
		on := r.IntN(100) < hazardOdds[i]
		hazards[h.key] = on
		props[h.column] = nil
		if on {
			props[h.column] = 1.0
		}
	}
	props["指定避難所との重複"] = nil
	if shelter {
		props["指定避難所との重複"] = 1.0
	}
	if kana != "" {
		fields["name_kana"] = kana
	}
	if en != "" {
		fields["name_en"] = en
	}
	g.common(row, fields, props)
	fields["id"] = id
	return fields, props
}

func (g *recordGen) event(row int) (map[string]any, map[string]any) {
	r := g.r
	ek := &eventKinds[r.IntN(len(eventKinds))]
	month := 1 + r.IntN(12)
	if len(ek.months) > 0 {
		month = ek.months[r.IntN(len(ek.months))]
	}
	year := 2026
	if month < 4 {
		year = 2027
	}
	start := time.Date(year, time.Month(month), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
	end := start.AddDate(0, 0, ek.days-1)
	addr, t := address(r, g.c)
	where := ek.at
	if where == "" {
		where = "公園"
	}
	place, _ := facilityName(r, g.c, t, facilityKindNamed(where))
	var name word
	switch n := r.IntN(20); {
	case n < 7:
		name = word{g.c.stem.ja + ek.w.ja, g.c.stem.kana + ek.w.kana, g.c.stem.en + " " + ek.w.en}
	case n < 13:
		name = word{t.ja + ek.w.ja, t.kana + ek.w.kana, t.en + " " + ek.w.en}
	case n < 17:
		name = word{place.ja + ek.w.ja, place.kana + ek.w.kana, ek.w.en + " at " + place.en}
	default:
		k := 2 + r.IntN(60)
		name = word{fmt.Sprintf("第%d回%s%s", k, g.c.stem.ja, ek.w.ja), "", fmt.Sprintf("The %dth %s %s", k, g.c.stem.en, ek.w.en)}
	}
	times := eventTimes[r.IntN(len(eventTimes))]
	note := dateNotes[r.IntN(len(dateNotes))]
	extra := []string{"", "大ホール", "芝生広場", "2階 集会室", "多目的室", "正面玄関前"}[r.IntN(6)]
	access := fmt.Sprintf("%s駅から徒歩%d分", []string{g.c.stem.ja, t.ja}[r.IntN(2)], 3+r.IntN(20))
	parking := []string{"駐車場はありません。公共交通機関をご利用ください", "駐車場有り（30台）", "有料駐車場有り"}[r.IntN(3)]
	organizer := g.c.name
	if r.IntN(3) == 0 {
		organizer += "・" + g.c.name + "教育委員会"
	}
	lat, lon := g.point()
	kana, en, url := g.maybe(70, name.kana), g.maybe(60, name.en), g.url("event", row)
	fields := map[string]any{"name": name.ja, "start_date": start.Format(time.DateOnly), "end_date": end.Format(time.DateOnly),
		"start_time": times[0], "end_time": times[1], "description": ek.about, "organizer": organizer,
		"contact_name": g.p.dept.NameJA, "contact_phone": g.phone(), "place": place.ja, "address": addr, "access": access,
		"parking": parking, "application": "申込不要", "url": url, "lat": lat, "lon": lon}
	props := map[string]any{"イベント名": name.ja, "イベント名_カナ": nilOr(kana), "イベント名_英語": nilOr(en),
		"開始日": fields["start_date"], "終了日": fields["end_date"], "開始時間": times[0], "終了時間": times[1],
		"開始日時特記事項": nilOr(note), "説明": ek.about, "料金(基本)": nilOr(ek.fee), "連絡先名称": g.p.dept.NameJA,
		"連絡先電話番号": fields["contact_phone"], "主催者": organizer, "場所名称": place.ja, "住所": addr, "方書": nilOr(extra),
		"緯度": lat, "経度": lon, "アクセス方法": access, "駐車場情報": parking, "定員": nil, "参加申込方法": "申込不要", "URL": url}
	for k, v := range map[string]string{"name_kana": kana, "name_en": en, "date_note": note, "fee": ek.fee, "address_extra": extra} {
		if v != "" {
			fields[k] = v
		}
	}
	g.common(row, fields, props)
	return fields, props
}

// eraDate writes when a photo was taken as archives record it.
func (g *recordGen) eraDate() string {
	r := g.r
	switch r.IntN(7) {
	case 0, 1:
		return fmt.Sprintf("昭和%d年代", 10*(2+r.IntN(5)))
	case 2:
		return fmt.Sprintf("昭和%d年", 20+r.IntN(44))
	case 3:
		return fmt.Sprintf("%04d-%02d-%02d", 1950+r.IntN(40), 1+r.IntN(12), 1+r.IntN(28))
	case 4:
		return fmt.Sprintf("%d年代", 1950+10*r.IntN(4))
	case 5:
		return fmt.Sprintf("昭和%d年%d月", 25+r.IntN(39), 1+r.IntN(12))
	}
	if r.IntN(3) == 0 {
		return fmt.Sprintf("平成%d年", 1+r.IntN(10))
	}
	return fmt.Sprintf("%d年", 1950+r.IntN(45))
}

func (g *recordGen) photo(row int) (map[string]any, map[string]any) {
	r := g.r
	subj := photoSubjects[r.IntN(len(photoSubjects))]
	addr, t := address(r, g.c)
	fill := t
	switch subj.place {
	case "park":
		fill, _ = facilityName(r, g.c, t, facilityKindNamed("公園"))
	case "school":
		fill, _ = facilityName(r, g.c, t, facilityKindNamed("小学校"))
	case "station":
		if r.IntN(2) == 0 {
			fill = g.c.stem
		}
	}
	what := word{subj.ja, subj.kana, subj.en}
	if subj.place != "" {
		what = word{fmt.Sprintf(subj.ja, fill.ja), fmt.Sprintf(subj.kana, fill.kana), fmt.Sprintf(subj.en, fill.en)}
		if subj.ja == "駅前商店街" {
			what = word{subj.ja, subj.kana, subj.en}
		}
	}
	date := g.eraDate()
	label := date // as a title says it: 1964年, not 1964-10-10
	if t, err := time.Parse(time.DateOnly, date); err == nil {
		label = strconv.Itoa(t.Year()) + "年"
	}
	title, kana := what.ja, ""
	switch r.IntN(3) {
	case 0:
		title = label + "の" + what.ja
	case 1:
		title = what.ja + "（" + label + "）"
	default:
		kana = g.maybe(70, what.kana)
	}
	place := fill.ja
	if subj.place == "station" || subj.place == "" {
		place = fill.ja + []string{"駅北口", "駅南口", "駅前広場"}[r.IntN(3)]
	}
	summary := what.ja + "の様子。" + photoDetails[r.IntN(len(photoDetails))]
	creator := []string{g.c.name + "秘書広報課", g.c.name + "郷土資料館", "市民提供"}[r.IntN(3)]
	where := place + "付近から" + []string{"北", "南", "東", "西"}[r.IntN(4)] + "を望む"
	kind := []string{"写真（白黒）", "写真（白黒）", "写真（カラー）"}[r.IntN(3)]
	lat, lon := g.point()
	image := fmt.Sprintf("photo-%05d.jpg", row)
	en := g.maybe(50, what.en)
	fields := map[string]any{"title": title, "date": date, "place": place, "address": addr, "summary": summary,
		"creator": creator, "image": image, "license": "CC BY 4.0", "文化財分類": "写真資料", "種類": kind, "lat": lat, "lon": lon}
	props := map[string]any{"名称": title, "名称_カナ": nilOr(kana), "名称_英語": nilOr(en), "文化財分類": "写真資料",
		"種類": kind, "場所名称": place, "住所": addr, "緯度": lat, "経度": lon, "画像": image, "概要": summary,
		"説明": nil, "画像ファイル": image, "撮影年月日": date, "撮影場所": where, "撮影者": creator}
	if kana != "" {
		fields["name_kana"] = kana
	}
	if en != "" {
		fields["name_en"] = en
	}
	g.common(row, fields, props)
	return fields, props
}

func (g *recordGen) aed(row int) (map[string]any, map[string]any) {
	r := g.r
	fk := &facilityKinds[r.IntN(len(facilityKinds))]
	addr, t := address(r, g.c)
	name, _ := facilityName(r, g.c, t, fk)
	days, start, end, _ := g.hours()
	note := "施設の開館時間内に使用可能"
	if r.IntN(7) == 0 {
		days, start, end, note = "毎日", "0:00", "24:00", "24時間使用可能（屋外設置）"
	}
	child := r.IntN(3) > 0
	where := aedPlaces[r.IntN(len(aedPlaces))]
	lat, lon := g.point()
	kana, phone, url := g.maybe(80, name.kana), g.phone(), g.url("aed", row)
	fields := map[string]any{"name": name.ja, "address": addr, "設置位置": where, "hours_note": note, "open_days": days,
		"start_time": start, "end_time": end, "小児対応設備の有無": map[bool]string{true: "有", false: "無"}[child],
		"lat": lat, "lon": lon, "phone": phone, "url": url, "organization": g.c.name}
	props := map[string]any{"名称": name.ja, "名称_カナ": nilOr(kana), "住所": addr, "方書": nil, "緯度": lat, "経度": lon,
		"設置位置": where, "電話番号": phone, "内線番号": nil, "法人番号": nil, "団体名": g.c.name, "利用可能曜日": days,
		"開始時間": start, "終了時間": end, "利用可能日時特記事項": note, "小児対応設備の有無": child, "URL": url}
	if kana != "" {
		fields["name_kana"] = kana
	}
	g.common(row, fields, props)
	return fields, props
}

func (g *recordGen) other(row int) (map[string]any, map[string]any) {
	r := g.r
	ok := &otherKinds[g.p.topic.other]
	nm := ok.names[r.IntN(len(ok.names))]
	addr, t := address(r, g.c)
	fill := t
	switch ok.by {
	case "surname":
		fill = surnames[r.IntN(len(surnames))]
	case "stem":
		fill = stems[r.IntN(len(stems))]
	}
	name := fmt.Sprintf(nm.ja, fill.ja)
	kana := g.maybe(70, fmt.Sprintf(nm.kana, fill.kana))
	category := ok.category[r.IntN(len(ok.category))]
	about := ok.about[r.IntN(len(ok.about))]
	lat, lon := g.point()
	phone := g.phone()
	fields := map[string]any{"name": name, "category": category, "address": addr, "description": about,
		"lat": lat, "lon": lon, "phone": phone}
	props := map[string]any{"名称": name, "名称_カナ": nilOr(kana), "種別": category, "住所": addr, "緯度": lat, "経度": lon,
		"電話番号": phone, "説明": about}
	if kana != "" {
		fields["name_kana"] = kana
	}
	g.common(row, fields, props)
	return fields, props
}

// printSample prints the first n documents of each type, to read what the
// generator makes.
func printSample(s *synth, n int) error {
	seen := map[string]int{}
	show := func(d search.Doc) error {
		if seen[d.Type] >= n {
			return nil
		}
		seen[d.Type]++
		fmt.Printf("%s %s\n  title: %s\n  en: %s\n  reading: %s\n  text: %q\n  extra: %q\n  context: %q\n  kw: %v\n  when: %s..%s\n",
			d.Type, d.ID, d.Title, d.TitleEN, d.Reading, d.Text, d.Extra, d.Context, d.Keywords, d.From, d.To)
		return nil
	}
	if err := s.eachDataset(show); err != nil {
		return err
	}
	var docTime time.Duration
	return s.eachRecord(s.records, &docTime, show)
}
