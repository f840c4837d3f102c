package main

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/machi-opendata/portal/catalog"
)

// catalogView is what the catalog holds of one dataset, read from the file.
type catalogView struct {
	id      int64
	title   string
	status  string
	current int
	vs      map[int]*versionView
	audits  map[string]int
}

type versionView struct {
	rows, records int
	published     bool
	files         []string // checksums, in order
}

type fileStamp struct {
	size int64
	mod  time.Time
}

// checkStopped reads the data folder of the dead portal: the catalog
// whole, the stored files, and the datasets of the test against the model.
// What was in flight at the kill is settled here: done or not done, as
// the catalog says, but whole either way.
func (h *crashHarness) checkStopped() {
	h.t.Helper()
	defer h.timer("checks after kills")()
	// Read-only, as a backup tool would: the check must not repair what
	// the portal's next start should find.
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(h.data, "portal.db")+"?mode=ro")
	if err != nil {
		h.t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	var problems []string
	h.each(db, `PRAGMA integrity_check`, func(scan func(...any) error) {
		var s string
		scan(&s)
		problems = append(problems, s)
	})
	h.check(slices.Equal(problems, []string{"ok"}), "integrity_check: %q", problems)
	var orphanRows []string
	h.each(db, `PRAGMA foreign_key_check`, func(scan func(...any) error) {
		var table, parent string
		var rowid sql.NullInt64
		var fk int
		scan(&table, &rowid, &parent, &fk)
		orphanRows = append(orphanRows, fmt.Sprintf("%s row %d -> %s", table, rowid.Int64, parent))
	})
	h.check(len(orphanRows) == 0, "foreign_key_check: %q", orphanRows)

	views := h.readCatalog(db)
	h.checkCatalog(views)
	h.settleAndCompare(views)
	h.countGarbage(views)
}

// each runs a query and calls f with each row's Scan.
func (h *crashHarness) each(db *sql.DB, query string, f func(scan func(...any) error)) {
	h.t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		h.t.Fatalf("cycle %d: %s: %v", h.cycle, query, err)
	}
	defer rows.Close()
	for rows.Next() {
		f(rows.Scan)
	}
	if err := rows.Err(); err != nil {
		h.t.Fatalf("cycle %d: %s: %v", h.cycle, query, err)
	}
}

// readCatalog reads every dataset with its versions, their files and
// record counts, and the audit rows of the test's datasets.
func (h *crashHarness) readCatalog(db *sql.DB) map[string]*catalogView {
	views, byID := map[string]*catalogView{}, map[int64]*catalogView{}
	h.each(db, `SELECT id, slug, title_ja, status, current_version FROM datasets`, func(scan func(...any) error) {
		d := &catalogView{vs: map[int]*versionView{}, audits: map[string]int{}}
		var slug string
		scan(&d.id, &slug, &d.title, &d.status, &d.current)
		views[slug], byID[d.id] = d, d
	})
	versions := map[int64]*versionView{}
	h.each(db, `SELECT v.id, v.dataset_id, v.number, v.row_count, v.published IS NOT NULL,
		(SELECT count(*) FROM records r WHERE r.version_id = v.id) FROM versions v`, func(scan func(...any) error) {
		var id, ds int64
		var n int
		v := &versionView{}
		scan(&id, &ds, &n, &v.rows, &v.published, &v.records)
		if d := byID[ds]; d != nil {
			d.vs[n], versions[id] = v, v
		}
	})
	h.each(db, `SELECT version_id, sha256 FROM version_files ORDER BY version_id, position`, func(scan func(...any) error) {
		var id int64
		var sum string
		scan(&id, &sum)
		if v := versions[id]; v != nil {
			v.files = append(v.files, sum)
		}
	})
	h.each(db, `SELECT target, action, count(*) FROM audit_log WHERE target LIKE 'crash-%' GROUP BY target, action`,
		func(scan func(...any) error) {
			var target, action string
			var n int
			scan(&target, &action, &n)
			if d := views[target]; d != nil {
				d.audits[action] = n
			}
		})
	sizes := map[string]int64{}
	h.each(db, `SELECT DISTINCT sha256, size FROM version_files`, func(scan func(...any) error) {
		var sum string
		var size int64
		scan(&sum, &size)
		sizes[sum] = size
	})
	h.checkFiles(sizes)
	return views
}

// checkCatalog checks what must hold of every dataset, the demo's too:
// each version has the records it counts, and a published (or withdrawn)
// dataset points at a version that exists and was published.
func (h *crashHarness) checkCatalog(views map[string]*catalogView) {
	h.t.Helper()
	for slug, d := range views {
		for n, v := range d.vs {
			h.check(v.records == v.rows, "%s version %d: %d records, row_count %d", slug, n, v.records, v.rows)
			h.check(len(v.files) > 0, "%s version %d has no file", slug, n)
		}
		switch d.status {
		case catalog.StatusPublished, catalog.StatusWithdrawn:
			v := d.vs[d.current]
			h.check(v != nil && v.published, "%s is %s at version %d, which is missing or a draft", slug, d.status, d.current)
		case catalog.StatusDraft:
			h.check(d.current == 0, "draft %s has current version %d", slug, d.current)
		default:
			h.check(false, "%s has status %q", slug, d.status)
		}
	}
}

// checkFiles checks that every file a version lists is stored under its
// checksum, whole: its size and its SHA-256 are the catalog's.
func (h *crashHarness) checkFiles(sizes map[string]int64) {
	h.t.Helper()
	files := &catalog.Files{Dir: filepath.Join(h.data, "files")}
	for sum, size := range sizes {
		path := files.Path(sum)
		fi, err := os.Stat(path)
		if !h.check(err == nil, "stored file %s: %v", sum, err) {
			continue
		}
		stamp := fileStamp{fi.Size(), fi.ModTime()}
		if h.verified[path] == stamp {
			h.checks.Add(1)
			continue
		}
		got, err := fileSHA256(path)
		if h.check(err == nil && got == sum && fi.Size() == size, "stored file %s: %d bytes (want %d), SHA-256 %s, %v",
			sum, fi.Size(), size, got, err) {
			h.verified[path] = stamp
		}
	}
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	hash := sha256.New()
	if _, err := io.Copy(hash, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(hash.Sum(nil)), nil
}

// settleAndCompare decides each operation in flight at the kill from what
// the catalog holds, then compares every dataset of the test with the
// model: what the portal acknowledged must be there, and nothing else.
func (h *crashHarness) settleAndCompare(views map[string]*catalogView) {
	h.t.Helper()
	m := h.model
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, slug := range slices.Clone(m.slugs) {
		s := m.sets[slug]
		if op := s.pending; op != nil {
			d := views[slug]
			var done bool
			switch op.kind {
			case opCreate:
				done = d != nil
			case opVersion:
				done = d != nil && d.vs[op.n] != nil
			case opPublish:
				done = d != nil && d.status == catalog.StatusPublished && d.current == op.n
			case opWithdraw:
				done = d != nil && d.status == catalog.StatusWithdrawn
			case opEdit:
				done = d != nil && d.title == op.title
			}
			if done {
				s.apply(op)
				m.doubtsCommitted++
			}
			s.pending, s.busy = nil, false
		}
		if !s.exists {
			delete(m.sets, slug)
			m.slugs = removeSlug(m.slugs, slug)
		}
	}
	for slug := range views {
		if strings.HasPrefix(slug, "crash-") {
			h.check(m.sets[slug] != nil, "%s is in the catalog, but no upload of it was acknowledged or in flight", slug)
		}
	}
	for _, slug := range m.slugs {
		h.compare(m.sets[slug], views[slug])
	}
}

// compare checks one dataset of the test against the model.
func (h *crashHarness) compare(s *crashSet, d *catalogView) {
	h.t.Helper()
	if !h.check(d != nil, "%s: acknowledged, but not in the catalog", s.slug) {
		return
	}
	h.check(d.title == s.title, "%s: title %q, want %q", s.slug, d.title, s.title)
	h.check(d.status == s.status && d.current == s.current, "%s: %s at version %d, want %s at %d",
		s.slug, d.status, d.current, s.status, s.current)
	h.check(len(d.vs) == len(s.vs), "%s: %d versions, want %d", s.slug, len(d.vs), len(s.vs))
	for i, want := range s.vs {
		n := i + 1
		v := d.vs[n]
		if !h.check(v != nil, "%s: version %d missing", s.slug, n) {
			continue
		}
		h.check(v.rows == want.rows, "%s version %d: %d rows, want %d", s.slug, n, v.rows, want.rows)
		h.check(v.published == want.published, "%s version %d: published %v, want %v", s.slug, n, v.published, want.published)
		h.check(slices.Equal(v.files, []string{want.sha}), "%s version %d: files %v, want the upload's %s", s.slug, n, v.files, want.sha)
	}
	got := map[string]int{
		catalog.AuditUpload:   d.audits[catalog.AuditUpload],
		catalog.AuditPublish:  d.audits[catalog.AuditPublish] + d.audits[catalog.AuditRestore],
		catalog.AuditWithdraw: d.audits[catalog.AuditWithdraw],
		catalog.AuditMetadata: d.audits[catalog.AuditMetadata],
	}
	for action, n := range got {
		h.check(n == s.audits[action], "%s: %d audit rows %s, want %d", s.slug, n, action, s.audits[action])
	}
}

// countGarbage counts what a kill left behind that nothing refers to:
// temporary files of uploads cut short, and files stored under their
// checksum by an upload whose transaction never committed. Garbage is not
// a broken promise, so it is counted for the report rather than failed.
func (h *crashHarness) countGarbage(views map[string]*catalogView) {
	used := map[string]bool{}
	for _, d := range views {
		for _, v := range d.vs {
			for _, f := range v.files {
				used[f] = true
			}
		}
	}
	h.tmpLeft, h.orphans = 0, 0
	dir := filepath.Join(h.data, "files")
	filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		switch {
		case err != nil || e.IsDir():
			return nil
		case filepath.Base(filepath.Dir(path)) == "tmp":
			h.tmpLeft++
		case !used[e.Name()]:
			h.orphans++
		}
		return nil
	})
}

// checkServed checks the restarted portal: what the public API and the
// search serve of each dataset the last run touched is its current state,
// and, with whole, that the search index agrees with the catalog on every
// dataset of the test (every published one is found by the test's word
// with its current title, and no other is).
func (h *crashHarness) checkServed(whole bool) {
	h.t.Helper()
	defer h.timer("checks after starts")()
	m := h.model
	m.mu.Lock()
	want := map[string]string{}
	var touched []*crashSet
	for _, slug := range m.slugs {
		s := m.sets[slug]
		if s.status == catalog.StatusPublished {
			want[slug] = s.title
		}
		if s.touched {
			touched = append(touched, s)
			s.touched = false
		}
	}
	m.mu.Unlock()
	for _, s := range touched {
		h.checkPublic(s)
	}
	if !whole {
		return
	}
	// The outbox is replayed before the portal listens, so the index should
	// agree at once; a short wait forgives a replay that finishes later.
	var got map[string]string
	for deadline := time.Now().Add(3 * time.Second); ; time.Sleep(300 * time.Millisecond) {
		got = h.indexedTitles()
		if mapsEqual(got, want) || time.Now().After(deadline) {
			break
		}
	}
	var diff []string
	for slug, title := range want {
		if got[slug] != title {
			diff = append(diff, fmt.Sprintf("%s: indexed %q, catalog %q", slug, got[slug], title))
		}
	}
	for slug, title := range got {
		if _, ok := want[slug]; !ok {
			diff = append(diff, fmt.Sprintf("%s: indexed %q, but not published", slug, title))
		}
	}
	slices.Sort(diff)
	h.check(len(diff) == 0, "the search index disagrees with the catalog on %d datasets: %s", len(diff),
		strings.Join(diff[:min(len(diff), 8)], "; "))
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// indexedTitles lists the datasets of the test the search index holds,
// with their titles, page by page.
func (h *crashHarness) indexedTitles() map[string]string {
	h.t.Helper()
	out := map[string]string{}
	for offset, total := 0, 1; offset < total; offset += 100 {
		var res struct {
			Total int `json:"total"`
			Items []struct {
				ID    string `json:"id"`
				Title string `json:"title"`
			} `json:"items"`
		}
		status, body, err := h.client.get(fmt.Sprintf("/api/v1/search?q=%s&type=dataset&sort=title&limit=100&offset=%d", crashWord, offset))
		if err != nil || status != 200 || json.Unmarshal(body, &res) != nil {
			h.t.Fatalf("cycle %d: search: %d %v %.300s", h.cycle, status, err, body)
		}
		for _, it := range res.Items {
			if slug, ok := strings.CutPrefix(it.ID, "dataset:"); ok && strings.HasPrefix(slug, "crash-") {
				out[slug] = it.Title
			}
		}
		total = res.Total
	}
	return out
}

// checkPublic checks what citizens get of one dataset: its own word finds
// it exactly when it is published; then its records are its current
// version's, and its original file is the bytes uploaded.
func (h *crashHarness) checkPublic(s *crashSet) {
	h.t.Helper()
	status, body, err := h.client.get("/api/v1/search?q=" + url.QueryEscape(s.marker))
	var found struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if !h.check(err == nil && status == 200 && json.Unmarshal(body, &found) == nil, "search %s: %d %v", s.marker, status, err) {
		return
	}
	hit := slices.ContainsFunc(found.Items, func(it struct {
		ID string `json:"id"`
	}) bool {
		return it.ID == "dataset:"+s.slug
	})
	published := s.status == catalog.StatusPublished
	h.check(hit == published, "%s (%s): found by its word %s: %v", s.slug, s.status, s.marker, hit)
	if !published {
		status, _, err := h.client.get("/api/v1/datasets/" + s.slug)
		h.check(err == nil && status == 404, "%s (%s): public API answers %d %v, want 404", s.slug, s.status, status, err)
		return
	}
	v := s.vs[s.current-1]
	status, body, err = h.client.get("/api/v1/datasets/" + s.slug + "/records?limit=1")
	var recs struct {
		Total int `json:"total"`
	}
	h.check(err == nil && status == 200 && json.Unmarshal(body, &recs) == nil && recs.Total == v.rows,
		"%s: public records %d %v: total %d, want version %d's %d", s.slug, status, err, recs.Total, s.current, v.rows)
	status, body, err = h.client.get(fmt.Sprintf("/api/v1/datasets/%s/versions/%d/original", s.slug, s.current))
	sum := sha256.Sum256(body)
	h.check(err == nil && status == 200 && hex.EncodeToString(sum[:]) == v.sha,
		"%s: original of version %d: %d %v, %d bytes not the upload's", s.slug, s.current, status, err, len(body))
}
