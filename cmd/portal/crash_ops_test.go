package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/machi-opendata/portal/catalog"
)

// What the crash test's admins do, through the same HTTP calls as a
// script or a browser would.
const (
	opCreate   = "create"   // a new dataset (scripted upload), published or a draft
	opVersion  = "version"  // a new version of one (scripted upload), published or a draft
	opPublish  = "publish"  // a draft's publication or an older version's restoration (admin form)
	opWithdraw = "withdraw" // (admin form)
	opEdit     = "edit"     // a new title (admin form)
)

// crashWord is in every title the test gives, so that one search lists
// every dataset of the test the index holds.
const crashWord = "crashkit"

// crashOp is one operation and what the portal promises once it answers
// with success.
type crashOp struct {
	kind    string
	slug    string
	n       int  // the version uploaded or published
	publish bool // an upload published at once
	rows    int  // of an upload
	csv     []byte
	sha     string // of csv
	title   string // of a new dataset or an edit
}

func (op *crashOp) String() string {
	return fmt.Sprintf("%s %s v%d (publish %v, rows %d, title %q)", op.kind, op.slug, op.n, op.publish, op.rows, op.title)
}

// crashSet is the model of one dataset of the test: what it must be in the
// catalog, given the operations the portal acknowledged.
type crashSet struct {
	slug    string
	marker  string // a word of its own in its titles
	exists  bool   // acknowledged (or found after a kill)
	title   string
	status  string
	current int
	vs      []crashVersion // version n is vs[n-1]
	// audits counts the operations that must have left an audit row, by
	// the row's action.
	audits map[string]int
	// busy: a worker has a request for it in flight; pending: that request
	// got no answer (the kill came first), so it may or may not have
	// happened, until the check after the kill looks.
	busy    bool
	pending *crashOp
	// touched: changed or in doubt since the last look through the server.
	touched bool
}

type crashVersion struct {
	rows      int
	sha       string
	published bool
}

// apply changes the model as the portal says op did.
func (s *crashSet) apply(op *crashOp) {
	s.touched = true
	switch op.kind {
	case opCreate, opVersion:
		s.exists = true
		s.vs = append(s.vs, crashVersion{rows: op.rows, sha: op.sha, published: op.publish})
		s.audits[catalog.AuditUpload]++
		if op.kind == opCreate {
			s.title, s.status = op.title, catalog.StatusDraft
		}
		if op.publish {
			s.status, s.current = catalog.StatusPublished, op.n
			s.audits[catalog.AuditPublish]++
		}
	case opPublish:
		s.vs[op.n-1].published = true
		s.status, s.current = catalog.StatusPublished, op.n
		s.audits[catalog.AuditPublish]++ // or AuditRestore: counted together
	case opWithdraw:
		s.status = catalog.StatusWithdrawn
		s.audits[catalog.AuditWithdraw]++
	case opEdit:
		s.title = op.title
		s.audits[catalog.AuditMetadata]++
	}
}

// crashModel is every dataset of the test, and counts of what happened.
type crashModel struct {
	mu    sync.Mutex
	sets  map[string]*crashSet
	slugs []string // the keys of sets, for random choices
	seq   int      // numbers new datasets

	acked           map[string]int // by kind
	doubts          int            // operations in flight at a kill
	doubtsCommitted int            // of those, the ones found done
}

// next chooses an operation on a dataset no other worker is using, marks
// that dataset busy, and returns the operation ready to send.
func (m *crashModel) next(rng *rand.Rand, cycle int) *crashOp {
	m.mu.Lock()
	defer m.mu.Unlock()
	pick := func(ok func(*crashSet) bool) *crashSet {
		for range 8 {
			if len(m.slugs) == 0 {
				return nil
			}
			s := m.sets[m.slugs[rng.IntN(len(m.slugs))]]
			if s.exists && !s.busy && s.pending == nil && ok(s) {
				return s
			}
		}
		return nil
	}
	anySet := func(*crashSet) bool { return true }
	var (
		op = &crashOp{}
		s  *crashSet
	)
	switch r := rng.IntN(100); {
	case r < 25:
		if s = pick(anySet); s != nil {
			op.kind, op.n, op.publish = opVersion, len(s.vs)+1, rng.IntN(2) == 0
			if rng.IntN(6) == 0 {
				// The same bytes again: stored once, renamed over the
				// file an earlier version refers to.
				last := s.vs[len(s.vs)-1]
				op.csv, op.sha, op.rows = nil, last.sha, last.rows
			}
		}
	case r < 40:
		if s = pick(func(s *crashSet) bool { return len(publishable(s)) > 0 }); s != nil {
			c := publishable(s)
			op.kind, op.n = opPublish, c[rng.IntN(len(c))]
		}
	case r < 48:
		if s = pick(func(s *crashSet) bool { return s.status == catalog.StatusPublished }); s != nil {
			op.kind = opWithdraw
		}
	case r < 65:
		if s = pick(anySet); s != nil {
			op.kind, op.title = opEdit, crashTitle(s.marker, rng)
		}
	}
	if s == nil {
		m.seq++
		s = &crashSet{slug: fmt.Sprintf("crash-%d-%d", cycle, m.seq), marker: crashMarker(rng), audits: map[string]int{}}
		m.sets[s.slug] = s
		m.slugs = append(m.slugs, s.slug)
		op.kind, op.n, op.publish, op.title = opCreate, 1, rng.IntN(10) < 7, crashTitle(s.marker, rng)
	}
	op.slug, s.busy = s.slug, true
	if (op.kind == opCreate || op.kind == opVersion) && op.sha == "" {
		op.rows = 100 + rng.IntN(200)
		op.csv = crashCSV(s.marker, op.n, op.rows)
		sum := sha256.Sum256(op.csv)
		op.sha = hex.EncodeToString(sum[:])
	}
	if op.kind == opVersion && op.csv == nil {
		op.csv = s.csvOf(op.sha)
	}
	return op
}

// publishable lists the versions a publish may name: any but the one
// citizens see now (publishing that is refused as a conflict).
func publishable(s *crashSet) []int {
	var out []int
	for i := range s.vs {
		if n := i + 1; !(s.status == catalog.StatusPublished && s.current == n) {
			out = append(out, n)
		}
	}
	return out
}

// csvOf regenerates the bytes of an earlier version: kept by checksum only,
// since a thousand uploads of bytes need not stay in memory.
func (s *crashSet) csvOf(sha string) []byte {
	for n, v := range s.vs {
		if v.sha == sha {
			return crashCSV(s.marker, n+1, v.rows)
		}
	}
	panic("no version with " + sha)
}

// done records the answer to op: ok (the portal said it was done), or
// not (it said no, or nothing: the kill came first, so op is in doubt until
// the catalog is read).
func (m *crashModel) done(op *crashOp, ok, doubt bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.sets[op.slug]
	switch {
	case ok:
		s.apply(op)
		s.busy = false
		m.acked[op.kind]++
	case doubt:
		s.pending, s.touched = op, true
		m.doubts++
	default:
		s.busy = false
		if !s.exists {
			delete(m.sets, s.slug)
			m.slugs = removeSlug(m.slugs, s.slug)
		}
	}
}

func removeSlug(slugs []string, slug string) []string {
	for i, s := range slugs {
		if s == slug {
			return append(slugs[:i], slugs[i+1:]...)
		}
	}
	return slugs
}

func (m *crashModel) doubtCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.doubts
}

// crashMarker is a made-up word that no other dataset has.
func crashMarker(rng *rand.Rand) string {
	const letters = "bcdfghjklmnpqrstvwxz"
	b := []byte("mk")
	for range 8 {
		b = append(b, letters[rng.IntN(len(letters))])
	}
	return string(b)
}

func crashTitle(marker string, rng *rand.Rand) string {
	return fmt.Sprintf("衝突試験 %s %s 第%d稿", crashWord, marker, rng.IntN(1_000_000))
}

// crashCSV is a small table (of nothing personal, so the guard lets it
// be published) whose bytes differ from every other version's: its rows
// name the dataset's marker and the version. The same arguments give the
// same bytes, which csvOf relies on.
func crashCSV(marker string, n, rows int) []byte {
	rng := rand.New(rand.NewPCG(uint64(n), uint64(rows)))
	var b bytes.Buffer
	b.WriteString("ID,品名,数量,備考\n")
	for i := 1; i <= rows; i++ {
		fmt.Fprintf(&b, "%d,%s-%d-%d,%d,倉庫%d\n", i, marker, n, i, rng.IntN(10000), rng.IntN(50))
	}
	return b.Bytes()
}

// work is one admin: operations one after another until the kill.
func (h *crashHarness) work(rng *rand.Rand, stopped <-chan struct{}) {
	for {
		select {
		case <-stopped:
			return
		default:
		}
		op := h.model.next(rng, h.cycle)
		ok, doubt, gone := h.send(op)
		h.model.done(op, ok, doubt)
		if gone {
			return // killed (or too slow to trust): stop here
		}
		time.Sleep(time.Duration(rng.Int64N(int64(crashPause))))
	}
}

// send performs op and tells whether the portal acknowledged it, or left it
// in doubt, and whether the portal is gone.
func (h *crashHarness) send(op *crashOp) (ok, doubt, gone bool) {
	c := h.client
	var (
		status int
		body   []byte
		loc    string
		err    error
	)
	switch op.kind {
	case opCreate, opVersion:
		status, body, loc, err = c.upload(op, h.dept)
	case opPublish:
		status, body, loc, err = c.form(fmt.Sprintf("/admin/datasets/%s/versions/%d/publish", op.slug, op.n), nil)
	case opWithdraw:
		status, body, loc, err = c.form("/admin/datasets/"+op.slug+"/withdraw", url.Values{"reason": {"衝突試験の取り下げ"}})
	case opEdit:
		status, body, loc, err = c.form("/admin/datasets/"+op.slug+"/edit",
			url.Values{"title_ja": {op.title}, "license": {catalog.DefaultLicense}})
	}
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return false, false, true // sent after the kill: it never got there
	case err != nil:
		return false, true, true
	case status == http.StatusUnauthorized || status == http.StatusSeeOther && strings.HasPrefix(loc, "/admin/login"):
		// Refused before any change: the session is gone, which it must
		// not be (sessions are kept in the catalog).
		h.check(false, "%v: the session was lost (%d %s)", op, status, loc)
		c.relogin()
		return false, false, false
	case op.kind == opCreate || op.kind == opVersion:
		if status != http.StatusCreated {
			break
		}
		var res struct {
			ID      string `json:"id"`
			Version int    `json:"version"`
			Rows    int    `json:"rows"`
		}
		if err := json.Unmarshal(body, &res); err != nil {
			return true, false, false // created, but the kill cut the rest of the answer
		}
		h.check(res.ID == op.slug && res.Version == op.n && res.Rows == op.rows,
			"%v: answered %s version %d with %d rows", op, res.ID, res.Version, res.Rows)
		return true, false, false
	case status == http.StatusSeeOther && strings.HasPrefix(loc, "/admin/datasets/"+op.slug+"?done="):
		return true, false, false
	}
	// Every operation was chosen to be valid: a refusal or an error is a
	// failure, and the change may or may not have been made.
	h.check(false, "%v: %d %s %.300s", op, status, loc, body)
	return false, true, false
}

// crashClient is an admin's browser: a session cookie and its CSRF token,
// which the portal keeps in the catalog across restarts.
type crashClient struct {
	base string
	http *http.Client

	mu       sync.Mutex
	session  string
	csrf     string
	relogins int
}

func newCrashClient(base string) *crashClient {
	return &crashClient{base: base, http: &http.Client{
		// The load on the test machine can make a request slow; an answer
		// later than this leaves its operation in doubt, which is handled.
		Timeout: 60 * time.Second,
		// Redirects are answers to check, not to follow.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// login opens a session and reads its CSRF token from the dashboard.
func (c *crashClient) login() error {
	res, err := c.http.PostForm(c.base+"/admin/login", url.Values{"login": {"admin"}, "password": {crashPassword}})
	if err != nil {
		return err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	var session string
	for _, ck := range res.Cookies() {
		if ck.Name == "portal_session" {
			session = ck.Value
		}
	}
	if res.StatusCode != http.StatusSeeOther || session == "" {
		return fmt.Errorf("login: %s, session cookie %q", res.Status, session)
	}
	req, _ := http.NewRequest(http.MethodGet, c.base+"/admin", nil)
	req.AddCookie(&http.Cookie{Name: "portal_session", Value: session})
	if res, err = c.http.Do(req); err != nil {
		return err
	}
	defer res.Body.Close()
	page, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		return err
	}
	csrf := page.Find(`input[name="csrf_token"]`).First().AttrOr("value", "")
	if res.StatusCode != http.StatusOK || csrf == "" {
		return fmt.Errorf("dashboard: %s, no CSRF token", res.Status)
	}
	c.mu.Lock()
	c.session, c.csrf = session, csrf
	c.mu.Unlock()
	return nil
}

func (c *crashClient) relogin() {
	c.mu.Lock()
	c.relogins++
	c.mu.Unlock()
	c.login() // a failure shows as the next operation's
}

// firstDepartment is a department of the demo, to make datasets in.
func (c *crashClient) firstDepartment() (string, error) {
	res, err := c.http.Get(c.base + "/api/v1/departments")
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	var body struct {
		Items []struct {
			Code string `json:"code"`
		} `json:"items"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil || len(body.Items) == 0 {
		return "", fmt.Errorf("departments: %s, %v", res.Status, err)
	}
	return body.Items[0].Code, nil
}

// upload is the scripted upload with the session and the CSRF header.
func (c *crashClient) upload(op *crashOp, dept string) (int, []byte, string, error) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("kind", string(catalog.KindTable))
	mw.WriteField("department", dept)
	mw.WriteField("title", op.title)
	mw.WriteField("publish", strconv.FormatBool(op.publish))
	part, _ := mw.CreatePart(textproto.MIMEHeader{
		"Content-Disposition": {fmt.Sprintf(`form-data; name="files"; filename="%s.csv"`, op.slug)},
		"Content-Type":        {"text/csv"},
	})
	part.Write(op.csv)
	mw.Close()
	return c.post("/api/v1/datasets/"+op.slug+"/versions", mw.FormDataContentType(), &b, true)
}

// form posts an admin form with the CSRF token.
func (c *crashClient) form(path string, v url.Values) (int, []byte, string, error) {
	if v == nil {
		v = url.Values{}
	}
	c.mu.Lock()
	v.Set("csrf_token", c.csrf)
	c.mu.Unlock()
	return c.post(path, "application/x-www-form-urlencoded", strings.NewReader(v.Encode()), false)
}

func (c *crashClient) post(path, contentType string, body io.Reader, header bool) (int, []byte, string, error) {
	req, err := http.NewRequest(http.MethodPost, c.base+path, body)
	if err != nil {
		return 0, nil, "", err
	}
	req.Header.Set("Content-Type", contentType)
	c.mu.Lock()
	req.AddCookie(&http.Cookie{Name: "portal_session", Value: c.session})
	if header {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	c.mu.Unlock()
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil, "", err
	}
	defer res.Body.Close()
	// The status line is the portal's word: it is written after the
	// change commits. A body cut by the kill is kept as far as it came.
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, raw, res.Header.Get("Location"), nil
}

// get reads a public URL of the server.
func (c *crashClient) get(path string) (int, []byte, error) {
	res, err := c.http.Get(c.base + path)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	return res.StatusCode, raw, err
}
