package web

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
)

type usersView struct {
	adminView
	Users       []*catalog.User
	Roles       []catalog.Role
	Departments []catalog.Department
	Message     string
}

// usersPage lists the users, with forms to create one and change roles;
// admins only (the route says so).
func (s *Server) usersPage(c *gin.Context) error {
	return s.renderUsers(c, http.StatusOK, "")
}

func (s *Server) renderUsers(c *gin.Context, status int, msg string) error {
	ctx := c.Request.Context()
	users, err := s.store.Users(ctx)
	if err != nil {
		return err
	}
	depts, err := s.store.Departments(ctx)
	if err != nil {
		return err
	}
	return s.render(c, status, "admin_users.html", usersView{adminView: s.adminBase(c, "利用者の管理"),
		Users: users, Roles: catalog.Roles, Departments: depts, Message: msg})
}

func (s *Server) createUser(c *gin.Context) error {
	_, err := s.store.CreateUser(c.Request.Context(), catalog.NewUser{Login: c.PostForm("login"),
		Role: catalog.Role(c.PostForm("role")), Department: c.PostForm("department"), Password: c.PostForm("password")}, actor(c))
	if err != nil {
		// A mistake in the form is shown on the form, not on an error page.
		if k := catalog.KindOf(err); k == catalog.Invalid || k == catalog.Conflict || k == catalog.NotFound {
			return s.renderUsers(c, http.StatusBadRequest, catalog.MessageOf(err))
		}
		return err
	}
	c.Redirect(http.StatusSeeOther, "/admin/users")
	return nil
}

func userParam(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("uid"), 10, 64)
	if err != nil {
		return 0, catalog.Errorf(catalog.NotFound, "利用者が見つかりません")
	}
	return id, nil
}

func (s *Server) setUserRole(c *gin.Context) error {
	id, err := userParam(c)
	if err != nil {
		return err
	}
	err = s.store.SetUserRole(c.Request.Context(), id, catalog.Role(c.PostForm("role")), c.PostForm("department"), actor(c))
	if k := catalog.KindOf(err); err != nil && (k == catalog.Invalid || k == catalog.Conflict) {
		return s.renderUsers(c, http.StatusBadRequest, catalog.MessageOf(err))
	}
	if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/admin/users")
	return nil
}

func (s *Server) setUserDisabled(disabled bool) handler {
	return func(c *gin.Context) error {
		id, err := userParam(c)
		if err != nil {
			return err
		}
		err = s.store.SetUserDisabled(c.Request.Context(), id, disabled, actor(c))
		if catalog.KindOf(err) == catalog.Conflict {
			return s.renderUsers(c, http.StatusConflict, catalog.MessageOf(err))
		}
		if err != nil {
			return err
		}
		c.Redirect(http.StatusSeeOther, "/admin/users")
		return nil
	}
}

type tokensView struct {
	adminView
	Tokens  []*catalog.Token
	New     string // a token just made, shown this once
	Message string
}

func (s *Server) tokensPage(c *gin.Context) error {
	return s.renderTokens(c, http.StatusOK, "", "")
}

func (s *Server) renderTokens(c *gin.Context, status int, newToken, msg string) error {
	ts, err := s.store.Tokens(c.Request.Context(), userFrom(c).ID)
	if err != nil {
		return err
	}
	return s.render(c, status, "admin_tokens.html", tokensView{adminView: s.adminBase(c, "API トークン"), Tokens: ts, New: newToken, Message: msg})
}

func (s *Server) createToken(c *gin.Context) error {
	raw, _, err := s.store.CreateToken(c.Request.Context(), userFrom(c), c.PostForm("name"), actor(c))
	if catalog.KindOf(err) == catalog.Invalid {
		return s.renderTokens(c, http.StatusBadRequest, "", catalog.MessageOf(err))
	}
	if err != nil {
		return err
	}
	// Shown in the answer to the POST, never on a page that can be
	// reloaded or cached later.
	return s.renderTokens(c, http.StatusOK, raw, "")
}

func (s *Server) revokeToken(c *gin.Context) error {
	id, err := strconv.ParseInt(c.Param("tid"), 10, 64)
	if err != nil {
		return catalog.Errorf(catalog.NotFound, "トークンが見つかりません")
	}
	if err := s.store.RevokeToken(c.Request.Context(), userFrom(c).ID, id, actor(c)); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/admin/tokens")
	return nil
}

type auditView struct {
	adminView
	Entries []catalog.AuditEntry
	Total   int
	Page    int
	Prev    int // 0: none
	Next    int // 0: none
}

const auditPerPage = 100

func (s *Server) auditPage(c *gin.Context) error {
	page, _ := strconv.Atoi(c.Query("page"))
	page = max(page, 1)
	es, total, err := s.store.AuditLog(c.Request.Context(), catalog.AuditFilter{Limit: auditPerPage, Offset: (page - 1) * auditPerPage})
	if err != nil {
		return err
	}
	v := auditView{adminView: s.adminBase(c, "監査ログ"), Entries: es, Total: total, Page: page}
	if page > 1 {
		v.Prev = page - 1
	}
	if page*auditPerPage < total {
		v.Next = page + 1
	}
	return s.render(c, http.StatusOK, "admin_audit.html", v)
}

// auditCSV streams the whole audit log as UTF-8 CSV with a BOM (for Excel).
// Cells that a spreadsheet would run as a formula are prefixed with a
// quote: the log holds text typed by anyone, failed login names included.
func (s *Server) auditCSV(c *gin.Context) error {
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="audit_log.csv"`)
	c.Status(http.StatusOK)
	c.Writer.WriteString("\ufeff")
	w := csv.NewWriter(c.Writer)
	w.Write([]string{"id", "at", "actor", "address", "action", "target", "detail"})
	err := s.store.EachAudit(c.Request.Context(), catalog.AuditFilter{}, func(e catalog.AuditEntry) error {
		return w.Write([]string{strconv.FormatInt(e.ID, 10), e.At.Format(time.RFC3339Nano), csvSafe(e.Actor),
			csvSafe(e.Address), csvSafe(e.Action), csvSafe(e.Target), csvSafe(e.Detail)})
	})
	w.Flush()
	if err != nil {
		return err
	}
	return w.Error()
}

// csvSafe defuses spreadsheet formula injection (OWASP "CSV injection").
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}
