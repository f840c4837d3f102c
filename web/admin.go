package web

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
)

// adminView is what every admin page shows around its content.
type adminView struct {
	Title string
	User  *catalog.User
	CSRF  string
}

func (s *Server) adminBase(c *gin.Context, title string) adminView {
	v := adminView{Title: title, User: userFrom(c)}
	if p := principalFrom(c); p != nil {
		v.CSRF = p.csrf
	}
	return v
}

type loginView struct {
	adminView
	Login   string
	Next    string
	Message string
}

// safeNext keeps a post-login destination inside the admin pages: an
// absolute or scheme-relative URL would make the login an open redirect.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(next, "//") || strings.Contains(next, `\`) ||
		(u.Path != "/admin" && !strings.HasPrefix(u.Path, "/admin/")) || u.Path == "/admin/login" {
		return "/admin"
	}
	return next
}

func (s *Server) loginPage(c *gin.Context) error {
	c.Header("Cache-Control", "no-store")
	if _, err := s.store.SessionUser(c.Request.Context(), s.sessionSecret(c)); err == nil {
		c.Redirect(http.StatusSeeOther, "/admin")
		return nil
	}
	v := loginView{adminView: adminView{Title: "ログイン"}, Next: safeNext(c.Query("next"))}
	if c.Query("changed") != "" {
		v.Message = "パスワードを変更しました。新しいパスワードでログインしてください。"
	}
	return s.render(c, http.StatusOK, "admin_login.html", v)
}

// sameOrigin tells whether a form post comes from this site. The login
// form has no session to tie a CSRF token to; browsers send Origin on every
// POST, and a forged cross-site login (into the attacker's account) is
// refused by it.
func sameOrigin(c *gin.Context) bool {
	o := c.GetHeader("Origin")
	if o == "" {
		return true // not a browser, or a very old one: nothing to forge with
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == c.Request.Host
}

func (s *Server) login(c *gin.Context) error {
	c.Header("Cache-Control", "no-store")
	if !sameOrigin(c) {
		return catalog.Errorf(catalog.Forbidden, "別のサイトからのログインは受け付けません")
	}
	ctx := c.Request.Context()
	login, next := c.PostForm("login"), safeNext(c.PostForm("next"))
	u, secret, err := s.store.Login(ctx, login, c.PostForm("password"), catalog.Actor{Address: clientAddr(c)})
	if err != nil {
		status := http.StatusUnauthorized
		var th *catalog.Throttled
		switch {
		case errors.As(err, &th):
			status = http.StatusTooManyRequests
			c.Header("Retry-After", fmt.Sprint(int(math.Ceil(th.RetryAfter.Seconds()))))
		case catalog.KindOf(err) != catalog.Unauthorized:
			return err
		}
		return s.render(c, status, "admin_login.html", loginView{adminView: adminView{Title: "ログイン"},
			Login: login, Next: next, Message: catalog.MessageOf(err)})
	}
	// The session the browser had before, if any, ends: the new one has a
	// new id, so nothing planted before login survives it.
	if old := s.sessionSecret(c); old != "" {
		if err := s.store.Logout(ctx, old, catalog.Actor{Login: u.Login, Address: clientAddr(c)}); err != nil {
			return err
		}
	}
	s.setSession(c, secret)
	c.Redirect(http.StatusSeeOther, next)
	return nil
}

func (s *Server) logout(c *gin.Context) error {
	p := principalFrom(c)
	if err := s.store.Logout(c.Request.Context(), p.session, actor(c)); err != nil {
		return err
	}
	s.setSession(c, "")
	c.Redirect(http.StatusSeeOther, "/admin/login")
	return nil
}

func (s *Server) logoutEverywhere(c *gin.Context) error {
	if err := s.store.LogoutEverywhere(c.Request.Context(), userFrom(c).ID, actor(c)); err != nil {
		return err
	}
	s.setSession(c, "")
	c.Redirect(http.StatusSeeOther, "/admin/login")
	return nil
}

type dashboardView struct {
	adminView
	Datasets    []*catalog.Dataset
	Departments map[string]string
}

// dashboard lists the datasets the user may see, drafts included: their
// department's, or every one for an admin.
func (s *Server) dashboard(c *gin.Context) error {
	ctx := c.Request.Context()
	u := userFrom(c)
	f := catalog.Filter{Status: "any", Sort: "modified"}
	if u.Role != catalog.RoleAdmin {
		f.Department = u.Department
	}
	ds, _, _, err := s.store.FindDatasets(ctx, f)
	if err != nil {
		return err
	}
	names, err := s.departmentNames(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "admin_home.html", dashboardView{adminView: s.adminBase(c, "管理画面"), Datasets: ds, Departments: names})
}

type adminDatasetView struct {
	adminView
	Dataset  *catalog.Dataset
	Versions []*catalog.Version
	CanEdit  bool
	Done     string // what the action before the redirect did
	// Photos are the newest version's photos of a photo dataset, for a
	// clerk to correct one at a time; PhotosOf is that version's number.
	Photos   []*photo
	PhotosOf int
}

// doneMessages are what an action that redirects to the dataset says.
var doneMessages = map[string]string{
	"published": "公開しました。市民向けのページに表示されています。",
	"withdrawn": "公開を停止しました。版は残っています。",
	"saved":     "説明を保存しました。",
}

// adminDataset shows one dataset with every version, drafts included, to
// the users of its department.
func (s *Server) adminDataset(c *gin.Context) error {
	d, err := s.datasetFor(c, false)
	if err != nil {
		return err
	}
	vs, err := s.store.Versions(c.Request.Context(), d.ID)
	if err != nil {
		return err
	}
	view := adminDatasetView{adminView: s.adminBase(c, d.TitleJA),
		Dataset: d, Versions: vs, CanEdit: userFrom(c).CanEdit(d.Department), Done: doneMessages[c.Query("done")]}
	if d.Kind == catalog.KindPhoto && view.CanEdit && len(vs) > 0 {
		v, err := s.newestVersion(c, d)
		if err != nil {
			return err
		}
		if view.Photos, err = s.photosOf(c.Request.Context(), d, v); err != nil {
			return err
		}
		view.PhotosOf = v.Number
	}
	return s.render(c, http.StatusOK, "admin_dataset.html", view)
}

// me answers who a token or session acts for: scripts check their token
// with it.
func (s *Server) me(c *gin.Context) error {
	c.JSON(http.StatusOK, userFrom(c))
	return nil
}

// roleLabel names a role for the admin pages.
func roleLabel(r catalog.Role) string {
	switch r {
	case catalog.RoleAdmin:
		return "管理者"
	case catalog.RoleEditor:
		return "編集者"
	case catalog.RoleViewer:
		return "閲覧者"
	}
	return string(r)
}

// statusLabel names a dataset's status for the admin pages.
func statusLabel(st string) string {
	switch st {
	case catalog.StatusDraft:
		return "下書き"
	case catalog.StatusPublished:
		return "公開中"
	case catalog.StatusWithdrawn:
		return "公開停止"
	}
	return st
}

// piiLabel says in plain words why the guard flagged something.
func piiLabel(rule string) string {
	switch rule {
	case datasets.PIIMyNumber:
		return "マイナンバー（個人番号）の形の数字"
	case datasets.PIIEmail:
		return "メールアドレス"
	case datasets.PIIPhone:
		return "個人の電話番号"
	case datasets.PIIColumn:
		return "個人情報を表す列の名前"
	}
	return rule
}
