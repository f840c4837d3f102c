package web

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"
	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	liberrors "github.com/pb33f/libopenapi-validator/errors"
)

// restartWith serves ts's store and index again through a server built with
// cfg, after setup has adjusted it (a fixed clock, no index), so that a test
// can change what startTestServer fixes without racing its requests.
func restartWith(t *testing.T, ts *testServer, cfg Config, setup func(*Server)) *httptest.Server {
	t.Helper()
	srv, err := New(ts.store, ts.srv.files, ts.srv.search, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if setup != nil {
		setup(srv)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return hs
}

// openAPIDocument fetches the served document.
func openAPIDocument(t *testing.T, ts *testServer) ([]byte, map[string]any) {
	t.Helper()
	res := ts.get(t, "/api/openapi.json")
	body := readAll(t, res.Body)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("openapi.json: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	return body, doc
}

var ginParam = regexp.MustCompile(`[:*]([A-Za-z0-9_]+)`)

// TestOpenAPICoversRoutes: every /api/v1 route the server registers is in
// the document, and the document names no route the server lacks.
func TestOpenAPICoversRoutes(t *testing.T) {
	ts := newTestServer(t)
	_, doc := openAPIDocument(t, ts)
	documented := map[string]bool{} // "GET /api/v1/datasets/{id}"
	for path, item := range doc["paths"].(map[string]any) {
		for method := range item.(map[string]any) {
			if slices.Contains(oaMethods, method) {
				documented[strings.ToUpper(method)+" "+path] = true
			}
		}
	}
	registered := map[string]bool{}
	for _, r := range ts.srv.engine.Routes() {
		registered[r.Method+" "+ginParam.ReplaceAllString(r.Path, "{$1}")] = true
	}
	for route := range registered {
		method, path, _ := strings.Cut(route, " ")
		if !strings.HasPrefix(path, "/api/v1/") {
			continue
		}
		switch method {
		case http.MethodGet:
			if !documented[route] {
				t.Errorf("%s is served but not in openapi.json", route)
			}
		case http.MethodHead:
			// Documented once, in info.description: every GET answers HEAD.
			if !registered["GET "+path] {
				t.Errorf("%s without GET", route)
			}
		default:
			if !documented[route] {
				t.Errorf("%s is served but not in openapi.json", route)
			}
		}
	}
	for route := range documented {
		if !registered[route] {
			t.Errorf("openapi.json documents %s, which the server does not serve", route)
		}
	}
	if got := doc["servers"].([]any)[0].(map[string]any)["url"]; got != "http://portal.test" {
		t.Errorf("servers[0].url = %v, want the base URL", got)
	}
	// The error codes the document lists are those errors.go writes.
	var codes []string
	for _, c := range doc["components"].(map[string]any)["schemas"].(map[string]any)["Error"].(map[string]any)["properties"].(map[string]any)["error"].(map[string]any)["properties"].(map[string]any)["code"].(map[string]any)["enum"].([]any) {
		codes = append(codes, c.(string))
	}
	slices.Sort(codes)
	if diff := cmp.Diff(slices.Sorted(maps.Values(errorCode)), codes); diff != "" {
		t.Errorf("Error.code enum differs from errorCode (-errors.go +openapi.json):\n%s", diff)
	}
}

// newOpenAPIValidator checks the document as OpenAPI 3.1 with libopenapi and
// returns a validator of requests and answers against it.
func newOpenAPIValidator(t *testing.T, body []byte) validator.Validator {
	t.Helper()
	doc, err := libopenapi.NewDocument(body)
	if err != nil {
		t.Fatal(err)
	}
	if v := doc.GetSpecInfo().Version; v != "3.1.0" {
		t.Fatalf("OpenAPI version %q, want 3.1.0", v)
	}
	if _, err := doc.BuildV3Model(); err != nil {
		t.Fatalf("build model: %v", err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatalf("validator: %v", errs)
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		for _, e := range verrs {
			t.Errorf("not valid OpenAPI 3.1: %v", e)
			for _, f := range e.SchemaValidationErrors {
				t.Errorf("  at %s (%s): %s", f.FieldPath, f.KeywordLocation, f.Reason)
			}
		}
		t.FailNow()
	}
	return v
}

func TestOpenAPIIsValid(t *testing.T) {
	ts := newTestServer(t)
	body, _ := openAPIDocument(t, ts)
	newOpenAPIValidator(t, body)
}

// TestOpenAPIAnswersMatch sends real requests to the demo catalog and
// validates each request and its answer against the document: statuses,
// media types, parameters and bodies (schemas with unevaluatedProperties
// false: a field added to an answer must be documented).
func TestOpenAPIAnswersMatch(t *testing.T) {
	ts := newDemoServer(t)
	body, _ := openAPIDocument(t, ts)
	v := newOpenAPIValidator(t, body)
	// A status >= 400 comes of an invalid request sent on purpose: only
	// the answer is checked then. The original files are documented as
	// */*, a media type range, which the validator matches only exactly:
	// only their request is checked.
	check := func(t *testing.T, base, path string, want int) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b := readAll(t, res.Body)
		res.Body.Close()
		if res.StatusCode != want {
			t.Fatalf("%s: status %d, want %d: %.300s", path, res.StatusCode, want, b)
		}
		res.Body = io.NopCloser(bytes.NewReader(b))
		validate := v.ValidateHttpRequestResponse
		switch {
		case want >= 400:
			validate = v.ValidateHttpResponse
		case strings.HasSuffix(req.URL.Path, "/original"):
			validate = func(req *http.Request, _ *http.Response) (bool, []*liberrors.ValidationError) {
				return v.ValidateHttpRequest(req)
			}
		}
		if ok, errs := validate(req, res); !ok {
			for _, e := range errs {
				t.Errorf("%s: %v", path, e)
				for _, f := range e.SchemaValidationErrors {
					t.Errorf("  at %s (%s): %s", f.FieldPath, f.KeywordLocation, f.Reason)
				}
			}
		}
	}
	q := url.QueryEscape
	for _, tt := range []struct {
		path   string
		status int
	}{
		{"/healthz", 200},
		{"/api/v1/datasets", 200},
		{"/api/v1/datasets?kind=event&sort=title&page=1&per_page=5", 200},
		{"/api/v1/datasets?q=" + q("図書館"), 200},
		{"/api/v1/datasets?per_page=1000", 400},
		{"/api/v1/datasets/events", 200},
		{"/api/v1/datasets/photo-archive", 200},
		{"/api/v1/datasets/nope", 404},
		{"/api/v1/datasets/public-facilities/records?limit=3&offset=1", 200},
		{"/api/v1/datasets/public-facilities/records?bbox=139.5,35.6,139.7,35.8&q=" + q("図書館"), 200},
		{"/api/v1/datasets/public-facilities/records?" + q("名称") + "=" + q("みどり野市役所"), 200},
		{"/api/v1/datasets/public-facilities/records?limit=0", 400},
		{"/api/v1/datasets/public-facilities/data.csv?bom=1", 200},
		{"/api/v1/datasets/public-facilities/data.csv?encoding=latin1", 400},
		{"/api/v1/datasets/public-facilities/data.json", 200},
		{"/api/v1/datasets/evacuation-spaces/data.geojson", 200},
		{"/api/v1/datasets/events/versions/1", 200},
		{"/api/v1/datasets/events/versions/9", 404},
		{"/api/v1/datasets/events/versions/1/original", 200},
		{"/api/v1/events", 200},
		{"/api/v1/events?from=2026-04-01&to=2026-12-31&q=" + q("体操"), 200},
		{"/api/v1/events?from=2026-13-01", 400},
		{"/api/v1/photos?q=" + q("昭和の駅前"), 200},
		{"/api/v1/photos?from=" + q("昭和40年代") + "&bbox=139.5,35.6,139.7,35.8", 200},
		{"/api/v1/photos?from=nonsense", 400},
		{"/api/v1/departments", 200},
		{"/api/v1/licenses", 200},
		{"/api/v1/themes", 200},
		{"/api/v1/search?q=" + q("公園") + "&type=dataset,facility&limit=5", 200},
		{"/api/v1/search?sort=nope", 400},
		{"/api/v1/suggest?q=" + q("み") + "&n=3", 200},
		{"/api/v1/geo/nearest?lat=35.7035&lon=139.5798&hazard=earthquake&n=3", 200},
		{"/api/v1/geo/nearest?lat=95&lon=139.5798", 400},
		{"/api/v1/geo/nearest?lat=35.7&lon=139.5&layer=nope", 404},
	} {
		t.Run(tt.path, func(t *testing.T) { check(t, ts.URL, tt.path, tt.status) })
	}
	// Without a search index, search answers 503 as documented.
	noIndex := restartWith(t, ts, Config{BaseURL: "http://portal.test"}, func(s *Server) { s.search = nil })
	check(t, noIndex.URL, "/api/v1/search?q=x", 503)
}

// TestOpenAPIPage: /api/ is the reference for people, made from the same
// document: every operation and schema, no script.
func TestOpenAPIPage(t *testing.T) {
	ts := newTestServer(t)
	_, doc := openAPIDocument(t, ts)
	res := ts.get(t, "/api/")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("/api/: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	page, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if n := page.Find("script").Length(); n != 0 {
		t.Errorf("the API page has %d scripts, want none", n)
	}
	if page.Find(`a[href="/api/openapi.json"]`).Length() == 0 {
		t.Errorf("no link to openapi.json")
	}
	for path, item := range doc["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			id := op.(map[string]any)["operationId"].(string)
			h := page.Find("#op-" + id)
			if want := strings.ToUpper(method) + " " + path; !strings.Contains(h.Text(), want) {
				t.Errorf("#op-%s = %q, want it to name %s", id, h.Text(), want)
			}
			params, _ := op.(map[string]any)["parameters"].([]any)
			for _, p := range params {
				name, _ := p.(map[string]any)["name"].(string)
				if ref, ok := p.(map[string]any)["$ref"].(string); ok {
					name = doc["components"].(map[string]any)["parameters"].(map[string]any)[strings.TrimPrefix(ref, "#/components/parameters/")].(map[string]any)["name"].(string)
				}
				if !strings.Contains(h.Parent().Find("table").First().Text(), name) {
					t.Errorf("%s %s: parameter %s not on the page", method, path, name)
				}
			}
		}
	}
	for name := range doc["components"].(map[string]any)["schemas"].(map[string]any) {
		if page.Find("#schema-"+name).Length() != 1 {
			t.Errorf("schema %s not on the page", name)
		}
	}
	// Links to schemas point at a schema on the page.
	page.Find(`a[href^="#"]`).Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		if page.Find(`[id="`+strings.TrimPrefix(href, "#")+`"]`).Length() != 1 {
			t.Errorf("link %s points nowhere", href)
		}
	})
	if res := ts.get(t, "/api"); res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "/api/" {
		t.Errorf("/api: %d to %q, want a redirect to /api/", res.StatusCode, res.Header.Get("Location"))
	}
	etag := ts.get(t, "/api/openapi.json").Header.Get("ETag")
	if res := ts.get(t, "/api/openapi.json", "If-None-Match", etag); etag == "" || res.StatusCode != http.StatusNotModified {
		t.Errorf("openapi.json If-None-Match %q: %d", etag, res.StatusCode)
	}
}
