package web

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/search"
)

// hitView is one search hit as the API shows it.
type hitView struct {
	ID       string              `json:"id"`
	Type     string              `json:"type"`
	Dataset  string              `json:"dataset"`
	Row      int                 `json:"row,omitempty"`
	Title    string              `json:"title"`
	Score    float64             `json:"score"`
	Snippets map[string][]string `json:"snippets,omitempty"`
	PageURL  string              `json:"page_url"`
	APIURL   string              `json:"api_url"`
}

func (s *Server) hitView(h search.Hit) hitView {
	v := hitView{ID: h.ID, Type: h.Type, Dataset: h.Dataset, Row: h.Row, Title: h.Title, Score: h.Score, Snippets: h.Snippets}
	if h.Row > 0 {
		v.PageURL = s.cfg.BaseURL + "/datasets/" + h.Dataset + "?offset=" + strconv.Itoa((h.Row-1)/previewRows*previewRows) + "#preview"
		v.APIURL = s.apiURL(h.Dataset) + "/records?offset=" + strconv.Itoa(h.Row-1) + "&limit=1"
	} else {
		v.PageURL = s.cfg.BaseURL + "/datasets/" + h.Dataset
		v.APIURL = s.apiURL(h.Dataset)
	}
	return v
}

// searchAll answers /api/v1/search: hits across datasets and the records of
// the standard kinds (facilities, evacuation sites, events, photos, ...).
func (s *Server) searchAll(c *gin.Context) error {
	q := search.Query{Q: c.Query("q"), Kind: c.Query("kind"), Department: c.Query("department"), Sort: c.Query("sort")}
	if t := c.Query("type"); t != "" {
		q.Types = strings.Split(t, ",")
	}
	var err error
	if q.Limit, err = intParam(c, "limit", search.DefaultLimit, 1, search.MaxLimit); err != nil {
		return err
	}
	if q.Offset, err = intParam(c, "offset", 0, 0, search.MaxOffset); err != nil {
		return err
	}
	q.Q = clipQuery(q.Q)
	res, err := s.search.Search(c.Request.Context(), q)
	if err != nil {
		return err
	}
	items := make([]hitView, len(res.Hits))
	for i, h := range res.Hits {
		items[i] = s.hitView(h)
	}
	c.JSON(http.StatusOK, gin.H{"total": res.Total, "limit": q.Limit, "offset": q.Offset, "items": items, "facets": res.Facets})
	return nil
}

// suggest answers /api/v1/suggest: names to complete a query with.
func (s *Server) suggest(c *gin.Context) error {
	n, err := intParam(c, "n", 8, 1, 20)
	if err != nil {
		return err
	}
	prefix := clipQuery(c.Query("q"))
	out, err := s.search.Suggest(c.Request.Context(), prefix, n)
	if err != nil {
		return err
	}
	items := make([]gin.H, len(out))
	for i, sg := range out {
		items[i] = gin.H{"text": sg.Text, "type": sg.Type, "dataset": sg.Dataset}
		if sg.Row > 0 {
			items[i]["row"] = sg.Row
		}
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
	return nil
}

// clipQuery keeps the first maxQRunes characters of what was typed: a long
// paste is still searched (as plain text), just not all of it.
func clipQuery(q string) string {
	if utf8.RuneCountInString(q) <= maxQRunes {
		return q
	}
	return string([]rune(q)[:maxQRunes])
}

// needsIndex answers 503 when the portal runs without a search index.
func (s *Server) needsIndex(h handler) handler {
	return func(c *gin.Context) error {
		if s.search == nil {
			return &catalog.Error{Kind: catalog.Unavailable, Message: "search is not available"}
		}
		return h(c)
	}
}
