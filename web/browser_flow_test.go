package web

import (
	"encoding/json"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// The citizens' ways through the site in a real browser: with the keyboard
// alone, without JavaScript, with a thumb on a phone; and the unified GIS
// layers on the map.

// nearLat, nearLon: a place in みどり野市 among the demo's evacuation sites.
const nearLat, nearLon = "35.705", "139.565"

// runBrowser runs testdata/browser/script with args (and env added) and
// decodes the JSON it prints into v.
func runBrowser(t *testing.T, v any, env []string, script string, args ...string) {
	t.Helper()
	cmd := exec.Command("node", append([]string{"testdata/browser/" + script}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("%s: %v\n%s", script, err, msg)
	}
	if err := json.Unmarshal(out, v); err != nil {
		t.Fatalf("%s: %v: %s", script, err, out)
	}
}

// nearestNames are the names of the sites /api/v1/geo/nearest answers for
// the point and hazard, nearest first.
func nearestNames(t *testing.T, ts *testServer, lat, lon, hazard string) []string {
	t.Helper()
	var api struct {
		Features []struct {
			Properties map[string]any
		}
	}
	decode(t, ts.get(t, "/api/v1/geo/nearest?lat="+lat+"&lon="+lon+"&hazard="+hazard+"&n=5"), &api)
	var names []string
	for _, f := range api.Features {
		name, _ := f.Properties["名称"].(string)
		names = append(names, name)
	}
	if len(names) == 0 {
		t.Fatalf("the API finds no site for %s near %s,%s", hazard, lat, lon)
	}
	return names
}

// walkReport is what testdata/browser/keyboard.mjs saw.
type walkReport struct {
	Errors []string
	Steps  []struct {
		Step, Tag, ID, Text, Href, Outline, Shadow string
		Presses                                    int
		Visible                                    bool
	}
	Taps        int
	Swatches    []string // the legend's computed colours
	AnswerFocus string
	Download    string
	Hazard      string
	URL         string
	Result      string
	Sites       []string
}

// TestKeyboardWalk: from the home page with Tab, Shift+Tab, Enter and
// Space a person searches, opens a dataset, downloads it, goes to the map
// and gets the sites nearest to them for an earthquake; the focus can be
// seen at every step.
func TestKeyboardWalk(t *testing.T) {
	requireBrowser(t)
	ts := newDemoServer(t)
	var rep walkReport
	runBrowser(t, &rep, []string{"LAT=" + nearLat, "LON=" + nearLon, "PUBLIC_URL=http://portal.test"}, "keyboard.mjs", "keys", ts.URL, "避難")
	if len(rep.Errors) > 0 {
		t.Fatalf("errors: %v (steps %+v)", rep.Errors, rep.Steps)
	}
	var names []string
	for _, s := range rep.Steps {
		names = append(names, s.Step)
		if !s.Visible {
			t.Errorf("%s: the focus on <%s id=%q> %q cannot be seen (outline %s, box-shadow %s)", s.Step, s.Tag, s.ID, s.Text, s.Outline, s.Shadow)
		}
		t.Logf("%s: %d presses to <%s> %q %s (outline %s)", s.Step, s.Presses, s.Tag, s.Text, s.Href, s.Outline)
	}
	want := []string{"search box", "first result", "download link", "map link", "hazard", "use my location", "find", "first site"}
	if !slices.Equal(names, want) {
		t.Errorf("steps %v, want %v", names, want)
	}
	if len(rep.Swatches) < 4 || slices.Contains(rep.Swatches, "rgba(0, 0, 0, 0)") {
		t.Errorf("the map's legend has no colours: %v", rep.Swatches)
	}
	if rep.AnswerFocus != "nearest-result" {
		t.Errorf("after the answer the focus is on %q, not its heading", rep.AnswerFocus)
	}
	if rep.Download == "" || rep.Hazard != "earthquake" {
		t.Errorf("download %q, hazard %q", rep.Download, rep.Hazard)
	}
	if api := nearestNames(t, ts, nearLat, nearLon, "earthquake"); len(rep.Sites) == 0 || rep.Sites[0] != api[0] {
		t.Errorf("sites %v, the API says %v", rep.Sites, api)
	}
}

// TestMapThreeTapsOnPhone: on a phone, the sites nearest for an
// earthquake are at most three taps from the home page, the location
// coming from the phone.
func TestMapThreeTapsOnPhone(t *testing.T) {
	requireBrowser(t)
	ts := newDemoServer(t)
	var rep walkReport
	runBrowser(t, &rep, []string{"LAT=" + nearLat, "LON=" + nearLon}, "keyboard.mjs", "taps", ts.URL)
	if len(rep.Errors) > 0 {
		t.Fatalf("errors: %v (steps %+v)", rep.Errors, rep.Steps)
	}
	for _, s := range rep.Steps {
		t.Logf("tap %s: %q %s", s.Step, s.Text, s.Href)
	}
	if rep.Taps > 3 {
		t.Errorf("%d taps to the nearest sites", rep.Taps)
	}
	if !strings.Contains(rep.URL, "hazard=earthquake") {
		t.Errorf("answer at %s", rep.URL)
	}
	if api := nearestNames(t, ts, nearLat, nearLon, "earthquake"); !slices.Equal(rep.Sites, api) {
		t.Errorf("sites %v, the API says %v", rep.Sites, api)
	}
}

// TestNoJSPages: with JavaScript off in the browser, the
// search, a dataset's preview and downloads, the events, the photo archive
// and its search, and the map's nearest-site form all work.
func TestNoJSPages(t *testing.T) {
	requireBrowser(t)
	ts := newDemoServer(t)
	var rep struct {
		Errors []string
		Search struct {
			URL     string
			Results []string
		}
		Dataset struct {
			Rows      int
			Downloads []string
		}
		Events, Photos int
		PhotoSearch    struct {
			URL     string
			Results int
		}
		MapLayers  int
		QuickShown bool
		Map        struct {
			URL, Result string
			Sites       []string
		}
	}
	runBrowser(t, &rep, nil, "nojs.mjs", ts.URL, "避難", "evacuation-spaces", "駅前", nearLat, nearLon, "earthquake")
	if len(rep.Errors) > 0 {
		t.Fatalf("errors: %v (so far %+v)", rep.Errors, rep)
	}
	if !slices.Contains(rep.Search.Results, "/datasets/evacuation-spaces") {
		t.Errorf("search %s: %v", rep.Search.URL, rep.Search.Results)
	}
	if rep.Dataset.Rows == 0 || !slices.ContainsFunc(rep.Dataset.Downloads, func(h string) bool { return strings.Contains(h, "/data.csv") }) {
		t.Errorf("dataset page: %d preview rows, downloads %v", rep.Dataset.Rows, rep.Dataset.Downloads)
	}
	if rep.Events == 0 || rep.Photos == 0 {
		t.Errorf("%d events, %d photos listed", rep.Events, rep.Photos)
	}
	if rep.PhotoSearch.Results == 0 {
		t.Errorf("photo search %s: no photos", rep.PhotoSearch.URL)
	}
	if rep.MapLayers < 4 || rep.QuickShown {
		t.Errorf("map: %d layers listed, location buttons shown without JavaScript: %v", rep.MapLayers, rep.QuickShown)
	}
	if api := nearestNames(t, ts, nearLat, nearLon, "earthquake"); !slices.Equal(rep.Map.Sites, api) {
		t.Errorf("map form %s: sites %v, the API says %v", rep.Map.URL, rep.Map.Sites, api)
	}
}

// TestMapUnifiedLayers: the map page lists each unified layer with its
// checkbox, its page and its data, and the browser draws every feature of
// it.
func TestMapUnifiedLayers(t *testing.T) {
	ts := newUnifiedServer(t)
	const slug = "shisetsu-hinanjo"
	res := ts.get(t, "/map")
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Layers []struct{ ID, Title, Color, URL, Page string }
	}
	if err := json.Unmarshal([]byte(doc.Find("#map").AttrOr("data-config", "")), &cfg); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(cfg.Layers, func(l struct{ ID, Title, Color, URL, Page string }) bool { return l.ID == slug })
	if i < 0 {
		t.Fatalf("no layer %s on the map: %+v", slug, cfg.Layers)
	}
	l := cfg.Layers[i]
	if box := doc.Find(`input[data-layer="` + slug + `"]`); box.Length() != 1 || !strings.Contains(box.Parent().Text(), l.Title) {
		t.Errorf("layer %s has no labelled checkbox", slug)
	}
	for _, href := range []string{l.URL, l.Page} {
		if doc.Find(`a[href="`+href+`"]`).Length() != 1 {
			t.Errorf("no link to %s for people without JavaScript", href)
		}
	}
	var items unifiedItems
	ts.getJSON(t, l.URL, &items)
	if items.NumberReturned != items.NumberMatched || items.NumberMatched == 0 {
		t.Fatalf("%s: %d of %d features", l.URL, items.NumberReturned, items.NumberMatched)
	}
	if r := ts.get(t, l.Page); r.StatusCode != 200 {
		t.Errorf("%s: %d", l.Page, r.StatusCode)
	}

	requireBrowser(t)
	var rep mapReport
	runBrowser(t, &rep, nil, "map.mjs", ts.URL+"/map")
	if len(rep.Errors) > 0 {
		t.Errorf("page errors: %v", rep.Errors)
	}
	places := map[string]bool{}
	for _, f := range items.Features {
		b, _ := json.Marshal(f.Geometry["coordinates"])
		places[string(b)] = true
	}
	for _, got := range rep.Layers {
		if got.ID != slug {
			continue
		}
		t.Logf("%s: %d places drawn of %d, %d features in the map's source", slug, got.Rendered, len(places), got.Source)
		if got.Rendered != len(places) || got.Source < len(items.Features) {
			t.Errorf("%s: %d places drawn, %d in the data (%d features in the map's source, %d served)",
				slug, got.Rendered, len(places), got.Source, len(items.Features))
		}
		return
	}
	t.Errorf("the browser drew no layer %s: %+v", slug, rep.Layers)
}
