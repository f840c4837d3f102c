package web

import (
	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
)

type aboutView struct {
	City        City
	Licenses    []catalog.License
	Departments []catalog.Department
}

// aboutPage is the terms of use and the contacts: the licences datasets
// are published under, how to credit the city, and each department's
// contact.
func (s *Server) aboutPage(c *gin.Context) error {
	depts, err := s.store.Departments(c.Request.Context())
	if err != nil {
		return err
	}
	return s.render(c, 200, "about.html", aboutView{City: s.cfg.City, Licenses: catalog.Licenses, Departments: depts})
}
