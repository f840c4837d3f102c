package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
)

type passwordView struct {
	adminView
	Message string
	Min     int
}

// passwordPage is the form to change one's own password.
func (s *Server) passwordPage(c *gin.Context) error {
	return s.render(c, http.StatusOK, "admin_password.html", passwordView{adminView: s.adminBase(c, "パスワードの変更"),
		Min: catalog.MinPasswordLength})
}

// changePassword sets a new password and logs the user out everywhere,
// this browser included: they log in again with the new one.
func (s *Server) changePassword(c *gin.Context) error {
	next := c.PostForm("new_password")
	if next != c.PostForm("confirm_password") {
		return s.render(c, http.StatusBadRequest, "admin_password.html", passwordView{adminView: s.adminBase(c, "パスワードの変更"),
			Message: "確認のために入力したパスワードが一致しません", Min: catalog.MinPasswordLength})
	}
	err := s.store.ChangePassword(c.Request.Context(), userFrom(c).ID, c.PostForm("current_password"), next, actor(c))
	if k := catalog.KindOf(err); err != nil && (k == catalog.Invalid || k == catalog.Unauthorized) {
		return s.render(c, statusOf(err), "admin_password.html", passwordView{adminView: s.adminBase(c, "パスワードの変更"),
			Message: catalog.MessageOf(err), Min: catalog.MinPasswordLength})
	}
	if err != nil {
		return err
	}
	s.setSession(c, "")
	c.Redirect(http.StatusSeeOther, "/admin/login?changed=1")
	return nil
}

// resetPassword is an admin setting another user's password (told to the
// user by hand); the user's sessions end.
func (s *Server) resetPassword(c *gin.Context) error {
	id, err := userParam(c)
	if err != nil {
		return err
	}
	if err := s.store.ResetPassword(c.Request.Context(), id, c.PostForm("password"), actor(c)); err != nil {
		if catalog.KindOf(err) == catalog.Invalid {
			return s.renderUsers(c, http.StatusBadRequest, catalog.MessageOf(err))
		}
		return err
	}
	c.Redirect(http.StatusSeeOther, "/admin/users")
	return nil
}

type departmentsView struct {
	adminView
	Departments []catalog.Department
	Message     string
}

// departmentsPage lists the departments with a form to add or change one;
// admins only.
func (s *Server) departmentsPage(c *gin.Context) error {
	return s.renderDepartments(c, http.StatusOK, "")
}

func (s *Server) renderDepartments(c *gin.Context, status int, msg string) error {
	ds, err := s.store.Departments(c.Request.Context())
	if err != nil {
		return err
	}
	return s.render(c, status, "admin_departments.html", departmentsView{adminView: s.adminBase(c, "課の管理"),
		Departments: ds, Message: msg})
}

func (s *Server) saveDepartment(c *gin.Context) error {
	d := catalog.Department{Code: strings.TrimSpace(c.PostForm("code")), NameJA: strings.TrimSpace(c.PostForm("name_ja")),
		NameEN: strings.TrimSpace(c.PostForm("name_en")), Email: strings.TrimSpace(c.PostForm("email")),
		Phone: strings.TrimSpace(c.PostForm("phone"))}
	if err := s.store.SaveDepartment(c.Request.Context(), d, actor(c)); err != nil {
		if catalog.KindOf(err) == catalog.Invalid {
			return s.renderDepartments(c, http.StatusBadRequest, catalog.MessageOf(err))
		}
		return err
	}
	c.Redirect(http.StatusSeeOther, "/admin/departments")
	return nil
}
