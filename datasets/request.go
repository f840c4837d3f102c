package datasets

import (
	"io"

	"github.com/machi-opendata/portal/catalog"
)

// File is one uploaded file: its name as the user gave it and its bytes.
type File struct {
	Name string
	Data io.Reader
}

// ImportRequest asks for files to become a new dataset or a new version of
// an existing one (matched by Slug).
type ImportRequest struct {
	Slug       string // empty: derived from the title or first file name
	Kind       catalog.Kind
	Department string // department code
	// Meta fills the metadata of a new dataset; fields left empty get
	// defaults (license CC BY 4.0, the department as publisher).
	Meta    *catalog.Dataset
	Files   []File
	Publish bool   // publish the new version at once (otherwise it stays a draft)
	Actor   string // who imports, for the audit trail
	Address string // where from, for the audit trail
	// Override is the written reason to publish despite the personal-
	// information guard's findings; empty, findings refuse a publish.
	Override string
	// CRS is the coordinate system a GIS layer's coordinates are in, as
	// declared on upload ("EPSG:6677", "6677", "CRS84"; see geo.ParseCRS).
	// Empty: a Shapefile's .prj says, and GeoJSON and CSV coordinates are
	// WGS 84 (JGD2011) degrees. Plane coordinates in a CSV need it.
	CRS string
}

// ImportResult reports what an import stored and what it found wrong.
type ImportResult struct {
	Slug     string    `json:"id"`
	Version  int       `json:"version"`
	Rows     int       `json:"rows"`     // records stored
	Refused  int       `json:"refused"`  // rows refused, each with a Problem
	Encoding Encoding  `json:"encoding"` // of the main data file
	Columns  []Column  `json:"columns"`
	Standard string    `json:"standard,omitempty"`
	Problems []Problem `json:"problems"`
	// PII lists what the personal-information guard found (a draft, or a
	// publish with an override).
	PII []PIIFinding `json:"pii,omitempty"`
	// Source says, for a version with geometry from a GIS layer (or a
	// declared coordinate system), what the coordinates were in before
	// they were stored as WGS 84, and how that was known.
	Source *catalog.LayerSource `json:"source,omitempty"`
}
