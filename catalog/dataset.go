// Package catalog holds the catalog's nouns (datasets, distributions,
// versions, departments, licenses, themes) and the SQLite store that keeps
// them. The model follows DCAT so that DCAT, CKAN and OGC views are mappings
// of it, not rewrites.
package catalog

import "time"

// Kind is what a dataset holds; the standard kinds follow the Digital
// Agency's standard dataset columns.
type Kind string

// Dataset kinds, as in the contract.
const (
	KindFacility   Kind = "facility"   // 公共施設一覧
	KindEvacuation Kind = "evacuation" // 指定緊急避難場所一覧 / 指定避難所一覧
	KindEvent      Kind = "event"      // イベント一覧
	KindPhoto      Kind = "photo"      // 写真アーカイブ
	KindLayer      Kind = "layer"      // a department's GIS layer
	KindTable      Kind = "table"      // any other table
)

// Kinds lists every kind in display order.
var Kinds = []Kind{KindFacility, KindEvacuation, KindEvent, KindPhoto, KindLayer, KindTable}

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool {
	for _, v := range Kinds {
		if k == v {
			return true
		}
	}
	return false
}

// Dataset statuses. Only published datasets are visible to citizens.
const (
	StatusDraft     = "draft"
	StatusPublished = "published"
	StatusWithdrawn = "withdrawn"
)

// BBox is a bounding box in WGS 84 longitude/latitude.
type BBox [4]float64 // minLon, minLat, maxLon, maxLat

// Contact is a dataset's contact point (vCard in DCAT).
type Contact struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
	URL   string `json:"url,omitempty"`
}

// Dataset is one entry of the catalog (dcat:Dataset).
type Dataset struct {
	ID            int64     `json:"-"`
	Slug          string    `json:"id"`
	TitleJA       string    `json:"title"`
	TitleEN       string    `json:"title_en,omitempty"`
	DescriptionJA string    `json:"description"`
	DescriptionEN string    `json:"description_en,omitempty"`
	Kind          Kind      `json:"kind"`
	Department    string    `json:"department"` // department code
	Keywords      []string  `json:"keywords"`
	Themes        []string  `json:"themes"`  // theme codes, see Themes
	License       string    `json:"license"` // license id, see Licenses
	Status        string    `json:"status"`
	Issued        time.Time `json:"issued"`
	Modified      time.Time `json:"modified"`
	// Frequency is an EU frequency vocabulary code (ANNUAL, MONTHLY, IRREG, ...).
	Frequency      string  `json:"frequency,omitempty"`
	Spatial        *BBox   `json:"spatial,omitempty"`
	TemporalStart  string  `json:"temporal_start,omitempty"` // ISO 8601 date
	TemporalEnd    string  `json:"temporal_end,omitempty"`
	Contact        Contact `json:"contact"`
	Standard       string  `json:"standard,omitempty"` // the standard dataset it conforms to, e.g. 公共施設一覧
	CurrentVersion int     `json:"current_version"`    // 0 when nothing is published yet
	Downloads      int64   `json:"downloads"`
	// Formats lists the download formats of the published version (derived).
	Formats []string `json:"formats"`
}
