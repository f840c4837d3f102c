package geo

import (
	"errors"
	"fmt"
	"strings"

	"github.com/paulmach/orb"
)

// ErrTooLarge is wrapped by errors about uploads beyond a reader's limits:
// too many zip entries, too many bytes once uncompressed.
var ErrTooLarge = errors.New("too large")

// Formats of a layer's original file.
const (
	FormatGeoJSON   = "geojson"
	FormatShapefile = "shapefile"
	FormatCSV       = "csv"
)

// Where a source's coordinate system came from.
const (
	CRSDeclared = "declared" // chosen by the department on upload
	CRSDetected = "detected" // read from the file (a shapefile's .prj)
	CRSAssumed  = "assumed"  // nothing said; the coordinates looked like JGD2011 degrees
)

// Source records where a layer came from, so that its conversion can be
// explained and redone from the original file: the department that
// uploaded it, the file, and the coordinate system its coordinates were in.
type Source struct {
	Department string   `json:"department"`         // the department's code
	File       string   `json:"file"`               // the original file's name as uploaded
	Format     string   `json:"format"`             // FormatGeoJSON, FormatShapefile or FormatCSV
	CRS        CRS      `json:"crs"`                // the original coordinates' system
	CRSFrom    string   `json:"crs_from"`           // CRSDeclared, CRSDetected or CRSAssumed
	Encoding   string   `json:"encoding,omitempty"` // the attributes' text encoding, "CP932" or "UTF-8"
	Members    []string `json:"members,omitempty"`  // for a zip, the entries read ("道路/道路中心線.shp", …)
}

// Column is one attribute column of a layer, as its file defines it.
type Column struct {
	Name     string `json:"name"`
	Type     string `json:"type"`               // the DBF type letter: C text, N and F numbers, L logical, D date, M memo
	Size     int    `json:"size,omitempty"`     // width in bytes in the file
	Decimals int    `json:"decimals,omitempty"` // digits after the point for N
}

// Feature is one record of a layer: its geometry in WGS 84
// longitude/latitude (RFC 7946 ring orientation) and its attribute values
// in the layer's column order.
type Feature struct {
	ID       int          `json:"id"`       // the record number in the file, from 1 (GDAL's FID is ID-1)
	Geometry orb.Geometry `json:"geometry"` // nil for a record without a shape
	Values   []string     `json:"values"`   // text as decoded; "" for an empty value
}

// Layer is a source file read: its columns, the features that passed the
// checks, the records that did not (with why) and warnings about the file
// as a whole.
type Layer struct {
	Source   Source       `json:"source"`
	Columns  []Column     `json:"columns"`
	Features []Feature    `json:"features"`
	Skipped  []*ReadError `json:"-"`
	Warnings []string     `json:"warnings,omitempty"`
}

// ReadError says which file, which record and which field a reading
// problem is in, and why. It wraps ErrUnsupportedCRS or ErrTooLarge when
// one of those is the cause.
type ReadError struct {
	File   string // the file within the upload: "道路.shp", "道路.dbf"
	Record int    // record number from 1; 0 for the file as a whole
	Field  string // the attribute column, when one is at fault
	Reason string
	Err    error // the cause, if any
}

func (e *ReadError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Record > 0 {
		fmt.Fprintf(&b, ": record %d", e.Record)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ": field %s", e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Reason)
	return b.String()
}

func (e *ReadError) Unwrap() error { return e.Err }
