package web

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/machi-opendata/portal/catalog"
)

// schema.org descriptions (JSON-LD) embedded in the pages, so that search
// engines (Google Dataset Search, event listings) find the catalog. Their
// @ids are DCAT's (dcat.go): the catalog, a dataset, the city and a
// department are the same resources in both, and a crawler reading both
// merges them instead of seeing each twice. They are
// Go values marshalled by html/template inside <script
// type="application/ld+json">, which writes them as JSON with <, > and &
// escaped: a title holding "</script>" cannot end the element.

const schemaContext = "https://schema.org"

type ldOrganization struct {
	Type               string          `json:"@type"`
	ID                 string          `json:"@id,omitempty"`
	Name               string          `json:"name"`
	AlternateName      string          `json:"alternateName,omitempty"`
	Email              string          `json:"email,omitempty"`
	Telephone          string          `json:"telephone,omitempty"`
	Identifier         *ldPropertyVal  `json:"identifier,omitempty"`
	ParentOrganization *ldOrganization `json:"parentOrganization,omitempty"`
}

type ldPropertyVal struct {
	Type       string `json:"@type"`
	PropertyID string `json:"propertyID"`
	Value      string `json:"value"`
}

type ldDataDownload struct {
	Type           string `json:"@type"`
	Name           string `json:"name,omitempty"`
	EncodingFormat string `json:"encodingFormat"`
	ContentURL     string `json:"contentUrl"`
	ContentSize    string `json:"contentSize,omitempty"`
	SHA256         string `json:"sha256,omitempty"`
}

type ldPlace struct {
	Type    string     `json:"@type"`
	Name    string     `json:"name,omitempty"`
	Address *ldAddress `json:"address,omitempty"`
	Geo     any        `json:"geo,omitempty"` // ldGeoShape or ldGeoCoordinates
}

type ldAddress struct {
	Type           string `json:"@type"`
	StreetAddress  string `json:"streetAddress"`
	AddressCountry string `json:"addressCountry"`
}

type ldGeoShape struct {
	Type string `json:"@type"`
	Box  string `json:"box"` // "south west north east", latitude first
}

type ldGeoCoordinates struct {
	Type      string  `json:"@type"`
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

type ldDataset struct {
	Context               string           `json:"@context,omitempty"`
	Type                  string           `json:"@type"`
	ID                    string           `json:"@id"`
	Name                  string           `json:"name"`
	AlternateName         string           `json:"alternateName,omitempty"`
	Description           string           `json:"description"`
	URL                   string           `json:"url"`
	Identifier            string           `json:"identifier"`
	Keywords              []string         `json:"keywords,omitempty"`
	License               string           `json:"license,omitempty"`
	IsAccessibleForFree   bool             `json:"isAccessibleForFree"`
	Creator               *ldOrganization  `json:"creator,omitempty"`
	Publisher             *ldOrganization  `json:"publisher,omitempty"`
	DatePublished         string           `json:"datePublished,omitempty"`
	DateModified          string           `json:"dateModified,omitempty"`
	InLanguage            string           `json:"inLanguage"`
	Distribution          []ldDataDownload `json:"distribution,omitempty"`
	SpatialCoverage       *ldPlace         `json:"spatialCoverage,omitempty"`
	TemporalCoverage      string           `json:"temporalCoverage,omitempty"`
	VariableMeasured      []string         `json:"variableMeasured,omitempty"`
	IncludedInDataCatalog *ldCatalogRef    `json:"includedInDataCatalog,omitempty"`
}

type ldCatalogRef struct {
	Type string `json:"@type"`
	ID   string `json:"@id"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

type ldDataCatalog struct {
	Context    string          `json:"@context"`
	Type       string          `json:"@type"`
	ID         string          `json:"@id"`
	Name       string          `json:"name"`
	URL        string          `json:"url"`
	InLanguage string          `json:"inLanguage"`
	Publisher  *ldOrganization `json:"publisher,omitempty"`
	Dataset    []ldDataset     `json:"dataset"`
}

type ldEvent struct {
	Type        string          `json:"@type"`
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	StartDate   string          `json:"startDate"`
	EndDate     string          `json:"endDate,omitempty"`
	Location    *ldPlace        `json:"location,omitempty"`
	Organizer   *ldOrganization `json:"organizer,omitempty"`
	URL         string          `json:"url,omitempty"`
}

type ldGraph struct {
	Context string    `json:"@context"`
	Graph   []ldEvent `json:"@graph"`
}

// catalogName names the catalog the way the pages do.
func (s *Server) catalogName() string {
	if n := s.cfg.City.NameJA; n != "" {
		return n + " オープンデータ"
	}
	return "オープンデータカタログ"
}

func (s *Server) catalogRef() *ldCatalogRef {
	return &ldCatalogRef{Type: "DataCatalog", ID: s.cfg.BaseURL + "/catalog", Name: s.catalogName(), URL: s.cfg.BaseURL + "/"}
}

// cityLD is the municipality as publisher; nil when it has no configured
// name: nothing is invented.
func (s *Server) cityLD() *ldOrganization {
	c := s.cfg.City
	if c.NameJA == "" {
		return nil
	}
	o := &ldOrganization{Type: "GovernmentOrganization", ID: s.cfg.BaseURL + "/catalog#publisher", Name: c.NameJA, AlternateName: c.NameEN}
	if c.Code != "" {
		o.Identifier = &ldPropertyVal{Type: "PropertyValue", PropertyID: "全国地方公共団体コード", Value: c.Code}
	}
	return o
}

// datasetLD describes a dataset the way the catalog's list does: the
// metadata alone.
func (s *Server) datasetLD(d *catalog.Dataset) ldDataset {
	page := s.cfg.BaseURL + "/datasets/" + d.Slug
	out := ldDataset{Type: "Dataset", ID: page + "#dataset", Name: d.TitleJA, AlternateName: d.TitleEN, Description: d.DescriptionJA,
		URL: page, Identifier: d.Slug, Keywords: d.Keywords, IsAccessibleForFree: true, InLanguage: "ja",
		DatePublished: ldTime(d.Issued), DateModified: ldTime(d.Modified)}
	if l, ok := catalog.LicenseByID(d.License); ok {
		out.License = l.URL
	}
	return out
}

// datasetPageLD is the full description on a dataset's own page.
func (s *Server) datasetPageLD(d *datasetDetail, v *catalog.Version) ldDataset {
	out := s.datasetLD(d.Dataset)
	out.Context = schemaContext
	out.Publisher = s.cityLD()
	if dept := d.DepartmentInfo; dept != nil {
		out.Creator = &ldOrganization{Type: "GovernmentOrganization", ID: s.cfg.BaseURL + "/catalog#department-" + dept.Code, Name: dept.NameJA, AlternateName: dept.NameEN,
			Email: dept.Email, Telephone: dept.Phone, ParentOrganization: out.Publisher}
	}
	for _, dist := range d.Distributions {
		out.Distribution = append(out.Distribution, ldDataDownload{Type: "DataDownload", Name: dist.Title,
			EncodingFormat: dist.MediaType, ContentURL: dist.DownloadURL, ContentSize: ldSize(dist.ByteSize), SHA256: dist.SHA256})
	}
	bbox := d.Spatial
	if bbox == nil {
		bbox = v.BBox
	}
	if bbox != nil {
		out.SpatialCoverage = &ldPlace{Type: "Place", Name: s.cfg.City.NameJA, Geo: ldGeoShape{Type: "GeoShape",
			Box: fmt.Sprintf("%s %s %s %s", ldNumber(bbox[1]), ldNumber(bbox[0]), ldNumber(bbox[3]), ldNumber(bbox[2]))}}
	}
	if d.TemporalStart != "" || d.TemporalEnd != "" {
		// An ISO 8601 interval; ".." is schema.org's open end.
		out.TemporalCoverage = cmp.Or(d.TemporalStart, "..") + "/" + cmp.Or(d.TemporalEnd, "..")
	}
	for _, c := range d.Columns {
		out.VariableMeasured = append(out.VariableMeasured, c.Name)
	}
	out.IncludedInDataCatalog = s.catalogRef()
	return out
}

// catalogLD is the home page's description: the catalog and every
// published dataset in it.
func (s *Server) catalogLD(ds []*catalog.Dataset) ldDataCatalog {
	out := ldDataCatalog{Context: schemaContext, Type: "DataCatalog", ID: s.cfg.BaseURL + "/catalog", Name: s.catalogName(),
		URL: s.cfg.BaseURL + "/", InLanguage: "ja", Publisher: s.cityLD(), Dataset: []ldDataset{}}
	for _, d := range ds {
		out.Dataset = append(out.Dataset, s.datasetLD(d))
	}
	return out
}

// maxLDEvents bounds the events described on one page: a search engine
// wants the coming ones, and a page of thousands would be slow to send.
const maxLDEvents = 100

// eventsLD describes the coming events of an event dataset (those not over
// by today, in Japan), soonest first; nil when there are none. Records
// whose columns give no name or no start date are left out.
func (s *Server) eventsLD(ctx context.Context, v *catalog.Version, now time.Time) (*ldGraph, error) {
	today := now.In(japan).Format(time.DateOnly)
	var events []ldEvent
	err := s.records.EachTyped(ctx, v, func(row int, fields, props []byte) error {
		var f eventFields
		if err := json.Unmarshal(fields, &f); err != nil {
			return fmt.Errorf("event record %d: %w", row, err)
		}
		if f.Name == "" || !ldIsDate(f.StartDate) || cmp.Or(f.EndDate, f.StartDate) < today {
			return nil
		}
		events = append(events, ldEventOf(&f))
		return nil
	})
	if err != nil || len(events) == 0 {
		return nil, err
	}
	// A date with a time and one without compare by the date first, which
	// is all the order needs.
	slices.SortStableFunc(events, func(a, b ldEvent) int { return strings.Compare(a.StartDate, b.StartDate) })
	g := &ldGraph{Context: schemaContext, Graph: events[:min(len(events), maxLDEvents)]}
	return g, nil
}

// ldEventOf describes one event's record as a schema.org Event.
func ldEventOf(f *eventFields) ldEvent {
	e := ldEvent{Type: "Event", Name: f.Name, Description: f.Description,
		StartDate: ldDateTime(f.StartDate, f.StartTime), URL: ldURL(f.URL)}
	switch {
	case ldIsDate(f.EndDate):
		e.EndDate = ldDateTime(f.EndDate, f.EndTime)
	case f.EndTime != "":
		e.EndDate = ldDateTime(f.StartDate, f.EndTime)
	}
	if f.Place != "" || f.Address != "" || f.Lat != nil && f.Lon != nil {
		e.Location = &ldPlace{Type: "Place", Name: cmp.Or(f.Place, f.Address)}
		if f.Address != "" {
			e.Location.Address = &ldAddress{Type: "PostalAddress", StreetAddress: f.Address, AddressCountry: "JP"}
		}
		if f.Lat != nil && f.Lon != nil {
			e.Location.Geo = ldGeoCoordinates{Type: "GeoCoordinates", Latitude: *f.Lat, Longitude: *f.Lon}
		}
	}
	if f.Organizer != "" {
		e.Organizer = &ldOrganization{Type: "Organization", Name: f.Organizer}
	}
	return e
}

// ldTime writes a catalog time as schema.org's DateTime (ISO 8601).
func ldTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// ldDateTime joins a record's date and time (as the importer writes them:
// 2026-05-03 and 09:30 or 09:30:15) into a DateTime in Japan's time;
// without a usable time it is the date alone.
func ldDateTime(date, hhmm string) string {
	t, err := time.Parse(time.TimeOnly, hhmm)
	if err != nil {
		if t, err = time.Parse("15:04", hhmm); err != nil {
			return date
		}
	}
	return date + "T" + t.Format(time.TimeOnly) + "+09:00"
}

func ldIsDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// ldURL keeps a record's URL only if it is one a browser can open.
func ldURL(s string) string {
	if strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://") {
		return s
	}
	return ""
}

func ldNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func ldSize(n int64) string {
	if n <= 0 {
		return ""
	}
	return strconv.FormatInt(n, 10) + " B"
}
