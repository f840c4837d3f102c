package datasets

import (
	"bytes"
	"errors"
	"io"
	"math/rand"
	"strings"
	"testing"
	"testing/iotest"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
)

func TestDetectEncoding(t *testing.T) {
	const ja = "名称,住所,備考\n東京都庁,新宿区西新宿2-8-1,ソ表能予十\n"
	sj := func(s string) []byte {
		b, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	euc := func(s string) []byte {
		b, err := japanese.EUCJP.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	u16 := func(e unicode.Endianness, bom unicode.BOMPolicy, s string) []byte {
		b, err := unicode.UTF16(e, bom).NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	rnd := rand.New(rand.NewSource(7))
	noise := make([]byte, 1000)
	rnd.Read(noise)
	controls := bytes.Repeat([]byte("ab\x01\x02\x03,\x04\x05\n"), 50)

	tests := []struct {
		name string
		data []byte
		want Encoding
		line int      // for errors: the line named
		errs []string // for errors: words in the message
	}{
		{"empty", nil, UTF8, 0, nil},
		{"ascii", []byte("a,b\n1,2\n"), UTF8, 0, nil},
		{"utf-8", []byte(ja), UTF8, 0, nil},
		{"utf-8 bom", append([]byte("\xef\xbb\xbf"), ja...), UTF8BOM, 0, nil},
		{"shift_jis", sj(ja), ShiftJIS, 0, nil},
		{"cp932 extensions", append(sj("①,㈱,ⅰ,髙\n"), 0xfa, 0x40, ',', 0xfb, 0xfc, ',', 0xed, 0x40, '\n'), ShiftJIS, 0, nil},
		{"half-width katakana", sj("ｶﾀｶﾅ,ﾃｽﾄ\nｱｲｳｴｵ,ﾊﾟﾋﾟﾌﾟ\n"), ShiftJIS, 0, nil},
		// Line 2 (a level-2 kanji and "、") is valid UTF-8 by chance: E0 A0 81 41.
		{"shift_jis with a line that passes for utf-8", append(append(sj("名称,住所\n"), "x,\xe0\xa0\x81\x41\n"...), sj("東京,新宿\n")...), ShiftJIS, 0, nil},
		{"euc-jp", euc(ja), EUCJP, 0, nil},
		{"euc-jp kana and JIS X 0212", append(euc("ひらがなとカタカナ,ｶﾀｶﾅ\n"), 0x8f, 0xb0, 0xa1, '\n'), EUCJP, 0, nil},
		// Valid Shift_JIS too (as half-width katakana and E0–EF pairs): the
		// plausibility score decides.
		{"euc-jp that is valid shift_jis too", euc("ひらがなとカタカナ,ｶﾀｶﾅ\n"), EUCJP, 0, nil},
		{"utf-16le bom", u16(unicode.LittleEndian, unicode.UseBOM, ja), UTF16LE, 0, nil},
		{"utf-16be bom", u16(unicode.BigEndian, unicode.UseBOM, ja), UTF16BE, 0, nil},
		{"utf-16le no bom", u16(unicode.LittleEndian, unicode.IgnoreBOM, ja), UTF16LE, 0, nil},
		{"utf-16be no bom", u16(unicode.BigEndian, unicode.IgnoreBOM, ja), UTF16BE, 0, nil},
		{"png", append([]byte("\x89PNG\r\n\x1a\n"), noise...), "", 0, []string{"not a text file", "PNG"}},
		{"noise", noise, "", 0, []string{"not a text file", "NUL"}},
		{"controls", controls, "", 0, []string{"not a text file", "control characters"}},
		{"xls", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00"), "", 0, []string{"not a text file", "xls"}},
		{"utf-8 then shift_jis", append([]byte("名称,住所\n東京,新宿\n"), sj("大阪,北区\n")...), "", 3, []string{"mixes encodings", "line 1 is UTF-8", "line 3 is not"}},
		{"shift_jis then utf-8", append(sj("名称,住所\n東京,新宿\n"), "大阪,北区\n"...), "", 3, []string{"mixes encodings", "line 3 is UTF-8", "line 1 is not"}},
		{"bom then shift_jis", append([]byte("\xef\xbb\xbfa,b\n1,2\n"), sj("大阪,北区\n")...), "", 3, []string{"byte-order mark", "not valid UTF-8"}},
		{"damaged", append(sj("名称,住所\r\n東京,新宿\r\n"), "a,\xff\xfe\r\n"...), "", 3, []string{"cannot be decoded", "lines 1–2 read as Shift_JIS"}},
		{"lone CR lines counted", append(sj("名称,住所\r東京,新宿\r"), "a,\xff\r"...), "", 3, []string{"cannot be decoded"}},
		{"cut sequence at the end", append(sj("名称,住所\n"), 0x96), "", 2, []string{"cannot be decoded"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A one-byte reader checks that state carries across reads.
			for _, r := range []io.Reader{bytes.NewReader(tt.data), iotest.OneByteReader(bytes.NewReader(tt.data))} {
				got, err := DetectEncoding(r)
				if tt.errs == nil {
					if err != nil || got != tt.want {
						t.Fatalf("DetectEncoding = %q, %v; want %q", got, err, tt.want)
					}
					continue
				}
				var ee *encodingError
				if !errors.As(err, &ee) {
					t.Fatalf("DetectEncoding = %q, %v; want an error", got, err)
				}
				if ee.Line != tt.line {
					t.Errorf("error names line %d, want %d: %v", ee.Line, tt.line, err)
				}
				for _, w := range tt.errs {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not say %q", err, w)
					}
				}
			}
		})
	}
}

func TestDetectEncodingReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	if _, err := DetectEncoding(iotest.ErrReader(boom)); !errors.Is(err, boom) {
		t.Errorf("err = %v, want the read error", err)
	}
}

func BenchmarkDetectEncoding(b *testing.B) {
	text := strings.Repeat("東京都千代田区,施設名称,35.6895,139.6917,ふつうの説明文です\r\n", 20000)
	sj, _ := japanese.ShiftJIS.NewEncoder().Bytes([]byte(text))
	for _, c := range []struct {
		name string
		data []byte
		want Encoding
	}{{"utf-8", []byte(text), UTF8}, {"shift_jis", sj, ShiftJIS}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.data)))
			for b.Loop() {
				if enc, err := DetectEncoding(bytes.NewReader(c.data)); err != nil || enc != c.want {
					b.Fatal(enc, err)
				}
			}
		})
	}
}
