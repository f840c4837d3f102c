package datasets

import (
	"fmt"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// 全国地方公共団体コード (JIS X 0401 / 0402 with the Ministry of Internal
// Affairs' check digit) is six digits: two for the prefecture, three for the
// municipality (000 for the prefecture itself), and a check digit.
//
// The check digit: multiply the first five digits by 6, 5, 4, 3, 2, sum, take
// the remainder r of the sum divided by 11, and the check digit is
// (11 - r) % 10, that is 11 - r with r = 0 giving 1 and r = 1 giving 0.
// Verified by hand on
//
//	武蔵野市 13203: 6+15+8+0+6 = 35, 35 % 11 = 2, 11-2 = 9 -> 132039
//	葛飾区   13122: 6+15+4+6+4 = 35, r = 2             -> 131229
//	札幌市   01100: 0+5+4+0+0 = 9,   r = 9, 11-9 = 2   -> 011002
//	千代田区 13101: 6+15+4+0+2 = 27, r = 5, 11-5 = 6   -> 131016
//	島原市   42203: 24+10+8+0+6 = 48, r = 4, 11-4 = 7  -> 422037
//	柳井市   35212: 18+25+8+3+4 = 58, r = 3, 11-3 = 8  -> 352128
//	新宿区   13104: 6+15+4+0+8 = 33, r = 0, 11 % 10 = 1 -> 131041
//	渋谷区   13113: 6+15+4+3+6 = 34, r = 1, 10 % 10 = 0 -> 131130
//
// and the tests check these and more (prefecture codes such as 東京都 130001).

// localGovCheckDigit returns the check digit of the five digits d.
func localGovCheckDigit(d string) byte {
	sum := 0
	for i := 0; i < 5; i++ {
		sum += int(d[i]-'0') * (6 - i)
	}
	return byte('0' + (11-sum%11)%10)
}

// localGovNormalize applies NFKC (full-width digits become ASCII) and trims
// spaces.
func localGovNormalize(s string) string {
	return strings.TrimSpace(norm.NFKC.String(s))
}

func localGovDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// ValidLocalGovCode reports whether s, after NFKC and trimming, is a 6-digit
// 全国地方公共団体コード: a prefecture 01 to 47 and a last digit that is the
// check digit of the first five (see localgov.go for the algorithm). It
// checks the form only, not that the body exists: 139998 passes.
func ValidLocalGovCode(s string) bool {
	s = localGovNormalize(s)
	return len(s) == 6 && localGovDigits(s) && localGovPrefectureOK(s) && s[5] == localGovCheckDigit(s)
}

// localGovPrefectureOK reports whether the code's first two digits are a prefecture
// code, 01 (北海道) to 47 (沖縄県).
func localGovPrefectureOK(code string) bool {
	return code[:2] >= "01" && code[:2] <= "47"
}

// localGovCodeProblem explains why s is not a valid 全国地方公共団体コード,
// suggesting the likely intended code; it returns "" when s is valid.
func localGovCodeProblem(s string) string {
	c := localGovNormalize(s)
	if ValidLocalGovCode(c) {
		return ""
	}
	if !localGovDigits(c) || len(c) > 6 || len(c) < 4 {
		return fmt.Sprintf("%q is not a 全国地方公共団体コード (6 digits, such as 131229 for 葛飾区)", s)
	}
	// Spreadsheets drop leading zeros (92011 for 092011) and some files
	// leave out the check digit (13122 for 131229): list what s may have
	// been meant as.
	var guesses []string
	if len(c) == 5 && ValidLocalGovCode("0"+c) {
		guesses = append(guesses, "0"+c+" (leading zero lost)")
	}
	if len(c) == 5 && localGovPrefectureOK(c) {
		guesses = append(guesses, c+string(localGovCheckDigit(c))+" (check digit missing)")
	}
	if len(c) == 4 && localGovPrefectureOK("0"+c) {
		guesses = append(guesses, "0"+c+string(localGovCheckDigit("0"+c))+" (leading zero and check digit lost)")
	}
	switch {
	case len(c) == 6 && localGovPrefectureOK(c):
		return fmt.Sprintf("%q is not a valid 全国地方公共団体コード: its check digit should be %c (%s%c)",
			s, localGovCheckDigit(c), c[:5], localGovCheckDigit(c))
	case len(c) == 6:
		return fmt.Sprintf("%q is not a 全国地方公共団体コード: %s is not a prefecture code (01 to 47)", s, c[:2])
	case len(guesses) > 0:
		return fmt.Sprintf("%q has %d digits; 全国地方公共団体コード has 6: probably %s", s, len(c), strings.Join(guesses, " or "))
	default:
		return fmt.Sprintf("%q is not a 全国地方公共団体コード (6 digits, such as 131229 for 葛飾区)", s)
	}
}
