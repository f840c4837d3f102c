package datasets

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
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

func blankRow(fields []string) bool {
	for _, f := range fields {
		if !isBlank(f) {
			return false
		}
	}
	return true
}
