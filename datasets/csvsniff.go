package datasets

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

const (
	// sniffBytes of decoded text are looked at to find the delimiter, the
	// header and the trailing columns that are empty everywhere.
	sniffBytes = 1 << 20
	// headerRows is how many non-blank rows the header search considers.
	headerRows = 20
	// delimiterRows is how many non-blank rows the delimiter vote uses.
	delimiterRows = 50
	// sniffMaxField bounds the values kept while sniffing: a huge value near
	// the top of the file is then never copied around.
	sniffMaxField = 64 << 10
)

// sniffedRow is a row seen while sniffing.
type sniffedRow struct {
	line     int
	start    int // byte offsets in the sniffed text
	end      int
	fields   []string
	nonEmpty int
}

// sniff finds the delimiter, the header line and the header names in the
// first bytes of decoded text (see NewCSVReader for the rules). complete is
// false when text is only the start of the file; its last row may then be
// cut short and is not used.
func (r *CSVReader) sniff(text []byte, complete bool) error {
	refuse := func(line int, format string, args ...any) error {
		return r.refuse(line, "", format, args...)
	}
	// Leading blank and '#' lines.
	type leadLine struct {
		line, start int
		text        string
	}
	var comments []leadLine
	off, line := 0, 1
	for off < len(text) {
		end := bytes.IndexByte(text[off:], '\n')
		next := off + end + 1
		if end < 0 {
			end, next = len(text)-off, len(text)
		}
		t := trimSpace(string(text[off : off+end]))
		if t != "" && t[0] != '#' {
			break
		}
		if t != "" {
			comments = append(comments, leadLine{line, off, string(text[off : off+end])})
		}
		off, line = next, line+1
	}

	delim, width := sniffDelimiter(text[off:])
	r.dialect.Delimiter = rune(delim)
	// A '#' line as wide as the table whose first cell is short ("#",
	// "#No") is its header: "#,名称,住所".
	for i, c := range comments {
		var rec record
		p := newParser(strings.NewReader(c.text), delim, sniffMaxField)
		if p.read(&rec) == nil && len(rec.fields) >= 2 && len(rec.fields) == width &&
			utf8.RuneCountInString(trimSpace(rec.fields[0])) <= 4 {
			off, line = c.start, c.line
			comments = comments[:i]
			break
		}
	}
	for _, c := range comments {
		r.dialect.Skipped = append(r.dialect.Skipped, c.text)
	}

	// Rows from there on.
	body := text[off:]
	p := newParser(bytes.NewReader(body), delim, sniffMaxField)
	p.line = line
	var rows []sniffedRow
	var rec record
	maxNonEmpty := 0
	for len(rows) < headerRows {
		start := int(p.off)
		if p.read(&rec) != nil {
			break
		}
		if !complete && int(p.off) == len(body) {
			break // possibly cut short by the end of the sniffed text
		}
		ne := nonEmpty(rec.fields)
		if ne == 0 {
			continue
		}
		if rec.quoteLine > 0 {
			if len(rows) == 0 {
				return refuse(rec.quoteLine, `the header row has a quote that is never closed (a closing " is missing)`)
			}
			break
		}
		rows = append(rows, sniffedRow{rec.line, start, int(p.off), append([]string(nil), rec.fields...), ne})
		maxNonEmpty = max(maxNonEmpty, ne)
	}
	if len(rows) == 0 {
		if !complete {
			return refuse(0, "no header row found in the first %d bytes of the file", sniffBytes)
		}
		return refuse(0, "no header row found: the file holds only blank lines and comments")
	}
	h := 0
	for h < len(rows) && (rows[h].nonEmpty*2 < maxNonEmpty || (rows[h].nonEmpty == 1 && maxNonEmpty > 1)) {
		h++
	}
	for _, t := range rows[:h] {
		raw := strings.TrimSuffix(string(body[t.start:t.end]), "\n")
		r.dialect.Skipped = append(r.dialect.Skipped, raw)
		r.problems = append(r.problems, Problem{File: r.name, Line: t.line, Severity: SeverityWarning,
			Reason: fmt.Sprintf("line skipped before the header: it looks like a title or a note, not a table row (%q)", snippet(joinNonEmpty(t.fields)))})
	}
	hdr := rows[h]
	r.dialect.HeaderLine = hdr.line

	// Trailing columns without a name are kept only if some row uses them.
	keep := len(hdr.fields)
	for keep > 0 && trimSpace(hdr.fields[keep-1]) == "" {
		keep--
	}
	if keep < len(hdr.fields) {
		used := keep
		p := newParser(bytes.NewReader(body[hdr.end:]), delim, sniffMaxField)
		for used < len(hdr.fields) && p.read(&rec) == nil {
			if !complete && int(p.off) == len(body)-hdr.end {
				break
			}
			for j := used; j < len(hdr.fields) && j < len(rec.fields); j++ {
				if !isBlank(rec.fields[j]) {
					used = j + 1
				}
			}
		}
		keep = used
	}
	keep = max(keep, 1)
	r.header = r.cleanHeader(hdr.fields[:keep])
	return nil
}

// sniffDelimiter votes for the delimiter that splits the most rows into the
// same number of cells; it returns it with that number.
func sniffDelimiter(text []byte) (delim byte, width int) {
	delim = ','
	bestRows := 0
	for _, c := range []byte{',', '\t', ';'} {
		counts := map[int]int{}
		p := newParser(bytes.NewReader(text), c, sniffMaxField)
		var rec record
		for n := 0; n < delimiterRows && p.read(&rec) == nil; {
			if rec.quoteLine > 0 {
				break
			}
			if !blankRow(rec.fields) {
				counts[len(rec.fields)]++
				n++
			}
		}
		m, k := 0, 0
		for fields, rows := range counts {
			if rows > k || (rows == k && fields > m) {
				m, k = fields, rows
			}
		}
		if m >= 2 && (k > bestRows || (k == bestRows && m > width)) {
			delim, width, bestRows = c, m, k
		}
	}
	if width == 0 {
		width = 1
	}
	return delim, width
}

// cleanHeader trims names, removes line breaks, names empty columns "列N"
// and numbers repeated names, with a warning for each change.
func (r *CSVReader) cleanHeader(raw []string) []string {
	warn := func(column, format string, args ...any) {
		r.problems = append(r.problems, Problem{File: r.name, Line: r.dialect.HeaderLine, Column: column,
			Reason: fmt.Sprintf(format, args...), Severity: SeverityWarning})
	}
	names := make([]string, len(raw))
	taken := map[string]bool{}
	for i, s := range raw {
		names[i] = joinLines(trimSpace(s))
		taken[names[i]] = true
	}
	numeric := true
	for i, s := range names {
		if s != trimSpace(raw[i]) {
			warn(s, "the name of column %d has a line break (%q); it is read as %q", i+1, trimSpace(raw[i]), s)
		}
		if s == "" {
			names[i] = uniqueName("列"+strconv.Itoa(i+1), 1, taken)
			taken[names[i]] = true
			warn(names[i], "column %d has no name in the header (an empty or merged cell); it is called %q", i+1, names[i])
			continue
		}
		for j := range i {
			if names[j] == s {
				names[i] = uniqueName(s, 2, taken)
				taken[names[i]] = true
				warn(names[i], "column %d repeats the name %q of column %d; it is called %q", i+1, s, j+1, names[i])
				break
			}
		}
		if _, ok := ParseValue(TypeNumber, s); !ok {
			numeric = false
		}
	}
	if numeric && len(names) > 0 {
		warn("", "the header row holds only numbers: the file may have no header row, and its first row of data is read as column names")
	}
	return names
}

// uniqueName returns the first of name (when from is 1), name_2, name_3…
// (from "_from" on) that is not taken.
func uniqueName(name string, from int, taken map[string]bool) string {
	if from <= 1 && !taken[name] {
		return name
	}
	for n := max(from, 2); ; n++ {
		if c := name + "_" + strconv.Itoa(n); !taken[c] {
			return c
		}
	}
}

// joinLines removes the line breaks of a header name: Japanese text joins
// directly, ASCII words get a space.
func joinLines(s string) string {
	if !strings.Contains(s, "\n") {
		return s
	}
	var b strings.Builder
	for i, part := range strings.Split(s, "\n") {
		part = trimSpace(part)
		if part == "" {
			continue
		}
		if i > 0 && b.Len() > 0 {
			last, _ := utf8.DecodeLastRuneInString(b.String())
			first, _ := utf8.DecodeRuneInString(part)
			if last < utf8.RuneSelf && first < utf8.RuneSelf {
				b.WriteByte(' ')
			}
		}
		b.WriteString(part)
	}
	return b.String()
}

func nonEmpty(fields []string) int {
	n := 0
	for _, f := range fields {
		if !isBlank(f) {
			n++
		}
	}
	return n
}

func joinNonEmpty(fields []string) string {
	var parts []string
	for _, f := range fields {
		if f = trimSpace(f); f != "" {
			parts = append(parts, f)
		}
	}
	return strings.Join(parts, " ")
}
