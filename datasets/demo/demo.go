// Package demo is the catalog the portal loads on an empty data folder:
// みどり野市（サンプル） / Midorino City (sample), a fictional Tama-area city
// placed on the ground of Musashino, Tokyo, with its departments and five
// datasets in the Digital Agency's standard columns (public facilities,
// designated emergency evacuation sites, events, a photo archive and AED
// locations).
//
// Everything here is sample data: every dataset description and every row's
// 備考 says サンプルデータ（架空）. The local government code is Musashino's
// (132039) because the code columns must hold a valid code with its check
// digit; the city, its towns, addresses, phone numbers (0422-00-xxxx, an
// exchange that does not exist) and e-mail addresses (example.jp) are
// invented.
//
// The CSV files under data/ are UTF-8 with BOM and CRLF, as municipalities
// publish them. Events are stored for a base year and moved by Requests into
// the twelve months starting with the current month; photo images are not
// stored at all but drawn by PlaceholderJPEG.
package demo

import (
	"bytes"
	"context"
	"embed"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io/fs"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
)

// The sample city's names and its (borrowed) local government code.
const (
	CityName   = "みどり野市（サンプル）"
	CityNameEN = "Midorino City (sample)"
	CityCode   = "132039"
	// SampleNote is written in every dataset description and every row's 備考.
	SampleNote = "サンプルデータ（架空）"
	// Actor is the audit-trail name of the demo imports.
	Actor = "demo"
)

//go:embed data/*.csv data/*.json data/boundary.geojson
var files embed.FS

// entry is one dataset of data/catalog.json.
type entry struct {
	Slug          string       `json:"slug"`
	Kind          catalog.Kind `json:"kind"`
	Department    string       `json:"department"`
	Title         string       `json:"title"`
	TitleEN       string       `json:"title_en"`
	Description   string       `json:"description"`
	DescriptionEN string       `json:"description_en"`
	Keywords      []string     `json:"keywords"`
	Themes        []string     `json:"themes"`
	License       string       `json:"license"`
	Frequency     string       `json:"frequency"`
	TemporalStart string       `json:"temporal_start"`
	TemporalEnd   string       `json:"temporal_end"`
	Files         []string     `json:"files"`
}

// Boundary returns the sample city's boundary polygon (WGS 84), a simplified
// outline of 18 vertices. It panics if the embedded boundary is malformed,
// which the package tests rule out.
func Boundary() orb.Polygon {
	data := mustRead("data/boundary.geojson")
	f, err := geojson.UnmarshalFeature(data)
	if err != nil {
		panic(fmt.Sprintf("demo: boundary.geojson: %v", err))
	}
	p, ok := f.Geometry.(orb.Polygon)
	if !ok {
		panic(fmt.Sprintf("demo: boundary.geojson: %s, want Polygon", f.Geometry.GeoJSONType()))
	}
	return p
}

// Departments returns the sample departments. It panics if the embedded
// departments.json is malformed, which the package tests rule out.
func Departments() []catalog.Department {
	var ds []catalog.Department
	if err := json.Unmarshal(mustRead("data/departments.json"), &ds); err != nil {
		panic(fmt.Sprintf("demo: departments.json: %v", err))
	}
	return ds
}

// Requests returns the import requests that build the demo catalog: one per
// dataset, published at once, by Actor "demo", with Meta filled from
// catalog.json and the files read from the embedded CSVs. Events are moved so
// that they fall within the twelve months starting with now's month (see
// shiftEvents); the photo dataset gets its metadata CSV followed by one
// generated JPEG per row, named as in its 画像ファイル column.
//
// It returns an error only if the embedded data is inconsistent (a dataset
// naming an unknown department, a missing file, an unreadable CSV).
func Requests(now time.Time) ([]datasets.ImportRequest, error) {
	var entries []entry
	if err := json.Unmarshal(mustRead("data/catalog.json"), &entries); err != nil {
		return nil, fmt.Errorf("demo: catalog.json: %w", err)
	}
	depts := make(map[string]catalog.Department)
	for _, d := range Departments() {
		depts[d.Code] = d
	}
	b := Boundary().Bound()
	bbox := catalog.BBox{b.Min.Lon(), b.Min.Lat(), b.Max.Lon(), b.Max.Lat()}

	reqs := make([]datasets.ImportRequest, 0, len(entries))
	for _, e := range entries {
		d, ok := depts[e.Department]
		if !ok {
			return nil, fmt.Errorf("demo: dataset %s: unknown department %q", e.Slug, e.Department)
		}
		spatial := bbox
		meta := &catalog.Dataset{
			Slug:          e.Slug,
			TitleJA:       e.Title,
			TitleEN:       e.TitleEN,
			DescriptionJA: e.Description,
			DescriptionEN: e.DescriptionEN,
			Kind:          e.Kind,
			Department:    e.Department,
			Keywords:      e.Keywords,
			Themes:        e.Themes,
			License:       e.License,
			Frequency:     e.Frequency,
			Spatial:       &spatial,
			TemporalStart: e.TemporalStart,
			TemporalEnd:   e.TemporalEnd,
			Contact: catalog.Contact{
				Name:  CityName + " " + d.NameJA,
				Email: d.Email,
				Phone: d.Phone,
			},
		}
		var fl []datasets.File
		for _, name := range e.Files {
			data, err := fs.ReadFile(files, "data/"+name)
			if err != nil {
				return nil, fmt.Errorf("demo: dataset %s: %w", e.Slug, err)
			}
			switch e.Kind {
			case catalog.KindEvent:
				w := newWindow(now)
				if data, err = shiftEvents(data, w); err != nil {
					return nil, fmt.Errorf("demo: dataset %s: %w", e.Slug, err)
				}
				meta.TemporalStart = w.start.Format(time.DateOnly)
				meta.TemporalEnd = w.end.AddDate(0, 0, -1).Format(time.DateOnly)
			}
			fl = append(fl, datasets.File{Name: name, Data: bytes.NewReader(data)})
			if e.Kind == catalog.KindPhoto {
				imgs, err := photoImages(data)
				if err != nil {
					return nil, fmt.Errorf("demo: dataset %s: %w", e.Slug, err)
				}
				fl = append(fl, imgs...)
			}
		}
		reqs = append(reqs, datasets.ImportRequest{
			Slug:       e.Slug,
			Kind:       e.Kind,
			Department: e.Department,
			Meta:       meta,
			Files:      fl,
			Publish:    true,
			Actor:      Actor,
		})
	}
	return reqs, nil
}

// photoImages draws one placeholder JPEG per row of the photo metadata CSV,
// named as in its 画像ファイル column and captioned with 名称_英語 (the
// placeholder font has ASCII only).
func photoImages(data []byte) ([]datasets.File, error) {
	header, rows, err := readCSV(data)
	if err != nil {
		return nil, err
	}
	col, err := columns(header, "NO", "画像ファイル", "名称_英語")
	if err != nil {
		return nil, err
	}
	out := make([]datasets.File, 0, len(rows))
	for i, r := range rows {
		var seed int
		if _, err := fmt.Sscan(r[col["NO"]], &seed); err != nil {
			seed = i + 1
		}
		img, err := PlaceholderJPEG(seed, r[col["名称_英語"]])
		if err != nil {
			return nil, err
		}
		out = append(out, datasets.File{Name: r[col["画像ファイル"]], Data: bytes.NewReader(img)})
	}
	return out, nil
}

// readCSV reads a UTF-8 CSV with an optional BOM into its header and rows.
func readCSV(data []byte) (header []string, rows [][]string, err error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, bom)))
	all, err := r.ReadAll()
	if err != nil {
		return nil, nil, err
	}
	if len(all) == 0 {
		return nil, nil, fmt.Errorf("empty CSV")
	}
	return all[0], all[1:], nil
}

// writeCSV writes a CSV the way the embedded files are written: UTF-8 with
// BOM, CRLF line ends.
func writeCSV(header []string, rows [][]string) ([]byte, error) {
	var buf bytes.Buffer
	buf.Write(bom)
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	if err := w.Write(header); err != nil {
		return nil, err
	}
	if err := w.WriteAll(rows); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// columns finds the index of each named column.
func columns(header []string, names ...string) (map[string]int, error) {
	idx := make(map[string]int, len(names))
	for _, n := range names {
		idx[n] = -1
	}
	for i, h := range header {
		if j, ok := idx[h]; ok && j < 0 {
			idx[h] = i
		}
	}
	for _, n := range names {
		if idx[n] < 0 {
			return nil, fmt.Errorf("column %q missing", n)
		}
	}
	return idx, nil
}

var bom = []byte("\ufeff")

func mustRead(name string) []byte {
	data, err := fs.ReadFile(files, name)
	if err != nil {
		panic(fmt.Sprintf("demo: %v", err))
	}
	return data
}

// Load builds the whole demo catalog into im's (empty) store: the
// departments, then every dataset, published. Tests and benchmarks use it;
// the portal's start (cmd/portal) loads only what is missing instead.
func Load(ctx context.Context, im *datasets.Importer, now time.Time) error {
	for _, d := range Departments() {
		if err := im.Store.PutDepartment(ctx, d); err != nil {
			return err
		}
	}
	reqs, err := Requests(now)
	if err != nil {
		return err
	}
	for _, r := range reqs {
		if _, err := im.Import(ctx, r); err != nil {
			return fmt.Errorf("import %s: %w", r.Slug, err)
		}
	}
	return nil
}
