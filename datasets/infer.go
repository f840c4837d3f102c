package datasets

import (
	"maps"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/machi-opendata/portal/catalog/era"
	"golang.org/x/text/unicode/norm"
)

// TypeInferrer finds the narrowest type of each column from every value it
// is shown. Add is cheap: a column drops a candidate type the first time a
// value does not fit it and never tests it again.
type TypeInferrer struct {
	can  []uint8 // per column: the types every value so far fits
	seen []bool  // per column: some value is not empty
}

const (
	canInteger uint8 = 1 << iota
	canNumber
	canBoolean
	canDate
	canTime
	canAll = canInteger | canNumber | canBoolean | canDate | canTime
)

// NewTypeInferrer starts inference over that many columns.
func NewTypeInferrer(columns int) *TypeInferrer {
	t := &TypeInferrer{can: make([]uint8, columns), seen: make([]bool, columns)}
	for i := range t.can {
		t.can[i] = canAll
	}
	return t
}

// Add looks at one row; cells beyond the columns are ignored, empty cells
// fit every type.
func (t *TypeInferrer) Add(cells []string) {
	for i, c := range cells {
		if i >= len(t.can) {
			break
		}
		if t.can[i] == 0 || isBlank(c) {
			continue
		}
		t.seen[i] = true
		t.can[i] = narrow(t.can[i], normalizeCell(c))
	}
}

// narrow returns the candidate types of m that the normalised value s fits.
func narrow(m uint8, s string) uint8 {
	if m&canInteger != 0 {
		if _, ok := parseInteger(s); ok {
			return m & (canInteger | canNumber) // an integer is no boolean, date or time
		}
		m &^= canInteger
	}
	if m&canNumber != 0 {
		if _, ok := parseNumber(s); ok {
			return canNumber
		}
		m &^= canNumber
	}
	if m&canBoolean != 0 {
		if _, ok := parseBool(s); !ok {
			m &^= canBoolean
		}
	}
	if m&canDate != 0 {
		if _, ok := era.ParseNormalDate(s); !ok {
			m &^= canDate
		}
	}
	if m&canTime != 0 {
		if _, ok := readTime(s); !ok {
			m &^= canTime
		}
	}
	return m
}

// Types returns the narrowest type each column's non-empty values all fit,
// in the order integer, number, boolean, date, time; text when none fits or
// the column is empty throughout.
func (t *TypeInferrer) Types() []ColumnType {
	types := make([]ColumnType, len(t.can))
	for i, m := range t.can {
		switch {
		case !t.seen[i]:
			types[i] = TypeText
		case m&canInteger != 0:
			types[i] = TypeInteger
		case m&canNumber != 0:
			types[i] = TypeNumber
		case m&canBoolean != 0:
			types[i] = TypeBoolean
		case m&canDate != 0:
			types[i] = TypeDate
		case m&canTime != 0:
			types[i] = TypeTime
		default:
			types[i] = TypeText
		}
	}
	return types
}

// ParseValue converts a cell to its JSON value under type t: int64 for
// integer, float64 for number, bool for boolean, an ISO 8601 string for date
// ("2023-04-01", "2023-04" or "2023"), "15:04" or "15:04:05" for time, and
// the cell as written for text. An empty (or blank) cell is nil. ok is false
// when the cell does not fit t.
//
// Numbers are read after NFKC normalisation, so full-width digits and signs
// work ("１２３", "－５", "１，２３４"); surrounding spaces, thousands
// separators in groups of three, "−" (U+2212) and the accounting marks "▲"
// and "△" for a minus are accepted. Not accepted, so that codes stay text:
// leading zeros ("0123", "0803a"), exponents, more than 15 digits before the
// point.
//
// Booleans (case-insensitive): true, yes, はい, 有, 有り, あり, ○, ◯, 〇 are
// true; false, no, いいえ, 無, 無し, なし, ×, ✕, ☓ are false. 0 and 1 are
// integers, not booleans.
func ParseValue(t ColumnType, cell string) (v any, ok bool) {
	if isBlank(cell) {
		return nil, true
	}
	if t == TypeText {
		return cell, true
	}
	s := normalizeCell(cell)
	switch t {
	case TypeInteger:
		if n, ok := parseInteger(s); ok {
			return n, true
		}
	case TypeNumber:
		if f, ok := parseNumber(s); ok {
			return f, true
		}
	case TypeBoolean:
		if b, ok := parseBool(s); ok {
			return b, true
		}
	case TypeDate:
		if d, ok := era.ParseNormalDate(s); ok {
			return d, true
		}
	case TypeTime:
		if h, ok := parseTime(s); ok {
			return h, true
		}
	}
	return nil, false
}

// normalizeCell applies NFKC (full-width digits, letters and signs to ASCII)
// and trims spaces. ASCII needs no normalisation, which keeps the common
// case cheap.
func normalizeCell(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			if !norm.NFKC.IsNormalString(s[i:]) {
				s = norm.NFKC.String(s)
			}
			break
		}
	}
	return trimSpace(s)
}

// splitSign removes a leading sign; "−" (U+2212), "▲" and "△" mean minus.
func splitSign(s string) (neg bool, rest string) {
	switch {
	case strings.HasPrefix(s, "-"):
		return true, s[1:]
	case strings.HasPrefix(s, "+"):
		return false, s[1:]
	case strings.HasPrefix(s, "−"):
		return true, s[len("−"):]
	case strings.HasPrefix(s, "▲"):
		return true, s[len("▲"):]
	case strings.HasPrefix(s, "△"):
		return true, s[len("△"):]
	}
	return false, s
}

// digitsWithSeparators checks an integer part: digits, optionally grouped
// by commas in threes, no leading zero; it returns the digits alone.
func digitsWithSeparators(s string) (string, bool) {
	if s == "" {
		return "", false
	}
	if strings.IndexByte(s, ',') >= 0 {
		groups := strings.Split(s, ",")
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return "", false
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return "", false
			}
		}
		s = strings.Join(groups, "")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", false
		}
	}
	if len(s) > 1 && s[0] == '0' {
		return "", false
	}
	return s, true
}

func parseInteger(s string) (int64, bool) {
	neg, s := splitSign(s)
	digits, ok := digitsWithSeparators(s)
	if !ok || len(digits) > 15 { // longer digit strings are identifiers, and JSON readers lose precision past 2^53
		return 0, false
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}

// parseNumber reads a normalised cell as ParseValue documents for numbers.
// The standards' number fields read a different set (stdNumber).
func parseNumber(s string) (float64, bool) {
	neg, s := splitSign(s)
	intPart, frac, hasPoint := strings.Cut(s, ".")
	if intPart != "" {
		digits, ok := digitsWithSeparators(intPart)
		if !ok || len(digits) > 15 {
			return 0, false
		}
		if len(digits) != len(intPart) { // thousands separators
			s = digits + s[len(intPart):]
		}
	} else if !hasPoint {
		return 0, false
	}
	if hasPoint {
		if frac == "" {
			return 0, false
		}
		for i := 0; i < len(frac); i++ {
			if frac[i] < '0' || frac[i] > '9' {
				return 0, false
			}
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		f = -f
	}
	return f, true
}

// yesNoWords are the yes and no words, after NFKC and in lower case, that
// both a boolean column (ParseValue) and a yes/no field of a standard
// (Mapping.Extract) read. Each adds words of its own: see booleans and
// stdFlagWords.
var yesNoWords = map[string]bool{
	"true": true, "yes": true, "有": true, "有り": true, "あり": true, "○": true, "◯": true, "〇": true,
	"false": false, "no": false, "無": false, "無し": false, "なし": false, "×": false, "✕": false,
}

// booleans are the words of a boolean column: yesNoWords, はい, いいえ and
// ☓. Not 0 and 1: a column of them is an integer column.
var booleans = withWords(yesNoWords, map[string]bool{"はい": true, "いいえ": false, "☓": false})

// withWords returns a new word list holding the words of both.
func withWords(a, b map[string]bool) map[string]bool {
	m := maps.Clone(a)
	maps.Copy(m, b)
	return m
}

func parseBool(s string) (bool, bool) {
	if len(s) > 10 {
		return false, false
	}
	b, ok := booleans[strings.ToLower(s)]
	return b, ok
}
