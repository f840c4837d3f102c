package datasets

import (
	"math"
	"testing"
)

func TestCoordinateColumns(t *testing.T) {
	tests := []struct {
		name     string
		header   []string
		lat, lon int
		ok       bool
	}{
		{"japanese", []string{"名称", "緯度", "経度"}, 1, 2, true},
		{"lon first", []string{"経度", "緯度"}, 1, 0, true},
		{"lat/lon", []string{"name", "lat", "lon"}, 1, 2, true},
		{"lat/lng", []string{"name", "LAT", "Lng"}, 1, 2, true},
		{"latitude/longitude", []string{"Latitude", "Longitude"}, 0, 1, true},
		{"long", []string{"lat", "long"}, 0, 1, true},
		{"Y/X", []string{"ID", "Y", "X"}, 1, 2, true},
		{"y/x lower", []string{"x", "y"}, 1, 0, true},
		{"spaces and full width", []string{" 緯度 ", "\u3000経度", "ＬＡＴ"}, 0, 1, true},
		{"full-width latin", []string{"ＬＡＴ", "ＬＯＮ"}, 0, 1, true},
		{"datum in parentheses", []string{"緯度（世界測地系）", "経度（世界測地系）"}, 0, 1, true},
		{"brackets", []string{"Latitude [WGS84]", "Longitude [WGS84]"}, 0, 1, true},
		{"names containing", []string{"世界測地系緯度", "世界測地系経度"}, 0, 1, true},
		{"exact beats containing", []string{"旧日本測地系緯度", "旧日本測地系経度", "緯度", "経度"}, 2, 3, true},
		{"degrees beat X/Y", []string{"X", "Y", "緯度", "経度"}, 2, 3, true},
		{"standard scheme", []string{"都道府県コード又は市区町村コード", "NO", "名称", "住所", "方書", "緯度", "経度", "利用可能曜日"}, 5, 6, true},
		{"only latitude", []string{"緯度", "名称"}, -1, -1, false},
		{"X alone with 緯度", []string{"緯度", "X"}, -1, -1, false},
		{"combined column", []string{"緯度経度"}, -1, -1, false},
		{"plane coordinates", []string{"X座標", "Y座標"}, -1, -1, false},
		{"none", []string{"名称", "住所"}, -1, -1, false},
		{"empty", nil, -1, -1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lat, lon, ok := CoordinateColumns(tt.header)
			if lat != tt.lat || lon != tt.lon || ok != tt.ok {
				t.Errorf("CoordinateColumns(%q) = %d, %d, %v; want %d, %d, %v", tt.header, lat, lon, ok, tt.lat, tt.lon, tt.ok)
			}
		})
	}
}

func TestParseCoordinate(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"35.6895", 35.6895, true},
		{"33.075843 ", 33.075843, true},
		{" 139.790328 ", 139.790328, true},
		{"３５．６８９５", 35.6895, true},
		{"-33.8688", -33.8688, true},
		{"－３３．８６８８", -33.8688, true},
		{"+35.5", 35.5, true},
		{"139", 139, true},
		{"180", 180, true},
		{"35°41'22.5\"", 35 + 41.0/60 + 22.5/3600, true},
		{"35° 41' 22.5\"", 35 + 41.0/60 + 22.5/3600, true},
		{"35度41分22.5秒", 35 + 41.0/60 + 22.5/3600, true},
		{"３５度４１分２２．５秒", 35 + 41.0/60 + 22.5/3600, true},
		{"139°41′30″", 139 + 41.0/60 + 30.0/3600, true},
		{"35°41'", 35 + 41.0/60, true},
		{"35度", 35, true},
		{"35:41:22.5", 35 + 41.0/60 + 22.5/3600, true},
		{"N35°41'22.5\"", 35 + 41.0/60 + 22.5/3600, true},
		{"35°41'22.5\"S", -(35 + 41.0/60 + 22.5/3600), true},
		{"北緯35度41分22.5秒", 35 + 41.0/60 + 22.5/3600, true},
		{"西経74度0分21秒", -(74 + 21.0/3600), true},
		{"W74.006", -74.006, true},
		{"", 0, false},
		{"abc", 0, false},
		{"35.6.8", 0, false},
		{"181", 0, false},
		{"35°61'", 0, false},
		{"35°41'60\"", 0, false},
		{"41'35°", 0, false},
		{"35°41'22\"5", 0, false},
		{"1e2", 0, false},
		{".5", 0, false},
		{"35.", 0, false},
		{"N", 0, false},
		{"35,6895", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseCoordinate(tt.in)
		if ok != tt.ok || math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("ParseCoordinate(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
