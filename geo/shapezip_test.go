package geo

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	shp "github.com/jonas-p/go-shp"
	"github.com/paulmach/orb"
)

// twoPoints is a small valid point shapefile in JGD2011 degrees.
func twoPoints(t testing.TB) map[string][]byte {
	t.Helper()
	return shapefileFiles(t, shp.POINT,
		[]shp.Shape{&shp.Point{X: 139.5661, Y: 35.7179}, &shp.Point{X: 139.5687, Y: 35.7071}},
		[]shp.Field{shp.StringField("NAME", 20)}, [][]any{{sjis(t, "市役所")}, {sjis(t, "図書館")}})
}

func TestReadShapefileZipRefuses(t *testing.T) {
	files := twoPoints(t)
	prj := []byte(prjFile(t, "gcs_jgd2011_esri.prj"))
	set := func(dir, stem string) []zipEntry {
		return []zipEntry{{name: dir + stem + ".shp", data: files[".shp"]}, {name: dir + stem + ".dbf", data: files[".dbf"]},
			{name: dir + stem + ".prj", data: prj}}
	}
	many := set("", "a")
	for i := 0; i < 20; i++ {
		many = append(many, zipEntry{name: "readme" + strings.Repeat("x", i) + ".txt", data: []byte("x")})
	}
	tests := []struct {
		name    string
		zip     []byte
		opt     ShapefileOptions
		wantErr string
		tooBig  bool
	}{
		{name: "not a zip", zip: []byte("PK? no"), wantErr: "not a zip archive"},
		{name: "dot-dot", zip: zipOf(t, append(set("", "a"), zipEntry{name: "../../etc/cron.d/x", data: []byte("x")})...), wantErr: `"../../etc/cron.d/x" climbs out`},
		{name: "backslash dot-dot", zip: zipOf(t, append(set("", "a"), zipEntry{name: `data\..\..\x.txt`, data: []byte("x")})...), wantErr: "climbs out"},
		{name: "absolute", zip: zipOf(t, append(set("", "a"), zipEntry{name: "/tmp/x.shp", data: []byte("x")})...), wantErr: "absolute path"},
		{name: "drive letter", zip: zipOf(t, append(set("", "a"), zipEntry{name: "C:/x.shp", data: []byte("x")})...), wantErr: "drive letter"},
		{name: "too many entries", zip: zipOf(t, many...), opt: ShapefileOptions{MaxEntries: 10}, wantErr: "23 entries; at most 10", tooBig: true},
		{name: "too large", zip: zipOf(t, set("", "a")...), opt: ShapefileOptions{MaxUncompressed: 200}, wantErr: "more than 200 bytes", tooBig: true},
		{name: "no shp", zip: zipOf(t, zipEntry{name: "a.csv", data: []byte("x")}), wantErr: "no .shp file, only a.csv"},
		{name: "zip in zip", zip: zipOf(t, zipEntry{name: "layers.zip", data: []byte("x")}), wantErr: "another zip"},
		{name: "zip beside a shapefile", zip: zipOf(t, append(set("", "a"), zipEntry{name: "old/LAYERS.ZIP", data: []byte("x")})...), wantErr: `"old/LAYERS.ZIP" is another zip`},
		{name: "two layers", zip: zipOf(t, append(set("", "a"), set("sub/", "b")...)...), wantErr: "2 shapefiles (a.shp, sub/b.shp)"},
		{name: "unknown layer", zip: zipOf(t, set("", "a")...), opt: ShapefileOptions{Layer: "c"}, wantErr: `no shapefile "c"; it holds a.shp`},
		{name: "no shp beside the dbf", zip: zipOf(t, set("", "a")[1:]...), wantErr: "no .shp file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opt.File = "upload.zip"
			_, err := readZip(t, tt.zip, tt.opt)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
			}
			if !strings.HasPrefix(err.Error(), "upload.zip: ") {
				t.Errorf("err = %q does not name the file", err)
			}
			if errors.Is(err, ErrTooLarge) != tt.tooBig {
				t.Errorf("errors.Is(err, ErrTooLarge) = %v", !tt.tooBig)
			}
		})
	}
}

func TestReadShapefileZipPicks(t *testing.T) {
	files := twoPoints(t)
	cp932Name := sjis(t, "避難所/避難所一覧") // 避 is 0x94 0xF0, 難 0x93 0xEF; 所 0x8F 0x8A
	entries := []zipEntry{
		{name: cp932Name + ".shp", data: files[".shp"], nonUTF8: true},
		{name: cp932Name + ".DBF", data: files[".dbf"], nonUTF8: true},
		{name: "__MACOSX/._x.shp", data: []byte("junk")},
		{name: "other/b.shp", data: files[".shp"]},
		{name: "other/b.dbf", data: files[".dbf"]},
	}
	layer, err := readZip(t, zipOf(t, entries...), ShapefileOptions{Layer: "避難所一覧"})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(layer.Source.Members, ","); got != "避難所/避難所一覧.shp,避難所/避難所一覧.DBF" {
		t.Errorf("members %q", got)
	}
	if len(layer.Features) != 2 || layer.Features[1].Values[0] != "図書館" {
		t.Errorf("features %+v", layer.Features)
	}
}

// patch returns a copy of b with v written big- or little-endian at off.
func patch(b []byte, off int, v uint32, big bool) []byte {
	c := bytes.Clone(b)
	if big {
		binary.BigEndian.PutUint32(c[off:], v)
	} else {
		binary.LittleEndian.PutUint32(c[off:], v)
	}
	return c
}

func TestReadShapefileDamaged(t *testing.T) {
	pts := twoPoints(t)
	line := shapefileFiles(t, shp.POLYLINE,
		[]shp.Shape{
			shp.NewPolyLine([][]shp.Point{{{X: 139.5, Y: 35.7}, {X: 139.6, Y: 35.8}}}),
			shp.NewPolyLine([][]shp.Point{{{X: 139.5, Y: 35.7}, {X: 139.6, Y: 35.8}}}),
		},
		[]shp.Field{shp.NumberField("N", 4)}, [][]any{{1}, {2}})
	// Offsets: the header is 100 bytes; a record's header 8; a polyline's
	// content: type 4, box 32, parts count at 36, points count at 40.
	rec2 := 100 + 8 + 4 + 32 + 8 + 4 + 16*2 // start of the second polyline record
	deletedDBF := bytes.Clone(pts[".dbf"])
	deletedDBF[binary.LittleEndian.Uint16(deletedDBF[8:])] = '*'
	tests := []struct {
		name        string
		files       map[string][]byte
		shp, dbf    []byte
		wantErr     string
		wantSkipped string
		wantWarning string
		features    int
	}{
		{name: "not a shp", files: pts, shp: []byte(strings.Repeat("x", 120)), wantErr: "p.shp: it does not start with the shapefile code"},
		{name: "short shp", files: pts, shp: pts[".shp"][:60], wantErr: "p.shp: the file is 60 bytes long"},
		{name: "cut off", files: pts, shp: pts[".shp"][:len(pts[".shp"])-4], wantErr: "p.shp: record 2 is cut off"},
		{name: "huge record length", files: pts, shp: patch(pts[".shp"], 104, 0x7fffffff, true), wantErr: "p.shp: record 1 says it is"},
		{name: "counts differ", files: pts, shp: pts[".shp"][:100+28], wantErr: "p.dbf: it has 2 records but p.shp has 1 shapes"},
		{name: "dbf cut off", files: pts, dbf: pts[".dbf"][:len(pts[".dbf"])-10], wantErr: "p.dbf: the header announces 2 records but the file holds 1"},
		{name: "dbf header length", files: pts, dbf: patch(pts[".dbf"], 8, 0xffff, false)[:len(pts[".dbf"])], wantErr: "p.dbf: the header says it is 65535 bytes long"},
		{name: "dbf without terminator", files: pts, dbf: func() []byte { d := bytes.Clone(pts[".dbf"]); d[64] = 'X'; return d }(), wantErr: "p.dbf: "},
		{name: "unknown shape type", files: pts, shp: patch(pts[".shp"], 108+28, 77, false), wantSkipped: "p.shp: record 2: shape type 77 is not one", features: 1},
		{name: "too many points", files: line, shp: patch(line[".shp"], rec2+8+40, 1<<30, false), wantSkipped: "p.shp: record 2: it claims 1 parts and 1073741824 points", features: 1},
		{name: "negative parts", files: line, shp: patch(line[".shp"], rec2+8+36, 0xffffffff, false), wantSkipped: "p.shp: record 2: its part or point count is missing or negative", features: 1},
		{name: "part beyond points", files: line, shp: patch(line[".shp"], rec2+8+44, 5, false), wantSkipped: "p.shp: record 2: the first part starts at point 5", features: 1},
		{name: "NaN coordinate", files: pts, shp: append(bytes.Clone(pts[".shp"][:140]), 0, 0, 0, 0, 0, 0, 0xf8, 0x7f, 0, 0, 0, 0, 0, 0, 0, 0), wantSkipped: "p.shp: record 2: the point [NaN, 0] is not a finite", features: 1},
		{name: "deleted row", files: pts, dbf: deletedDBF, wantWarning: "1 record(s) marked deleted", features: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := ShapefileParts{Name: "p", SHP: tt.files[".shp"], DBF: tt.files[".dbf"], PRJ: []byte(prjFile(t, "gcs_jgd2011_esri.prj"))}
			if tt.shp != nil {
				p.SHP = tt.shp
			}
			if tt.dbf != nil {
				p.DBF = tt.dbf
			}
			layer, err := ReadShapefile(p, ShapefileOptions{})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var skipped []string
			for _, s := range layer.Skipped {
				skipped = append(skipped, s.Error())
			}
			if got := strings.Join(skipped, "\n"); (tt.wantSkipped == "") != (got == "") || !strings.Contains(got, tt.wantSkipped) {
				t.Errorf("skipped %q, want %q", got, tt.wantSkipped)
			}
			if got := strings.Join(layer.Warnings, "\n"); (tt.wantWarning == "") != (got == "") || !strings.Contains(got, tt.wantWarning) {
				t.Errorf("warnings %q, want %q", got, tt.wantWarning)
			}
			if len(layer.Features) != tt.features {
				t.Errorf("%d features, want %d", len(layer.Features), tt.features)
			}
		})
	}
}

// rawSHP builds a .shp from record contents, for layouts go-shp's writer
// does not produce.
func rawSHP(typ uint32, contents ...[]byte) []byte {
	b := make([]byte, 100)
	binary.BigEndian.PutUint32(b[0:], shpMagic)
	binary.LittleEndian.PutUint32(b[28:], 1000)
	binary.LittleEndian.PutUint32(b[32:], typ)
	for i, c := range contents {
		b = binary.BigEndian.AppendUint32(b, uint32(i+1))
		b = binary.BigEndian.AppendUint32(b, uint32(len(c)/2))
		b = append(b, c...)
	}
	binary.BigEndian.PutUint32(b[24:], uint32(len(b)/2))
	return b
}

func le(vs ...any) []byte {
	var b []byte
	for _, v := range vs {
		b, _ = binary.Append(b, binary.LittleEndian, v)
	}
	return b
}

// TestReadShapefileZWithoutM reads Z shapes whose optional M values are
// absent, which go-shp v0.1.1 would read past (into the next record).
func TestReadShapefileZWithoutM(t *testing.T) {
	dbf := twoPoints(t)[".dbf"]
	box := le(139.0, 35.0, 140.0, 36.0)
	tests := []struct {
		name  string
		shp   []byte
		want1 orb.Geometry
	}{
		{
			name: "PointZ",
			shp: rawSHP(shp.POINTZ,
				le(int32(shp.POINTZ), 139.5, 35.7, 50.0),
				le(int32(shp.POINTZ), 139.6, 35.8, 60.0)),
			want1: orb.Point{139.6, 35.8},
		},
		{
			name: "PolyLineZ",
			shp: rawSHP(shp.POLYLINEZ,
				append(le(int32(shp.POLYLINEZ)), append(box, le(int32(1), int32(2), int32(0), 139.5, 35.7, 139.6, 35.8, 0.0, 9.0, 1.0, 9.0)...)...),
				append(le(int32(shp.POLYLINEZ)), append(box, le(int32(1), int32(2), int32(0), 139.1, 35.1, 139.2, 35.2, 0.0, 9.0, 1.0, 9.0)...)...)),
			want1: orb.LineString{{139.1, 35.1}, {139.2, 35.2}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			layer, err := ReadShapefile(ShapefileParts{Name: "z", SHP: tt.shp, DBF: dbf, PRJ: []byte(prjFile(t, "gcs_jgd2011_esri.prj"))}, ShapefileOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(layer.Features) != 2 || len(layer.Skipped) != 0 {
				t.Fatalf("%d features, skipped %v", len(layer.Features), layer.Skipped)
			}
			if got := layer.Features[1]; !orb.Equal(got.Geometry, tt.want1) || got.Values[0] != "図書館" {
				t.Errorf("record 2 = %v %q, want %v", got.Geometry, got.Values, tt.want1)
			}
		})
	}
}

// FuzzReadShapefileZip feeds arbitrary .shp, .dbf, .prj and .cpg bytes,
// zipped, to the reader: it may refuse them but must not panic or hang.
// Run: go test -run '^$' -fuzz FuzzReadShapefileZip -fuzztime 60s ./geo
func FuzzReadShapefileZip(f *testing.F) {
	pts := twoPoints(f)
	poly := shapefileFiles(f, shp.POLYGON,
		[]shp.Shape{polygonShape(square(tokyoE, tokyoN, 100, true), square(tokyoE+20, tokyoN+20, 60, false))},
		[]shp.Field{shp.StringField("NAME", 8), shp.DateField("D")}, [][]any{{sjis(f, "公園"), "20240401"}})
	f.Add(pts[".shp"], pts[".dbf"], []byte(prjFile(f, "gcs_jgd2011_esri.prj")), []byte("SJIS"))
	f.Add(poly[".shp"], poly[".dbf"], []byte(prjFile(f, "jgd2011_zone9_esri.prj")), []byte(nil))
	f.Add(poly[".shp"], poly[".dbf"], []byte(prjFile(f, "jgd2011_zone12_wkt2.prj")), []byte("UTF-8"))
	f.Add(pts[".shp"][:100], []byte{}, []byte(`PROJCS["x",GEOGCS["y"`), []byte{})
	f.Fuzz(func(t *testing.T, shpB, dbfB, prjB, cpgB []byte) {
		entries := []zipEntry{{name: "d/x.shp", data: shpB}, {name: "d/x.dbf", data: dbfB}}
		if len(prjB) > 0 {
			entries = append(entries, zipEntry{name: "d/x.prj", data: prjB})
		}
		if len(cpgB) > 0 {
			entries = append(entries, zipEntry{name: "d/x.cpg", data: cpgB})
		}
		data := zipOf(t, entries...)
		layer, err := readZip(t, data, ShapefileOptions{MaxUncompressed: 1 << 20})
		if err == nil && layer == nil {
			t.Fatal("no layer and no error")
		}
		if err != nil {
			var re *ReadError
			if !errors.As(err, &re) || re.File == "" {
				t.Fatalf("error %v is not a *ReadError naming a file", err)
			}
		}
	})
}
