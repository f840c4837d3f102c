package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"
	"github.com/machi-opendata/portal/datasets/demo"
)

// jsonLD returns the JSON-LD blocks of the page at u, parsed.
func jsonLD(t *testing.T, u string) ([]map[string]any, string) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	html := string(readAll(t, res.Body))
	if res.StatusCode != 200 {
		t.Fatalf("%s: %d", u, res.StatusCode)
	}
	page, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	page.Find(`script[type="application/ld+json"]`).Each(func(_ int, s *goquery.Selection) {
		var m map[string]any
		if err := json.Unmarshal([]byte(s.Text()), &m); err != nil {
			t.Fatalf("%s: JSON-LD is not JSON: %v\n%s", u, err, s.Text())
		}
		if m["@context"] != "https://schema.org" {
			t.Errorf("%s: @context %v", u, m["@context"])
		}
		out = append(out, m)
	})
	return out, html
}

// obj, list and str read a JSON-LD tree, failing the test on another shape.
func obj(t *testing.T, v any, what string) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%s: %#v is not an object", what, v)
	}
	return m
}

func list(t *testing.T, v any, what string) []any {
	t.Helper()
	l, ok := v.([]any)
	if !ok || len(l) == 0 {
		t.Fatalf("%s: %#v is not a non-empty list", what, v)
	}
	return l
}

func str(t *testing.T, m map[string]any, key string) string {
	t.Helper()
	s, ok := m[key].(string)
	if !ok || s == "" {
		t.Errorf("%s missing or not text in %v", key, m)
	}
	return s
}

func absoluteURL(t *testing.T, s, what string) {
	t.Helper()
	if u, err := url.Parse(s); err != nil || !strings.HasPrefix(s, "http://portal.test/") && u.Scheme != "https" {
		t.Errorf("%s %q is not absolute on the base URL (or https)", what, s)
	}
}

// demoClock is inside the demo's year of events (loaded for April 2026).
var demoClock = time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)

func TestSchemaOrgDatasetPage(t *testing.T) {
	ts := newDemoServer(t)
	cfg := Config{BaseURL: "http://portal.test", City: City{NameJA: demo.CityName, NameEN: demo.CityNameEN, Code: demo.CityCode}}
	hs := restartWith(t, ts, cfg, func(s *Server) { s.now = func() time.Time { return demoClock } })
	var detail struct {
		Title         string    `json:"title"`
		Keywords      []string  `json:"keywords"`
		Spatial       []float64 `json:"spatial"`
		TemporalStart string    `json:"temporal_start"`
		TemporalEnd   string    `json:"temporal_end"`
		Distributions []struct {
			MediaType   string `json:"media_type"`
			DownloadURL string `json:"download_url"`
		} `json:"distributions"`
	}
	decode(t, ts.get(t, "/api/v1/datasets/events"), &detail)

	blocks, _ := jsonLD(t, hs.URL+"/datasets/events")
	if len(blocks) != 2 {
		t.Fatalf("%d JSON-LD blocks, want the Dataset and its Events", len(blocks))
	}
	d := blocks[0]
	want := map[string]any{"@type": "Dataset", "@id": "http://portal.test/datasets/events#dataset", "url": "http://portal.test/datasets/events",
		"identifier": "events", "name": detail.Title, "license": "https://creativecommons.org/licenses/by/4.0/", "inLanguage": "ja",
		"isAccessibleForFree": true, "temporalCoverage": detail.TemporalStart + "/" + detail.TemporalEnd}
	got := map[string]any{}
	for k := range want {
		got[k] = d[k]
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Dataset (-want +got):\n%s", diff)
	}
	str(t, d, "description")
	if kw := list(t, d["keywords"], "keywords"); len(kw) != len(detail.Keywords) {
		t.Errorf("keywords %v, want %v", kw, detail.Keywords)
	}
	for _, k := range []string{"dateModified", "datePublished"} {
		if _, err := time.Parse(time.RFC3339, str(t, d, k)); err != nil {
			t.Errorf("%s: %v", k, err)
		}
	}
	publisher := obj(t, d["publisher"], "publisher")
	if publisher["@type"] != "GovernmentOrganization" || publisher["name"] != demo.CityName ||
		obj(t, publisher["identifier"], "publisher.identifier")["value"] != demo.CityCode {
		t.Errorf("publisher = %v", publisher)
	}
	creator := obj(t, d["creator"], "creator")
	if creator["@type"] != "GovernmentOrganization" || creator["name"] != "秘書広報課" ||
		obj(t, creator["parentOrganization"], "creator.parentOrganization")["name"] != demo.CityName {
		t.Errorf("creator = %v", creator)
	}
	dists := list(t, d["distribution"], "distribution")
	if len(dists) != len(detail.Distributions) {
		t.Errorf("%d distributions, want %d", len(dists), len(detail.Distributions))
	}
	for i, x := range dists {
		dd := obj(t, x, "distribution")
		if dd["@type"] != "DataDownload" || dd["encodingFormat"] != detail.Distributions[i].MediaType ||
			dd["contentUrl"] != detail.Distributions[i].DownloadURL {
			t.Errorf("distribution %d = %v", i, dd)
		}
		absoluteURL(t, str(t, dd, "contentUrl"), "contentUrl")
	}
	place := obj(t, d["spatialCoverage"], "spatialCoverage")
	shape := obj(t, place["geo"], "spatialCoverage.geo")
	if place["@type"] != "Place" || shape["@type"] != "GeoShape" {
		t.Errorf("spatialCoverage = %v", place)
	}
	// box: south west north east, latitude first.
	var box []float64
	for _, f := range strings.Fields(str(t, shape, "box")) {
		n, err := strconv.ParseFloat(f, 64)
		if err != nil {
			t.Fatal(err)
		}
		box = append(box, n)
	}
	if want := []float64{detail.Spatial[1], detail.Spatial[0], detail.Spatial[3], detail.Spatial[2]}; !slices.Equal(box, want) {
		t.Errorf("box %v, want %v", box, want)
	}
	if catalog := obj(t, d["includedInDataCatalog"], "includedInDataCatalog"); catalog["@id"] != "http://portal.test/catalog" {
		t.Errorf("includedInDataCatalog = %v", catalog)
	}

	// The Events: one per coming record, soonest first, as the records say.
	var records struct {
		Records []map[string]any `json:"records"`
	}
	decode(t, ts.get(t, "/api/v1/datasets/events/records?limit=1000"), &records)
	events := list(t, blocks[1]["@graph"], "@graph")
	if len(events) != min(len(records.Records), maxLDEvents) {
		t.Errorf("%d events, want %d", len(events), len(records.Records))
	}
	starts := map[string]bool{} // name and start of each record
	for _, r := range records.Records {
		start := r["開始日"].(string)
		if hm, ok := r["開始時間"].(string); ok {
			if len(hm) == 4 {
				hm = "0" + hm
			}
			start += "T" + hm + ":00+09:00"
		}
		starts[r["イベント名"].(string)+" "+start] = true
	}
	prev := ""
	for _, x := range events {
		e := obj(t, x, "event")
		name := str(t, e, "name")
		if e["@type"] != "Event" || !starts[name+" "+str(t, e, "startDate")] {
			t.Errorf("event %s: %v starting %v, which no record says", name, e["@type"], e["startDate"])
		}
		if s := e["startDate"].(string); s < prev {
			t.Errorf("event %s starts %s, before the one listed ahead of it (%s)", name, s, prev)
		} else {
			prev = s
		}
		loc := obj(t, e["location"], name+": location")
		addr := obj(t, loc["address"], name+": address")
		geo := obj(t, loc["geo"], name+": geo")
		if loc["@type"] != "Place" || addr["@type"] != "PostalAddress" || geo["@type"] != "GeoCoordinates" {
			t.Errorf("%s: location %v", name, loc)
		}
		if lat, _ := geo["latitude"].(float64); lat < 35 || lat > 36 {
			t.Errorf("%s: latitude %v", name, geo["latitude"])
		}
		str(t, loc, "name")
		str(t, addr, "streetAddress")
	}

	// When every event is over, the page describes none.
	later := restartWith(t, ts, cfg, func(s *Server) { s.now = func() time.Time { return demoClock.AddDate(3, 0, 0) } })
	if blocks, _ := jsonLD(t, later.URL+"/datasets/events"); len(blocks) != 1 {
		t.Errorf("after the last event: %d JSON-LD blocks, want the Dataset only", len(blocks))
	}
	if blocks, _ := jsonLD(t, hs.URL+"/datasets/public-facilities"); len(blocks) != 1 || blocks[0]["@type"] != "Dataset" {
		t.Errorf("facilities: %d JSON-LD blocks", len(blocks))
	}
}

// TestSchemaOrgEscapesScript: a title cannot end the script element.
func TestSchemaOrgEscapesScript(t *testing.T) {
	ts := newTestServer(t)
	title := `危ない</script><script>alert("x")</script> & <!-- 題名`
	ts.importCSV(t, "abunai", title, "a.csv", "a\n1\n")
	blocks, html := jsonLD(t, ts.URL+"/datasets/abunai")
	if len(blocks) != 1 || blocks[0]["name"] != title {
		t.Fatalf("blocks %v, want the title back as written", blocks)
	}
	if strings.Contains(html, `<script>alert`) {
		t.Errorf("the title's markup reached the page")
	}
}

func TestSchemaOrgDataCatalog(t *testing.T) {
	ts := newDemoServer(t)
	blocks, _ := jsonLD(t, ts.URL+"/")
	if len(blocks) != 1 {
		t.Fatalf("%d JSON-LD blocks on the home page", len(blocks))
	}
	c := blocks[0]
	if c["@type"] != "DataCatalog" || c["@id"] != "http://portal.test/catalog" || c["url"] != "http://portal.test/" || c["inLanguage"] != "ja" {
		t.Errorf("catalog = %v", c)
	}
	str(t, c, "name")
	if p := obj(t, c["publisher"], "publisher"); p["name"] != demo.CityName {
		t.Errorf("publisher = %v", p)
	}
	var all struct {
		Total int `json:"total"`
		Items []struct {
			ID      string `json:"id"`
			PageURL string `json:"page_url"`
		} `json:"items"`
	}
	decode(t, ts.get(t, "/api/v1/datasets?per_page=100"), &all)
	var want, got []string
	for _, d := range all.Items {
		want = append(want, d.PageURL)
	}
	for _, x := range list(t, c["dataset"], "dataset") {
		d := obj(t, x, "dataset")
		if d["@type"] != "Dataset" {
			t.Errorf("dataset %v", d)
		}
		str(t, d, "name")
		str(t, d, "description")
		absoluteURL(t, str(t, d, "url"), "dataset url")
		absoluteURL(t, str(t, d, "license"), "dataset license")
		got = append(got, d["url"].(string))
	}
	slices.Sort(want)
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" || len(got) != all.Total {
		t.Errorf("catalog datasets (-API +JSON-LD):\n%s", diff)
	}
}
