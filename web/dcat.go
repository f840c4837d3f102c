package web

import (
	"fmt"
	"mime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/web/rdf"
)

// The catalog as DCAT-AP 3.0.1: one mapping of the catalog model, written
// as Turtle, RDF/XML or JSON-LD by web/rdf. Everything a DCAT-AP shape
// checks the class of (agents, licences, themes, languages, formats) is
// typed here, in the document itself: a SHACL validator sees only the
// document, not the EU vocabularies.

// Vocabularies.
const (
	nsDCAT   = "http://www.w3.org/ns/dcat#"
	nsDCT    = "http://purl.org/dc/terms/"
	nsFOAF   = "http://xmlns.com/foaf/0.1/"
	nsVCard  = "http://www.w3.org/2006/vcard/ns#"
	nsSKOS   = "http://www.w3.org/2004/02/skos/core#"
	nsSPDX   = "http://spdx.org/rdf/terms#"
	nsLOCN   = "http://www.w3.org/ns/locn#"
	nsGSP    = "http://www.opengis.net/ont/geosparql#"
	nsHydra  = "http://www.w3.org/ns/hydra/core#"
	nsDCATAP = "http://data.europa.eu/r5r/"
	nsADMS   = "http://www.w3.org/ns/adms#"

	euAuthority    = "http://publications.europa.eu/resource/authority/"
	ianaMedia      = "https://www.iana.org/assignments/media-types/"
	publisherTypes = "http://purl.org/adms/publishertype/"
	licenceTypes   = "http://purl.org/adms/licencetype/"
)

// dcatNamespaces are the prefixes of every serialization.
var dcatNamespaces = []rdf.Namespace{
	{Prefix: "dcat", IRI: nsDCAT},
	{Prefix: "dct", IRI: nsDCT},
	{Prefix: "foaf", IRI: nsFOAF},
	{Prefix: "vcard", IRI: nsVCard},
	{Prefix: "skos", IRI: nsSKOS},
	{Prefix: "spdx", IRI: nsSPDX},
	{Prefix: "locn", IRI: nsLOCN},
	{Prefix: "gsp", IRI: nsGSP},
	{Prefix: "hydra", IRI: nsHydra},
	{Prefix: "dcatap", IRI: nsDCATAP},
	{Prefix: "adms", IRI: nsADMS},
	{Prefix: "xsd", IRI: rdf.XSD},
}

// City is who publishes the catalog: the municipality.
type City struct {
	NameJA, NameEN string
	Code           string // 全国地方公共団体コード, six digits with the check digit
}

// dcatMapper builds the graphs of one document; it holds the base URL,
// the city, and which shared resources the document has described.
type dcatMapper struct {
	base string
	city City
	// described: the IRIs of shared resources (agents, licences, themes,
	// services, vocabulary terms) already described in this document. A
	// catalog of 10,000 datasets names the same licence 40,000 times and
	// describes it once.
	described map[string]bool
}

func newDCATMapper(base string, city City) dcatMapper {
	return dcatMapper{base: base, city: city, described: map[string]bool{}}
}

// first reports whether iri is described for the first time in the
// document, and marks it described.
func (m dcatMapper) first(iri string) bool {
	if m.described[iri] {
		return false
	}
	m.described[iri] = true
	return true
}

// typeOnce types a shared vocabulary term the first time the document
// names it.
func (m dcatMapper) typeOnce(g *rdf.Graph, t rdf.Term, class string) {
	if m.first(t.Value) {
		g.Type(t, class)
	}
}

func p(ns, local string) rdf.Term { return rdf.IRI(ns + local) }

func dateTime(t time.Time) rdf.Term {
	if t.IsZero() {
		return rdf.Term{}
	}
	return rdf.Typed(t.UTC().Format(time.RFC3339), rdf.XSD+"dateTime")
}

// isoDate types an ISO 8601 date as written: a year, a date or a time.
func isoDate(s string) rdf.Term {
	switch {
	case s == "":
		return rdf.Term{}
	case len(s) == 4:
		return rdf.Typed(s, rdf.XSD+"gYear")
	case len(s) == 7:
		return rdf.Typed(s, rdf.XSD+"gYearMonth")
	case strings.Contains(s, "T"):
		return rdf.Typed(s, rdf.XSD+"dateTime")
	}
	return rdf.Typed(s, rdf.XSD+"date")
}

func (m dcatMapper) catalogIRI() rdf.Term       { return rdf.IRI(m.base + "/catalog") }
func (m dcatMapper) publisherIRI() rdf.Term     { return rdf.IRI(m.base + "/catalog#publisher") }
func (m dcatMapper) pageURL(slug string) string { return m.base + "/datasets/" + slug }
func (m dcatMapper) datasetIRI(slug string) rdf.Term {
	return rdf.IRI(m.pageURL(slug) + "#dataset")
}
func (m dcatMapper) departmentIRI(code string) rdf.Term {
	return rdf.IRI(m.base + "/catalog#department-" + code)
}

// dataService is an API that serves every dataset, or those serves
// accepts (OGC API - Features serves the datasets with geometry).
type dataService struct {
	iri, endpoint, description, titleJA, titleEN, standard string
	serves                                                 func(*catalog.Dataset) bool
}

// hasGeometry tells whether d's published version has geometry (it has a
// GeoJSON download then).
func hasGeometry(d *catalog.Dataset) bool { return slices.Contains(d.Formats, "GeoJSON") }

// dataServices are the APIs; the JSON API is the first.
func (m dcatMapper) dataServices() []dataService {
	return []dataService{
		{m.base + "/api/v1#service", m.base + "/api/v1", m.base + "/api/openapi.json",
			"オープンデータ API（JSON）", "Open data API (JSON)", "https://spec.openapis.org/oas/v3.1.0", nil},
		{m.base + "/api/3/action#service", m.base + "/api/3/action", "https://docs.ckan.org/en/2.11/api/",
			"CKAN 互換 API", "CKAN-compatible Action API", "https://docs.ckan.org/en/2.11/api/", nil},
		{m.base + "/ogc#service", m.base + "/ogc", m.base + "/ogc/api",
			"OGC API - Features（位置情報つきのデータ）", "OGC API - Features (the datasets with geometry)",
			"http://www.opengis.net/doc/IS/ogcapi-features-1/1.0", hasGeometry},
	}
}

// catalogGraph is the catalog resource with what it refers to: publisher,
// themes, languages, services. list holds the datasets of the document
// (all, or one page); issued, modified and area (may be nil) are the
// oldest issue, the newest change and the extent of all of them.
func (m dcatMapper) catalogGraph(g *rdf.Graph, list []*catalog.Dataset, issued, modified time.Time, area *catalog.BBox) {
	c := m.catalogIRI()
	if area != nil {
		m.location(g, c, m.base+"/catalog#spatial", *area)
	}
	g.Type(c, nsDCAT+"Catalog")
	g.Add(c, p(nsDCT, "title"), rdf.Lang(m.city.NameJA+" オープンデータカタログ", "ja"))
	g.Add(c, p(nsDCT, "title"), rdf.Lang(m.city.NameEN+" Open Data Catalog", "en"))
	g.Add(c, p(nsDCT, "description"), rdf.Lang(m.city.NameJA+"が公開するオープンデータの一覧です。施設、避難所、イベント、写真などのデータを、CSV・JSON・GeoJSON でダウンロードできます。", "ja"))
	g.Add(c, p(nsDCT, "description"), rdf.Lang("The open data published by "+m.city.NameEN+": facilities, evacuation sites, events, photos and more, as CSV, JSON and GeoJSON.", "en"))
	g.Add(c, p(nsDCT, "publisher"), m.publisherIRI())
	g.Add(c, p(nsFOAF, "homepage"), rdf.IRI(m.base+"/"))
	m.typeOnce(g, rdf.IRI(m.base+"/"), nsFOAF+"Document")
	g.Add(c, p(nsDCT, "issued"), dateTime(issued))
	g.Add(c, p(nsDCT, "modified"), dateTime(modified))
	m.license(g, c, catalog.DefaultLicense)
	for _, code := range []string{"JPN", "ENG"} {
		lang := rdf.IRI(euAuthority + "language/" + code)
		g.Add(c, p(nsDCT, "language"), lang)
		m.typeOnce(g, lang, nsDCT+"LinguisticSystem")
	}
	scheme := rdf.IRI(euAuthority + "data-theme")
	g.Add(c, p(nsDCAT, "themeTaxonomy"), scheme)
	m.first(scheme.Value)
	g.Type(scheme, nsSKOS+"ConceptScheme")
	g.Add(scheme, p(nsDCT, "title"), rdf.Lang("Data Theme", "en"))
	g.Add(scheme, p(nsDCT, "title"), rdf.Lang("データテーマ", "ja"))
	m.agent(g, m.publisherIRI(), m.city.NameJA, m.city.NameEN)
	for _, d := range list {
		g.Add(c, p(nsDCAT, "dataset"), m.datasetIRI(d.Slug))
	}
	for _, svc := range m.dataServices() {
		var served []*catalog.Dataset
		for _, d := range list {
			if svc.serves == nil || svc.serves(d) {
				served = append(served, d)
			}
		}
		if len(served) == 0 && svc.serves != nil {
			continue // a service for some datasets, none of them here
		}
		g.Add(c, p(nsDCAT, "service"), rdf.IRI(svc.iri))
		m.dataService(g, svc)
		for _, d := range served {
			g.Add(rdf.IRI(svc.iri), p(nsDCAT, "servesDataset"), m.datasetIRI(d.Slug))
		}
	}
}

// dataService describes one of the APIs. A distribution's
// dcat:accessService names one, so each document that names it describes
// it: a SHACL validator (and a harvester) sees one document at a time.
func (m dcatMapper) dataService(g *rdf.Graph, svc dataService) {
	if !m.first(svc.iri) {
		return
	}
	ds := rdf.IRI(svc.iri)
	g.Type(ds, nsDCAT+"DataService")
	g.Add(ds, p(nsDCT, "title"), rdf.Lang(svc.titleJA, "ja"))
	g.Add(ds, p(nsDCT, "title"), rdf.Lang(svc.titleEN, "en"))
	g.Add(ds, p(nsDCAT, "endpointURL"), rdf.IRI(svc.endpoint))
	g.Add(ds, p(nsDCAT, "endpointDescription"), rdf.IRI(svc.description))
	g.Add(ds, p(nsDCT, "publisher"), m.publisherIRI())
	m.agent(g, m.publisherIRI(), m.city.NameJA, m.city.NameEN)
	g.Add(ds, p(nsDCT, "conformsTo"), rdf.IRI(svc.standard))
	m.typeOnce(g, rdf.IRI(svc.standard), nsDCT+"Standard")
	m.license(g, ds, catalog.DefaultLicense)
	g.Add(ds, p(nsDCAT, "keyword"), rdf.Lang("API", "ja"))
	g.Add(ds, p(nsDCAT, "keyword"), rdf.Lang("オープンデータ", "ja"))
	m.theme(g, ds, "GOVE")
	// Whoever runs the portal answers for its APIs: the city, through the
	// page that says how to reach it.
	cp := rdf.IRI(m.base + "/catalog#contact")
	g.Add(ds, p(nsDCAT, "contactPoint"), cp)
	if m.first(cp.Value) {
		g.Type(cp, nsVCard+"Kind")
		g.Type(cp, nsVCard+"Organization")
		g.Add(cp, p(nsVCard, "fn"), rdf.Lang(m.city.NameJA, "ja"))
		g.Add(cp, p(nsVCard, "hasURL"), rdf.IRI(m.base+"/about"))
	}
}

// theme states a theme of s from the EU data-theme vocabulary, with its
// Japanese and English labels.
func (m dcatMapper) theme(g *rdf.Graph, s rdf.Term, code string) {
	t, ok := catalog.ThemeByCode(code)
	if !ok {
		return
	}
	th := rdf.IRI(euAuthority + "data-theme/" + t.Code)
	g.Add(s, p(nsDCAT, "theme"), th)
	if !m.first(th.Value) {
		return
	}
	g.Type(th, nsSKOS+"Concept")
	g.Add(th, p(nsSKOS, "prefLabel"), rdf.Lang(t.TitleJA, "ja"))
	g.Add(th, p(nsSKOS, "prefLabel"), rdf.Lang(t.TitleEN, "en"))
	g.Add(th, p(nsSKOS, "inScheme"), rdf.IRI(euAuthority+"data-theme"))
}

// agent states a publisher: a local authority with its names.
func (m dcatMapper) agent(g *rdf.Graph, a rdf.Term, nameJA, nameEN string) {
	if !m.first(a.Value) {
		return
	}
	g.Type(a, nsFOAF+"Agent")
	g.Type(a, nsFOAF+"Organization")
	g.Add(a, p(nsFOAF, "name"), rdf.Lang(nameJA, "ja"))
	g.Add(a, p(nsFOAF, "name"), rdf.Lang(nameEN, "en"))
	m.concept(g, a, p(nsDCT, "type"), rdf.IRI(publisherTypes+"LocalAuthority"), "Local Authority", "地方公共団体")
}

// license states the licence of s, typed as a licence document.
func (m dcatMapper) license(g *rdf.Graph, s rdf.Term, id string) {
	lic, ok := catalog.LicenseByID(id)
	if !ok {
		return
	}
	l := rdf.IRI(lic.URL)
	g.Add(s, p(nsDCT, "license"), l)
	if !m.first(lic.URL) {
		return
	}
	g.Type(l, nsDCT+"LicenseDocument")
	g.Add(l, p(nsDCT, "title"), rdf.Lang(lic.TitleJA, "ja"))
	g.Add(l, p(nsDCT, "title"), rdf.Lang(lic.TitleEN, "en"))
	g.Add(l, p(nsDCT, "identifier"), rdf.String(lic.ID))
	kind, label := "Attribution", "Attribution"
	if lic.ID == "CC0-1.0" {
		kind, label = "PublicDomain", "Public domain"
	}
	m.concept(g, l, p(nsDCT, "type"), rdf.IRI(licenceTypes+kind), label, "")
}

// concept names a SKOS concept of a vocabulary from s, describing it (its
// labels) the first time the document names it.
func (m dcatMapper) concept(g *rdf.Graph, s, pred, c rdf.Term, labelEN, labelJA string) {
	g.Add(s, pred, c)
	if !m.first(c.Value) {
		return
	}
	g.Type(c, nsSKOS+"Concept")
	g.Add(c, p(nsSKOS, "prefLabel"), rdf.Lang(labelEN, "en"))
	g.Add(c, p(nsSKOS, "prefLabel"), rdf.Lang(labelJA, "ja"))
}

// datasetGraph states one published dataset with its distributions.
func (m dcatMapper) datasetGraph(g *rdf.Graph, d *catalog.Dataset, v *catalog.Version, dept *catalog.Department, dists []distribution) {
	page := m.pageURL(d.Slug)
	ds := m.datasetIRI(d.Slug)
	g.Type(ds, nsDCAT+"Dataset")
	g.Add(ds, p(nsDCT, "title"), rdf.Lang(d.TitleJA, "ja"))
	g.Add(ds, p(nsDCT, "title"), rdf.Lang(d.TitleEN, "en"))
	g.Add(ds, p(nsDCT, "description"), rdf.Lang(d.DescriptionJA, "ja"))
	g.Add(ds, p(nsDCT, "description"), rdf.Lang(d.DescriptionEN, "en"))
	g.Add(ds, p(nsDCT, "identifier"), rdf.String(page))
	g.Add(ds, p(nsDCT, "issued"), dateTime(d.Issued))
	g.Add(ds, p(nsDCT, "modified"), dateTime(d.Modified))
	g.Add(ds, p(nsDCAT, "version"), rdf.String(strconv.Itoa(v.Number)))
	g.Add(ds, p(nsDCAT, "landingPage"), rdf.IRI(page))
	g.Type(rdf.IRI(page), nsFOAF+"Document")
	for _, k := range d.Keywords {
		g.Add(ds, p(nsDCAT, "keyword"), rdf.Lang(k, "ja"))
	}
	for _, code := range d.Themes {
		m.theme(g, ds, code)
	}
	lang := rdf.IRI(euAuthority + "language/JPN")
	g.Add(ds, p(nsDCT, "language"), lang)
	m.typeOnce(g, lang, nsDCT+"LinguisticSystem")
	access := rdf.IRI(euAuthority + "access-right/PUBLIC")
	g.Add(ds, p(nsDCT, "accessRights"), access)
	m.typeOnce(g, access, nsDCT+"RightsStatement")

	// The department publishes; the city is the catalog's publisher.
	if dept != nil {
		a := m.departmentIRI(dept.Code)
		g.Add(ds, p(nsDCT, "publisher"), a)
		g.Add(ds, p(nsDCT, "creator"), a)
		nameEN := dept.NameEN
		if nameEN == "" {
			nameEN = dept.Code
		}
		m.agent(g, a, m.city.NameJA+" "+dept.NameJA, m.city.NameEN+", "+nameEN)
	}
	m.contact(g, ds, page, d.Contact, dept)
	if d.Frequency != "" {
		f := rdf.IRI(euAuthority + "frequency/" + d.Frequency)
		g.Add(ds, p(nsDCT, "accrualPeriodicity"), f)
		m.typeOnce(g, f, nsDCT+"Frequency")
	}
	if d.Spatial != nil {
		m.location(g, ds, page+"#spatial", *d.Spatial)
	}
	if d.TemporalStart != "" || d.TemporalEnd != "" {
		per := rdf.IRI(page + "#temporal")
		g.Add(ds, p(nsDCT, "temporal"), per)
		g.Type(per, nsDCT+"PeriodOfTime")
		g.Add(per, p(nsDCAT, "startDate"), isoDate(d.TemporalStart))
		g.Add(per, p(nsDCAT, "endDate"), isoDate(d.TemporalEnd))
	}
	if d.Standard != "" {
		g.Add(ds, p(nsDCT, "conformsTo"), rdf.IRI(page+"#standard"))
		g.Type(rdf.IRI(page+"#standard"), nsDCT+"Standard")
		g.Add(rdf.IRI(page+"#standard"), p(nsDCT, "title"), rdf.Lang("自治体標準オープンデータセット "+d.Standard, "ja"))
	}
	for i, dist := range dists {
		m.distributionGraph(g, d, ds, page, i, dist)
	}
}

// contact states the dataset's contact point, the department's when the
// dataset names none.
func (m dcatMapper) contact(g *rdf.Graph, ds rdf.Term, page string, c catalog.Contact, dept *catalog.Department) {
	if c.Name == "" && dept != nil {
		c = catalog.Contact{Name: dept.NameJA, Email: dept.Email, Phone: dept.Phone}
	}
	if c.Name == "" {
		return
	}
	cp := rdf.IRI(page + "#contact")
	g.Add(ds, p(nsDCAT, "contactPoint"), cp)
	g.Type(cp, nsVCard+"Kind")
	g.Type(cp, nsVCard+"Organization")
	g.Add(cp, p(nsVCard, "fn"), rdf.Lang(c.Name, "ja"))
	if c.Email != "" {
		g.Add(cp, p(nsVCard, "hasEmail"), rdf.IRI("mailto:"+c.Email))
	}
	if c.Phone != "" {
		g.Add(cp, p(nsVCard, "hasTelephone"), rdf.IRI("tel:"+strings.ReplaceAll(c.Phone, " ", "")))
	}
	if c.URL != "" {
		g.Add(cp, p(nsVCard, "hasURL"), rdf.IRI(c.URL))
	}
}

// euFileTypes maps our formats to the EU file-type vocabulary.
var euFileTypes = map[string]string{"CSV": "CSV", "JSON": "JSON", "GeoJSON": "GEOJSON", "ZIP": "ZIP", "JPEG": "JPEG"}

func (m dcatMapper) distributionGraph(g *rdf.Graph, d *catalog.Dataset, ds rdf.Term, page string, i int, dist distribution) {
	di := rdf.IRI(page + "#distribution-" + strconv.Itoa(i+1))
	g.Add(ds, p(nsDCAT, "distribution"), di)
	g.Type(di, nsDCAT+"Distribution")
	g.Add(di, p(nsDCT, "title"), rdf.Lang(dist.Title, "ja"))
	g.Add(di, p(nsDCT, "description"), rdf.Lang(dist.Description, "ja"))
	m.concept(g, di, p(nsDCATAP, "availability"), rdf.IRI(euAuthority+"planned-availability/STABLE"), "stable", "安定")
	g.Add(di, p(nsDCAT, "accessURL"), rdf.IRI(dist.DownloadURL))
	g.Add(di, p(nsDCAT, "downloadURL"), rdf.IRI(dist.DownloadURL))
	if code, ok := euFileTypes[dist.Format]; ok {
		f := rdf.IRI(euAuthority + "file-type/" + code)
		g.Add(di, p(nsDCT, "format"), f)
		m.typeOnce(g, f, nsDCT+"MediaTypeOrExtent")
	}
	if mt, _, err := mime.ParseMediaType(dist.MediaType); err == nil {
		iana := rdf.IRI(ianaMedia + mt)
		g.Add(di, p(nsDCAT, "mediaType"), iana)
		m.typeOnce(g, iana, nsDCT+"MediaType")
	}
	if dist.ByteSize > 0 {
		g.Add(di, p(nsDCAT, "byteSize"), rdf.Typed(strconv.FormatInt(dist.ByteSize, 10), rdf.XSD+"nonNegativeInteger"))
	}
	if dist.SHA256 != "" {
		sum := rdf.Blank(fmt.Sprintf("d%dsum%d", d.ID, i+1))
		g.Add(di, p(nsSPDX, "checksum"), sum)
		g.Type(sum, nsSPDX+"Checksum")
		alg := p(nsSPDX, "checksumAlgorithm_sha256")
		g.Add(sum, p(nsSPDX, "algorithm"), alg)
		m.typeOnce(g, alg, nsSPDX+"ChecksumAlgorithm")
		g.Add(sum, p(nsSPDX, "checksumValue"), rdf.Typed(dist.SHA256, rdf.XSD+"hexBinary"))
	}
	m.license(g, di, d.License)
	g.Add(di, p(nsDCT, "modified"), dateTime(d.Modified))
	if api := m.dataServices()[0]; strings.HasPrefix(dist.DownloadURL, api.endpoint+"/") {
		g.Add(di, p(nsDCAT, "accessService"), rdf.IRI(api.iri))
		m.dataService(g, api)
		g.Add(rdf.IRI(api.iri), p(nsDCAT, "servesDataset"), ds)
	}
}

// location states the spatial coverage of s: a bounding box and its
// centre, as WKT in WGS 84 longitude/latitude.
func (m dcatMapper) location(g *rdf.Graph, s rdf.Term, iri string, b catalog.BBox) {
	loc := rdf.IRI(iri)
	g.Add(s, p(nsDCT, "spatial"), loc)
	g.Type(loc, nsDCT+"Location")
	wkt := fmt.Sprintf("POLYGON((%[1]s %[2]s, %[3]s %[2]s, %[3]s %[4]s, %[1]s %[4]s, %[1]s %[2]s))",
		coord(b[0]), coord(b[1]), coord(b[2]), coord(b[3]))
	g.Add(loc, p(nsDCAT, "bbox"), rdf.Typed(wkt, nsGSP+"wktLiteral"))
	centre := fmt.Sprintf("POINT(%s %s)", coord((b[0]+b[2])/2), coord((b[1]+b[3])/2))
	g.Add(loc, p(nsDCAT, "centroid"), rdf.Typed(centre, nsGSP+"wktLiteral"))
}

func coord(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
