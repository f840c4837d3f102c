package datasets

import (
	"bytes"
	"errors"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
)

const realCSV = "../../shared/data/real-csv/"

// readResult is everything a CSVReader gave for one file.
type readResult struct {
	r        *CSVReader
	lines    []int
	records  [][]string
	rowErrs  []*Problem
	problems []Problem
}

func readAll(t *testing.T, r *CSVReader) readResult {
	t.Helper()
	res := readResult{r: r, problems: r.Problems()}
	width := len(r.Header())
	for i := 0; ; i++ {
		if i > 10_000_000 {
			t.Fatal("Read does not end")
		}
		line, cells, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var p *Problem
			if !errors.As(err, &p) {
				t.Fatalf("Read: %v (not a *Problem)", err)
			}
			res.rowErrs = append(res.rowErrs, p)
			continue
		}
		if len(cells) != width {
			t.Fatalf("line %d: %d cells, header has %d", line, len(cells), width)
		}
		res.lines = append(res.lines, line)
		res.records = append(res.records, cells)
	}
	// After io.EOF it stays at io.EOF.
	if _, _, err := r.Read(); err != io.EOF {
		t.Errorf("Read after EOF: %v", err)
	}
	return res
}

// readBytes writes data to a file in a temporary directory and reads it.
func readBytes(t *testing.T, name string, data []byte, opt CSVOptions) (readResult, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	r, err := NewCSVReader(name, f, opt)
	if err != nil {
		return readResult{}, err
	}
	return readAll(t, r), nil
}

func mustRead(t *testing.T, name string, data []byte) readResult {
	t.Helper()
	res, err := readBytes(t, name, data, CSVOptions{})
	if err != nil {
		t.Fatalf("NewCSVReader: %v", err)
	}
	return res
}

func sjis(t *testing.T, s string) []byte {
	t.Helper()
	b, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encoding %q to Shift_JIS: %v", s, err)
	}
	return b
}

// TestCSVReaderRealFiles reads every municipal file in place. The record
// counts were verified independently with Python: decode as cp932 (or
// utf-8-sig), drop the lines above the header, parse with csv.reader and
// count the rows after the header that have a non-blank cell, e.g.
//
//	s = open(f,'rb').read().decode('cp932')
//	rows = list(csv.reader(io.StringIO(''.join(s.splitlines(True)[hdr-1:]), newline='')))
//	len([r for r in rows[1:] if any(c.strip() for c in r)])
//
// Every cell of every record also matched that parse (with CRLF in quoted
// values read as LF).
func TestCSVReaderRealFiles(t *testing.T) {
	tests := []struct {
		file       string
		enc        Encoding
		headerLine int
		header     []string // the first names
		width      int
		records    int
		firstLines []int // lines where the first records start
		skipped    int
		warnings   int
	}{
		// 八丈町: Shift_JIS although nothing says so.
		{"hachijo_sightseeing.csv", ShiftJIS, 1, []string{"観光スポット名称", "所在地", "緯度", "経度", "座標系"}, 7, 20, []int{2, 3, 4}, 0, 0},
		// The README says UTF-8 with BOM; the bytes are Shift_JIS.
		{"katsushika_tourism.csv", ShiftJIS, 1, []string{"都道府県コード又は市区町村コード", "NO", "都道府県名"}, 30, 3, []int{2, 3, 4}, 0, 0},
		// Two title rows, a merged (empty) header cell, a header with a line
		// break; the last two records are the 合計 row and a footnote.
		{"kyotenbyoinlist20220101.csv", ShiftJIS, 3, []string{"二次保健医療圏", "列2", "施設名", "所在地", "電話番号", "病床数", "三次救急"}, 7, 87, []int{5, 6, 7}, 2, 4},
		// Two blank rows (",,,,") at the end.
		{"onsen.csv", ShiftJIS, 1, []string{"施設名", "所在地", "緯度", "経度", "座標系"}, 13, 7, []int{2, 3, 4}, 0, 0},
		{"saitama_aed.csv", UTF8BOM, 1, []string{"施設名等", "設置場所", "区", "所在地", "緯度", "経度"}, 6, 392, []int{2, 3, 4}, 0, 0},
		// Quoted values with LF inside CRLF lines.
		{"shimabara_tourism.csv", UTF8BOM, 1, []string{"都道府県コード又は市区町村コード", "NO", "都道府県名"}, 30, 28, []int{2, 6, 9}, 0, 0},
		// Two '#' comment lines (plain UTF-8: the "mojibake" the README
		// mentions is not in this copy).
		{"tnm_exhibitions.csv", UTF8, 3, []string{"展示名", "会場", "期間"}, 3, 5, []int{4, 5, 6}, 2, 0},
		// LF only, no comment lines; pre-Meiji era dates.
		{"volcano_damage.csv", UTF8, 1, []string{"噴火年月日", "火山名", "犠牲者（人）", "備考"}, 4, 21, []int{2, 3, 4}, 0, 0},
		// A '#' comment, quoted values over two lines, 18 records.
		{"yanai_tourism_sjis.csv", ShiftJIS, 2, []string{"市区町村コード", "NO", "都道府県名", "市区町村名", "名称"}, 30, 18, []int{3, 5, 6}, 1, 0},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(realCSV + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			r, err := NewCSVReader(tt.file, f, CSVOptions{})
			if err != nil {
				t.Fatalf("NewCSVReader: %v", err)
			}
			d := r.Dialect()
			if d.Encoding != tt.enc || d.Delimiter != ',' || d.HeaderLine != tt.headerLine || len(d.Skipped) != tt.skipped {
				t.Errorf("dialect = %+v, want encoding %s, ',', header line %d, %d skipped", d, tt.enc, tt.headerLine, tt.skipped)
			}
			h := r.Header()
			if len(h) != tt.width {
				t.Errorf("header has %d columns, want %d: %q", len(h), tt.width, h)
			}
			if diff := cmp.Diff(tt.header, h[:min(len(h), len(tt.header))]); diff != "" {
				t.Errorf("header (-want +got):\n%s", diff)
			}
			res := readAll(t, r)
			if len(res.rowErrs) > 0 {
				t.Errorf("row errors: %v", res.rowErrs)
			}
			for _, p := range res.problems {
				if p.Severity != SeverityWarning || p.File != tt.file || p.Line == 0 {
					t.Errorf("problem %+v", p)
				}
			}
			if len(res.problems) != tt.warnings {
				t.Errorf("%d warnings, want %d: %v", len(res.problems), tt.warnings, res.problems)
			}
			if len(res.records) != tt.records {
				t.Errorf("%d records, want %d", len(res.records), tt.records)
			}
			if diff := cmp.Diff(tt.firstLines, res.lines[:min(len(res.lines), len(tt.firstLines))]); diff != "" {
				t.Errorf("record lines (-want +got):\n%s", diff)
			}
		})
	}
	all, _ := filepath.Glob(realCSV + "*.csv")
	for _, f := range all {
		if !seen[filepath.Base(f)] {
			t.Errorf("%s is not in the test table", f)
		}
	}
}

// TestCSVReaderRealValues checks cells that show the decoding and parsing
// went right, beyond counts.
func TestCSVReaderRealValues(t *testing.T) {
	read := func(file string) readResult {
		f, err := os.Open(realCSV + file)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		r, err := NewCSVReader(file, f, CSVOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return readAll(t, r)
	}
	yanai := read("yanai_tourism_sjis.csv")
	desc := yanai.records[0][18]
	if !strings.HasPrefix(desc, "中世の町割りがそのまま") || !strings.Contains(desc, "町筋です。\n昭和59年") || strings.Contains(desc, "\r") {
		t.Errorf("yanai multi-line value = %q", desc)
	}
	if got := yanai.r.Dialect().Skipped; !cmp.Equal(got, []string{"# 桜井市 観光施設一覧"}) {
		t.Errorf("yanai skipped = %q", got)
	}
	kyoten := read("kyotenbyoinlist20220101.csv")
	if got := kyoten.records[0]; !cmp.Equal(got, []string{"区中央部", "", "日本大学病院", "千代田区神田駿河台1-6", "03－3293－1711", "320", "○"}) {
		t.Errorf("kyoten first record = %q", got)
	}
	if got := kyoten.r.Dialect().Skipped; !cmp.Equal(got, []string{",,東京都災害拠点病院一覧,,,,", ",,,,,令和4年1月1日現在,"}) {
		t.Errorf("kyoten skipped = %q", got)
	}
	onsen := read("onsen.csv")
	if lat, lon, ok := CoordinateColumns(onsen.r.Header()); !ok || lat != 2 || lon != 3 {
		t.Fatalf("onsen coordinate columns = %d, %d, %v", lat, lon, ok)
	}
	if got := onsen.records[0][2]; got != "33.075843 " {
		t.Errorf("onsen latitude as written = %q", got)
	}
	if v, ok := ParseCoordinate(onsen.records[0][2]); !ok || v != 33.075843 {
		t.Errorf("onsen latitude = %v, %v", v, ok)
	}
	if got := onsen.records[0][4]; got != "JGD2011" {
		t.Errorf("onsen datum = %q", got)
	}
	tnm := read("tnm_exhibitions.csv")
	if got := tnm.records[0][2]; got != "2023年1月31日（火） ～ 2023年2月19日（日）" {
		t.Errorf("tnm period = %q", got)
	}
	volcano := read("volcano_damage.csv")
	if got := volcano.records[0][0]; got != "享保6年6月22日" {
		t.Errorf("volcano date = %q", got)
	}
	if _, ok := ParseDate(volcano.records[0][0]); ok {
		t.Error("享保6年6月22日 parsed as a Gregorian date")
	}
}

func TestCSVReaderEncodings(t *testing.T) {
	const text = "名称,住所,電話\n㈱ソフト表示①,東京都千代田区ｶﾀｶﾅ通り,03-1234-5678\nキュート,纊髙ⅰ,0820-22-2111\n"
	want := [][]string{{"㈱ソフト表示①", "東京都千代田区ｶﾀｶﾅ通り", "03-1234-5678"}, {"キュート", "纊髙ⅰ", "0820-22-2111"}}
	u16 := func(e unicode.Endianness) []byte {
		b, err := unicode.UTF16(e, unicode.UseBOM).NewEncoder().Bytes([]byte(strings.ReplaceAll(text, "\n", "\r\n")))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	// IBM extensions as Windows writes them (FA 40 ⅰ, FB FC 髙 in the
	// IBM block), which the encoder would put in the NEC-selected rows.
	cp932 := bytes.Replace(sjis(t, text), sjis(t, "ⅰ"), []byte{0xfa, 0x40}, 1)
	cp932 = bytes.Replace(cp932, sjis(t, "髙"), []byte{0xfb, 0xfc}, 1)
	euc, err := japanese.EUCJP.NewEncoder().Bytes([]byte(strings.ReplaceAll(strings.ReplaceAll(text, "纊髙ⅰ", "千代田"), "①", "")))
	if err != nil {
		t.Fatal(err)
	}
	wantEUC := [][]string{{"㈱ソフト表示", "東京都千代田区ｶﾀｶﾅ通り", "03-1234-5678"}, {"キュート", "千代田", "0820-22-2111"}}
	tests := []struct {
		name string
		data []byte
		enc  Encoding
		want [][]string
	}{
		{"utf8", []byte(text), UTF8, want},
		{"utf8-bom", append([]byte("\xef\xbb\xbf"), text...), UTF8BOM, want},
		{"cp932", cp932, ShiftJIS, want},
		{"euc-jp", euc, EUCJP, wantEUC},
		{"utf16le", u16(unicode.LittleEndian), UTF16LE, want},
		{"utf16be", u16(unicode.BigEndian), UTF16BE, want},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustRead(t, tt.name+".csv", tt.data)
			if got := res.r.Dialect().Encoding; got != tt.enc {
				t.Errorf("encoding = %s, want %s", got, tt.enc)
			}
			if diff := cmp.Diff([]string{"名称", "住所", "電話"}, res.r.Header()); diff != "" {
				t.Errorf("header (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, res.records); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]int{2, 3}, res.lines); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCSVReaderShiftJISNotNEL: in Shift_JIS, 85 is a byte of characters
// like "ュ" (83 85) and "ｅ" (82 85), not a line end.
func TestCSVReaderShiftJISNotNEL(t *testing.T) {
	data := sjis(t, "名称,備考\r\nキュート,ｅメール\r\n")
	if !bytes.Contains(data, []byte{0x83, 0x85}) || !bytes.Contains(data, []byte{0x82, 0x85}) {
		t.Fatalf("fixture lacks the 85 bytes: % x", data)
	}
	res := mustRead(t, "nel.csv", data)
	if diff := cmp.Diff([][]string{{"キュート", "ｅメール"}}, res.records); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
}

// wantProblem checks a refusal: a *Problem of severity error naming the
// file, the line and, in words, what is wrong.
func wantProblem(t *testing.T, err error, file string, line int, words ...string) {
	t.Helper()
	var p *Problem
	if !errors.As(err, &p) {
		t.Fatalf("error %v (%T) is not a *Problem", err, err)
	}
	if p.File != file || p.Line != line || p.Severity != SeverityError {
		t.Errorf("problem %+v, want file %s, line %d, severity error", *p, file, line)
	}
	msg := p.Error()
	for _, w := range words {
		if !strings.Contains(msg, w) {
			t.Errorf("message %q does not say %q", msg, w)
		}
	}
}

func TestCSVReaderRefusesFile(t *testing.T) {
	rnd := rand.New(rand.NewSource(1))
	noise := make([]byte, 4096)
	rnd.Read(noise)
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"), noise...)
	mixed := append([]byte("名称,住所\n東京,千代田\n"), sjis(t, "大阪,北区\n")...)
	mixed2 := append(sjis(t, "名称,住所\n東京,千代田\n大阪,北区\n"), "福岡,博多区\n"...)
	tests := []struct {
		name  string
		data  []byte
		line  int
		words []string
	}{
		{"empty.csv", nil, 0, []string{"empty.csv", "empty"}},
		{"image.csv", png, 0, []string{"not a text file", "PNG"}},
		{"noise.csv", noise, 0, []string{"not a text file", "NUL"}},
		{"book.csv", []byte("PK\x03\x04\x14\x00\x06\x00"), 0, []string{"not a text file", "xlsx"}},
		{"mixed.csv", mixed, 3, []string{"mixed.csv:3", "mixes encodings", "line 1 is UTF-8"}},
		{"mixed2.csv", mixed2, 4, []string{"mixed2.csv:4", "mixes encodings"}},
		{"blank.csv", []byte("\r\n\r\n  \r\n"), 0, []string{"no header row"}},
		{"comments.csv", []byte("# only\n# comments\n"), 0, []string{"no header row"}},
		{"quote.csv", []byte("a,\"b\nc,d\n"), 1, []string{"header", "never closed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readBytes(t, tt.name, tt.data, CSVOptions{})
			if err == nil {
				t.Fatal("no error")
			}
			wantProblem(t, err, tt.name, tt.line, tt.words...)
		})
	}
}

func TestCSVReaderBadRows(t *testing.T) {
	data := "a,b,c\n" + // 1
		"1,2,3\n" + // 2
		"1,2,3,4\n" + // 3: one cell too many
		"1,2,3,,\n" + // 4: empty extra cells are fine
		"\"x\ny\",10,11\n" + // 5–6
		"4,\"5,6\n" + // 7: quote never closed
		"7,8,9\n" // 8
	res := mustRead(t, "bad.csv", []byte(data))
	want := [][]string{{"1", "2", "3"}, {"1", "2", "3"}, {"x\ny", "10", "11"}, {"7", "8", "9"}}
	if diff := cmp.Diff(want, res.records); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{2, 4, 5, 8}, res.lines); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	if len(res.rowErrs) != 2 {
		t.Fatalf("row errors: %v", res.rowErrs)
	}
	wantProblem(t, res.rowErrs[0], "bad.csv", 3, "more cells than the header has columns (3)", "cell 4")
	wantProblem(t, res.rowErrs[1], "bad.csv", 7, "never closed", "resumes on line 8")
}

func TestCSVReaderUnclosedQuoteAtEnd(t *testing.T) {
	res := mustRead(t, "q.csv", []byte("a,b\n1,2\n\"3,4\n5,6\n"))
	if diff := cmp.Diff([][]string{{"1", "2"}, {"5", "6"}}, res.records); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	if len(res.rowErrs) != 1 {
		t.Fatalf("row errors: %v", res.rowErrs)
	}
	wantProblem(t, res.rowErrs[0], "q.csv", 3, "never closed")
	// A multi-line row whose last quote never closes.
	res = mustRead(t, "q2.csv", []byte("a,b\n\"x\ny\",\"z\n"))
	if len(res.records) != 0 || len(res.rowErrs) != 1 {
		t.Fatalf("records %q, errors %v", res.records, res.rowErrs)
	}
	wantProblem(t, res.rowErrs[0], "q2.csv", 3, "never closed", "row starting on line 2")
}

// pointCSV generates a CSV of n point rows of 10 simple columns.
func pointCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("id,name,lat,lon,code,kind,open,close,count,note\n")
	for i := range n {
		b.WriteString(strings.Join([]string{
			itoa(i), "施設" + itoa(i), "35." + itoa(100000+i%899999), "139." + itoa(100000+i%899999),
			"13" + itoa(1000+i%9000), "公園", "9:00", "17:00", itoa(i % 1000), "note",
		}, ","))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func itoa(i int) string {
	var buf [20]byte
	n := len(buf)
	for {
		n--
		buf[n] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			return string(buf[n:])
		}
	}
}

func BenchmarkCSVReader(b *testing.B) {
	data := pointCSV(100_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := NewCSVReader("points.csv", bytes.NewReader(data), CSVOptions{})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			_, _, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 100_000 {
			b.Fatalf("%d records", n)
		}
	}
}

// generatedCSV is a seekable CSV of fixed-width rows made up on the fly, so
// that a file far larger than the reader may hold needs no memory here.
type generatedCSV struct {
	header string
	rows   int
	off    int64
}

const generatedRowLen = 60

func (g *generatedCSV) size() int64 { return int64(len(g.header)) + int64(g.rows)*generatedRowLen }

func (g *generatedCSV) row(i int) string {
	// 60 bytes: 8+1+13+1+9+1+10+1+6+1+4+1+3+1 = 60
	s := pad(i, 8) + ",施設" + pad(i%10000000, 7) + ",35." + pad(i%1000000, 6) + ",139." + pad(i%1000000, 6) +
		",公園,9:00," + pad(i%1000, 3) + "\n"
	return s
}

func pad(i, width int) string {
	s := itoa(i)
	return strings.Repeat("0", width-len(s)) + s
}

func (g *generatedCSV) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) && g.off < g.size() {
		var src string
		var at int64
		if g.off < int64(len(g.header)) {
			src, at = g.header, g.off
		} else {
			rel := g.off - int64(len(g.header))
			src, at = g.row(int(rel/generatedRowLen)), rel%generatedRowLen
		}
		c := copy(p[n:], src[at:])
		n += c
		g.off += int64(c)
	}
	if n == 0 {
		return 0, io.EOF
	}
	return n, nil
}

func (g *generatedCSV) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
		g.off = offset
	case io.SeekCurrent:
		g.off += offset
	case io.SeekEnd:
		g.off = g.size() + offset
	}
	return g.off, nil
}

// TestCSVReaderMillionRows reads a 60 MB, 1,000,000-row file and checks the
// live heap stays small while doing so.
func TestCSVReaderMillionRows(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 60 MB")
	}
	g := &generatedCSV{header: "id,name,lat,lon,kind,open,count\n", rows: 1_000_000}
	if len(g.row(123)) != generatedRowLen {
		t.Fatalf("row length %d", len(g.row(123)))
	}
	start := time.Now()
	r, err := NewCSVReader("million.csv", g, CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var maxHeap uint64
	n := 0
	for {
		line, cells, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if n%250_000 == 0 {
			if line != n+2 || cells[0] != pad(n, 8) {
				t.Fatalf("record %d: line %d, cells %q", n, line, cells)
			}
			var m runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&m)
			maxHeap = max(maxHeap, m.HeapAlloc)
		}
		n++
	}
	elapsed := time.Since(start)
	if n != 1_000_000 {
		t.Errorf("%d records", n)
	}
	if maxHeap > 16<<20 {
		t.Errorf("live heap reached %d MB reading a %d MB file", maxHeap>>20, g.size()>>20)
	}
	t.Logf("%d rows, %d MB in %v (%.0f rows/s), live heap at most %.1f MB",
		n, g.size()>>20, elapsed, float64(n)/elapsed.Seconds(), float64(maxHeap)/(1<<20))
}

// TestCSVReaderUnmappable: user-defined characters (外字) decode to U+FFFD;
// the file is read, with a warning naming the first line.
func TestCSVReaderUnmappable(t *testing.T) {
	data := append(sjis(t, "名称,住所\r\n東京,千代田\r\n大阪,"), 0xf0, 0x40, 0xf0, 0x41, '\r', '\n')
	res := mustRead(t, "gaiji.csv", data)
	if diff := cmp.Diff([][]string{{"東京", "千代田"}, {"大阪", "\ufffd\ufffd"}}, res.records); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	if len(res.problems) != 1 || res.problems[0].Line != 3 || res.problems[0].Severity != SeverityWarning ||
		!strings.Contains(res.problems[0].Reason, "2 characters have no Unicode equivalent") {
		t.Errorf("problems = %+v", res.problems)
	}
	euc := []byte{0xcc, 0xbe, 0xbe, 0xce, '\n', 0xf5, 0xa1, '\n'} // 名称 / a user-defined code
	res = mustRead(t, "gaiji-euc.csv", euc)
	if res.r.Dialect().Encoding != EUCJP || len(res.problems) != 1 || res.problems[0].Line != 2 {
		t.Errorf("encoding %s, problems = %+v", res.r.Dialect().Encoding, res.problems)
	}
}

// FuzzCSVReader: any bytes give a *Problem or a reader whose records have
// the header's width, on increasing lines, and that ends.
func FuzzCSVReader(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "a\tb\r\n\"x\ny\"\t2\r", "#c\n,,t,,\nh,,i\n1,2,3\n", "a,\"b\n", "\xef\xbb\xbfa;b\u00851;2",
		"\x82\xa0,\x82\xa2\n\x83\x85,1\n", "\xff\xfea\x00,\x00b\x00", "a,b,,\n1,2,3,4\n\"q\"x,\"\"\n",
		",\f", // once gave an empty header: \f is a space to trimSpace, was not to isBlank
	} {
		f.Add([]byte(s))
	}
	// The real municipal files, in their real encodings and dialects.
	real, _ := filepath.Glob(filepath.Join("..", "..", "shared", "data", "real-csv", "*.csv"))
	for _, name := range real {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewCSVReader("f.csv", bytes.NewReader(data), CSVOptions{MaxFieldBytes: 64})
		if err != nil {
			var p *Problem
			if !errors.As(err, &p) || p.Severity != SeverityError || p.Reason == "" {
				t.Fatalf("error %v", err)
			}
			return
		}
		width, last := len(r.Header()), 0
		if width == 0 {
			t.Fatal("empty header")
		}
		for i := 0; i <= len(data)+1; i++ {
			line, cells, err := r.Read()
			if err == io.EOF {
				return
			}
			if err != nil {
				var p *Problem
				if !errors.As(err, &p) || p.Line <= 0 {
					t.Fatalf("row error %v", err)
				}
				continue
			}
			if len(cells) != width || line <= last {
				t.Fatalf("line %d after %d, %d cells for %d columns", line, last, len(cells), width)
			}
			last = line
		}
		t.Fatal("Read does not end")
	})
}
