package datasets

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The personal-information guard's rules. docs/admin.md describes them
// and what they find in the demo and real files.
const (
	// PIIMyNumber: 12 digits (optionally 4-4-4 with spaces or hyphens)
	// whose last digit is the check digit of the other 11, per the
	// official algorithm (番号法施行令 第8条).
	PIIMyNumber = "my_number"
	// PIIEmail: an e-mail address, except at government domains (.lg.jp,
	// .go.jp) and, outside tables of people, in a column named 連絡先...
	// (the standard templates' contact of the facility or department).
	PIIEmail = "email"
	// PIIPhone: a phone number in a table of people (see personLike).
	PIIPhone = "phone"
	// PIIColumn: a column named like personal data: always for names that
	// only people have (氏名, 生年月日, マイナンバー, 要支援者...), and in a
	// table of people also for names that facilities share (住所, 電話番号).
	PIIColumn = "personal_column"
)

// PIIFinding is one thing that looks like personal information.
type PIIFinding struct {
	Column string `json:"column"`
	Row    int    `json:"row"`    // 1-based data row; 0 for the header
	Rule   string `json:"rule"`   // PIIMyNumber, PIIEmail, PIIPhone or PIIColumn
	Sample string `json:"sample"` // masked: enough to find it, not to read it
}

// maxFindingsPerColumn bounds the findings of one rule in one column: a
// column of ten thousand phone numbers needs a few examples, not all.
const maxFindingsPerColumn = 5

// personalColumns are parts of column names that only records of people
// have. Matched after NFKC folding, in any part of the name.
var personalColumns = []string{
	"氏名", "生年月日", "誕生日", "個人番号", "マイナンバー", "要支援者", "要配慮者", "要介護",
	"世帯主", "続柄", "本籍", "住民票", "病名", "病歴", "既往歴", "障害者手帳", "障害の種類",
	"口座番号", "保険証", "免許証番号", "旧姓",
}

// sharedColumns are names that people and facilities share: personal only
// in a table of people.
var sharedColumns = []string{
	"住所", "所在地", "電話", "携帯", "tel", "メール", "mail", "年齢", "性別", "勤務先", "緊急連絡先",
	"名前", "フリガナ", "ふりがな",
}

// personNameColumns, when a column is named exactly so, make a table one of
// people. "名称" (a facility's name) is not one of them, nor are 名前 and
// フリガナ, which map layers and facility lists use for places.
var personNameColumns = []string{"氏名", "姓", "氏名カナ", "氏名(カナ)", "氏名(ふりがな)", "本人氏名"}

var (
	myNumberPattern = regexp.MustCompile(`(^|[^0-9])([0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{4})($|[^0-9])`)
	emailPattern    = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+`)
	phonePattern    = regexp.MustCompile(`(^|[^0-9])(0[0-9]{1,4}[-(]?[0-9]{1,4}[-)]?[0-9]{3,4})($|[^0-9])`)
)

// ValidMyNumber tells whether s is 12 digits whose last is the check digit
// of the first 11: with P(n) the n-th of those digits counted from the
// right and Q(n) = n+1 for n <= 6, n-5 for n >= 7, the check digit is
// 11 - (sum P(n)*Q(n) mod 11), or 0 when the remainder is 0 or 1.
func ValidMyNumber(s string) bool {
	if len(s) != 12 {
		return false
	}
	sum := 0
	for n := 1; n <= 11; n++ {
		c := s[11-n]
		if c < '0' || c > '9' {
			return false
		}
		q := n + 1
		if n >= 7 {
			q = n - 5
		}
		sum += int(c-'0') * q
	}
	if s[11] < '0' || s[11] > '9' {
		return false
	}
	check := 0
	if r := sum % 11; r > 1 {
		check = 11 - r
	}
	return int(s[11]-'0') == check
}

// fold is the form names and values are matched in: NFKC (full-width
// digits and letters become ASCII), lower case, without spaces.
func fold(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(norm.NFKC.String(s)), ""))
}

// personLike tells whether a header is that of records of people: a column
// named like a person's name, or one named like data only people have.
func personLike(folded []string) bool {
	for _, h := range folded {
		for _, p := range personNameColumns {
			if h == fold(p) {
				return true
			}
		}
		if personalColumn(h) {
			return true
		}
	}
	return false
}

func personalColumn(folded string) bool {
	for _, p := range personalColumns {
		if strings.Contains(folded, fold(p)) {
			return true
		}
	}
	return false
}

func sharedColumn(folded string) bool {
	for _, p := range sharedColumns {
		if strings.Contains(folded, fold(p)) {
			return true
		}
	}
	return false
}

// ScanPII looks for personal information in a table: its header and rows
// (each row as many cells as the header, or fewer). It is a pure function;
// the caller decides what findings block. Findings come column by column in
// header order, each rule's at most maxFindingsPerColumn.
func ScanPII(header []string, rows [][]string) []PIIFinding {
	sc := NewPIIScanner(header)
	for _, row := range rows {
		sc.Add(row)
	}
	return sc.Findings()
}

// PIIScanner is ScanPII one row at a time, for files too big to hold.
type PIIScanner struct {
	header  []string
	folded  []string
	people  bool
	rows    int
	byCol   [][]PIIFinding
	count   []map[string]int
	columns []PIIFinding // header findings, by column
}

// NewPIIScanner starts a scan of a table with this header.
func NewPIIScanner(header []string) *PIIScanner {
	sc := &PIIScanner{header: header, folded: make([]string, len(header)),
		byCol: make([][]PIIFinding, len(header)), count: make([]map[string]int, len(header)),
		columns: make([]PIIFinding, len(header))}
	for i, h := range header {
		sc.folded[i] = fold(h)
		sc.count[i] = map[string]int{}
	}
	sc.people = personLike(sc.folded)
	return sc
}

// Add scans the next row.
func (sc *PIIScanner) Add(row []string) {
	sc.rows++
	for col, h := range sc.header {
		if col >= len(row) || row[col] == "" {
			continue
		}
		if sc.columns[col].Sample == "" {
			sc.columns[col].Sample = maskedFirst(row[col])
		}
		contact := !sc.people && strings.Contains(sc.folded[col], "連絡先")
		for _, f := range scanCell(row[col], sc.people, contact) {
			if sc.count[col][f.Rule] < maxFindingsPerColumn {
				f.Column, f.Row = h, sc.rows
				sc.byCol[col] = append(sc.byCol[col], f)
			}
			sc.count[col][f.Rule]++
		}
	}
}

// Findings returns what the rows so far hold, column by column.
func (sc *PIIScanner) Findings() []PIIFinding {
	var out []PIIFinding
	for col, h := range sc.header {
		f := sc.folded[col]
		if personalColumn(f) || (sc.people && (sharedColumn(f) || isPersonName(f))) {
			out = append(out, PIIFinding{Column: h, Row: 0, Rule: PIIColumn, Sample: sc.columns[col].Sample})
		}
		out = append(out, sc.byCol[col]...)
	}
	return out
}

func isPersonName(folded string) bool {
	for _, p := range personNameColumns {
		if folded == fold(p) {
			return true
		}
	}
	return false
}

// scanCell applies the value rules to one cell; contact says the column is
// an organization's contact, whose e-mail addresses are public.
func scanCell(v string, people, contact bool) []PIIFinding {
	v = norm.NFKC.String(v)
	var out []PIIFinding
	for _, m := range myNumberPattern.FindAllStringSubmatch(v, -1) {
		digits := strings.NewReplacer(" ", "", "-", "").Replace(m[2])
		if ValidMyNumber(digits) && strings.Count(digits, digits[:1]) != 12 {
			out = append(out, PIIFinding{Rule: PIIMyNumber, Sample: maskTail(digits, 2)})
			break
		}
	}
	for _, e := range emailPattern.FindAllString(v, -1) {
		if contact {
			break
		}
		domain := strings.ToLower(e[strings.LastIndex(e, "@")+1:])
		if strings.HasSuffix(domain, ".lg.jp") || strings.HasSuffix(domain, ".go.jp") {
			continue
		}
		local := e[:strings.LastIndex(e, "@")]
		out = append(out, PIIFinding{Rule: PIIEmail, Sample: local[:1] + "***@" + domain})
		break
	}
	if people && len(out) == 0 {
		if m := phonePattern.FindStringSubmatch(v); m != nil {
			digits := strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' {
					return r
				}
				return -1
			}, m[2])
			if len(digits) >= 10 && len(digits) <= 11 {
				out = append(out, PIIFinding{Rule: PIIPhone, Sample: maskTail(digits, 2)})
			}
		}
	}
	return out
}

// maskTail replaces all but the last keep characters with '*'.
func maskTail(s string, keep int) string {
	n := utf8.RuneCountInString(s)
	if n <= keep {
		return strings.Repeat("*", n)
	}
	r := []rune(s)
	return strings.Repeat("*", n-keep) + string(r[n-keep:])
}

// maskedFirst is a value with all but its first character hidden: enough
// to recognize the column.
func maskedFirst(v string) string {
	r := []rune(strings.TrimSpace(v))
	if len(r) == 0 {
		return ""
	}
	return string(r[:1]) + strings.Repeat("*", min(len(r)-1, 8))
}
