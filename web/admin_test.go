package web

import (
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
)

const adminPassword = "みどり野市の青い空と白い雲"

// adminServer is the test server with a second department, a draft of it,
// and one user of each kind.
func adminServer(t *testing.T) *testServer {
	t.Helper()
	ts := newTestServer(t)
	ctx := context.Background()
	if err := ts.store.PutDepartment(ctx, catalog.Department{Code: "bousai", NameJA: "防災安全課"}); err != nil {
		t.Fatal(err)
	}
	_, err := ts.im.Import(ctx, datasets.ImportRequest{Slug: "bousai-draft", Kind: catalog.KindTable, Department: "bousai",
		Meta: &catalog.Dataset{TitleJA: "防災の下書き"}, Files: []datasets.File{{Name: "a.csv", Data: strings.NewReader("名称,数\r\nA,1\r\n")}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []catalog.NewUser{
		{Login: "admin", Role: catalog.RoleAdmin},
		{Login: "shisan-editor", Role: catalog.RoleEditor, Department: "shisan"},
		{Login: "bousai-editor", Role: catalog.RoleEditor, Department: "bousai"},
		{Login: "bousai-viewer", Role: catalog.RoleViewer, Department: "bousai"},
	} {
		u.Password = adminPassword
		if _, err := ts.store.CreateUser(ctx, u, catalog.Actor{Login: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	return ts
}

// browser is a client with cookies that does not follow redirects.
type browser struct {
	*http.Client
	base string
	csrf string
}

func newBrowser(t *testing.T, ts *testServer) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{base: ts.URL, Client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) send(t *testing.T, method, path string, form url.Values, header ...string) *http.Response {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := b.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

// post sends a form with the session's CSRF token.
func (b *browser) post(t *testing.T, path string, form url.Values) *http.Response {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set(csrfField, b.csrf)
	return b.send(t, http.MethodPost, path, form)
}

func (b *browser) doc(t *testing.T, res *http.Response) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// login logs in and keeps the CSRF token the pages carry.
func (b *browser) login(t *testing.T, login string) {
	t.Helper()
	res := b.send(t, http.MethodPost, "/admin/login", url.Values{"login": {login}, "password": {adminPassword}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin" {
		t.Fatalf("login %s: %d %s", login, res.StatusCode, res.Header.Get("Location"))
	}
	res = b.send(t, http.MethodGet, "/admin", nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("dashboard: %d", res.StatusCode)
	}
	tok, ok := b.doc(t, res).Find(`input[name="csrf_token"]`).First().Attr("value")
	if !ok || tok == "" {
		t.Fatal("no CSRF token on the dashboard")
	}
	b.csrf = tok
}

// adminRoute is a registered route that requires a user, with its
// parameters filled in.
type adminRoute struct {
	method, path               string
	api, perDataset, adminOnly bool
}

// protectedRoutes lists every registered route under /admin (but the login
// form) and every authenticated or writing /api route.
func protectedRoutes(t *testing.T, ts *testServer, slug string) []adminRoute {
	var out []adminRoute
	fill := strings.NewReplacer(":id", slug, ":uid", "1", ":tid", "1", ":n", "1", ":row", "1")
	for _, r := range ts.srv.engine.Routes() {
		page := r.Path == "/admin" || strings.HasPrefix(r.Path, "/admin/")
		api := strings.HasPrefix(r.Path, "/api/v1/") && (r.Path == "/api/v1/me" || !safeMethod(r.Method))
		if (!page && !api) || r.Path == "/admin/login" || r.Method == http.MethodHead {
			continue
		}
		out = append(out, adminRoute{method: r.Method, path: fill.Replace(r.Path), api: api,
			perDataset: strings.Contains(r.Path, ":id"),
			adminOnly:  strings.HasPrefix(r.Path, "/admin/users") || strings.HasPrefix(r.Path, "/admin/audit") || strings.HasPrefix(r.Path, "/admin/departments")})
	}
	if len(out) < 10 {
		t.Fatalf("only %d protected routes found", len(out))
	}
	return out
}

func TestAdminRoutesRefuseStrangers(t *testing.T) {
	ts := adminServer(t)
	anon := newBrowser(t, ts)
	other := newBrowser(t, ts)
	other.login(t, "shisan-editor") // not the department of bousai-draft
	viewer := newBrowser(t, ts)
	viewer.login(t, "bousai-viewer")
	own := newBrowser(t, ts)
	own.login(t, "bousai-editor")
	for _, r := range protectedRoutes(t, ts, "bousai-draft") {
		t.Run(r.method+" "+r.path, func(t *testing.T) {
			res := anon.send(t, r.method, r.path, url.Values{})
			switch {
			case r.api || !safeMethod(r.method):
				if res.StatusCode != http.StatusUnauthorized {
					t.Errorf("anonymous: %d, want 401", res.StatusCode)
				}
			default:
				loc := res.Header.Get("Location")
				if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/login?next=") {
					t.Errorf("anonymous: %d %q, want a redirect to the login page", res.StatusCode, loc)
				}
			}
			// A session without the CSRF token changes nothing.
			if !safeMethod(r.method) {
				if res := own.send(t, r.method, r.path, url.Values{}); res.StatusCode != http.StatusForbidden {
					t.Errorf("without CSRF token: %d, want 403", res.StatusCode)
				}
				if res := own.send(t, r.method, r.path, url.Values{csrfField: {other.csrf}}); res.StatusCode != http.StatusForbidden {
					t.Errorf("with another session's CSRF token: %d, want 403", res.StatusCode)
				}
			}
			if r.perDataset {
				if res := other.send(t, r.method, r.path, url.Values{csrfField: {other.csrf}}); res.StatusCode != http.StatusForbidden {
					t.Errorf("editor of another department: %d, want 403", res.StatusCode)
				}
				// Let in: what follows is the route's own answer (a form
				// posted empty is invalid, a draft has no map), never a
				// refusal or a failure.
				if res := own.send(t, r.method, r.path, url.Values{csrfField: {own.csrf}}); res.StatusCode == http.StatusUnauthorized ||
					res.StatusCode == http.StatusForbidden || res.StatusCode >= 500 {
					t.Errorf("editor of the department: %d, want it let in", res.StatusCode)
				}
				// A viewer of the department reads but never writes.
				res := viewer.send(t, r.method, r.path, url.Values{csrfField: {viewer.csrf}})
				if write := !safeMethod(r.method) || strings.HasSuffix(r.path, "/edit"); write != (res.StatusCode == http.StatusForbidden) {
					t.Errorf("viewer of the department: %d (write %v)", res.StatusCode, write)
				}
			}
			if r.adminOnly {
				for _, b := range []*browser{viewer, own} {
					if res := b.send(t, r.method, r.path, url.Values{csrfField: {b.csrf}}); res.StatusCode != http.StatusForbidden {
						t.Errorf("non-admin: %d, want 403", res.StatusCode)
					}
				}
			}
		})
	}
}

func TestAdminLoginSessionAndLogout(t *testing.T) {
	ts := adminServer(t)
	b := newBrowser(t, ts)
	res := b.send(t, http.MethodGet, "/admin/login", nil)
	d := b.doc(t, res)
	for _, id := range []string{"login-name", "login-password"} {
		if d.Find(`label[for="`+id+`"]`).Length() != 1 || d.Find("#"+id).Length() != 1 {
			t.Errorf("field %s has no label", id)
		}
	}
	if res.Header.Get("Content-Security-Policy") == "" || res.Header.Get("X-Frame-Options") != "DENY" {
		t.Error("security headers missing on the login page")
	}
	// Unknown user and wrong password get the same answer.
	var msgs []string
	for _, login := range []string{"nobody", "admin"} {
		res := b.send(t, http.MethodPost, "/admin/login", url.Values{"login": {login}, "password": {"wrong password!!"}})
		if res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("bad login: %d", res.StatusCode)
		}
		msgs = append(msgs, b.doc(t, res).Find(`[role="alert"]`).Text())
	}
	if msgs[0] == "" || msgs[0] != msgs[1] {
		t.Fatalf("messages differ: %q", msgs)
	}
	// A cross-site login form is refused.
	res = b.send(t, http.MethodPost, "/admin/login", url.Values{"login": {"admin"}, "password": {adminPassword}}, "Origin", "https://evil.example")
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site login: %d", res.StatusCode)
	}
	// Session fixation: a cookie set before login is not the session after.
	u, _ := url.Parse(ts.URL)
	b.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: "planted-by-attacker", Path: "/"}})
	res = b.send(t, http.MethodPost, "/admin/login", url.Values{"login": {"admin"}, "password": {adminPassword}, "next": {"https://evil.example/"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin" {
		t.Fatalf("login: %d %q (next must stay inside /admin)", res.StatusCode, res.Header.Get("Location"))
	}
	set := res.Header.Get("Set-Cookie")
	for _, want := range []string{"HttpOnly", "SameSite=Strict", "Path=/"} {
		if !strings.Contains(set, want) {
			t.Errorf("cookie %q lacks %s", set, want)
		}
	}
	var sid string
	for _, c := range res.Cookies() {
		if c.Name == sessionCookie {
			sid = c.Value
		}
	}
	if sid == "" || sid == "planted-by-attacker" || len(sid) < 43 {
		t.Fatalf("session id %q", sid)
	}
	res = b.send(t, http.MethodGet, "/admin", nil)
	if res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("dashboard: %d %q", res.StatusCode, res.Header.Get("Cache-Control"))
	}
	b.csrf, _ = b.doc(t, res).Find(`input[name="csrf_token"]`).First().Attr("value")
	// A second browser of the same user, then logout in the first.
	b2 := newBrowser(t, ts)
	b2.login(t, "admin")
	if res := b.post(t, "/admin/logout", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", res.StatusCode)
	}
	if res := b.send(t, http.MethodGet, "/admin", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("after logout: %d", res.StatusCode)
	}
	// The old cookie value is dead even if replayed.
	b3 := newBrowser(t, ts)
	b3.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: sid, Path: "/"}})
	if res := b3.send(t, http.MethodGet, "/admin", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("replayed cookie: %d", res.StatusCode)
	}
	if res := b2.send(t, http.MethodGet, "/admin", nil); res.StatusCode != http.StatusOK {
		t.Fatalf("other session after logout: %d", res.StatusCode)
	}
	// Logout everywhere ends the other sessions too.
	b4 := newBrowser(t, ts)
	b4.login(t, "admin")
	if res := b2.post(t, "/admin/logout-all", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout everywhere: %d", res.StatusCode)
	}
	if res := b4.send(t, http.MethodGet, "/admin", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("after logout everywhere: %d", res.StatusCode)
	}
}

func TestAdminLoginThrottle(t *testing.T) {
	ts := adminServer(t)
	b := newBrowser(t, ts)
	for i := 0; i < catalog.LoginMaxFailures; i++ {
		b.send(t, http.MethodPost, "/admin/login", url.Values{"login": {"bousai-editor"}, "password": {"wrong password!!"}})
	}
	res := b.send(t, http.MethodPost, "/admin/login", url.Values{"login": {"bousai-editor"}, "password": {adminPassword}})
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "900" {
		t.Fatalf("throttled: %d Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
}

func TestAdminSecureCookieOverHTTPS(t *testing.T) {
	ts := adminServer(t)
	ts.srv.cfg.BaseURL = "https://portal.test"
	b := newBrowser(t, ts)
	res := b.send(t, http.MethodPost, "/admin/login", url.Values{"login": {"admin"}, "password": {adminPassword}})
	set := res.Header.Get("Set-Cookie")
	if !strings.HasPrefix(set, sessionCookieSecure+"=") || !strings.Contains(set, "Secure") {
		t.Fatalf("cookie over https: %q", set)
	}
}

func TestAdminDashboardShowsOwnDrafts(t *testing.T) {
	ts := adminServer(t)
	for _, tc := range []struct {
		login string
		want  []string
	}{
		{"bousai-viewer", []string{"防災の下書き"}},
		{"shisan-editor", []string{"施設一覧"}},
		{"admin", []string{"施設一覧", "防災の下書き"}},
	} {
		t.Run(tc.login, func(t *testing.T) {
			b := newBrowser(t, ts)
			b.login(t, tc.login)
			var got []string
			b.doc(t, b.send(t, http.MethodGet, "/admin", nil)).Find("#datasets tbody a").Each(func(_ int, s *goquery.Selection) {
				got = append(got, s.Text())
			})
			if strings.Join(got, ",") != strings.Join(tc.want, ",") && !(len(got) == 2 && len(tc.want) == 2 && got[0] == tc.want[1]) {
				t.Fatalf("datasets %v, want %v", got, tc.want)
			}
		})
	}
}

func TestAdminUsersAndAuditCSV(t *testing.T) {
	ts := adminServer(t)
	b := newBrowser(t, ts)
	b.login(t, "admin")
	d := b.doc(t, b.send(t, http.MethodGet, "/admin/users", nil))
	if d.Find("#users tbody tr").Length() != 4 || d.Find(`#new-user input[name="csrf_token"]`).Length() != 1 {
		t.Fatal("users page")
	}
	res := b.post(t, "/admin/users", url.Values{"login": {"=cmd|calc"}, "password": {adminPassword}, "role": {"editor"}, "department": {"bousai"}})
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad login name: %d", res.StatusCode)
	}
	res = b.post(t, "/admin/users", url.Values{"login": {"suzuki"}, "password": {"password1234"}, "role": {"editor"}, "department": {"bousai"}})
	if res.StatusCode != http.StatusBadRequest || b.doc(t, res).Find(`[role="alert"]`).Text() == "" {
		t.Fatalf("weak password: %d", res.StatusCode)
	}
	res = b.post(t, "/admin/users", url.Values{"login": {"suzuki"}, "password": {adminPassword}, "role": {"editor"}, "department": {"bousai"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", res.StatusCode)
	}
	users, _ := ts.store.Users(context.Background())
	var id int64
	for _, u := range users {
		if u.Login == "suzuki" {
			id = u.ID
		}
	}
	uid := func(p string) string { return "/admin/users/" + itoa(id) + p }
	if res := b.post(t, uid("/role"), url.Values{"role": {"viewer"}, "department": {"bousai"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("role: %d", res.StatusCode)
	}
	if res := b.post(t, uid("/disable"), nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d", res.StatusCode)
	}
	s := newBrowser(t, ts)
	if res := s.send(t, http.MethodPost, "/admin/login", url.Values{"login": {"suzuki"}, "password": {adminPassword}}); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("disabled user logs in: %d", res.StatusCode)
	}
	d = b.doc(t, b.send(t, http.MethodGet, "/admin/audit", nil))
	actions := map[string]bool{}
	d.Find("#audit tbody tr td:nth-child(4)").Each(func(_ int, s *goquery.Selection) { actions[s.Text()] = true })
	for _, a := range []string{"login.success", "login.failure", "user.create", "user.role", "user.disable"} {
		if !actions[a] {
			t.Errorf("audit page lacks %s: %v", a, actions)
		}
	}
	res = b.send(t, http.MethodGet, "/admin/audit.csv", nil)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	body := strings.TrimPrefix(string(readAll(t, res.Body)), "\ufeff")
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) < 8 || strings.Join(rows[0], ",") != "id,at,actor,address,action,target,detail" {
		t.Fatalf("csv rows %d: %v", len(rows), err)
	}
	for _, r := range rows[1:] {
		setup := r[2] == "" && strings.HasPrefix(r[4], "dataset.") // the fixture's imports, not over HTTP
		if r[3] != "127.0.0.1" && r[2] != "test" && !setup {
			t.Errorf("row without the client address: %v", r)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestAdminTokenBearer(t *testing.T) {
	ts := adminServer(t)
	b := newBrowser(t, ts)
	b.login(t, "bousai-editor")
	res := b.post(t, "/admin/tokens", url.Values{"name": {"夜間の自動アップロード"}})
	tok, _ := b.doc(t, res).Find("#token-value").Attr("value")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(tok, catalog.TokenPrefix) {
		t.Fatalf("create token: %d %q", res.StatusCode, tok)
	}
	// Shown once: the list page does not hold it.
	if page := string(readAll(t, b.send(t, http.MethodGet, "/admin/tokens", nil).Body)); strings.Contains(page, tok) {
		t.Fatal("token shown again")
	}
	api := newBrowser(t, ts)
	res = api.send(t, http.MethodGet, "/api/v1/me", nil, "Authorization", "Bearer "+tok)
	var me catalog.User
	decode(t, res, &me)
	if res.StatusCode != http.StatusOK || me.Login != "bousai-editor" || me.Department != "bousai" {
		t.Fatalf("me: %d %+v", res.StatusCode, me)
	}
	// A token does not open the admin pages.
	if res := api.send(t, http.MethodGet, "/admin", nil, "Authorization", "Bearer "+tok); res.StatusCode != http.StatusForbidden {
		t.Fatalf("token on a page: %d", res.StatusCode)
	}
	tokens, _ := ts.store.Tokens(context.Background(), me.ID)
	if res := b.post(t, "/admin/tokens/"+itoa(tokens[0].ID)+"/revoke", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", res.StatusCode)
	}
	res = api.send(t, http.MethodGet, "/api/v1/me", nil, "Authorization", "Bearer "+tok)
	if res.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
		t.Fatalf("revoked: %d", res.StatusCode)
	}
}

func TestAdminEscapesHostileText(t *testing.T) {
	ts := adminServer(t)
	const hostile = `<script>alert(1)</script><img src=x onerror=alert(2)>`
	_, err := ts.im.Import(context.Background(), datasets.ImportRequest{Slug: "hostile", Kind: catalog.KindTable, Department: "bousai",
		Meta: &catalog.Dataset{TitleJA: hostile}, Files: []datasets.File{{Name: hostile + ".csv", Data: strings.NewReader("名称\r\nA\r\n")}}})
	if err != nil {
		t.Fatal(err)
	}
	anon := newBrowser(t, ts)
	anon.send(t, http.MethodPost, "/admin/login", url.Values{"login": {"=HYPERLINK(\"http://evil\")" + hostile}, "password": {"x"}})
	b := newBrowser(t, ts)
	b.login(t, "admin")
	for _, page := range []string{"/admin", "/admin/datasets/hostile", "/admin/audit"} {
		d := b.doc(t, b.send(t, http.MethodGet, page, nil))
		if n := d.Find("main script, main img").Length(); n != 0 {
			t.Errorf("%s: %d elements injected", page, n)
		}
		if !strings.Contains(d.Find("main").Text(), "<script>alert(1)</script>") {
			t.Errorf("%s: the hostile text is not shown as text", page)
		}
	}
	body := string(readAll(t, b.send(t, http.MethodGet, "/admin/audit.csv", nil).Body))
	if !strings.Contains(body, `'=hyperlink(`) || strings.Contains(body, `,=`) || strings.Contains(body, `,"=`) {
		t.Errorf("formula not defused in the CSV export")
	}
}
