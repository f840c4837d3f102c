package datasets

import (
	"strconv"
	"testing"
	"time"
)

func TestEraPeriod(t *testing.T) {
	this := strconv.Itoa(time.Now().Year())
	tests := []struct {
		in       string
		from, to string // "" for not a period
	}{
		{"1964-10-10", "1964-10-10", "1964-10-10"},
		{"1965-04", "1965-04-01", "1965-04-30"},
		{"1965", "1965-01-01", "1965-12-31"},
		{"1965年", "1965-01-01", "1965-12-31"},
		{"昭和43年", "1968-01-01", "1968-12-31"},
		{"昭和29年11月3日", "1954-11-03", "1954-11-03"},
		{"1960年代", "1960-01-01", "1969-12-31"},
		{"1960s", "1960-01-01", "1969-12-31"},
		{"１９６０年代後半", "1965-01-01", "1969-12-31"},
		{"1960年代前半", "1960-01-01", "1964-12-31"},
		{"1960年代初頭", "1960-01-01", "1962-12-31"},
		{"1960年代半ば", "1963-01-01", "1966-12-31"},
		{"昭和40年代", "1965-01-01", "1974-12-31"},
		{"昭和40年代後半", "1970-01-01", "1974-12-31"},
		{"昭和30年代頃", "1955-01-01", "1964-12-31"},
		{"昭和60年代", "1985-01-01", "1989-01-07"}, // cut at the era's end
		{"昭和", "1926-12-25", "1989-01-07"},
		{"昭和時代", "1926-12-25", "1989-01-07"},
		{"昭和初期", "1926-12-25", "1935-12-31"},
		{"昭和末期", "1980-01-01", "1989-01-07"},
		{"大正末期", "1923-01-01", "1926-12-24"},
		{"大正", "1912-07-30", "1926-12-24"},
		{"明治後期", "1898-01-01", "1912-07-29"},
		{"平成", "1989-01-08", "2019-04-30"},
		{"令和", "2019-05-01", this + "-12-31"},
		{"20世紀前半", "1901-01-01", "1950-12-31"},
		{"1960〜1965年", "1960-01-01", "1965-12-31"},
		{"昭和30年～昭和35年", "1955-01-01", "1960-12-31"},
		{"1970〜1960", "", ""},
		{"大正20年代", "", ""},
		{"昭和70年代", "", ""},
		{"昭和の駅前", "", ""},
		{"駅前", "", ""},
		{"12345", "", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		from, to, ok := ParsePeriod(tt.in)
		if ok != (tt.from != "") || from != tt.from || to != tt.to {
			t.Errorf("ParsePeriod(%q) = %q, %q, %v; want %q, %q", tt.in, from, to, ok, tt.from, tt.to)
		}
	}
}

func TestEraPeriodsIn(t *testing.T) {
	tests := []struct {
		in    string
		names []string // the period names found, in order
	}{
		{"昭和の駅前", []string{"昭和"}},
		{"昭和40年代の駅前商店街", []string{"昭和40年代"}},
		{"1964 五輪", []string{"1964"}},
		{"1960年代後半 商店街", []string{"1960年代後半"}},
		{"大正末期ごろの役場", []string{"大正末期ごろ"}},
		{"10000円", nil},
		{"駅前", nil},
		{"ｓｈｏｗａ", nil},
	}
	for _, tt := range tests {
		norm, ps := PeriodsIn(tt.in)
		var names []string
		for _, p := range ps {
			names = append(names, norm[p.Start:p.End])
		}
		if len(names) != len(tt.names) {
			t.Errorf("PeriodsIn(%q) found %q, want %q", tt.in, names, tt.names)
			continue
		}
		for i := range names {
			if names[i] != tt.names[i] {
				t.Errorf("PeriodsIn(%q) found %q, want %q", tt.in, names, tt.names)
			}
		}
	}
}

func TestEraFoldText(t *testing.T) {
	for in, want := range map[string]string{
		"ｴｷﾏｴ":        "えきまえ",
		"エキマエ　商店街":    "えきまえ 商店街",
		"  ＡＢＣ  def ": "abc def",
		"昭和40年代":      "昭和40年代",
	} {
		if got := FoldText(in); got != want {
			t.Errorf("FoldText(%q) = %q, want %q", in, got, want)
		}
	}
}
