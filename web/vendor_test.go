package web

import (
	"bytes"
	"os"
	"testing"
)

// TestVendoredBrowserLibraries: the copies of the browser libraries in
// web/static are exactly what npm installs from web/assets's lock file.
func TestVendoredBrowserLibraries(t *testing.T) {
	dist := "assets/node_modules/maplibre-gl/dist/"
	if _, err := os.Stat(dist); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("web/assets is not installed; .ci/run runs npm ci there")
		}
		t.Skip("npm ci in web/assets to check the vendored files")
	}
	for _, f := range []string{"maplibre-gl.mjs", "maplibre-gl-worker.mjs", "maplibre-gl.css"} {
		want, err := os.ReadFile(dist + f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile("static/" + f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("static/%s differs from npm's; run web/assets/vendor.sh", f)
		}
	}
}
