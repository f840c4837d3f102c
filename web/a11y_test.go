package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// a11yReport is what testdata/browser/a11y.mjs says of one page at one
// width.
type a11yReport struct {
	URL        string
	Width      int
	Overflow   []string // elements wider than the viewport, outside scrolling boxes
	Passes     int
	Violations []struct {
		ID, Impact, Help string
		Nodes            []string
	}
}

// runAxe checks urls with axe-core in chromium at each width, writing a
// screenshot of each into shots when it is not empty.
func runAxe(t *testing.T, urls []string, widths string, shots string) []a11yReport {
	t.Helper()
	cmd := exec.Command("node", append([]string{"testdata/browser/a11y.mjs"}, urls...)...)
	cmd.Env = append(os.Environ(), "A11Y_WIDTHS="+widths, "A11Y_SCREENSHOTS="+shots)
	out, err := cmd.Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("axe: %v\n%s", err, msg)
	}
	var reports []a11yReport
	if err := json.Unmarshal(out, &reports); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return reports
}

// artifactsDir is where the browser tests leave screenshots: $ARTIFACTS
// when set (CI keeps that folder), testdata/browser/artifacts otherwise.
func artifactsDir(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Join("testdata", "browser", "artifacts", name)
	if a := os.Getenv("ARTIFACTS"); a != "" {
		dir = filepath.Join(a, name)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// TestPagesAccessible checks the citizens' pages with axe-core in a real
// browser against the WCAG 2.0/2.1/2.2 A and AA rules it automates, in
// Japanese and in English, at a desktop width (1280 px) and a phone's
// (360 px), and keeps a screenshot of each. (axe cannot judge everything
// WCAG asks: alternative texts' meaning, reading order, plain language are
// reviewed by people; see docs/accessibility.md.)
func TestPagesAccessible(t *testing.T) {
	requireBrowser(t)
	ts := newDemoServer(t)
	pages := []string{"/", "/datasets", "/datasets?q=図書館", "/datasets/evacuation-spaces", "/datasets/events", "/events", "/events/events/12", "/photos", "/photos/photo-archive-1", "/about", "/map?lat=35.705&lon=139.565&hazard=flood",
		"/map", "/api/", "/ogc?f=html", "/ogc/collections/aed/items?f=html", "/no-such-page"}
	var urls []string
	for _, l := range langs {
		for _, p := range pages {
			urls = append(urls, ts.URL+withLang(p, l))
		}
	}
	widths := []int{1280, 360}
	shots := artifactsDir(t, "a11y")
	reports := runAxe(t, urls, "1280,360", shots)
	if len(reports) != len(urls)*len(widths) {
		t.Fatalf("%d reports for %d pages at %d widths", len(reports), len(urls), len(widths))
	}
	for _, r := range reports {
		if r.Passes < 5 {
			t.Errorf("%s at %d px: only %d rules passed: was the page checked?", r.URL, r.Width, r.Passes)
		}
		for _, v := range r.Violations {
			t.Errorf("%s at %d px: %s (%s): %s — %v", r.URL, r.Width, v.ID, v.Impact, v.Help, v.Nodes)
		}
		// Reflow (WCAG 1.4.10) is for people to judge from the
		// screenshots; what scrolls sideways is named to help them.
		if len(r.Overflow) > 0 {
			t.Logf("%s at %d px scrolls sideways: %v", r.URL, r.Width, r.Overflow)
		}
	}
	files, err := filepath.Glob(filepath.Join(shots, "*.png"))
	if err != nil || len(files) != len(reports) {
		t.Errorf("%d screenshots in %s for %d checks (%v)", len(files), shots, len(reports), err)
	}
	t.Logf("screenshots: %s", shots)
}

// TestAccessibilityCheckerCatches checks the checker: on a page with an
// image without alt text, an unlabelled field, no lang and no title, axe
// reports each.
func TestAccessibilityCheckerCatches(t *testing.T) {
	requireBrowser(t)
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html><head></head><body><main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><input type="text"></main></body></html>`))
	}))
	defer bad.Close()
	reports := runAxe(t, []string{bad.URL}, "1280", "")
	if len(reports) != 1 {
		t.Fatalf("%d reports", len(reports))
	}
	var ids []string
	for _, v := range reports[0].Violations {
		ids = append(ids, v.ID)
	}
	for _, want := range []string{"image-alt", "label", "html-has-lang", "document-title"} {
		if !slices.Contains(ids, want) {
			t.Errorf("axe missed %s: reported %v", want, ids)
		}
	}
}
