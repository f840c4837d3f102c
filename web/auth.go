package web

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
)

// The session cookie. With an https base URL it gets the __Host- prefix,
// which browsers only accept with Secure, Path=/ and no Domain, so no
// other host or plain-http page can plant or overwrite it.
const (
	sessionCookie       = "portal_session"
	sessionCookieSecure = "__Host-portal_session"
	csrfField           = "csrf_token"
	csrfHeader          = "X-CSRF-Token"
)

// principal is who a request acts for.
type principal struct {
	user    *catalog.User
	session string // the session's secret; "" when a Bearer token was used
	csrf    string // the session's CSRF token
}

// principalKey is where the auth middleware keeps the principal; only
// principalFrom and userFrom read it.
const principalKey = "portal.principal"

// userFrom is the user the request acts for; nil before the auth middleware.
func userFrom(c *gin.Context) *catalog.User {
	if p := principalFrom(c); p != nil {
		return p.user
	}
	return nil
}

func principalFrom(c *gin.Context) *principal {
	v, _ := c.Get(principalKey)
	p, _ := v.(*principal)
	return p
}

// clientAddr is the address the audit log and the login throttle use: the
// connection's peer, or, when the peer is one of the proxies the
// configuration trusts (Config.TrustedProxies, e.g. nginx on the same
// host), the address that proxy forwarded. A forwarded header from anyone
// else is ignored: a client could forge it to escape the throttle.
func clientAddr(c *gin.Context) string { return c.ClientIP() }

// actor is the request's user and address, for the audit log.
func actor(c *gin.Context) catalog.Actor {
	a := catalog.Actor{Address: clientAddr(c)}
	if u := userFrom(c); u != nil {
		a.Login = u.Login
	}
	return a
}

func (s *Server) secureCookies() bool { return strings.HasPrefix(s.cfg.BaseURL, "https://") }

func (s *Server) cookieName() string {
	if s.secureCookies() {
		return sessionCookieSecure
	}
	return sessionCookie
}

// setSession sets (or, with "", clears) the session cookie. Its lifetime
// is the browser's session; the server enforces the idle and absolute
// limits itself.
func (s *Server) setSession(c *gin.Context, secret string) {
	ck := &http.Cookie{Name: s.cookieName(), Value: secret, Path: "/", HttpOnly: true,
		Secure: s.secureCookies(), SameSite: http.SameSiteStrictMode}
	if secret == "" {
		ck.MaxAge = -1
	}
	http.SetCookie(c.Writer, ck)
}

func (s *Server) sessionSecret(c *gin.Context) string {
	v, err := c.Cookie(s.cookieName())
	if err != nil {
		return ""
	}
	return v
}

// csrfToken is derived from the session's secret, so it is tied to the
// session (a token from another session, or from a cookie an attacker
// planted, does not match) and needs no storage. Only a holder of the
// secret can compute it, and the cookie is HttpOnly.
func csrfToken(session string) string {
	sum := sha256.Sum256([]byte("csrf\x00" + session))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// authenticate finds the principal of a request: a Bearer token, or else
// the session cookie. Unauthorized when there is neither or it is invalid.
func (s *Server) authenticate(c *gin.Context) (*principal, error) {
	ctx := c.Request.Context()
	if h := c.GetHeader("Authorization"); h != "" {
		raw, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return nil, catalog.Errorf(catalog.Unauthorized, "Authorization には Bearer トークンを指定してください")
		}
		u, err := s.store.TokenUser(ctx, strings.TrimSpace(raw), catalog.Actor{Address: clientAddr(c)})
		if err != nil {
			return nil, err
		}
		return &principal{user: u}, nil
	}
	secret := s.sessionSecret(c)
	u, err := s.store.SessionUser(ctx, secret)
	if err != nil {
		return nil, err
	}
	return &principal{user: u, session: secret, csrf: csrfToken(secret)}, nil
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// checkCSRF refuses a state-changing request made with a session unless it
// carries the session's CSRF token, in the form or in a header. Requests
// with a Bearer token carry no ambient credential and need none.
func checkCSRF(c *gin.Context, p *principal) error {
	if safeMethod(c.Request.Method) || p.session == "" {
		return nil
	}
	got := c.GetHeader(csrfHeader)
	if got == "" {
		if err := parseForm(c.Request); err != nil {
			return err
		}
		got = c.PostForm(csrfField)
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(p.csrf)) != 1 {
		return catalog.Errorf(catalog.Forbidden, "フォームの有効期限が切れました。ページを読み込み直してください")
	}
	return nil
}

// formMemory is how much of a multipart form is kept in memory; larger
// files go to temporary files, which the server removes after the request.
const formMemory = 8 << 20

// parseForm reads a posted form once, so that a body over the limit set by
// limitBody is answered as too large rather than as a missing token.
func parseForm(r *http.Request) error {
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(formMemory)
	} else {
		err = r.ParseForm()
	}
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return catalog.Errorf(catalog.TooLarge, "送信された内容が大きすぎます（上限 %d MB）", tooLarge.Limit>>20)
	case err != nil && !errors.Is(err, http.ErrNotMultipart):
		return catalog.Errorf(catalog.Invalid, "フォームを読めませんでした")
	}
	return nil
}

// limitBody bounds what any write to the admin pages or the API may send:
// an upload's files together, or a form.
func (s *Server) limitBody(c *gin.Context) {
	if !safeMethod(c.Request.Method) && c.Request.Body != nil {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, s.uploadLimit())
	}
	c.Next()
}

// requireUser is the one authorization middleware of the admin pages
// (pages true) and of the API's writes (pages false). Anonymous users are
// sent to the login page (pages) or answered 401 (API); a valid session
// must also pass the CSRF check on every state-changing method.
func (s *Server) requireUser(pages bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Header("Cache-Control", "no-store")
		p, err := s.authenticate(c)
		if err != nil {
			if catalog.KindOf(err) == catalog.Unauthorized {
				if pages && safeMethod(c.Request.Method) {
					c.Redirect(http.StatusSeeOther, "/admin/login?next="+url.QueryEscape(c.Request.URL.RequestURI()))
					c.Abort()
					return
				}
				if !pages {
					c.Header("WWW-Authenticate", `Bearer realm="portal"`)
				}
			}
			s.fail(c, err)
			return
		}
		if pages && p.session == "" {
			// Tokens are for scripts calling the API, not for the pages.
			s.fail(c, catalog.Errorf(catalog.Forbidden, "管理画面は API トークンでは使えません"))
			return
		}
		if err := checkCSRF(c, p); err != nil {
			s.fail(c, err)
			return
		}
		c.Set(principalKey, p)
		c.Next()
	}
}

// requireRole lets only the given roles through; it runs after requireUser.
func (s *Server) requireRole(roles ...catalog.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		u := userFrom(c)
		for _, r := range roles {
			if u != nil && u.Role == r {
				c.Next()
				return
			}
		}
		s.fail(c, catalog.Errorf(catalog.Forbidden, "この操作の権限がありません"))
	}
}

// datasetFor loads the dataset named by the route's :id, whatever its
// status, and checks the user's department against it: the per-object half
// of authorization. write asks for edit rights rather than read rights.
// NotFound for an unknown dataset, Forbidden for another department's.
func (s *Server) datasetFor(c *gin.Context, write bool) (*catalog.Dataset, error) {
	u := userFrom(c)
	if u == nil {
		return nil, catalog.Errorf(catalog.Unauthorized, "ログインしてください")
	}
	d, err := s.store.DatasetBySlug(c.Request.Context(), c.Param("id"))
	if err != nil {
		return nil, err
	}
	if ok := u.CanRead(d.Department); !ok || (write && !u.CanEdit(d.Department)) {
		return nil, catalog.Errorf(catalog.Forbidden, "このデータセットを扱う権限がありません")
	}
	return d, nil
}
