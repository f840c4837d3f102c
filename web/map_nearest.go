package web

import (
	"encoding/json"
	"math"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
)

// The map page's "find my nearest evacuation site": a plain form (the
// browser's location fills it when JavaScript may ask for it) whose
// answer, the nearest sites that accept the chosen hazard, is part of the
// page, so it works without JavaScript and reads well in a screen reader.

// The hazards of the evacuation standard are named by the catalog's
// hazard.{code}.

type hazardOption struct {
	Code, Label string
	Selected    bool
}

// nearSite is one site of the answer.
type nearSite struct {
	Name, Address, Distance string
	PageURL                 string
}

type nearestForm struct {
	Lat, Lon string
	Hazards  []hazardOption
	Asked    bool // the form was sent: the answer (maybe empty) is shown
	Label    string
	Sites    []nearSite
}

// nearestOnMap reads the form's fields and answers them in l; a form not
// sent is only offered.
func (s *Server) nearestOnMap(c *gin.Context, l lang) (nearestForm, error) {
	f := nearestForm{Lat: c.Query("lat"), Lon: c.Query("lon")}
	hazard := c.Query("hazard")
	label := func(h string) string { return msg(l, "hazard."+h) }
	for _, h := range hazards {
		f.Hazards = append(f.Hazards, hazardOption{Code: h, Label: label(h), Selected: h == hazard})
	}
	if f.Lat == "" && f.Lon == "" {
		return f, nil
	}
	p, err := pointParams(c)
	if err != nil {
		return f, catalog.Errorf(catalog.Invalid, "%s", msg(l, "map.invalid_point"))
	}
	found, err := s.findNearest(c.Request.Context(), p, "", hazard, nearestDefault)
	if err != nil {
		return f, err
	}
	f.Asked = true
	if hazard != "" {
		f.Label = label(hazard)
	}
	for _, ff := range found {
		row := int(ff.layer.ix.ID(ff.pos))
		_, raw, err := s.records.Feature(c.Request.Context(), ff.layer.v, row)
		if err != nil {
			return f, err
		}
		var props map[string]any
		if err := json.Unmarshal(raw, &props); err != nil {
			return f, err
		}
		f.Sites = append(f.Sites, nearSite{Name: nameOf(raw), Address: cellText(props["住所"]),
			Distance: walkDistance(ff.distance), PageURL: "/ogc/collections/" + ff.layer.slug + "/items/" + strconv.Itoa(row) + "?f=html"})
	}
	return f, nil
}

// walkDistance says a distance as people read it: 350 m, 1.2 km.
func walkDistance(m float64) string {
	if m < 1000 {
		return strconv.Itoa(int(math.Round(m/10)*10)) + " m"
	}
	return strconv.FormatFloat(m/1000, 'f', 1, 64) + " km"
}
