package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
)

//go:embed templates/*.html
var templateFS embed.FS

func parseTemplates(a *assets) (*template.Template, error) {
	return template.New("").Funcs(template.FuncMap{
		"asset":         a.path,
		"kindLabel":     kindLabel,
		"cell":          cellText,
		"size":          humanSize,
		"roleLabel":     roleLabel,
		"statusLabel":   statusLabel,
		"piiLabel":      piiLabel,
		"encodingLabel": encodingLabel,
		"has":           slices.Contains[[]string],
	}).ParseFS(templateFS, "templates/*.html")
}

// kindLabel names a kind for citizens.
func kindLabel(k catalog.Kind) string {
	switch k {
	case catalog.KindFacility:
		return "施設"
	case catalog.KindEvacuation:
		return "避難所・避難場所"
	case catalog.KindEvent:
		return "イベント"
	case catalog.KindPhoto:
		return "写真"
	case catalog.KindLayer:
		return "地図レイヤ"
	case catalog.KindTable:
		return "表"
	}
	return ""
}

// render executes a page into a buffer first, so a failing template gives
// a clean error page rather than half a page.
func (s *Server) render(c *gin.Context, status int, name string, view any) error {
	var buf bytes.Buffer
	if err := s.pages.ExecuteTemplate(&buf, name, view); err != nil {
		return err
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
	return nil
}

type errorView struct {
	Status  int
	Message string
}

func (s *Server) renderError(c *gin.Context, status int, msg string) {
	if err := s.render(c, status, "error.html", errorView{Status: status, Message: msg}); err != nil {
		s.log.Error("render error page", "err", err)
		c.String(status, msg)
	}
	c.Abort()
}

type homeView struct {
	Total   int
	Kinds   []catalog.Kind
	Newest  []*catalog.Dataset
	Popular []*catalog.Dataset
	LD      ldDataCatalog // schema.org DataCatalog with every dataset
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
	return s.render(c, http.StatusOK, "home.html", homeView{Total: total, Kinds: catalog.Kinds,
		Newest: all[:min(len(all), 10)], Popular: popular, LD: s.catalogLD(all)})
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
