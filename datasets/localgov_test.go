package datasets

import "testing"

func TestValidLocalGovCode(t *testing.T) {
	tests := []struct {
		code string
		want bool
	}{
		{"132039", true}, // 武蔵野市
		{"131229", true}, // 葛飾区
		{"011002", true}, // 札幌市
		{"131016", true}, // 千代田区
		{"422037", true}, // 島原市
		{"352128", true}, // 柳井市
		{"131041", true}, // 新宿区: remainder 0, check digit 1
		{"131130", true}, // 渋谷区: remainder 1, check digit 0
		{"130001", true}, // 東京都
		{"010006", true}, // 北海道
		{"470007", true}, // 沖縄県
		{"472018", true}, // 那覇市
		{"141003", true}, // 横浜市
		{"271004", true}, // 大阪市
		{"401307", true}, // 福岡市
		{"092011", true}, // 宇都宮市
		{"１３２０３９", true},
		{" 132039\t", true},
		{"132038", false},
		{"131228", false},
		{"13203", false},
		{"1320390", false},
		{"13203a", false},
		{"", false},
		{"000001", false}, // check digit right, no prefecture 00
		{"480002", false}, // nor 48
		{"13-203", false},
	}
	for _, tt := range tests {
		if got := ValidLocalGovCode(tt.code); got != tt.want {
			t.Errorf("ValidLocalGovCode(%q) = %v, want %v", tt.code, got, tt.want)
		}
	}
}

func TestLocalGovCodeProblem(t *testing.T) {
	tests := []struct{ code, want string }{
		{"131229", ""},
		{"131228", `"131228" is not a valid 全国地方公共団体コード: its check digit should be 9 (131229)`},
		{"13122", `"13122" has 5 digits; 全国地方公共団体コード has 6: probably 131229 (check digit missing)`},
		{"92011", `"92011" has 5 digits; 全国地方公共団体コード has 6: probably 092011 (leading zero lost)`},
		{"11002", `"11002" has 5 digits; 全国地方公共団体コード has 6: probably 011002 (leading zero lost) or 110027 (check digit missing)`},
		{"1100", `"1100" has 4 digits; 全国地方公共団体コード has 6: probably 011002 (leading zero and check digit lost)`},
		{"990001", `"990001" is not a 全国地方公共団体コード: 99 is not a prefecture code (01 to 47)`},
		{"武蔵野市", `"武蔵野市" is not a 全国地方公共団体コード (6 digits, such as 131229 for 葛飾区)`},
	}
	for _, tt := range tests {
		if got := localGovCodeProblem(tt.code); got != tt.want {
			t.Errorf("localGovCodeProblem(%q) = %q, want %q", tt.code, got, tt.want)
		}
	}
}
