package datasets

import (
	"strconv"
	"strings"
)

// coordinate name ranks: lower is a surer match.
const (
	rankExact    = iota // 緯度, latitude, lat …
	rankContains        // 世界測地系緯度, 緯度_10進 …
	rankXY              // Y, X: only as a pair
	rankNone
)

// CoordinateColumns finds the latitude and longitude columns by their usual
// names: 緯度/経度, latitude/longitude, lat/lon (lng, long), Y/X; compared
// after NFKC, case-insensitively, ignoring surrounding spaces and anything in
// parentheses or brackets ("緯度（世界測地系）", "Latitude [WGS84]"). Names
// that contain 緯度 or 経度 ("世界測地系緯度") match when no exact name does.
// ok is false unless both are found in different columns.
func CoordinateColumns(header []string) (lat, lon int, ok bool) {
	lat, lon = -1, -1
	latRank, lonRank := rankNone, rankNone
	for i, h := range header {
		rank, isLat := coordinateName(h)
		if rank == rankNone {
			continue
		}
		if isLat && rank < latRank {
			lat, latRank = i, rank
		}
		if !isLat && rank < lonRank {
			lon, lonRank = i, rank
		}
	}
	if lat < 0 || lon < 0 || lat == lon {
		return -1, -1, false
	}
	// Y and X mean degrees only side by side; a lone X or Y next to 緯度 is
	// something else.
	if (latRank == rankXY) != (lonRank == rankXY) {
		return -1, -1, false
	}
	return lat, lon, true
}

func coordinateName(h string) (rank int, isLat bool) {
	s := strings.ToLower(normalizeCell(h))
	s = trimSpace(removeBracketed(s))
	switch s {
	case "緯度", "latitude", "lat":
		return rankExact, true
	case "経度", "longitude", "lon", "lng", "long":
		return rankExact, false
	case "y":
		return rankXY, true
	case "x":
		return rankXY, false
	}
	hasLat, hasLon := strings.Contains(s, "緯度"), strings.Contains(s, "経度")
	switch {
	case hasLat && !hasLon:
		return rankContains, true
	case hasLon && !hasLat:
		return rankContains, false
	}
	return rankNone, false
}

// removeBracketed drops "(…)" and "[…]" parts (after NFKC, full-width
// brackets are ASCII).
func removeBracketed(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '(' || r == '[' || r == '【':
			depth++
		case (r == ')' || r == ']' || r == '】') && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// ParseCoordinate reads a coordinate in decimal degrees ("35.6895",
// " 139.69 ", "３５．６８９５", "-33.86") or in degrees, minutes and seconds
// (35°41'22.5", 35度41分22.5秒, 139°41′30″, 35:41:22.5), with an optional
// hemisphere (N/S/E/W before or after, 北緯/南緯/東経/西経; S and W are
// negative). ok is false for anything else or a value beyond ±180.
func ParseCoordinate(s string) (float64, bool) {
	// Fast path: most cells are plain decimals, and a million-row import
	// calls this twice a row.
	if v, err := strconv.ParseFloat(s, 64); err == nil && v >= -180 && v <= 180 && plainNumber(s) {
		return v, true
	}
	s = removeSpaces(normalizeCell(s))
	if s == "" {
		return 0, false
	}
	neg := false
	for _, h := range []struct {
		p   string
		neg bool
	}{{"北緯", false}, {"南緯", true}, {"東経", false}, {"西経", true}} {
		if strings.HasPrefix(s, h.p) {
			s, neg = s[len(h.p):], h.neg
			break
		}
	}
	if s == "" {
		return 0, false
	}
	switch s[0] {
	case 'N', 'n', 'E', 'e':
		s = s[1:]
	case 'S', 's', 'W', 'w':
		s, neg = s[1:], true
	}
	if s != "" {
		switch s[len(s)-1] {
		case 'N', 'n', 'E', 'e':
			s = s[:len(s)-1]
		case 'S', 's', 'W', 'w':
			s, neg = s[:len(s)-1], true
		}
	}
	if strings.HasPrefix(s, "-") {
		s, neg = s[1:], !neg
	} else {
		s = strings.TrimPrefix(s, "+")
	}
	v, ok := parseDegrees(s)
	if !ok || v > 180 {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

// dmsUnits marks the units of a DMS value. After NFKC: ″ is ′′; ’ and ” are
// quotes people type for ' and ".
var dmsUnits = strings.NewReplacer("°", "|d", "度", "|d", "′′", "|s", "″", "|s", "”", "|s", `"`, "|s", "''", "|s",
	"′", "|m", "’", "|m", "'", "|m", "分", "|m", "秒", "|s")

// plainNumber reports whether s is only an optional minus sign, digits and
// a dot (ParseFloat also takes "Inf", "0x1p3" and "1e5", which are not
// coordinates as written).
func plainNumber(s string) bool {
	s = strings.TrimPrefix(s, "-")
	return s != "" && s[0] != '.' && s[len(s)-1] != '.' && strings.Trim(s, "0123456789.") == "" && strings.Count(s, ".") <= 1
}

// parseDegrees reads an unsigned decimal or DMS value.
func parseDegrees(s string) (float64, bool) {
	// After NFKC: ″ is ′′; ’ and ” are quotes people type for ' and ".
	t := dmsUnits.Replace(s)
	if !strings.Contains(t, "|") {
		if strings.Count(s, ":") == 2 {
			t = strings.Replace(strings.Replace(s, ":", "|d", 1), ":", "|m", 1) + "|s"
		} else {
			return plainDecimal(s)
		}
	}
	var parts [3]float64 // degrees, minutes, seconds
	next := 0            // the unit expected next at the earliest
	for t != "" {
		i := strings.IndexByte(t, '|')
		if i < 0 || i+1 >= len(t) {
			// trailing number without a unit: the next one in order
			if next > 2 {
				return 0, false
			}
			v, ok := plainDecimal(t)
			if !ok {
				return 0, false
			}
			parts[next], t = v, ""
			next++
			break
		}
		unit := strings.IndexByte("dms", t[i+1])
		if unit < next {
			return 0, false
		}
		v, ok := plainDecimal(t[:i])
		if !ok {
			return 0, false
		}
		parts[unit], next, t = v, unit+1, t[i+2:]
	}
	if parts[1] >= 60 || parts[2] >= 60 {
		return 0, false
	}
	return parts[0] + parts[1]/60 + parts[2]/3600, true
}

func plainDecimal(s string) (float64, bool) {
	if s == "" || strings.Count(s, ".") > 1 || s[0] == '.' || s[len(s)-1] == '.' {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) && s[i] != '.' {
			return 0, false
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}
