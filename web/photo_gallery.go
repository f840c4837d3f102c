package web

import (
	"net/url"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
)

// photosView is the gallery: a search form that works without
// JavaScript, one page of what it found, and links that keep the filters.
type photosView struct {
	page
	Query       *photoQuery
	Filtered    bool // some filter is set
	Photos      []photoCard
	Placed      []photoCard // the page's photos that have a point
	Total, Page int
	First, Last int    // the 1-based positions shown
	Prev, Next  string // URLs of the neighbouring pages, "" for none
	GeoJSON     string // the photos found, as GeoJSON for map software
	Mapped      int    // how many of the photos found have a place
	MapConfig   string // map.js's configuration, when Mapped
	Departments []catalog.Department
}

// photoCard is one photo of the gallery.
type photoCard struct {
	*photo
	Thumbnail string
}

func (s *Server) photosPage(c *gin.Context) error {
	q, found, err := s.findPhotos(c, photoPerPage)
	if err != nil {
		return err
	}
	q.PerPage = photoPerPage // the gallery's pages are fixed
	shown := q.pageOf(found)
	depts, err := s.photoDepartments(c)
	if err != nil {
		return err
	}
	start := (q.Page - 1) * q.PerPage
	p := s.page(c)
	view := photosView{page: p.titled(p.t("photos.title")), Query: q, Filtered: len(q.values()) > 0, Total: len(found), Page: q.Page,
		First: start + 1, Last: start + len(shown), Departments: depts,
		GeoJSON: "/api/v1/photos.geojson" + encodeQuery(q.values())}
	for _, ph := range found {
		if ph.HasPoint {
			view.Mapped++
		}
	}
	if view.Mapped > 0 {
		layer := mapLayer{ID: "photos", Title: p.t("photos.title"), TitleLang: p.Lang, Kind: kindName(p.Lang, catalog.KindPhoto),
			Color: kindColors[catalog.KindPhoto], DataURL: view.GeoJSON, PageURL: "/photos"}
		if view.MapConfig, err = s.mapConfigIn(c, p.Lang, []mapLayer{layer}); err != nil {
			return err
		}
	}
	for _, ph := range shown {
		card := photoCard{photo: ph, Thumbnail: s.thumbnailPath(ph)}
		view.Photos = append(view.Photos, card)
		if ph.HasPoint {
			view.Placed = append(view.Placed, card)
		}
	}
	link := func(n int) string {
		v := q.values()
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		return "/photos" + encodeQuery(v)
	}
	if q.Page > 1 {
		view.Prev = link(q.Page - 1)
	}
	if start+len(shown) < len(found) {
		view.Next = link(q.Page + 1)
	}
	return s.render(c, 200, "photos.html", view)
}

func encodeQuery(v url.Values) string {
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// photoDepartments lists the departments that publish photos, for the
// form's choice.
func (s *Server) photoDepartments(c *gin.Context) ([]catalog.Department, error) {
	set, err := s.photoSet(c.Request.Context())
	if err != nil {
		return nil, err
	}
	all, err := s.store.Departments(c.Request.Context())
	if err != nil {
		return nil, err
	}
	has := map[string]bool{}
	for _, p := range set.all {
		has[p.Dataset.Department] = true
	}
	return slices.DeleteFunc(all, func(d catalog.Department) bool { return !has[d.Code] }), nil
}
