package era

import (
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// PeriodIn is a period named inside a longer text.
type PeriodIn struct {
	From, To   string // ISO 8601 dates, as ParsePeriod returns them
	Start, End int    // the name's byte offsets in the normalised text
}

// rePeriodIn finds candidate period names in free text; ParsePeriod decides.
var rePeriodIn = regexp.MustCompile(`(?:` + eraNames() + `)(?:\d{1,2}0年代|(?:\d{1,2}|元)年(?:\d{1,2}月(?:\d{1,2}日)?)?)?` +
	`(?:` + periodParts + `)?(?:頃|ごろ|ころ)?` +
	`|\d{3}0(?:年代|s)(?:` + periodParts + `)?(?:頃|ごろ|ころ)?` +
	`|\d{1,2}世紀(?:` + periodParts + `)?` +
	`|\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?(?:頃|ごろ|ころ)?` +
	`|\d{4}`)

// PeriodsIn finds the periods named in free text such as a search query
// (昭和の駅前: 昭和; 1960年代 商店街: 1960年代) and returns the text after
// NFKC, trimmed, with their offsets in it. A bare number counts only as a
// year from 1800 to 2100 standing alone ("1964 五輪", not "10000").
func PeriodsIn(s string) (normalized string, periods []PeriodIn) {
	s = strings.TrimFunc(norm.NFKC.String(s), isSpace)
	for _, m := range rePeriodIn.FindAllStringIndex(s, -1) {
		name := s[m[0]:m[1]]
		if allDigits(name) && !standaloneYear(s, m[0], m[1]) {
			continue
		}
		if from, to, ok := ParsePeriod(name); ok {
			periods = append(periods, PeriodIn{From: from, To: to, Start: m[0], End: m[1]})
		}
	}
	return s, periods
}

// eraNames are the eras' names as alternatives in a regular expression.
func eraNames() string {
	names := make([]string, len(eras))
	for i, e := range eras {
		names[i] = e.name
	}
	return strings.Join(names, "|")
}

// standaloneYear tells whether the digits s[i:j] are a year people search
// by, not part of a longer number.
func standaloneYear(s string, i, j int) bool {
	y, _ := strconv.Atoi(s[i:j])
	return 1800 <= y && y <= 2100 && (i == 0 || !isDigit(s[i-1])) && (j == len(s) || !isDigit(s[j]))
}
