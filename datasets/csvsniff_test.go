package datasets

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCSVReaderDialects(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		delim   rune
		header  []string
		records [][]string
		lines   []int
	}{
		{"tab", "名称\t住所\t備考\n\"A,B\"\t東京\t\"a\tb\"\nC\t大阪\t,\n", '\t',
			[]string{"名称", "住所", "備考"}, [][]string{{"A,B", "東京", "a\tb"}, {"C", "大阪", ","}}, []int{2, 3}},
		{"comma with tabs and semicolons in values", "a,b,c\n\"x\ty\",2;3,z\n1,2,3\n", ',',
			[]string{"a", "b", "c"}, [][]string{{"x\ty", "2;3", "z"}, {"1", "2", "3"}}, []int{2, 3}},
		{"semicolon", "a;b;c\n1,5;2;3\n4;5;6\n", ';',
			[]string{"a", "b", "c"}, [][]string{{"1,5", "2", "3"}, {"4", "5", "6"}}, []int{2, 3}},
		{"CRLF", "a,b\r\n1,2\r\n3,4\r\n", ',', []string{"a", "b"}, [][]string{{"1", "2"}, {"3", "4"}}, []int{2, 3}},
		{"lone CR", "a,b\r1,2\r\r3,4\r", ',', []string{"a", "b"}, [][]string{{"1", "2"}, {"3", "4"}}, []int{2, 4}},
		{"NEL", "a,b\u00851,2\u0085\"x\u0085y\",4", ',', []string{"a", "b"}, [][]string{{"1", "2"}, {"x\ny", "4"}}, []int{2, 3}},
		{"mixed line ends", "a,b\r\n1,2\n3,4\r5,6", ',', []string{"a", "b"}, [][]string{{"1", "2"}, {"3", "4"}, {"5", "6"}}, []int{2, 3, 4}},
		{"quoted multi-line and doubled quotes", "a,b\n\"line1\r\nline2\",\"say \"\"hi\"\"\"\n3,4\n", ',',
			[]string{"a", "b"}, [][]string{{"line1\nline2", `say "hi"`}, {"3", "4"}}, []int{2, 4}},
		{"lenient quotes", "a,b,c\n12\"inch,\"x\"y, \"q,r\"\n", ',',
			[]string{"a", "b", "c"}, [][]string{{`12"inch`, "xy", "q,r"}}, []int{2}},
		{"blank rows and columns", "\n\na,b,,\n1,2,,\n,,,\n\n3,,,\n,,\n", ',',
			[]string{"a", "b"}, [][]string{{"1", "2"}, {"3", ""}}, []int{4, 7}},
		{"short rows padded", "a,b,c\n1\n1,2\n", ',', []string{"a", "b", "c"}, [][]string{{"1", "", ""}, {"1", "2", ""}}, []int{2, 3}},
		{"comments", "# 桜井市 観光施設一覧\n#「展示・催し物」より, 作成\n\n名称,住所\n# not a comment,here\n", ',',
			[]string{"名称", "住所"}, [][]string{{"# not a comment", "here"}}, []int{5}},
		{"hash header", "#,名称,住所\n1,a,b\n2,c,d\n", ',', []string{"#", "名称", "住所"}, [][]string{{"1", "a", "b"}, {"2", "c", "d"}}, []int{2, 3}},
		{"single column", "名称\nA\nB\n", ',', []string{"名称"}, [][]string{{"A"}, {"B"}}, []int{2, 3}},
		{"no final newline", "a,b\n1,2", ',', []string{"a", "b"}, [][]string{{"1", "2"}}, []int{2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustRead(t, "t.csv", []byte(tt.data))
			if d := res.r.Dialect(); d.Delimiter != tt.delim {
				t.Errorf("delimiter = %q, want %q", d.Delimiter, tt.delim)
			}
			if diff := cmp.Diff(tt.header, res.r.Header()); diff != "" {
				t.Errorf("header (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.records, res.records); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.lines, res.lines); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
			if len(res.rowErrs) > 0 {
				t.Errorf("row errors: %v", res.rowErrs)
			}
		})
	}
}

func TestCSVReaderHeader(t *testing.T) {
	tests := []struct {
		name     string
		data     string
		header   []string
		warnings []string // columns named in warnings
		line     int
	}{
		{"duplicates", "名前,住所,名前,名前\n1,2,3,4\n", []string{"名前", "住所", "名前_2", "名前_3"}, []string{"名前_2", "名前_3"}, 1},
		{"duplicate colliding with a name", "a,a,a_2\n1,2,3\n", []string{"a", "a_3", "a_2"}, []string{"a_3"}, 1},
		{"empty names", "名称,,住所,\u3000\n1,2,3,4\n", []string{"名称", "列2", "住所", "列4"}, []string{"列2", "列4"}, 1},
		{"trailing empty columns dropped", "a,b,,,\n1,2,,,\n3,4\n", []string{"a", "b"}, nil, 1},
		{"trailing empty column kept when used", "a,b,,\n1,2,,\n3,4,x,\n", []string{"a", "b", "列3"}, []string{"列3"}, 1},
		{"spaces trimmed", " 名称 ,\u3000住所\u3000\n1,2\n", []string{"名称", "住所"}, nil, 1},
		{"line breaks", "\"三次\n救急\",\"Opening\r\nhours\"\n1,2\n", []string{"三次救急", "Opening hours"}, []string{"三次救急", "Opening hours"}, 1},
		{"title rows", ",,東京都一覧,,\n,,,,令和4年1月1日現在\n,,,,\n区,,名称,住所,病床\nA,,b,c,1\n,,d,e,2\n", []string{"区", "列2", "名称", "住所", "病床"}, []string{"", "", "列2"}, 4},
		{"title line without delimiters", "施設一覧\n名称,住所,電話\n1,2,3\n", []string{"名称", "住所", "電話"}, []string{""}, 2},
		{"numbers as header", "1,2,3\n4,5,6\n", []string{"1", "2", "3"}, []string{""}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustRead(t, "h.csv", []byte(tt.data))
			if diff := cmp.Diff(tt.header, res.r.Header()); diff != "" {
				t.Errorf("header (-want +got):\n%s", diff)
			}
			var cols []string
			for _, p := range res.problems {
				if p.Severity != SeverityWarning || p.File != "h.csv" || p.Line == 0 || p.Reason == "" {
					t.Errorf("problem %+v", p)
				}
				cols = append(cols, p.Column)
			}
			if diff := cmp.Diff(tt.warnings, cols); diff != "" {
				t.Errorf("warned columns (-want +got):\n%s\n%v", diff, res.problems)
			}
			if got := res.r.Dialect().HeaderLine; got != tt.line {
				t.Errorf("header line = %d, want %d", got, tt.line)
			}
			if len(res.rowErrs) > 0 {
				t.Errorf("row errors: %v", res.rowErrs)
			}
		})
	}
}

func TestCSVReaderHeaderOnly(t *testing.T) {
	for _, data := range []string{"a,b,c\n", "a,b,c", "\ufeffa,b,c\r\n\r\n"} {
		res := mustRead(t, "h.csv", []byte(data))
		if len(res.records)+len(res.rowErrs) != 0 || !cmp.Equal(res.r.Header(), []string{"a", "b", "c"}) {
			t.Errorf("%q: header %q, %d records, errors %v", data, res.r.Header(), len(res.records), res.rowErrs)
		}
	}
}
