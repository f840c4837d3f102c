package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/machi-opendata/portal/catalog"
)

// TestForwardedAddressOnlyFromTrustedProxies: behind nginx the audit log
// and the login throttle must see the client's address, not the proxy's;
// but a forwarded header from a client the configuration does not trust is
// ignored, or anyone could forge one to escape the throttle.
func TestForwardedAddressOnlyFromTrustedProxies(t *testing.T) {
	ts := adminServer(t)
	proxied, err := New(ts.store, ts.srv.files, nil, Config{BaseURL: "http://portal.test", TrustedProxies: []string{"127.0.0.1"}},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	behind := httptest.NewServer(proxied)
	defer behind.Close()
	fail := func(base, login string) {
		req, _ := http.NewRequest(http.MethodPost, base+"/admin/login",
			strings.NewReader(url.Values{"login": {login}, "password": {"wrong password!!"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", "203.0.113.9")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	fail(behind.URL, "bousai-editor")
	fail(ts.URL, "bousai-viewer")
	entries, _, err := ts.store.AuditLog(context.Background(), catalog.AuditFilter{Action: catalog.AuditLoginFailure})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range entries {
		got[e.Actor] = e.Address
	}
	if got["bousai-editor"] != "203.0.113.9" {
		t.Errorf("behind a trusted proxy: address %q, want the forwarded one", got["bousai-editor"])
	}
	if got["bousai-viewer"] != "127.0.0.1" {
		t.Errorf("without a trusted proxy: address %q, want the peer's", got["bousai-viewer"])
	}
}
