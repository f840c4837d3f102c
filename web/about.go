package web

import (
	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
)

type aboutView struct {
	page
	City        text
	Licenses    []aboutLicense
	Departments []aboutDepartment
}

type aboutLicense struct {
	ID, URL string
	Title   text
}

type aboutDepartment struct {
	Name         text
	Phone, Email string
}

// aboutPage is the terms of use and the contacts: the licences datasets
// are published under, how to credit the city, and each department's
// contact.
func (s *Server) aboutPage(c *gin.Context) error {
	depts, err := s.store.Departments(c.Request.Context())
	if err != nil {
		return err
	}
	p := s.page(c)
	v := aboutView{page: p.titled(p.t("about.title")), City: pick(p.Lang, s.cfg.City.NameJA, s.cfg.City.NameEN)}
	for _, l := range catalog.Licenses {
		v.Licenses = append(v.Licenses, aboutLicense{ID: l.ID, URL: l.URL, Title: pick(p.Lang, l.TitleJA, l.TitleEN)})
	}
	for _, d := range depts {
		v.Departments = append(v.Departments, aboutDepartment{Name: pick(p.Lang, d.NameJA, d.NameEN), Phone: d.Phone, Email: d.Email})
	}
	return s.render(c, 200, "about.html", v)
}
