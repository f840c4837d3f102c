package datasets

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Extract returns the typed fields of one row (cells in header order) and
// what is wrong with it. line is the row's line in the file, copied into
// the problems.
//
// Values are trimmed; text fields are kept as written and left out when
// empty. Typed fields:
//   - lat, lon: float64 in decimal degrees (DMS is read too), set only when
//     both are valid;
//   - hazards (evacuation): map[string]bool keyed flood, landslide,
//     storm_surge, earthquake, tsunami, fire, inland_flood, volcano, with a
//     key for each hazard column the file has; yes is 1, ○, ◯, 〇, ●, ◎,
//     可, 有, true...; no is empty, 0, ×, 不可, 無, false...;
//   - also_shelter: bool, likewise;
//   - capacity: int ("1,200人" and "先着30名" are read);
//   - start_date, end_date, deadline: ISO 8601 via ParseDate (era dates
//     included); photo date: ISO 8601, or the text as written when it is
//     not a date (昭和30年代);
//   - start_time, end_time, deadline_time: as ParseTime writes them
//     ("09:00", "09:30:15") when it reads them, otherwise as written;
//   - code, address_code, city_code: NFKC-normalized text.
//
// Problems with severity error refuse the row: a required field empty, a
// required date that is not a date, a latitude outside -90..90 or a
// longitude outside -180..180 (with the value; swapped columns are named as
// such). Warnings leave the row in: an invalid 全国地方公共団体コード (the
// publisher's code is metadata; the likely code is suggested), a hazard
// flag, count, number or optional date that cannot be read (the value is
// left out). Coordinates that are missing, half given or not coordinates
// leave the row without lat and lon and are not reported here: the importer
// reads the coordinate columns itself (CoordinateColumns) and warns once.
func (m *Mapping) Extract(file string, line int, cells []string) (map[string]any, []Problem) {
	fields := make(map[string]any)
	var problems []Problem
	report := func(f *Field, severity, format string, args ...any) {
		problems = append(problems, Problem{File: file, Line: line, Column: m.columnName(f),
			Reason: fmt.Sprintf(format, args...), Severity: severity})
	}
	var hazards map[string]bool
	for i := range m.Standard.Fields {
		f := &m.Standard.Fields[i]
		idx, ok := m.Index[f.Key]
		if !ok {
			continue
		}
		v := ""
		if idx < len(cells) {
			v = trimSpace(cells[idx])
		}
		if v == "" {
			if f.Required {
				report(f, SeverityError, "%s is required in %s and is empty", m.columnName(f), m.Standard.Name)
			}
			switch {
			case f.Key == "also_shelter":
				fields[f.Key] = false
			case strings.HasPrefix(f.Key, "hazard_"):
				if hazards == nil {
					hazards = make(map[string]bool)
				}
				hazards[strings.TrimPrefix(f.Key, "hazard_")] = false
			}
			continue
		}
		switch {
		case f.Key == "lat" || f.Key == "lon":
			// below, as a pair
		case f.Key == "code" || f.Key == "address_code" || f.Key == "city_code":
			if reason := localGovCodeProblem(v); reason != "" {
				report(f, SeverityWarning, "%s", reason)
			}
			fields[f.Key] = localGovNormalize(v)
		case strings.HasPrefix(f.Key, "hazard_") || f.Key == "also_shelter":
			b, known := stdParseFlag(v)
			if !known {
				report(f, SeverityWarning, "%q is not a yes/no value (yes: 1, ○; no: empty, 0, ×); read as no", v)
			}
			if f.Key == "also_shelter" {
				fields[f.Key] = b
				break
			}
			if hazards == nil {
				hazards = make(map[string]bool)
			}
			hazards[strings.TrimPrefix(f.Key, "hazard_")] = b
		case f.Type == TypeInteger:
			if n, ok := stdParseCount(v); ok {
				fields[f.Key] = n
			} else {
				report(f, SeverityWarning, "%q is not a whole number; left out", v)
			}
		case f.Type == TypeNumber:
			if x, ok := stdNumber(v); ok {
				fields[f.Key] = x
			} else {
				report(f, SeverityWarning, "%q is not a number; left out", v)
			}
		case f.Type == TypeDate:
			switch iso, ok := ParseDate(v); {
			case ok:
				fields[f.Key] = iso
			case f.Key == "date":
				fields[f.Key] = v // a photo's 年代 may be 昭和30年代
			case f.Required:
				report(f, SeverityError, "%q is not a date (such as 2024-04-01 or 令和6年4月1日)", v)
			default:
				report(f, SeverityWarning, "%q is not a date (such as 2024-04-01 or 令和6年4月1日); left out", v)
			}
		case f.Type == TypeTime:
			fields[f.Key] = stdNormalizeTime(v)
		default:
			fields[f.Key] = v
		}
	}
	if hazards != nil {
		fields["hazards"] = hazards
	}
	if s, ok := fields["start_date"].(string); ok {
		if e, ok := fields["end_date"].(string); ok && e < s {
			report(m.Standard.field("end_date"), SeverityWarning, "the end date %s is before the start date %s", e, s)
		}
	}
	if lat, lon, ok, probs := m.extractLocation(file, line, cells); ok {
		fields["lat"], fields["lon"] = lat, lon
	} else {
		problems = append(problems, probs...)
	}
	return fields, problems
}

// extractLocation returns the row's location, if it has one. Coordinates are
// read as ParseCoordinate reads them (decimal or DMS); only a pair of
// numbers outside the globe is a problem here. Cells that are empty or not
// coordinates leave the row without a location and without a problem: the
// importer reads the coordinate columns itself and warns about them once.
func (m *Mapping) extractLocation(file string, line int, cells []string) (lat, lon float64, ok bool, problems []Problem) {
	latF, lonF := m.Standard.field("lat"), m.Standard.field("lon")
	cell := func(f *Field) string {
		if f == nil {
			return ""
		}
		if i, ok := m.Index[f.Key]; ok && i < len(cells) {
			return trimSpace(cells[i])
		}
		return ""
	}
	latS, lonS := cell(latF), cell(lonF)
	lat, latOK := stdReadCoordinate(latS)
	lon, lonOK := stdReadCoordinate(lonS)
	if !latOK || !lonOK {
		return 0, 0, false, nil
	}
	latName, lonName := m.columnName(latF), m.columnName(lonF)
	fail := func(f *Field, format string, args ...any) (float64, float64, bool, []Problem) {
		return 0, 0, false, []Problem{{File: file, Line: line, Column: m.columnName(f),
			Reason: fmt.Sprintf(format, args...), Severity: SeverityError}}
	}
	switch {
	case lat < -90 || lat > 90:
		if lon >= -90 && lon <= 90 && lat >= -180 && lat <= 180 {
			return fail(latF, "%s %s is outside -90..90; %s and %s look swapped (%s %s)",
				latName, latS, latName, lonName, lonName, lonS)
		}
		return fail(latF, "%s %s is outside -90..90", latName, latS)
	case lon < -180 || lon > 180:
		return fail(lonF, "%s %s is outside -180..180", lonName, lonS)
	}
	return lat, lon, true, nil
}

// stdReadCoordinate reads a coordinate as ParseCoordinate does, and a plain
// number beyond ±180 too, so that it can be reported as out of range.
func stdReadCoordinate(s string) (float64, bool) {
	if x, ok := ParseCoordinate(s); ok {
		return x, true
	}
	return stdNumber(s)
}

// columnName is the field's column as written in the header.
func (m *Mapping) columnName(f *Field) string {
	if f == nil {
		return ""
	}
	if i, ok := m.Index[f.Key]; ok && i < len(m.header) && m.header[i] != "" {
		return m.header[i]
	}
	return f.Names[0]
}

// stdNumber reads a decimal number written with full-width digits or
// stray spaces: what strconv.ParseFloat reads after NFKC with every space
// removed, except NaN and infinities. It is not parseNumber (ParseValue's):
// that one refuses exponents, leading zeros, inner spaces and more than 15
// digits, so that codes stay text, and reads thousands separators and ▲ or
// − for minus, which this one does not. Neither accepts all the other
// does, so each keeps its own: moving the standards' number fields and the
// out-of-range check of coordinates to parseNumber would change what they
// read.
func stdNumber(s string) (float64, bool) {
	s = strings.ReplaceAll(norm.NFKC.String(s), " ", "")
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, false
	}
	return x, true
}

// stdParseCount reads a count such as 1,200, 1200人 or 先着30名: the text
// must hold exactly one run of digits.
func stdParseCount(s string) (int, bool) {
	s = strings.ReplaceAll(norm.NFKC.String(s), ",", "")
	start, end, runs := -1, -1, 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			if i == 0 || s[i-1] < '0' || s[i-1] > '9' {
				runs++
				start = i
			}
			end = i + 1
		}
	}
	if runs != 1 || strings.ContainsAny(s, ".-~～") {
		return 0, false
	}
	n, err := strconv.Atoi(s[start:end])
	return n, err == nil
}

// stdFlagWords are what a yes/no field of a standard reads: yesNoWords
// and, since the field is known to be yes/no, more: 1 and 0 (which type
// inference keeps as integers), ●, ◎, 可, 該当, 対象, y and t for yes, and
// ✖, x, 不可, 非該当, 対象外, n, f, dashes and the empty cell for no. はい,
// いいえ and ☓ are read by booleans only.
var stdFlagWords = withWords(yesNoWords, map[string]bool{
	"1": true, "●": true, "◎": true, "可": true, "該当": true, "対象": true, "y": true, "t": true,
	"": false, "0": false, "✖": false, "x": false, "不可": false, "非該当": false, "対象外": false, "n": false,
	"f": false, "-": false, "ー": false, "―": false, "−": false,
})

// stdParseFlag reads a yes/no cell; known is false for values it cannot read.
func stdParseFlag(s string) (value, known bool) {
	value, known = stdFlagWords[strings.ToLower(norm.NFKC.String(strings.TrimSpace(s)))]
	return value, known
}

// stdNormalizeTime writes a time as ParseTime does (9:00, ９：００ and 9時
// are 09:00, 午後3時30分 is 15:30); text ParseTime does not read is kept as
// written.
func stdNormalizeTime(s string) string {
	if t, ok := ParseTime(s); ok {
		return t
	}
	return s
}
