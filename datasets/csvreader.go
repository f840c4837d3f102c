package datasets

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Dialect is how a delimited text file is written, as NewCSVReader found it.
type Dialect struct {
	Encoding   Encoding `json:"encoding"`
	Delimiter  rune     `json:"delimiter"`         // ',', '\t' or ';'
	HeaderLine int      `json:"header_line"`       // 1-based physical line where the header starts
	Skipped    []string `json:"skipped,omitempty"` // comment and title lines before the header, decoded
}

// CSVOptions tunes NewCSVReader; the zero value gives sensible defaults.
type CSVOptions struct {
	// MaxFieldBytes is the longest value a cell may hold (default 1 MiB). A
	// longer one refuses its row; the reader skips over it without keeping
	// it in memory. A whole row may hold at most 8 times as much.
	MaxFieldBytes int
}

const (
	defaultMaxFieldBytes = 1 << 20
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
	// maxRecoveries bounds how often the reader rereads the file to resume
	// after a quote that is never closed (each costs a pass over the file).
	maxRecoveries = 8
)

// CSVReader reads the records of a delimited text file in any of the
// encodings DetectEncoding knows, in constant memory.
type CSVReader struct {
	name     string
	src      io.ReadSeeker
	maxField int
	dialect  Dialect
	header   []string
	problems []Problem

	p          *parser
	rec        record
	slab       []string // unused cells for the next rows
	recoveries int
	done       bool
}

// NewCSVReader detects the encoding of src (reading all of it), seeks back
// to its start, finds the delimiter and the header, and positions the reader
// on the first record. name is the file name every Problem carries.
//
// How the header is found: leading blank lines and lines starting with '#'
// are comments (unless such a line splits into as many cells as the table is
// wide and its first cell is at most 4 characters, as in "#,名称,住所" or
// "#No,名称": then it is the header). Of the next 20 non-blank
// rows, the header is the first whose count of non-empty cells is at least
// half that of the fullest of those rows (and more than one when any row has
// more); rows before it are titles or notes ("東京都災害拠点病院一覧",
// "令和4年1月1日現在"), skipped with a warning. The delimiter is the one of
// ',', '\t' and ';' that splits most of the first 50 rows into the same number
// (at least 2) of cells, quotes respected.
//
// Header names are trimmed of spaces (also U+3000). A line break inside a
// name is removed, joining the parts directly ("三次\n救急" -> "三次救急")
// unless both sides are ASCII, which get a space ("Opening\nhours" ->
// "Opening hours"): a name with a line break is awkward in every table view,
// API key and URL, and Japanese names are broken only for layout; a warning
// shows the original. Empty names become "列N" and repeated names "名前_2",
// "名前_3", each with a warning. Trailing columns with no name are dropped
// when they are empty in every row of the first 1 MiB of the file.
//
// The error is a *Problem of severity "error" when the file is not a table:
// it is empty, binary, not decodable (mixed encodings; the Problem names the
// line), or has no header row. Read and seek errors of src are returned
// wrapped.
func NewCSVReader(name string, src io.ReadSeeker, opt CSVOptions) (*CSVReader, error) {
	refuse := func(line int, format string, args ...any) error {
		return &Problem{File: name, Line: line, Reason: fmt.Sprintf(format, args...), Severity: SeverityError}
	}
	size, err := src.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if size == 0 {
		return nil, refuse(0, "the file is empty (0 bytes)")
	}
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	enc, det, err := detect(src)
	if err != nil {
		var ee *encodingError
		if errors.As(err, &ee) {
			return nil, refuse(ee.Line, "%s", ee.Reason)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	text, err := decodedReader(src, enc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	// Decoding grows text at most threefold (a half-width katakana byte
	// becomes three), so small files get a small buffer.
	buf := make([]byte, min(sniffBytes, 3*size+4))
	n, err := io.ReadFull(text, buf)
	complete := err == io.EOF || err == io.ErrUnexpectedEOF
	if err != nil && !complete {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	buf = buf[:n]

	r := &CSVReader{name: name, src: src, maxField: opt.MaxFieldBytes}
	if r.maxField <= 0 {
		r.maxField = defaultMaxFieldBytes
	}
	r.dialect.Encoding = enc
	if n, line := det.unmapped(enc); n > 0 {
		r.problems = append(r.problems, Problem{File: name, Line: line, Severity: SeverityWarning,
			Reason: fmt.Sprintf("%d characters have no Unicode equivalent (user-defined 外字 or unassigned %s codes), the first on this line; they are read as \"\ufffd\"", n, enc)})
	}
	if err := r.sniff(buf, complete); err != nil {
		return nil, err
	}
	r.p = newParser(io.MultiReader(bytes.NewReader(buf), text), byte(r.dialect.Delimiter), r.maxField)
	if err := r.p.skipLines(r.dialect.HeaderLine - 1); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := r.p.read(&r.rec); err != nil { // the header, already known
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return r, nil
}

// Dialect tells how the file is written.
func (r *CSVReader) Dialect() Dialect { return r.dialect }

// Header returns the column names (see NewCSVReader for how they are
// cleaned); every record has exactly this many cells.
func (r *CSVReader) Header() []string { return append([]string(nil), r.header...) }

// Problems returns the warnings found while opening the file: title rows
// skipped, columns renamed, characters without a Unicode equivalent.
func (r *CSVReader) Problems() []Problem { return append([]Problem(nil), r.problems...) }

// Read returns the next record and the 1-based physical line where it
// starts. cells has exactly len(Header()) entries, as written (not trimmed):
// missing trailing cells are "", extra cells that are empty are dropped.
// Blank rows are skipped. It returns io.EOF at the end.
//
// A row that cannot be imported gives a *Problem of severity "error" and no
// cells; the caller goes on calling Read. Such rows: non-empty cells beyond
// the header's columns, a value longer than MaxFieldBytes, a quote that is
// never closed (the Problem names the line where it opened; reading resumes
// on the next line). Other errors come from reading the source.
func (r *CSVReader) Read() (line int, cells []string, err error) {
	width := len(r.header)
	for !r.done {
		err := r.p.read(&r.rec)
		if err == io.EOF {
			r.done = true
			break
		}
		if err != nil {
			r.done = true
			return 0, nil, fmt.Errorf("%s: %w", r.name, err)
		}
		rec := &r.rec
		switch {
		case rec.quoteLine > 0:
			return rec.line, nil, r.unclosedQuote(rec)
		case rec.tooLong:
			return rec.line, nil, r.refuse(rec.line, "", "the row is longer than %d bytes; the row is refused", r.p.maxRecord)
		case rec.longField >= 0:
			return rec.line, nil, r.refuse(rec.line, r.columnName(rec.longField),
				"the value is %d bytes long, over the limit of %d bytes; the row is refused", rec.longLen, r.maxField)
		}
		if blankRow(rec.fields) {
			continue
		}
		for j := width; j < len(rec.fields); j++ {
			if !isBlank(rec.fields[j]) {
				return rec.line, nil, r.refuse(rec.line, "",
					"the row has more cells than the header has columns (%d): cell %d (%q) is not empty; the row is refused",
					width, j+1, snippet(rec.fields[j]))
			}
		}
		// Cells are carved from a shared block: one allocation per few
		// thousand cells instead of one per row. A caller keeping a row
		// keeps its block alive, at most 64 KiB.
		if len(r.slab) < width {
			r.slab = make([]string, max(width, 4096))
		}
		cells := r.slab[:width:width]
		r.slab = r.slab[width:]
		copy(cells, rec.fields)
		return rec.line, cells, nil
	}
	return 0, nil, io.EOF
}

func (r *CSVReader) refuse(line int, column, format string, args ...any) *Problem {
	return &Problem{File: r.name, Line: line, Column: column, Reason: fmt.Sprintf(format, args...), Severity: SeverityError}
}

func (r *CSVReader) columnName(i int) string {
	if i < len(r.header) {
		return r.header[i]
	}
	return "列" + strconv.Itoa(i+1)
}

// unclosedQuote reports a quoted value that runs to the end of the file and
// resumes reading on the line after the opening quote. The parser cannot
// back up, so the file is reread from its start (src is seekable) and the
// lines up to there are skipped.
func (r *CSVReader) unclosedQuote(rec *record) *Problem {
	where := "this line"
	if rec.line < rec.quoteLine {
		where = fmt.Sprintf("this line (in the row starting on line %d)", rec.line)
	}
	p := r.refuse(rec.quoteLine, "", `a quoted value opened on %s is never closed (a closing " is missing); the row is refused`, where)
	if r.recoveries >= maxRecoveries {
		r.done = true
		p.Reason += " and the rest of the file is not read"
		return p
	}
	r.recoveries++
	if err := r.restartAfter(rec.quoteLine); err != nil {
		r.done = true
		p.Reason += " and the rest of the file is not read"
		return p
	}
	p.Reason += fmt.Sprintf("; reading resumes on line %d", rec.quoteLine+1)
	return p
}

func (r *CSVReader) restartAfter(line int) error {
	if _, err := r.src.Seek(0, io.SeekStart); err != nil {
		return err
	}
	text, err := decodedReader(r.src, r.dialect.Encoding)
	if err != nil {
		return err
	}
	r.p = newParser(text, byte(r.dialect.Delimiter), r.maxField)
	err = r.p.skipLines(line)
	if err == io.EOF {
		r.done = true
		return nil
	}
	return err
}

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

func isSpaceOrBOM(r rune) bool { return unicode.IsSpace(r) || r == '\ufeff' }

// trimSpace trims ASCII and Unicode spaces (U+3000 too) and stray BOMs.
func trimSpace(s string) string { return strings.TrimFunc(s, isSpaceOrBOM) }

// isBlank tells whether s holds nothing but spaces.
func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' {
			continue
		}
		if c < utf8.RuneSelf {
			return false
		}
		return trimSpace(s[i:]) == ""
	}
	return true
}

func blankRow(fields []string) bool {
	for _, f := range fields {
		if !isBlank(f) {
			return false
		}
	}
	return true
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

// snippet shortens s for a message.
func snippet(s string) string {
	const max = 60
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max]) + "…"
}

// record is one row as the parser read it. fields are valid until the next
// read.
type record struct {
	line      int // physical line where the row starts
	fields    []string
	quoteLine int  // > 0: a quote opened on this line is never closed
	longField int  // index of the first value over the limit, or -1
	longLen   int  // its length
	tooLong   bool // the whole row is over the limit
}

// parser splits LF-terminated text (see decodedReader) into rows. It is
// lenient where real files need it: a quote inside an unquoted value is
// literal, text after a closing quote is kept (as Excel does), spaces before
// an opening quote are dropped. It keeps at most maxField bytes of a value
// and 8 times that of a row, skipping over the rest, so memory stays bounded
// whatever the input.
//
// Why not encoding/csv: it holds a whole record in memory before any limit
// can apply (a 10 MB value is read, copied and only then refused); with
// LazyQuotes=false real municipal files fail on stray quotes, and with
// LazyQuotes=true a quote that is never closed silently swallows the rest
// of the file, while here it is reported with the line where it opened.
type parser struct {
	br        *bufferedReader
	comma     byte
	maxField  int
	maxRecord int
	line      int   // physical line of the next byte
	off       int64 // bytes consumed

	buf    []byte
	ends   []int
	fields []string
	qline  int

	fieldBeg, fieldLen int
	fieldLong          bool
}

func newParser(r io.Reader, comma byte, maxField int) *parser {
	return &parser{br: newBufferedReader(r), comma: comma, maxField: maxField, maxRecord: 8 * maxField, line: 1}
}

const (
	stFieldStart = iota
	stUnquoted
	stQuoted
	stQuoteInQuoted // after a quote inside a quoted value: closing, or the first of a doubled pair
)

// read reads the next row into rec; io.EOF at the end.
func (p *parser) read(rec *record) error {
	p.buf, p.ends = p.buf[:0], p.ends[:0]
	p.fieldBeg, p.fieldLen, p.fieldLong = 0, 0, false
	*rec = record{line: p.line, longField: -1, fields: rec.fields[:0]}
	state := stFieldStart
	started := false
	for {
		chunk, err := p.br.readLine()
		p.off += int64(len(chunk))
		if err != nil && err != errNoNewline && err != io.EOF {
			return err
		}
		started = started || len(chunk) > 0
		nl := err == nil // chunk ends with '\n'
		body := chunk
		if nl {
			body = chunk[:len(chunk)-1]
		}
		for i := 0; i < len(body); {
			switch state {
			case stFieldStart:
				j := i
				for j < len(body) && body[j] == ' ' {
					j++
				}
				if j < len(body) && body[j] == '"' {
					state, p.qline, i = stQuoted, p.line, j+1
					continue
				}
				state = stUnquoted
			case stUnquoted:
				k := bytes.IndexByte(body[i:], p.comma)
				if k < 0 {
					p.add(rec, body[i:])
					i = len(body)
					continue
				}
				p.add(rec, body[i:i+k])
				p.endField(rec)
				state, i = stFieldStart, i+k+1
			case stQuoted:
				k := bytes.IndexByte(body[i:], '"')
				if k < 0 {
					p.add(rec, body[i:])
					i = len(body)
					continue
				}
				p.add(rec, body[i:i+k])
				state, i = stQuoteInQuoted, i+k+1
			case stQuoteInQuoted:
				switch body[i] {
				case '"':
					p.add(rec, body[i:i+1])
					state, i = stQuoted, i+1
				case p.comma:
					p.endField(rec)
					state, i = stFieldStart, i+1
				default:
					state = stUnquoted
				}
			}
		}
		if nl {
			p.line++
			if state == stQuoted {
				p.add(rec, chunk[len(chunk)-1:])
				continue
			}
			break
		}
		if err == io.EOF {
			if !started {
				return io.EOF
			}
			if state == stQuoted {
				rec.quoteLine = p.qline
			}
			break
		}
	}
	p.endField(rec)
	s := string(p.buf)
	prev := 0
	for _, end := range p.ends {
		rec.fields = append(rec.fields, s[prev:end])
		prev = end
	}
	return nil
}

func (p *parser) add(rec *record, b []byte) {
	p.fieldLen += len(b)
	if p.fieldLong || rec.tooLong {
		return
	}
	if p.fieldLen > p.maxField {
		p.fieldLong = true
		p.buf = p.buf[:p.fieldBeg]
		if rec.longField < 0 {
			rec.longField = len(p.ends)
		}
		return
	}
	need := len(p.buf) + len(b)
	if need > p.maxRecord {
		rec.tooLong = true
		p.buf = p.buf[:0]
		return
	}
	if need > cap(p.buf) {
		// Double: append grows large slices by a quarter at a time, which
		// adds up to several copies of a long value.
		nb := make([]byte, len(p.buf), max(need, 2*cap(p.buf), 4<<10))
		copy(nb, p.buf)
		p.buf = nb
	}
	p.buf = append(p.buf, b...)
}

func (p *parser) endField(rec *record) {
	if p.fieldLong && rec.longField == len(p.ends) {
		rec.longLen = p.fieldLen
	}
	if rec.tooLong {
		p.buf = p.buf[:0]
	}
	p.ends = append(p.ends, len(p.buf))
	p.fieldBeg, p.fieldLen, p.fieldLong = len(p.buf), 0, false
}

// skipLines consumes n physical lines.
func (p *parser) skipLines(n int) error {
	for target := p.line + n; p.line < target; {
		chunk, err := p.br.readLine()
		p.off += int64(len(chunk))
		switch err {
		case nil:
			p.line++
		case errNoNewline:
		default:
			return err
		}
	}
	return nil
}

// errNoNewline says a chunk from readLine is not the end of its line.
var errNoNewline = errors.New("line continues")

// bufferedReader hands out lines, or pieces of long lines, straight from its
// buffer (like bufio.Reader.ReadSlice, but an overlong line is not an error).
type bufferedReader struct {
	r   io.Reader
	buf []byte
	r0  int // start of unread data
	w   int // end of data
	err error
}

func newBufferedReader(r io.Reader) *bufferedReader {
	return &bufferedReader{r: r, buf: make([]byte, 64<<10)}
}

// readLine returns the bytes up to and including the next '\n' with a nil
// error; or, with errNoNewline, a piece of a line longer than the buffer;
// or the last bytes of the input with io.EOF (possibly none). The slice is
// valid until the next call.
func (b *bufferedReader) readLine() ([]byte, error) {
	for {
		if i := bytes.IndexByte(b.buf[b.r0:b.w], '\n'); i >= 0 {
			line := b.buf[b.r0 : b.r0+i+1]
			b.r0 += i + 1
			return line, nil
		}
		if b.err != nil {
			line := b.buf[b.r0:b.w]
			b.r0 = b.w
			return line, b.err
		}
		if b.r0 == 0 && b.w == len(b.buf) {
			b.r0 = b.w
			return b.buf, errNoNewline
		}
		if b.r0 > 0 {
			b.w = copy(b.buf, b.buf[b.r0:b.w])
			b.r0 = 0
		}
		n, err := b.r.Read(b.buf[b.w:])
		b.w += n
		if err != nil {
			b.err = err
		}
	}
}
