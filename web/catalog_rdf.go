package web

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/elnormous/contenttype"
	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/web/rdf"
)

// rdfWriter is a streaming serialization of web/rdf.
type rdfWriter interface {
	Write(*rdf.Graph) error
	Close() error
}

// rdfFormat is one serialization: its file extension and media type.
type rdfFormat struct {
	ext, mediaType string
	open           func(io.Writer) rdfWriter
}

var rdfFormats = []rdfFormat{
	{".ttl", "text/turtle", func(w io.Writer) rdfWriter { return rdf.NewTurtle(w, dcatNamespaces) }},
	{".jsonld", "application/ld+json", func(w io.Writer) rdfWriter { return rdf.NewJSONLD(w, dcatNamespaces) }},
	{".rdf", "application/rdf+xml", func(w io.Writer) rdfWriter { return rdf.NewRDFXML(w, dcatNamespaces) }},
}

func rdfFormatByExt(ext string) (rdfFormat, bool) {
	for _, f := range rdfFormats {
		if f.ext == ext {
			return f, true
		}
	}
	return rdfFormat{}, false
}

// negotiate picks what to answer from the Accept header: one of the RDF
// formats, or (html true) the HTML page. First listed wins a tie, and an
// Accept header that matches nothing gets the first too: a harvester that
// asks for something odd gets data rather than a 406.
func negotiate(c *gin.Context, htmlFirst bool) (f rdfFormat, html bool) {
	c.Header("Vary", "Accept")
	var avail []contenttype.MediaType
	if htmlFirst {
		avail = append(avail, contenttype.NewMediaType("text/html"))
	}
	for _, f := range rdfFormats {
		avail = append(avail, contenttype.NewMediaType(f.mediaType))
	}
	if !htmlFirst {
		avail = append(avail, contenttype.NewMediaType("text/html"))
	}
	mt, _, err := contenttype.GetAcceptableMediaType(c.Request, avail)
	if err != nil {
		mt = avail[0]
	}
	if mt.MIME() == "text/html" {
		return rdfFormat{}, true
	}
	for _, f := range rdfFormats {
		if f.mediaType == mt.MIME() {
			return f, false
		}
	}
	return rdfFormats[0], false
}

// dcatMapper starts the mapping of one document.
func (s *Server) dcatMapper() dcatMapper { return newDCATMapper(s.cfg.BaseURL, s.cfg.City) }

// catalogNegotiated is /catalog: DCAT in the format asked for (Turtle by
// default); a browser is sent to the catalog's page.
func (s *Server) catalogNegotiated(c *gin.Context) error {
	f, html := negotiate(c, false)
	if html {
		c.Redirect(http.StatusSeeOther, "/datasets")
		return nil
	}
	return s.writeCatalog(c, f)
}

// catalogAs serves /catalog.ttl, .jsonld and .rdf.
func (s *Server) catalogAs(ext string) handler {
	f, _ := rdfFormatByExt(ext)
	return func(c *gin.Context) error { return s.writeCatalog(c, f) }
}

// catalogChunk is how many datasets' versions are read in one go while
// the catalog streams.
const catalogChunk = 200

// Catalog paging: without ?page= the whole catalog is written, streamed
// dataset by dataset; with it, one page as a hydra:PagedCollection, as
// ckanext-dcat pages.
const (
	catalogPerPage    = 100
	catalogMaxPerPage = 1000
)

// writeCatalog streams the catalog: the catalog resource first, then each
// dataset's graph, so memory holds one dataset at a time.
func (s *Server) writeCatalog(c *gin.Context, f rdfFormat) error {
	ctx := c.Request.Context()
	paged := c.Query("page") != ""
	page, err := intParam(c, "page", 1, 1, maxPage)
	if err != nil {
		return err
	}
	perPage, err := intParam(c, "per_page", catalogPerPage, 1, catalogMaxPerPage)
	if err != nil {
		return err
	}
	all, total, _, err := s.store.FindDatasets(ctx, catalog.Filter{Sort: "title"})
	if err != nil {
		return err
	}
	var issued, modified time.Time
	var area *catalog.BBox
	for _, d := range all {
		if b := d.Spatial; b != nil {
			if area == nil {
				area = &catalog.BBox{b[0], b[1], b[2], b[3]}
			}
			area[0], area[1] = min(area[0], b[0]), min(area[1], b[1])
			area[2], area[3] = max(area[2], b[2]), max(area[3], b[3])
		}
		if issued.IsZero() || d.Issued.Before(issued) {
			issued = d.Issued
		}
		if d.Modified.After(modified) {
			modified = d.Modified
		}
	}
	list := all
	if paged {
		lo := min((page-1)*perPage, total)
		list = all[lo:min(lo+perPage, total)]
	}
	depts, err := s.departmentsByCode(ctx)
	if err != nil {
		return err
	}
	m := s.dcatMapper()
	var head rdf.Graph
	m.catalogGraph(&head, list, issued, modified, area)
	if paged {
		s.hydraPage(&head, page, perPage, total)
	}

	c.Header("Content-Type", f.mediaType+"; charset=utf-8")
	c.Status(http.StatusOK)
	if c.Request.Method == http.MethodHead {
		return nil
	}
	w := f.open(c.Writer)
	if err := w.Write(&head); err != nil {
		return err
	}
	// Reading and mapping the next datasets (SQLite) goes on while the
	// previous ones are written: on two cores a 10,000-dataset catalog
	// streams in about half the time. The channel bounds what waits.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the reader when writing fails
	graphs := make(chan datasetGraph, 16)
	go func() {
		defer close(graphs)
		send := func(dg datasetGraph) bool {
			select {
			case graphs <- dg:
				return dg.err == nil
			case <-ctx.Done():
				return false
			}
		}
		for len(list) > 0 {
			chunk := list[:min(len(list), catalogChunk)]
			list = list[len(chunk):]
			versions, known, err := s.store.CurrentVersions(ctx, chunk)
			if err != nil {
				send(datasetGraph{err: err})
				return
			}
			for _, d := range chunk {
				v := versions[d.ID]
				if v == nil {
					continue // withdrawn since it was listed
				}
				var g rdf.Graph
				m.datasetGraph(&g, d, v, depts[d.Department], s.distributionsOf(d, v, known[d.ID]))
				if !send(datasetGraph{g: &g}) {
					return
				}
			}
		}
	}()
	for dg := range graphs {
		if dg.err != nil {
			return dg.err
		}
		if err := w.Write(dg.g); err != nil {
			return err
		}
	}
	return w.Close()
}

// datasetGraph is a dataset's graph, or why it could not be made.
type datasetGraph struct {
	g   *rdf.Graph
	err error
}

// hydraPage describes one page of the catalog for harvesters that page.
func (s *Server) hydraPage(g *rdf.Graph, page, perPage, total int) {
	pageURL := func(n int) rdf.Term {
		return rdf.IRI(s.cfg.BaseURL + "/catalog?page=" + strconv.Itoa(n) + "&per_page=" + strconv.Itoa(perPage))
	}
	last := max(1, (total+perPage-1)/perPage)
	this := pageURL(page)
	g.Type(this, nsHydra+"PagedCollection")
	g.Add(this, p(nsHydra, "totalItems"), rdf.Typed(strconv.Itoa(total), rdf.XSD+"integer"))
	g.Add(this, p(nsHydra, "itemsPerPage"), rdf.Typed(strconv.Itoa(perPage), rdf.XSD+"integer"))
	g.Add(this, p(nsHydra, "firstPage"), pageURL(1))
	g.Add(this, p(nsHydra, "lastPage"), pageURL(last))
	if page > 1 {
		g.Add(this, p(nsHydra, "previousPage"), pageURL(page-1))
	}
	if page < last {
		g.Add(this, p(nsHydra, "nextPage"), pageURL(page+1))
	}
}

func (s *Server) departmentsByCode(ctx context.Context) (map[string]*catalog.Department, error) {
	list, err := s.store.Departments(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*catalog.Department, len(list))
	for i := range list {
		out[list[i].Code] = &list[i]
	}
	return out, nil
}

// datasetRDF is one published dataset's graph.
func (s *Server) datasetRDF(ctx context.Context, m dcatMapper, d *catalog.Dataset, depts map[string]*catalog.Department) (*rdf.Graph, error) {
	v, dists, err := s.currentDistributions(ctx, d)
	if err != nil {
		return nil, err
	}
	var g rdf.Graph
	m.datasetGraph(&g, d, v, depts[d.Department], dists)
	return &g, nil
}

// writeDataset answers one dataset as DCAT: the dataset, with the catalog
// it belongs to named.
func (s *Server) writeDataset(c *gin.Context, slug string, f rdfFormat) error {
	ctx := c.Request.Context()
	d, _, err := s.publishedBySlug(ctx, slug)
	if err != nil {
		return err
	}
	depts, err := s.departmentsByCode(ctx)
	if err != nil {
		return err
	}
	m := s.dcatMapper()
	g, err := s.datasetRDF(ctx, m, d, depts)
	if err != nil {
		return err
	}
	// Built whole before the first byte: a failure is still an error page.
	var buf strings.Builder
	w := f.open(&buf)
	if err := w.Write(g); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	c.Header("Content-Type", f.mediaType+"; charset=utf-8")
	c.String(http.StatusOK, buf.String())
	return nil
}

// datasetNegotiated is /datasets/{id}: the page, or DCAT by extension
// (/datasets/{id}.ttl) or by Accept header. Slugs hold no dots, so an
// extension is never part of one.
func (s *Server) datasetNegotiated(c *gin.Context) error {
	id := c.Param("id")
	if i := strings.LastIndexByte(id, '.'); i > 0 {
		f, ok := rdfFormatByExt(id[i:])
		if !ok {
			return catalog.Errorf(catalog.NotFound, "no such page: %s", c.Request.URL.Path)
		}
		return s.writeDataset(c, id[:i], f)
	}
	if f, html := negotiate(c, true); !html {
		return s.writeDataset(c, id, f)
	}
	return s.datasetPage(c)
}
