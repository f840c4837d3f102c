package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
)

// ckanPackage is one published dataset as a CKAN package: the dict,
// rendered once, and the values searches filter, sort and count on.
type ckanPackage struct {
	name     string // the dataset's slug: CKAN's name and id alike
	key      string // what it was built from (see packageKey)
	complete bool   // every download's size and checksum were known
	titleKey string // folded title, for title_string sorts
	text     string // folded metadata, for q without the search index
	title    string
	notes    string
	org      string
	license  string
	groups   []string
	tags     []string
	formats  []string // of its resources, as CKAN's res_format
	created  time.Time
	modified time.Time
	version  *catalog.Version // the published version: its records are the datastore
	// facetIDs are the package's values of each of ckanFacetFields as
	// indexes into its catalog's facetValues: a package belongs to one
	// catalog (a rebuild copies what it reuses).
	facetIDs [ckanFacetSlots][]int32
	// resources are kept as values for resource_show and datastore_search;
	// dict is the whole package dict as JSON.
	resources []ckanResourceDict
	dict      json.RawMessage
}

// ckanPackageDict is CKAN's package dict (ckan.lib.dictization.model_dictize
// package_dictize, CKAN 2.11), with our dataset's values.
type ckanPackageDict struct {
	Author                 string             `json:"author"`
	AuthorEmail            string             `json:"author_email"`
	CreatorUserID          *string            `json:"creator_user_id"`
	Extras                 []ckanExtra        `json:"extras"`
	Groups                 []ckanGroupDict    `json:"groups"`
	ID                     string             `json:"id"`
	IsOpen                 bool               `json:"isopen"`
	LicenseID              string             `json:"license_id"`
	LicenseTitle           string             `json:"license_title"`
	LicenseURL             string             `json:"license_url"`
	Maintainer             string             `json:"maintainer"`
	MaintainerEmail        string             `json:"maintainer_email"`
	MetadataCreated        string             `json:"metadata_created"`
	MetadataModified       string             `json:"metadata_modified"`
	Name                   string             `json:"name"`
	Notes                  string             `json:"notes"`
	NumResources           int                `json:"num_resources"`
	NumTags                int                `json:"num_tags"`
	Organization           ckanOrgDict        `json:"organization"`
	OwnerOrg               string             `json:"owner_org"`
	Private                bool               `json:"private"`
	RelationshipsAsObject  []any              `json:"relationships_as_object"`
	RelationshipsAsSubject []any              `json:"relationships_as_subject"`
	Resources              []ckanResourceDict `json:"resources"`
	State                  string             `json:"state"`
	Tags                   []ckanTag          `json:"tags"`
	Title                  string             `json:"title"`
	Type                   string             `json:"type"`
	URL                    string             `json:"url"`
	Version                string             `json:"version"`
}

// ckanResourceDict is CKAN's resource dict: one download of the published
// version.
type ckanResourceDict struct {
	CacheLastUpdated *string `json:"cache_last_updated"`
	CacheURL         *string `json:"cache_url"`
	Created          string  `json:"created"`
	DatastoreActive  bool    `json:"datastore_active"`
	Description      string  `json:"description"`
	Format           string  `json:"format"`
	Hash             string  `json:"hash"`
	ID               string  `json:"id"`
	LastModified     string  `json:"last_modified"`
	MetadataModified string  `json:"metadata_modified"`
	Mimetype         string  `json:"mimetype"`
	MimetypeInner    *string `json:"mimetype_inner"`
	Name             string  `json:"name"`
	PackageID        string  `json:"package_id"`
	Position         int     `json:"position"`
	ResourceType     *string `json:"resource_type"`
	Size             *int64  `json:"size"`
	State            string  `json:"state"`
	URL              string  `json:"url"`
	URLType          *string `json:"url_type"`
}

// ckanOrgDict is an organization as a package shows it.
type ckanOrgDict struct {
	ApprovalStatus string  `json:"approval_status"`
	Created        *string `json:"created"`
	Description    string  `json:"description"`
	ID             string  `json:"id"`
	ImageURL       string  `json:"image_url"`
	IsOrganization bool    `json:"is_organization"`
	Name           string  `json:"name"`
	State          string  `json:"state"`
	Title          string  `json:"title"`
	Type           string  `json:"type"`
}

// ckanGroupDict is a group as a package shows it.
type ckanGroupDict struct {
	Description     string `json:"description"`
	DisplayName     string `json:"display_name"`
	ID              string `json:"id"`
	ImageDisplayURL string `json:"image_display_url"`
	Name            string `json:"name"`
	Title           string `json:"title"`
}

type ckanTag struct {
	DisplayName  string  `json:"display_name"`
	ID           string  `json:"id"`
	Name         string  `json:"name"`
	State        string  `json:"state"`
	VocabularyID *string `json:"vocabulary_id"`
}

type ckanExtra struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// ckanTime writes a time as CKAN does (Python's isoformat of a naive UTC
// datetime).
func ckanTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000") }

func orgDict(d catalog.Department, created time.Time) ckanOrgDict {
	o := ckanOrgDict{ApprovalStatus: "approved", Description: d.NameEN, ID: d.Code, IsOrganization: true,
		Name: d.Code, State: "active", Title: d.NameJA, Type: "organization"}
	if !created.IsZero() {
		c := ckanTime(created)
		o.Created = &c
	}
	return o
}

// groupDict names a theme as CKAN group names go: lower case.
func groupDict(t catalog.Theme) ckanGroupDict {
	name := strings.ToLower(t.Code)
	return ckanGroupDict{Description: t.TitleEN, DisplayName: t.TitleJA, ID: name, Name: name, Title: t.TitleJA}
}

// packageKey is what a package dict is built from, short of the version's
// files and downloads (a new version changes CurrentVersion): the dataset
// as stored and its organization.
func packageKey(d *catalog.Dataset, dept catalog.Department, org ckanOrgDict) string {
	created := ""
	if org.Created != nil {
		created = *org.Created
	}
	return fmt.Sprintf("%d|%d|%s|%v|%s", d.ID, d.CurrentVersion, d.Modified.Format(time.RFC3339Nano), dept, created)
}

// ckanPackage builds the package of a published dataset.
func (s *Server) ckanPackage(d *catalog.Dataset, v *catalog.Version, dists []distribution, dept catalog.Department, org ckanOrgDict, key string) (*ckanPackage, error) {
	p := &ckanPackage{name: d.Slug, key: key, complete: true, titleKey: catalog.Fold(d.TitleJA), title: d.TitleJA,
		notes: d.DescriptionJA, org: d.Department, license: d.License, tags: d.Keywords, created: d.Issued,
		modified: d.Modified, version: v}
	p.text = catalog.Fold(strings.Join(append([]string{d.Slug, d.TitleJA, d.TitleEN, d.DescriptionJA, d.DescriptionEN,
		d.Standard, org.Title}, d.Keywords...), "\n"))
	pd := ckanPackageDict{Author: org.Title, AuthorEmail: dept.Email, ID: d.Slug, IsOpen: true, LicenseID: d.License, Name: d.Slug,
		Notes: d.DescriptionJA, Organization: org, OwnerOrg: org.ID, State: "active", Title: d.TitleJA, Type: "dataset",
		URL: s.cfg.BaseURL + "/datasets/" + d.Slug, Version: strconv.Itoa(d.CurrentVersion),
		MetadataCreated: ckanTime(d.Issued), MetadataModified: ckanTime(d.Modified),
		Extras: []ckanExtra{}, Groups: []ckanGroupDict{}, Tags: []ckanTag{}, Resources: []ckanResourceDict{},
		RelationshipsAsObject: []any{}, RelationshipsAsSubject: []any{}}
	if lic, ok := catalog.LicenseByID(d.License); ok {
		pd.LicenseTitle, pd.LicenseURL, pd.IsOpen = lic.TitleJA, lic.URL, lic.CCBYCompatible
	}
	pd.Maintainer, pd.MaintainerEmail = d.Contact.Name, d.Contact.Email
	if pd.Maintainer == "" {
		pd.Maintainer = org.Title
	}
	for _, code := range d.Themes {
		if t, ok := catalog.ThemeByCode(code); ok {
			g := groupDict(t)
			pd.Groups = append(pd.Groups, g)
			p.groups = append(p.groups, g.Name)
		}
	}
	for _, k := range d.Keywords {
		pd.Tags = append(pd.Tags, ckanTag{DisplayName: k, ID: k, Name: k, State: "active"})
	}
	pd.Extras = packageExtras(d)
	originals := 0
	for _, dist := range dists {
		originals += countOriginal(dist, s.apiURL(d.Slug))
	}
	n := 0
	for i, dist := range dists {
		r := ckanResourceDict{Created: ckanTime(v.Created), Format: dist.Format, Hash: dist.SHA256,
			LastModified: ckanTime(v.Created), MetadataModified: ckanTime(d.Modified), Mimetype: dist.MediaType,
			Name: dist.Title, PackageID: d.Slug, Position: i, State: "active", URL: dist.DownloadURL}
		if file, ok := strings.CutPrefix(dist.DownloadURL, s.apiURL(d.Slug)+"/data."); ok && !strings.Contains(file, "/") {
			// A generated download: the records, which datastore_search reads.
			r.ID = d.Slug + "-" + file
			r.Description = dist.Description
			r.DatastoreActive = len(v.Columns) > 0
		} else {
			n++
			r.ID = d.Slug + "-original"
			if originals > 1 {
				r.ID += "-" + strconv.Itoa(n)
			}
			r.Description = dist.Description
			upload := "upload"
			r.URLType = &upload
		}
		if dist.ByteSize > 0 || dist.SHA256 != "" {
			size := dist.ByteSize
			r.Size = &size
		} else {
			p.complete = false // measured after publishing: rebuild once it is
		}
		pd.Resources = append(pd.Resources, r)
		if !containsFoldString(p.formats, r.Format) {
			p.formats = append(p.formats, r.Format)
		}
	}
	pd.NumResources, pd.NumTags = len(pd.Resources), len(pd.Tags)
	p.resources = pd.Resources
	dict, err := marshalJSON(pd)
	if err != nil {
		return nil, err
	}
	p.dict = json.RawMessage(bytes.TrimSuffix(dict, []byte("\n")))
	return p, nil
}

// countOriginal is 1 for a download of an original file, 0 for a generated one.
func countOriginal(dist distribution, api string) int {
	if file, ok := strings.CutPrefix(dist.DownloadURL, api+"/data."); ok && !strings.Contains(file, "/") {
		return 0
	}
	return 1
}

func containsFoldString(list []string, s string) bool {
	for _, l := range list {
		if strings.EqualFold(l, s) {
			return true
		}
	}
	return false
}

// packageExtras carries what CKAN's core fields have no place for, under
// the keys harvesters know: ckanext-spatial's "spatial" (GeoJSON) and
// DCAT's names.
func packageExtras(d *catalog.Dataset) []ckanExtra {
	out := []ckanExtra{}
	add := func(k, v string) {
		if v != "" {
			out = append(out, ckanExtra{Key: k, Value: v})
		}
	}
	add("title_en", d.TitleEN)
	add("notes_en", d.DescriptionEN)
	add("kind", string(d.Kind))
	add("conforms_to", d.Standard)
	add("frequency", d.Frequency)
	add("temporal_start", d.TemporalStart)
	add("temporal_end", d.TemporalEnd)
	add("contact_phone", d.Contact.Phone)
	add("contact_uri", d.Contact.URL)
	if b := d.Spatial; b != nil {
		add("spatial", fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]}`,
			b[0], b[1], b[2], b[1], b[2], b[3], b[0], b[3], b[0], b[1]))
	}
	return out
}

// ckanPackageShow answers package_show: id (or name_or_id) is the
// dataset's slug, which is CKAN's id and name alike.
func (s *Server) ckanPackageShow(c *gin.Context, p ckanParams) (any, error) {
	id := strings.TrimSpace(p.str("id"))
	if id == "" {
		var err error
		if id, err = p.required("name_or_id"); err != nil {
			return nil, err
		}
	}
	cat, err := s.ckanCatalog(c.Request.Context())
	if err != nil {
		return nil, err
	}
	pkg := cat.byName[id]
	if pkg == nil {
		return nil, ckanNotFound("")
	}
	return pkg.dict, nil
}

// ckanPackageList answers package_list: the names, sorted, limit and offset.
func (s *Server) ckanPackageList(c *gin.Context, p ckanParams) (any, error) {
	cat, err := s.ckanCatalog(c.Request.Context())
	if err != nil {
		return nil, err
	}
	lo, hi, err := p.page(len(cat.packages))
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, hi-lo)
	for _, pkg := range cat.packages[lo:hi] {
		names = append(names, pkg.name)
	}
	return names, nil
}

// ckanResourceShow answers resource_show. A resource id is stable across
// versions: "<dataset>-csv", "-json", "-geojson", "-original" (numbered
// when a version has several files).
func (s *Server) ckanResourceShow(c *gin.Context, p ckanParams) (any, error) {
	id, err := p.required("id")
	if err != nil {
		return nil, err
	}
	cat, err := s.ckanCatalog(c.Request.Context())
	if err != nil {
		return nil, err
	}
	_, r, ok := cat.resource(id)
	if !ok {
		return nil, ckanNotFound("Resource was not found.")
	}
	return r, nil
}
