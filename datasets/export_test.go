package datasets

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPropsCells(t *testing.T) {
	names := []string{"名称", "数", "有無", "空", "メモ"}
	tests := []struct {
		name  string
		props string
		want  []string
		fast  bool
	}{
		{"flat", `{"名称":"中央図書館","数":-1.5,"有無":true,"空":null,"メモ":"a"}`,
			[]string{"中央図書館", "-1.5", "true", "", "a"}, true},
		{"escapes", `{"名称":"引用\"符\" と \\ と\n改行","数":1,"有無":false,"空":null,"メモ":"\u3042"}`,
			[]string{"引用\"符\" と \\ と\n改行", "1", "false", "", "あ"}, true},
		{"nested value falls back", `{"名称":"x","数":1,"有無":true,"空":{"a":[1,2]},"メモ":""}`,
			[]string{"x", "1", "true", `{"a":[1,2]}`, ""}, false},
		{"other key order falls back", `{"数":2,"名称":"y","有無":true,"空":null,"メモ":""}`,
			[]string{"y", "2", "true", "", ""}, false},
		{"missing key falls back", `{"名称":"z"}`, []string{"z", "", "", "", ""}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cells := make([]string, len(names))
			if fast := fastPropsCells([]byte(tt.props), names, make([]string, len(names))); fast != tt.fast {
				t.Errorf("fast path taken = %v, want %v", fast, tt.fast)
			}
			if err := propsCells([]byte(tt.props), names, cells); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, cells); diff != "" {
				t.Errorf("cells (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAppendJSONStringRoundTrips(t *testing.T) {
	for _, s := range []string{"", "東京都", "a\"b\\c", "tab\there", "ctl\x01\x1f\x7f", "line\u2028sep\u2029", "絵文字😀", "bad\xffbyte", "</script>"} {
		b := appendJSONString(nil, s)
		want := strings.ToValidUTF8(s, "\ufffd")
		// encoding/json must read back exactly what was meant...
		var std string
		if !json.Valid(b) || json.Unmarshal(b, &std) != nil || std != want {
			t.Errorf("%q -> %s: not valid JSON for %q (got %q)", s, b, want, std)
		}
		// ...no raw control or line-separator characters may remain...
		if strings.ContainsAny(string(b), "\x00\x01\x1f\n\t\u2028\u2029") {
			t.Errorf("%q -> %s: unescaped character", s, b)
		}
		// ...and the fast scanner agrees with encoding/json.
		got, n, ok := scanJSONString(b)
		if !ok || n != len(b) || got != want {
			t.Errorf("%q -> %s -> %q (ok %v)", s, b, got, ok)
		}
	}
}

func TestFastPropsCellsRefusesTruncatedInput(t *testing.T) {
	names := []string{"a", "b"}
	for _, p := range []string{`{"a":`, `{"a"`, `{"a":"x",`, `{"a":"x","b":`, `{`, `{"a":1,"b":2`} {
		if fastPropsCells([]byte(p), names, make([]string, 2)) {
			t.Errorf("%s accepted", p)
		}
	}
}

func TestAppendValueNumbers(t *testing.T) {
	for _, tt := range []struct {
		v    any
		want string
	}{{1e300, "1e+300"}, {1.5e-9, "1.5e-09"}, {35.6812, "35.6812"}, {math.Copysign(0, -1), "-0"}, {int64(-12), "-12"}, {math.NaN(), "null"}, {true, "true"}} {
		if got := string(appendValue(nil, tt.v)); got != tt.want {
			t.Errorf("%v -> %s, want %s", tt.v, got, tt.want)
		}
	}
}
