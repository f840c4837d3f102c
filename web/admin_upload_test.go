package web

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/machi-opendata/portal/catalog"
)

// upload posts files to the upload form as a browser does, with fields.
func (b *browser) upload(t *testing.T, fields map[string]string, files map[string][]byte) *http.Response {
	t.Helper()
	return b.multipart(t, "/admin/upload", fields, "files", files)
}

// multipart posts a multipart form with the session's CSRF token, the
// fields and the files (by name) under field.
func (b *browser) multipart(t *testing.T, path string, fields map[string]string, field string, files map[string][]byte) *http.Response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField(csrfField, b.csrf)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	for name, data := range files {
		fw, err := w.CreateFormFile(field, name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	w.Close()
	req, err := http.NewRequest(http.MethodPost, b.base+path, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	res, err := b.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

// follow gets where a 303 points.
func (b *browser) follow(t *testing.T, res *http.Response) *http.Response {
	t.Helper()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("want a redirect, got %d: %s", res.StatusCode, readAll(t, res.Body))
	}
	return b.send(t, http.MethodGet, res.Header.Get("Location"), nil)
}

func realCSV(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "shared", "data", "real-csv", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestAdminUploadReportPublishDiffRestore walks the clerk's flow over
// HTTP: a Shift_JIS file becomes a draft with its report, is published,
// replaced by a second version, compared, restored and withdrawn.
func TestAdminUploadReportPublishDiffRestore(t *testing.T) {
	ts := adminServer(t)
	b := newBrowser(t, ts)
	b.login(t, "bousai-editor")
	sjis := realCSV(t, "yanai_tourism_sjis.csv")

	res := b.follow(t, b.upload(t, map[string]string{"kind": "table", "title": "柳井市の観光施設", "slug": "yanai"},
		map[string][]byte{"yanai_tourism_sjis.csv": sjis}))
	if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/admin/datasets/yanai/versions/1" {
		t.Fatalf("report: %d %s", res.StatusCode, res.Request.URL)
	}
	doc := b.doc(t, res)
	summary := doc.Find("#summary").Text()
	for _, want := range []string{"Shift_JIS", "下書き", "18 行"} {
		if !strings.Contains(summary, want) {
			t.Errorf("report summary lacks %q: %s", want, summary)
		}
	}
	if doc.Find("#pii-ok").Length() != 1 {
		t.Errorf("guard: %s", doc.Find("#pii-title").Parent().Text())
	}
	if n := doc.Find("#preview tbody tr").Length(); n != 18 {
		t.Errorf("preview rows: %d", n)
	}
	if !strings.Contains(doc.Find("#preview").Text(), "白壁の町並み") {
		t.Error("preview lacks the decoded names")
	}
	// A draft is not public.
	if res := b.send(t, http.MethodGet, "/datasets/yanai", nil); res.StatusCode != http.StatusNotFound {
		t.Fatalf("draft on the public page: %d", res.StatusCode)
	}
	res = b.follow(t, b.post(t, "/admin/datasets/yanai/versions/1/publish", nil))
	if !strings.Contains(b.doc(t, res).Find("#done").Text(), "公開しました") {
		t.Fatal("no confirmation after publishing")
	}
	pub := b.send(t, http.MethodGet, "/datasets/yanai", nil)
	if pub.StatusCode != http.StatusOK || !strings.Contains(string(readAll(t, pub.Body)), "柳井市の観光施設") {
		t.Fatalf("public page after publishing: %d", pub.StatusCode)
	}

	// Version 2 lacks the file's last row; it is published at once from
	// its report, and the diff names the removed row.
	last := bytes.LastIndex(bytes.TrimRight(sjis, "\r\n"), []byte("\n"))
	res = b.follow(t, b.upload(t, map[string]string{"dataset": "yanai"}, map[string][]byte{"yanai.csv": sjis[:last+1]}))
	if res.Request.URL.Path != "/admin/datasets/yanai/versions/2" {
		t.Fatalf("second upload: %s", res.Request.URL)
	}
	b.follow(t, b.post(t, "/admin/datasets/yanai/versions/2/publish", nil))
	doc = b.doc(t, b.send(t, http.MethodGet, "/admin/datasets/yanai/diff", nil))
	if got := doc.Find("#removed").Text() + "/" + doc.Find("#added").Text() + "/" + doc.Find("#changed").Text(); got != "1/0/0" {
		t.Fatalf("diff removed/added/changed: %s", got)
	}
	if !strings.Contains(doc.Find("#diff-summary").Text(), "NO") {
		t.Errorf("the diff should match rows by the NO column: %s", doc.Find("#diff-summary").Text())
	}
	records := func() int {
		var out struct{ Total int }
		res := b.send(t, http.MethodGet, "/api/v1/datasets/yanai/records?limit=1", nil)
		decode(t, res, &out)
		return out.Total
	}
	if n := records(); n != 17 {
		t.Fatalf("records after version 2: %d", n)
	}
	// Restore version 1.
	b.follow(t, b.post(t, "/admin/datasets/yanai/versions/1/publish", nil))
	if n := records(); n != 18 {
		t.Fatalf("records after restoring version 1: %d", n)
	}
	// Withdraw: gone from the public pages, history kept.
	if res := b.post(t, "/admin/datasets/yanai/withdraw", url.Values{"reason": {"確認のため"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", res.StatusCode)
	}
	if res := b.send(t, http.MethodGet, "/datasets/yanai", nil); res.StatusCode != http.StatusNotFound {
		t.Fatalf("withdrawn dataset on the public page: %d", res.StatusCode)
	}
	doc = b.doc(t, b.send(t, http.MethodGet, "/admin/datasets/yanai", nil))
	if n := doc.Find("#versions tbody tr").Length(); n != 2 {
		t.Fatalf("versions after withdrawal: %d", n)
	}
	// Every step is in the audit log, with who and from where.
	entries, _, err := ts.store.AuditLog(context.Background(), catalog.AuditFilter{Actor: "bousai-editor"})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for i := len(entries) - 1; i >= 0; i-- {
		if e := entries[i]; e.Target == "yanai" {
			if e.Address != "127.0.0.1" {
				t.Errorf("audit row without the address: %+v", e)
			}
			actions = append(actions, e.Action)
		}
	}
	want := "dataset.upload dataset.publish dataset.upload dataset.publish dataset.restore dataset.withdraw"
	if got := strings.Join(actions, " "); got != want {
		t.Fatalf("audit:\n got %s\nwant %s", got, want)
	}
}

func TestAdminUploadGuardAndOverride(t *testing.T) {
	ts := adminServer(t)
	ed := newBrowser(t, ts)
	ed.login(t, "bousai-editor")
	people := "氏名,生年月日,電話番号\r\n山田太郎,1950-01-01,090-1234-5678\r\n"
	res := ed.follow(t, ed.upload(t, map[string]string{"kind": "table", "slug": "meibo"}, map[string][]byte{"meibo.csv": []byte(people)}))
	doc := ed.doc(t, res)
	if doc.Find("#pii tbody tr").Length() == 0 || doc.Find("#override").Length() != 0 {
		t.Fatalf("report for an editor: findings %d, override field %d", doc.Find("#pii tbody tr").Length(), doc.Find("#override").Length())
	}
	if strings.Contains(doc.Find("#pii").Text(), "090-1234-5678") {
		t.Error("the report shows the phone number unmasked")
	}
	// The editor's publish is refused, on the report, and nothing changes.
	res = ed.post(t, "/admin/datasets/meibo/versions/1/publish", nil)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(ed.doc(t, res).Find("#version-message").Text(), "個人情報") {
		t.Fatalf("editor publishing personal data: %d", res.StatusCode)
	}
	// An editor cannot override, even by crafting the form.
	if res := ed.post(t, "/admin/datasets/meibo/versions/1/publish", url.Values{"override": {"大丈夫です"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("editor override: %d", res.StatusCode)
	}
	if d, _ := ts.store.DatasetBySlug(context.Background(), "meibo"); d.Status != catalog.StatusDraft {
		t.Fatalf("status after refusals: %s", d.Status)
	}
	adm := newBrowser(t, ts)
	adm.login(t, "admin")
	doc = adm.doc(t, adm.send(t, http.MethodGet, "/admin/datasets/meibo/versions/1", nil))
	if doc.Find("#override").Length() != 1 {
		t.Fatal("no override field for an admin")
	}
	adm.follow(t, adm.post(t, "/admin/datasets/meibo/versions/1/publish", url.Values{"override": {"架空の名簿（訓練用）"}}))
	entries, _, _ := ts.store.AuditLog(context.Background(), catalog.AuditFilter{Action: catalog.AuditPIIOverride})
	if len(entries) != 1 || entries[0].Actor != "admin" || !strings.Contains(entries[0].Detail, "訓練用") {
		t.Fatalf("override audit: %+v", entries)
	}
}

func TestAdminUploadHostileNamesAreEscaped(t *testing.T) {
	ts := adminServer(t)
	b := newBrowser(t, ts)
	b.login(t, "bousai-editor")
	evil := `<script>alert(1)</script>`
	csv := fmt.Sprintf("名称,%s\r\n%s,1\r\n", `"<img src=x onerror=alert(2)>"`, evil)
	res := b.follow(t, b.upload(t, map[string]string{"kind": "table", "title": evil, "slug": "evil"},
		map[string][]byte{`../../<i>evil.csv`: []byte(csv)}))
	body := string(readAll(t, res.Body))
	for _, raw := range []string{"<script>alert(1)", "<img src=x", "<i>evil"} {
		if strings.Contains(body, raw) {
			t.Errorf("report contains %q unescaped", raw)
		}
	}
	// The file name is a label: stored as its base name, never a path.
	d, err := ts.store.DatasetBySlug(context.Background(), "evil")
	if err != nil {
		t.Fatal(err)
	}
	v, _ := ts.store.Version(context.Background(), d.ID, 1)
	if v.Files[0].Name != "<i>evil.csv" {
		t.Fatalf("stored name %q", v.Files[0].Name)
	}
	for _, page := range []string{"/admin", "/admin/datasets/evil", "/admin/datasets/evil/edit"} {
		body := string(readAll(t, b.send(t, http.MethodGet, page, nil).Body))
		if strings.Contains(body, "<script>alert(1)") {
			t.Errorf("%s contains the title unescaped", page)
		}
	}
}

func TestAdminUploadRefusals(t *testing.T) {
	ts := adminServer(t)
	b := newBrowser(t, ts)
	b.login(t, "bousai-editor")
	// An unreadable file: the form again with the reason, nothing stored.
	res := b.upload(t, map[string]string{"kind": "table", "slug": "broken"}, map[string][]byte{"a.exe": []byte("MZ")})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(b.doc(t, res).Find("#upload-error").Text(), "a.exe") {
		t.Fatalf("bad file type: %d", res.StatusCode)
	}
	if _, err := ts.store.DatasetBySlug(context.Background(), "broken"); catalog.KindOf(err) != catalog.NotFound {
		t.Fatalf("a refused upload left a dataset: %v", err)
	}
	// Another department's dataset cannot get a version.
	res = b.upload(t, map[string]string{"dataset": "shisetsu"}, map[string][]byte{"a.csv": []byte("名称\r\nA\r\n")})
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("upload into another department's dataset: %d", res.StatusCode)
	}
	// A new dataset may not take an existing id.
	res = b.upload(t, map[string]string{"kind": "table", "slug": "bousai-draft"}, map[string][]byte{"a.csv": []byte("名称\r\nA\r\n")})
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("new dataset over an existing id: %d", res.StatusCode)
	}
	// Over the request limit: 413, before anything is read into a dataset.
	big := bytes.Repeat([]byte("a,b\r\n"), int(ts.srv.uploadLimit()/5)+10)
	res = b.upload(t, map[string]string{"kind": "table", "slug": "huge"}, map[string][]byte{"huge.csv": big})
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("over the limit: %d", res.StatusCode)
	}
	// Viewers upload nothing.
	v := newBrowser(t, ts)
	v.login(t, "bousai-viewer")
	if res := v.upload(t, map[string]string{"kind": "table"}, map[string][]byte{"a.csv": []byte("名称\r\nA\r\n")}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("viewer upload: %d", res.StatusCode)
	}
}

func TestAdminMetadataEdit(t *testing.T) {
	ts := adminServer(t)
	b := newBrowser(t, ts)
	b.login(t, "bousai-editor")
	doc := b.doc(t, b.send(t, http.MethodGet, "/admin/datasets/bousai-draft/edit", nil))
	if v, _ := doc.Find("#m-license option[selected]").Attr("value"); v != "CC-BY-4.0" {
		t.Fatalf("default license %q", v)
	}
	form := url.Values{"title_ja": {"防災倉庫一覧"}, "title_en": {"Disaster supply stores"}, "keywords": {"防災、倉庫, 備蓄"},
		"themes": {"GOVE"}, "license": {"CC-BY-4.0"}, "frequency": {"ANNUAL"}, "temporal_start": {"2026-04-01"}}
	if res := b.post(t, "/admin/datasets/bousai-draft/edit", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	d, _ := ts.store.DatasetBySlug(context.Background(), "bousai-draft")
	if d.TitleEN != "Disaster supply stores" || strings.Join(d.Keywords, "|") != "防災|倉庫|備蓄" || d.Frequency != "ANNUAL" {
		t.Fatalf("saved: %+v", d)
	}
	form.Set("title_ja", "")
	res := b.post(t, "/admin/datasets/bousai-draft/edit", form)
	if res.StatusCode != http.StatusBadRequest || b.doc(t, res).Find("#metadata-error").Length() != 1 {
		t.Fatalf("empty title: %d", res.StatusCode)
	}
}

func TestAdminPasswordChangeAndReset(t *testing.T) {
	ts := adminServer(t)
	b := newBrowser(t, ts)
	b.login(t, "bousai-editor")
	other := newBrowser(t, ts)
	other.login(t, "bousai-editor")
	const next = "多摩川の土手を歩く朝の光"
	res := b.post(t, "/admin/password", url.Values{"current_password": {"wrong password!!"}, "new_password": {next}, "confirm_password": {next}})
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong current password: %d", res.StatusCode)
	}
	res = b.post(t, "/admin/password", url.Values{"current_password": {adminPassword}, "new_password": {"password1234"}, "confirm_password": {"password1234"}})
	if res.StatusCode != http.StatusBadRequest || b.doc(t, res).Find("#password-error").Length() != 1 {
		t.Fatalf("weak password: %d", res.StatusCode)
	}
	res = b.post(t, "/admin/password", url.Values{"current_password": {adminPassword}, "new_password": {next}, "confirm_password": {next}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/admin/login") {
		t.Fatalf("change: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	// Every session of the user ended, the other browser's too.
	if res := other.send(t, http.MethodGet, "/admin", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("other session after the change: %d", res.StatusCode)
	}
	if res := b.send(t, http.MethodPost, "/admin/login", url.Values{"login": {"bousai-editor"}, "password": {next}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login with the new password: %d", res.StatusCode)
	}
	// An admin resets it; the editor is logged out and the reset audited.
	adm := newBrowser(t, ts)
	adm.login(t, "admin")
	u := userByLogin(t, ts, "bousai-editor")
	if res := adm.post(t, "/admin/users/"+itoa(u.ID)+"/password", url.Values{"password": {adminPassword}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset: %d", res.StatusCode)
	}
	if res := b.send(t, http.MethodGet, "/admin", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("session after the reset: %d", res.StatusCode)
	}
	for _, action := range []string{catalog.AuditPasswordChange, catalog.AuditPasswordReset} {
		if es, _, _ := ts.store.AuditLog(context.Background(), catalog.AuditFilter{Action: action}); len(es) != 1 {
			t.Errorf("%s audited %d times", action, len(es))
		}
	}
}

func userByLogin(t *testing.T, ts *testServer, login string) *catalog.User {
	t.Helper()
	us, err := ts.store.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range us {
		if u.Login == login {
			return u
		}
	}
	t.Fatalf("no user %s", login)
	return nil
}

func TestAdminDepartments(t *testing.T) {
	ts := adminServer(t)
	adm := newBrowser(t, ts)
	adm.login(t, "admin")
	if res := adm.post(t, "/admin/departments", url.Values{"code": {"toshi"}, "name_ja": {"都市計画課"}, "name_en": {"City Planning"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add: %d", res.StatusCode)
	}
	d, err := ts.store.Department(context.Background(), "toshi")
	if err != nil || d.NameEN != "City Planning" {
		t.Fatalf("saved: %+v %v", d, err)
	}
	res := adm.post(t, "/admin/departments", url.Values{"code": {"../Toshi"}, "name_ja": {"x"}})
	if res.StatusCode != http.StatusBadRequest || adm.doc(t, res).Find("#department-error").Length() != 1 {
		t.Fatalf("bad code: %d", res.StatusCode)
	}
	if es, _, _ := ts.store.AuditLog(context.Background(), catalog.AuditFilter{Action: catalog.AuditDepartmentSave}); len(es) != 1 {
		t.Fatalf("department audited %d times", len(es))
	}
}

// apiUpload posts files to the scripted upload with a bearer token.
func apiUpload(t *testing.T, ts *testServer, token, slug string, fields map[string]string, name string, data []byte) *http.Response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile("files", name)
	fw.Write(data)
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/v1/datasets/"+slug+"/versions", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

func TestAPIScriptedUpload(t *testing.T) {
	ts := adminServer(t)
	ctx := context.Background()
	ed := userByLogin(t, ts, "bousai-editor")
	token, _, err := ts.store.CreateToken(ctx, ed, "nightly", catalog.Actor{Login: "bousai-editor"})
	if err != nil {
		t.Fatal(err)
	}
	csv := []byte("ID,名称\r\n1,第一倉庫\r\n2,第二倉庫\r\n")
	if res := apiUpload(t, ts, "", "soko", map[string]string{"kind": "table"}, "soko.csv", csv); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("without a token: %d", res.StatusCode)
	}
	res := apiUpload(t, ts, token, "soko", map[string]string{"kind": "table", "title": "防災倉庫", "publish": "true"}, "soko.csv", csv)
	var out struct {
		ID      string
		Version int
		Rows    int
	}
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %d %s", res.StatusCode, readAll(t, res.Body))
	}
	decode(t, res, &out)
	if out.ID != "soko" || out.Version != 1 || out.Rows != 2 || res.Header.Get("Location") != "/api/v1/datasets/soko/versions/1" {
		t.Fatalf("result: %+v %s", out, res.Header.Get("Location"))
	}
	if d, _ := ts.store.DatasetBySlug(ctx, "soko"); d.Status != catalog.StatusPublished || d.Department != "bousai" {
		t.Fatalf("dataset: %+v", d)
	}
	// The token's department only; and the guard holds for scripts too.
	if res := apiUpload(t, ts, token, "shisetsu", nil, "a.csv", csv); res.StatusCode != http.StatusForbidden {
		t.Fatalf("another department's dataset: %d", res.StatusCode)
	}
	people := []byte("氏名,電話番号\r\n山田太郎,090-1234-5678\r\n")
	if res := apiUpload(t, ts, token, "meibo", map[string]string{"kind": "table", "publish": "true"}, "m.csv", people); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("personal data published by a script: %d", res.StatusCode)
	}
	if res := apiUpload(t, ts, token, "meibo", map[string]string{"kind": "table", "publish": "true", "override": "x"}, "m.csv", people); res.StatusCode != http.StatusForbidden {
		t.Fatalf("override by an editor's token: %d", res.StatusCode)
	}
	if _, err := ts.store.DatasetBySlug(ctx, "meibo"); catalog.KindOf(err) != catalog.NotFound {
		t.Fatalf("refused uploads left a dataset: %v", err)
	}
}

func TestAdminLayersPage(t *testing.T) {
	ts := adminServer(t)
	ed := newBrowser(t, ts)
	ed.login(t, "bousai-editor")
	if res := ed.send(t, http.MethodGet, "/admin/layers", nil); res.StatusCode != http.StatusOK {
		t.Fatalf("editor reads the layers: %d", res.StatusCode)
	}
	if res := ed.post(t, "/admin/layers", url.Values{"definition": {`{"name":"x"}`}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("editor defines a layer: %d", res.StatusCode)
	}
	adm := newBrowser(t, ts)
	adm.login(t, "admin")
	res := adm.post(t, "/admin/layers", url.Values{"definition": {`{"name":"x","sources":[]}`}})
	if res.StatusCode != http.StatusBadRequest || adm.doc(t, res).Find("#layer-error").Length() != 1 {
		t.Fatalf("a bad definition: %d", res.StatusCode)
	}
}
