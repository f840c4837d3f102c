package geo

import (
	"errors"
	"strings"
	"testing"
)

func TestParsePRJ(t *testing.T) {
	const gcsJGD2011 = `GEOGCS["GCS_JGD_2011",DATUM["D_JGD_2011",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]`
	const tm = `PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",0.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",%s],PARAMETER["Scale_Factor",0.9999],PARAMETER["Latitude_Of_Origin",%s],UNIT["Meter",1.0]`
	tmAt := func(lon, lat string) string {
		return strings.Replace(strings.Replace(tm, "%s", lon, 1), "%s", lat, 1)
	}
	tests := []struct {
		name        string
		file        string // under testdata/prj
		text        string
		want        int
		wantErr     string
		unsupported bool
	}{
		{name: "ESRI JGD2011 zone 9", file: "jgd2011_zone9_esri.prj", want: 6677},
		{name: "ESRI JGD2000 zone 9", file: "jgd2000_zone9_esri.prj", want: 2451},
		{name: "ESRI JGD2011 zone 1", file: "jgd2011_zone1_esri.prj", want: 6669},
		{name: "ESRI JGD2011 zone 19", file: "jgd2011_zone19_esri.prj", want: 6687},
		{name: "GDAL WKT1 with AUTHORITY", file: "jgd2011_zone9_gdal.prj", want: 6677},
		{name: "WKT2 with ID", file: "jgd2011_zone12_wkt2.prj", want: 6680},
		{name: "GCS_JGD_2011", file: "gcs_jgd2011_esri.prj", want: 6668},
		{name: "GCS_JGD_2000", file: "gcs_jgd2000_esri.prj", want: 4612},
		{name: "GCS_WGS_1984", file: "gcs_wgs84_esri.prj", want: 4326},
		{name: "ESRI Web Mercator", file: "webmercator_esri.prj", want: 3857},
		{name: "ESRI Tokyo zone 9", file: "tokyo_zone9_esri.prj", wantErr: "Tokyo datum", unsupported: true},
		{name: "ESRI UTM 54N", file: "jgd2011_utm54_esri.prj", wantErr: "scale factor 0.9996", unsupported: true},
		{name: "Japan_Zone_9 on JGD2011", text: `PROJCS["Japan_Zone_9",` + gcsJGD2011 + `,` + tmAt("139.8333333333333", "36.0") + `]`, want: 6677},
		{name: "name only, ESRI", text: `PROJCS["JGD_2011_Japan_Zone_4",` + gcsJGD2011 + `,PROJECTION["Transverse_Mercator"],UNIT["Meter",1.0]]`, want: 6672},
		{name: "name only, JGD2000", text: `PROJCS["JGD_2000_Japan_Zone_13",GEOGCS["GCS_JGD_2000",DATUM["D_JGD_2000",SPHEROID["GRS_1980",6378137.0,298.257222101]]]]`, want: 2455},
		{name: "name only, Roman", text: `PROJCS["JGD2011 / Japan Plane Rectangular CS XIV",` + gcsJGD2011 + `]`, want: 6682},
		{name: "name only, Japanese", text: `PROJCS["平面直角座標系第１０系",` + gcsJGD2011 + `]`, want: 6678},
		{name: "custom name, parameters", text: `PROJCS["Musashino",` + gcsJGD2011 + `,` + tmAt("131.0", "26.0") + `]`, want: 6685},
		{name: "parameters over the name", text: `PROJCS["JGD_2011_Japan_Zone_1",` + gcsJGD2011 + `,` + tmAt("139.83333333", "36") + `]`, want: 6677},
		{name: "GRS80 without a datum name", text: `PROJCS["x",GEOGCS["y",DATUM["z",SPHEROID["GRS 1980",6378137,298.257222101]]],` + tmAt("139.8333333333", "36") + `]`, want: 6677},
		{name: "WGS 84 zone", text: `PROJCS["x",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137,298.257223563]]],` + tmAt("139.8333333333", "36") + `]`, want: 6677},
		{name: "BOM and parentheses", text: "\ufeff" + `GEOGCS("GCS_JGD_2011",DATUM("D_JGD_2011",SPHEROID("GRS_1980",6378137.0,298.257222101)))`, want: 6668},
		{name: "compound", text: `COMPD_CS["x",` + `PROJCS["JGD_2011_Japan_Zone_9",` + gcsJGD2011 + `,` + tmAt("139.8333333333", "36") + `],VERT_CS["JGD2011 height",VERT_DATUM["JGD2011",2005]]]`, want: 6677},
		{name: "no zone", text: `PROJCS["Musashino local",` + gcsJGD2011 + `,PROJECTION["Transverse_Mercator"]]`, wantErr: "not a zone", unsupported: true},
		{name: "origin of no zone", text: `PROJCS["x",` + gcsJGD2011 + `,` + tmAt("139.5", "35.5") + `]`, wantErr: "origin 35.5°N 139.5°E", unsupported: true},
		{name: "feet", text: `PROJCS["JGD_2011_Japan_Zone_9",` + gcsJGD2011 + `,PROJECTION["Transverse_Mercator"],UNIT["Foot_US",0.3048006096012192]]`, wantErr: `measures in "Foot_US"`, unsupported: true},
		{name: "Lambert", text: `PROJCS["x",` + gcsJGD2011 + `,PROJECTION["Lambert_Conformal_Conic"]]`, wantErr: `projection "Lambert_Conformal_Conic"`, unsupported: true},
		{name: "Bessel", text: `GEOGCS["old",DATUM["x",SPHEROID["Bessel 1841",6377397.155,299.1528128]]]`, wantErr: "Bessel 1841", unsupported: true},
		{name: "other datum", text: `GEOGCS["GCS_ETRS_1989",DATUM["D_ETRS_1989",SPHEROID["Clarke_1866",6378206.4,294.9786982]]]`, wantErr: "neither JGD2000", unsupported: true},
		{name: "EPSG Tokyo", text: `PROJCS["Tokyo / Japan Plane Rectangular CS IX",GEOGCS["Tokyo"],AUTHORITY["EPSG","30169"]]`, wantErr: "Tokyo datum", unsupported: true},
		{name: "empty", text: "  \n", wantErr: "empty"},
		{name: "not WKT", text: "JGD2011 zone 9", wantErr: "not WKT at byte"},
		{name: "unclosed", text: `PROJCS["JGD_2011_Japan_Zone_9",GEOGCS["GCS_JGD_2011"`, wantErr: "the text ends inside GEOGCS"},
		{name: "unclosed quote", text: `PROJCS["JGD_2011_Japan_Zone_9]`, wantErr: "not closed"},
		{name: "too deep", text: strings.Repeat("A[", 40) + strings.Repeat("]", 40), wantErr: "nested more than 32 deep"},
		{name: "vertical only", text: `VERT_CS["x",VERT_DATUM["y",2005]]`, wantErr: "no geographic or projected", unsupported: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := tt.text
			if tt.file != "" {
				text = prjFile(t, tt.file)
			}
			got, err := ParsePRJ(text)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || errors.Is(err, ErrUnsupportedCRS) != tt.unsupported {
					t.Fatalf("ParsePRJ() = %v, %v; want an error containing %q (unsupported: %v)", got, err, tt.wantErr, tt.unsupported)
				}
				return
			}
			if err != nil || got.EPSG != tt.want {
				t.Fatalf("ParsePRJ() = %v, %v; want EPSG:%d", got, err, tt.want)
			}
		})
	}
}

func TestZoneInName(t *testing.T) {
	tests := map[string]int{
		"JGD_2011_Japan_Zone_9":                   9,
		"JGD_2000_Japan_Zone_19":                  19,
		"Japan_Zone_1":                            1,
		"JGD2011 / Japan Plane Rectangular CS IX": 9,
		"Japan Plane Rectangular CS zone XVIII":   18,
		"平面直角座標系第9系":                              9,
		"平面直角座標系Ⅸ系":                               9,
		"9系":                                      9,
		"Japan_Zone_20":                           0,
		"Tokyo":                                   0,
		"XI":                                      0, // a bare numeral is not a zone
	}
	for name, want := range tests {
		if got := zoneInName(name); got != want {
			t.Errorf("zoneInName(%q) = %d, want %d", name, got, want)
		}
	}
}
