package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigurationReferenceIsCurrent: docs/configuration.md is what the
// flags say; PORTAL_UPDATE_DOCS=1 rewrites it.
func TestConfigurationReferenceIsCurrent(t *testing.T) {
	path := filepath.Join("..", "..", "docs", "configuration.md")
	want := configReference()
	if os.Getenv("PORTAL_UPDATE_DOCS") != "" {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatalf("docs/configuration.md is out of date: run PORTAL_UPDATE_DOCS=1 go test ./cmd/portal -run ConfigurationReference")
	}
	for _, flag := range []string{"--addr", "--data", "--demo", "--base-url", "--trusted-proxy", "--backup-every", "--log-format"} {
		if !strings.Contains(want, "`"+flag+"`") {
			t.Errorf("the reference lacks %s", flag)
		}
	}
	if !strings.Contains(want, "`PORTAL_ADDR`") || !strings.Contains(want, "`127.0.0.1:8080`") {
		t.Error("the reference lacks the environment variables or defaults")
	}
}
