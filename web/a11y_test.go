package web

import (
	"encoding/json"
	"os/exec"
	"testing"
)

// TestPagesAccessible checks the citizens' pages with axe-core in a real
// browser against the WCAG 2.0/2.1/2.2 A and AA rules it automates. (It
// cannot judge everything WCAG asks: alternative texts' meaning, reading
// order, plain language are reviewed by people; see docs/accessibility.md.)
func TestPagesAccessible(t *testing.T) {
	requireBrowser(t)
	ts := newDemoServer(t)
	pages := []string{"/", "/datasets", "/datasets?q=図書館", "/datasets/evacuation-spaces", "/datasets/events", "/events", "/photos", "/photos/photo-archive-1", "/about", "/map?lat=35.705&lon=139.565&hazard=flood",
		"/map", "/api/", "/ogc?f=html", "/ogc/collections/aed/items?f=html", "/no-such-page"}
	var urls []string
	for _, p := range pages {
		urls = append(urls, ts.URL+p)
	}
	out, err := exec.Command("node", append([]string{"testdata/browser/a11y.mjs"}, urls...)...).Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("axe: %v\n%s", err, msg)
	}
	var reports []struct {
		URL        string
		Passes     int
		Violations []struct {
			ID, Impact, Help string
			Nodes            []string
		}
	}
	if err := json.Unmarshal(out, &reports); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(reports) != len(pages) {
		t.Fatalf("%d reports for %d pages", len(reports), len(pages))
	}
	for i, r := range reports {
		if r.Passes < 5 {
			t.Errorf("%s: only %d rules passed: was the page checked?", pages[i], r.Passes)
		}
		for _, v := range r.Violations {
			t.Errorf("%s: %s (%s): %s — %v", pages[i], v.ID, v.Impact, v.Help, v.Nodes)
		}
	}
}
