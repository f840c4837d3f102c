// Command merge is the driver of the layer-merge benchmark (bench/merge/run.sh):
//
//	merge gen -dir D -n 1000000         write layer1..5.geojson (points, n in total)
//	merge run -o out.geojson a.geojson …  merge them with geo.Merge, no conflation
//	merge compare a.geojson b.geojson   same feature count and coordinates?
//
// The five layers name the same attribute differently (名称, 施設名, NAME,
// ＮＡＭＥ, name) as five departments would, so the merge maps them.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"golang.org/x/sync/errgroup"

	"github.com/machi-opendata/portal/geo"
)

var nameColumns = []string{"名称", "施設名", "NAME", "ＮＡＭＥ", "name"}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: merge gen|run|compare …")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "gen":
		err = gen(os.Args[2:])
	case "run":
		err = run(os.Args[2:])
	case "compare":
		err = compare(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "merge:", err)
		os.Exit(1)
	}
}

func gen(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	dir := fs.String("dir", ".", "output folder")
	n := fs.Int("n", 1000000, "features in total")
	fs.Parse(args)
	r := rand.New(rand.NewPCG(1, 2))
	for l := range 5 {
		f, err := os.Create(fmt.Sprintf("%s/layer%d.geojson", *dir, l+1))
		if err != nil {
			return err
		}
		w := bufio.NewWriterSize(f, 1<<20)
		w.WriteString(`{"type":"FeatureCollection","features":[` + "\n")
		for i := range *n / 5 {
			if i > 0 {
				w.WriteString(",\n")
			}
			lon := 139.0 + r.Float64()*1.0
			lat := 35.3 + r.Float64()*0.6
			fmt.Fprintf(w, `{"type":"Feature","properties":{"%s":"施設%d-%d","種別":"%d","番号":%d},"geometry":{"type":"Point","coordinates":[%s,%s]}}`,
				nameColumns[l], l+1, i, i%17, i, strconv.FormatFloat(lon, 'f', 6, 64), strconv.FormatFloat(lat, 'f', 6, 64))
		}
		w.WriteString("\n]}\n")
		if err := w.Flush(); err != nil {
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	return nil
}

func run(args []string) error {
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	out := fs.String("o", "merged.geojson", "output GeoJSON")
	fs.Parse(args)
	paths := fs.Args()
	start := time.Now()
	sources := make([]geo.SourceLayer, len(paths))
	var g errgroup.Group
	for i, p := range paths {
		g.Go(func() (err error) {
			sources[i], err = read(p, fmt.Sprintf("layer%d", i+1))
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	read := time.Since(start)
	def := geo.MergeDef{Name: "merged", Fields: []geo.FieldDef{{Name: "name"}, {Name: "kind"}, {Name: "number"}}}
	for _, s := range sources {
		def.Sources = append(def.Sources, geo.SourceDef{Dataset: s.Dataset, Mapping: map[string]geo.Names{
			"name": slices.Clone(nameColumns), "kind": {"種別"}, "number": {"番号"}}})
	}
	t := time.Now()
	layer, rep, err := geo.Merge(def, sources)
	if err != nil {
		return err
	}
	merged := time.Since(t)
	t = time.Now()
	if err := write(*out, layer); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "read %v, merge %v, write %v; %d features, %d issues\n",
		read.Round(time.Millisecond), merged.Round(time.Millisecond), time.Since(t).Round(time.Millisecond), rep.Features, len(rep.Issues))
	return nil
}

// write streams the merged layer as GeoJSON, with each feature's
// provenance in a "sources" property.
func write(path string, l geo.MergedLayer) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(`{"type":"FeatureCollection","features":[` + "\n")
	var buf []byte
	for i, ft := range l.Features {
		buf = buf[:0]
		if i > 0 {
			buf = append(buf, ",\n"...)
		}
		buf = append(buf, `{"type":"Feature","id":`...)
		buf = strconv.AppendQuote(buf, ft.ID)
		buf = append(buf, `,"properties":{`...)
		for j, name := range l.Fields {
			if j > 0 {
				buf = append(buf, ',')
			}
			buf = appendJSONString(buf, name)
			buf = append(buf, ':')
			buf = appendJSONString(buf, ft.Values[j])
		}
		buf = append(buf, `,"sources":[`...)
		for j, s := range ft.Sources {
			if j > 0 {
				buf = append(buf, ',')
			}
			b, _ := json.Marshal(s)
			buf = append(buf, b...)
		}
		buf = append(buf, `]},"geometry":`...)
		g, err := geojson.NewGeometry(ft.Geometry).MarshalJSON()
		if err != nil {
			return err
		}
		buf = append(buf, g...)
		buf = append(buf, '}')
		w.Write(buf)
	}
	w.WriteString("\n]}\n")
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, fmt.Sprintf(`\u%04x`, c)...)
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// compare checks that two GeoJSON files hold the same number of features
// and the same point coordinates (as multisets, to 1e-9 degrees: GDAL
// and mapshaper may print a coordinate with more or fewer digits).
func compare(args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("compare needs two files")
	}
	var sets [2][]orb.Point
	for i, p := range args {
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fc, err := geojson.UnmarshalFeatureCollection(b)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		for _, f := range fc.Features {
			pt, ok := f.Geometry.(orb.Point)
			if !ok {
				return fmt.Errorf("%s: a %T, the benchmark has points only", p, f.Geometry)
			}
			sets[i] = append(sets[i], pt)
		}
		slices.SortFunc(sets[i], func(a, b orb.Point) int {
			if a[0] != b[0] {
				return cmpFloat(a[0], b[0])
			}
			return cmpFloat(a[1], b[1])
		})
	}
	if len(sets[0]) != len(sets[1]) {
		return fmt.Errorf("%d features in %s, %d in %s", len(sets[0]), args[0], len(sets[1]), args[1])
	}
	for i := range sets[0] {
		a, b := sets[0][i], sets[1][i]
		if d := max(abs(a[0]-b[0]), abs(a[1]-b[1])); d > 1e-9 {
			return fmt.Errorf("coordinates differ: %v vs %v", a, b)
		}
	}
	fmt.Printf("same: %d features, same coordinates (%s, %s)\n", len(sets[0]), args[0], args[1])
	return nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
