package web

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
)

// layersView lists the unified GIS layers, each with its conflation report
// (what was merged and why, for a person to review), and a form to add or
// change a definition.
type layersView struct {
	adminView
	Layers  []layerSummary
	Form    string // the definition being edited (JSON)
	Message string
}

type layerSummary struct {
	Def    *catalog.LayerDefinition
	Report *unifiedReport // nil when it cannot be built now
	Err    string
}

func (s *Server) layersPage(c *gin.Context) error {
	form := ""
	if slug := c.Query("edit"); slug != "" {
		ld, err := s.unifiedDefinition(c.Request.Context(), slug)
		if err != nil {
			return err
		}
		form = indentJSON(ld.Definition)
	}
	return s.renderLayers(c, http.StatusOK, form, "")
}

func (s *Server) renderLayers(c *gin.Context, status int, form, msg string) error {
	ctx := c.Request.Context()
	defs, err := s.unifiedDefinitions(ctx)
	if err != nil {
		return err
	}
	view := layersView{adminView: s.adminBase(c, "統合レイヤー"), Form: form, Message: msg}
	for _, d := range defs {
		sum := layerSummary{Def: d}
		if rep, err := s.unifiedLayerReport(ctx, d.Slug); err != nil {
			if catalog.KindOf(err) == catalog.Internal {
				return err
			}
			sum.Err = catalog.MessageOf(err)
		} else {
			sum.Report = rep
		}
		view.Layers = append(view.Layers, sum)
	}
	return s.render(c, status, "admin_layers.html", view)
}

// saveLayer stores a definition (checked by geo.ParseMergeDef; the error
// names the field); the layer is merged again on its next request.
func (s *Server) saveLayer(c *gin.Context) error {
	body := strings.TrimSpace(c.PostForm("definition"))
	if _, err := s.saveUnifiedDefinition(c.Request.Context(), actor(c), []byte(body)); err != nil {
		if k := catalog.KindOf(err); k == catalog.Invalid || k == catalog.Conflict {
			return s.renderLayers(c, statusOf(err), body, catalog.MessageOf(err))
		}
		return err
	}
	c.Redirect(http.StatusSeeOther, "/admin/layers")
	return nil
}

func indentJSON(raw []byte) string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return string(raw)
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return string(raw)
	}
	return string(b)
}
