package datasets

import (
	"bytes"
	"errors"
	"io"
)

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
	if rec.tooLong {
		// The row is refused whole; its values were dropped as they came,
		// so the field ends already recorded point past the emptied buffer.
		return nil
	}
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
