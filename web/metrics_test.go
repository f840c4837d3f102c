package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
)

// scrape reads /metrics with Prometheus's own parser: the format is what a
// Prometheus server accepts, not just text that looks like it.
func scrape(t *testing.T, ts *testServer) map[string]float64 {
	t.Helper()
	res := ts.get(t, "/metrics")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: %d", res.StatusCode)
	}
	var p expfmt.TextParser
	families, err := p.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatalf("not the Prometheus text format: %v", err)
	}
	out := map[string]float64{}
	for name, f := range families {
		for _, m := range f.GetMetric() {
			key := name
			for _, l := range m.GetLabel() {
				key += "|" + l.GetName() + "=" + l.GetValue()
			}
			switch {
			case m.Counter != nil:
				out[key] = m.Counter.GetValue()
			case m.Gauge != nil:
				out[key] = m.Gauge.GetValue()
			case m.Histogram != nil:
				out[key] = float64(m.Histogram.GetSampleCount())
			}
		}
	}
	return out
}

func TestMetricsCountRoutesDownloadsAndGauges(t *testing.T) {
	ts := newTestServer(t)
	for range 3 {
		ts.get(t, "/api/v1/datasets/shisetsu")
	}
	ts.get(t, "/api/v1/datasets/shisetsu/data.csv")
	ts.get(t, "/api/v1/datasets/nope/data.csv")
	ts.get(t, "/no/such/page")
	m := scrape(t, ts)
	for key, want := range map[string]float64{
		"portal_http_requests_total|code=200|method=GET|route=/api/v1/datasets/:id":          3,
		"portal_http_request_duration_seconds|method=GET|route=/api/v1/datasets/:id":         3,
		"portal_downloads_total|dataset=shisetsu|format=csv":                                 1,
		"portal_http_requests_total|code=404|method=GET|route=/api/v1/datasets/:id/data.csv": 1,
		"portal_http_requests_total|code=404|method=GET|route=unmatched":                     1,
		"portal_search_index_lag": 0,
	} {
		if got, ok := m[key]; !ok || got != want {
			t.Errorf("%s = %v (present %v), want %v", key, got, ok, want)
		}
	}
	if _, ok := m["portal_downloads_total|dataset=nope|format=csv"]; ok {
		t.Error("a refused download was counted")
	}
	if m["portal_database_bytes"] <= 0 || m["go_goroutines"] <= 0 {
		t.Errorf("gauges: database %v, goroutines %v", m["portal_database_bytes"], m["go_goroutines"])
	}
}

func TestRequestIDAndHealth(t *testing.T) {
	ts := newTestServer(t)
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/healthz", nil)
	req.Header.Set("X-Request-ID", "nginx-req-12345678")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.Header.Get("X-Request-ID") != "nginx-req-12345678" {
		t.Errorf("the proxy's request id was not kept: %q", res.Header.Get("X-Request-ID"))
	}
	var h struct {
		Status, Database, Search string
		IndexLag                 *int `json:"index_lag"`
	}
	decode(t, res, &h)
	if h.Status != "ok" || h.Database != "ok" || h.Search != "ok" || h.IndexLag == nil {
		t.Fatalf("healthz: %+v", h)
	}
	// A hostile id is replaced, not echoed.
	req.Header.Set("X-Request-ID", "bad id; <script>")
	res2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res2.Body.Close()
	if id := res2.Header.Get("X-Request-ID"); len(id) != 16 || strings.ContainsAny(id, " \r\n") {
		t.Errorf("generated id %q", id)
	}
	// With the database closed, health says so.
	ts.store.DB.Close()
	res3 := ts.get(t, "/healthz")
	if res3.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("healthz with the database closed: %d", res3.StatusCode)
	}
}
