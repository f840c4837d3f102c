package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
)

//go:embed templates/*.html
var templateFS embed.FS

// parseTemplates parses every page, and loads the message catalogs they
// read (a broken catalog fails the start too).
func parseTemplates(a *assets) (*template.Template, error) {
	if _, err := messages(); err != nil {
		return nil, err
	}
	funcs := template.FuncMap{
		"asset":         a.path,
		"kindLabel":     kindLabel,
		"cell":          cellText,
		"size":          humanSize,
		"roleLabel":     roleLabel,
		"statusLabel":   statusLabel,
		"piiLabel":      piiLabel,
		"encodingLabel": encodingLabel,
		"has":           slices.Contains[[]string],
	}
	for k, f := range templateFuncs() {
		funcs[k] = f
	}
	return template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html")
}

// kindLabel names a kind in Japanese (the admin pages' kindLabel; the
// citizens' pages say {{kind .Lang .Kind}}).
func kindLabel(k catalog.Kind) string { return kindName(ja, k) }

// render executes a page into a buffer first, so a failing template gives
// a clean error page rather than half a page.
//
// The views of the OGC API and API pages are built elsewhere for every
// language; render gives them the request's page (language, layout).
func (s *Server) render(c *gin.Context, status int, name string, view any) error {
	switch v := view.(type) {
	case *ogcPageView:
		view = ogcPage{ogcPageView: v, page: s.page(c).titled(v.Title)}
	case *apiPageView:
		view = apiPage{apiPageView: v, page: s.page(c).titled("API")}
	}
	var buf bytes.Buffer
	if err := s.pages.ExecuteTemplate(&buf, name, view); err != nil {
		return err
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
	return nil
}

// ogcPage and apiPage are those pages with the request's page.
type ogcPage struct {
	*ogcPageView
	page
}

type apiPage struct {
	*apiPageView
	page
}

type errorView struct {
	page
	Status  int
	Message text // the error's own words, in their language
}

func (s *Server) renderError(c *gin.Context, status int, message string) {
	p := s.page(c)
	p = p.titled(p.t(errorTitleKey(status)))
	v := errorView{page: p, Status: status, Message: text{message, dataLang(p.Lang, message)}}
	if err := s.render(c, status, "error.html", v); err != nil {
		s.log.Error("render error page", "err", err)
		c.String(status, message)
	}
	c.Abort()
}

// errorTitleKey is the catalog's heading for an error status.
func errorTitleKey(status int) string {
	switch status {
	case http.StatusNotFound:
		return "error.not_found"
	case http.StatusBadRequest:
		return "error.invalid"
	}
	if status >= 500 {
		return "error.internal"
	}
	return "error.generic"
}

type homeView struct {
	page
	Total   int
	Kinds   []catalog.Kind
	Newest  []*catalog.Dataset
	Popular []*catalog.Dataset
	Coming  []comingEvent
	LD      ldDataCatalog // schema.org DataCatalog with every dataset
}

// comingEvent is an event as the home page lists it.
type comingEvent struct {
	eventItem
	Day string // its day, or its first and last days
}

func (s *Server) home(c *gin.Context) error {
	ctx := c.Request.Context()
	// Every published dataset, for the page's DataCatalog; the newest ten
	// are listed.
	all, total, _, err := s.store.FindDatasets(ctx, catalog.Filter{Sort: "modified"})
	if err != nil {
		return err
	}
	popular, _, _, err := s.store.FindDatasets(ctx, catalog.Filter{Sort: "downloads", Limit: 5})
	if err != nil {
		return err
	}
	evs, err := s.upcomingEvents(ctx, 5)
	if err != nil {
		return err
	}
	p := s.page(c)
	p = p.titled(p.t("home.title"))
	view := homeView{page: p, Total: total, Kinds: catalog.Kinds, Newest: all[:min(len(all), 10)], Popular: popular, LD: s.catalogLD(all)}
	for _, e := range evs {
		d, err := time.ParseInLocation(time.DateOnly, e.Start, japan)
		if err != nil {
			continue
		}
		day := formatDay(p.Lang, d)
		if end, err := time.ParseInLocation(time.DateOnly, e.End, japan); err == nil {
			day = p.t("events.period", "start", day, "end", formatDay(p.Lang, end))
		}
		view.Coming = append(view.Coming, comingEvent{eventItem: e, Day: day})
	}
	return s.render(c, http.StatusOK, "home.html", view)
}

// cellText shows a record value: empty for null, as written otherwise.
func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		if x {
			return "true"
		}
		return "false"
	}
	return fmt.Sprint(v)
}

// humanSize writes a byte count the way a download button shows it.
func humanSize(n int64) string {
	switch {
	case n <= 0:
		return ""
	case n < 1<<10:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	case n < 1<<30:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
}
