package datasets

import "github.com/machi-opendata/portal/catalog/era"

// A photo's date is often a period, not a day: archives write 昭和40年代,
// 1960年代後半, 大正末期 or 昭和30年頃 because nobody knows the day. The
// portal keeps such a date as the range of days it may mean, so that a
// search for a period finds every photo whose range overlaps it. The search
// index reads periods too, so both read them with catalog/era.

// ParsePeriod reads a photo's date, exact or approximate, and returns the
// first and last day it may mean as ISO 8601 dates (2006-01-02): 1965,
// 1965-04-01, 昭和40年代, 1960年代後半, 大正末期, 昭和30年頃, 1960〜1965年.
// See era.ParsePeriod for every form read.
func ParsePeriod(s string) (from, to string, ok bool) { return era.ParsePeriod(s) }

// PeriodIn is a period named inside a longer text.
type PeriodIn = era.PeriodIn

// PeriodsIn finds the periods named in free text such as a search query
// (昭和の駅前: 昭和; 1960年代 商店街: 1960年代) and returns the text after
// NFKC with their offsets in it; see era.PeriodsIn.
func PeriodsIn(s string) (normalized string, periods []PeriodIn) { return era.PeriodsIn(s) }
