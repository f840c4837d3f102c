package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependenciesPointOneWay keeps the package layout honest: web depends
// on the domain packages, never the other way; geo takes plain values and
// knows nothing of the catalog; nothing but cmd imports cmd.
func TestDependenciesPointOneWay(t *testing.T) {
	const mod = "github.com/machi-opendata/portal/"
	forbidden := map[string][]string{
		"catalog":  {"web", "datasets", "geo", "search", "cmd/portal"},
		"datasets": {"web", "cmd/portal"},
		"geo":      {"catalog", "datasets", "web", "search", "cmd/portal"},
		"search":   {"web", "cmd/portal", "datasets"},
		"web":      {"cmd/portal"},
	}
	for pkg, bad := range forbidden {
		out, err := exec.Command("go", "list", "-deps", mod+pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		deps := strings.Fields(string(out))
		for _, d := range deps {
			for _, b := range bad {
				if d == mod+b || strings.HasPrefix(d, mod+b+"/") {
					t.Errorf("%s imports %s", pkg, d)
				}
			}
		}
	}
}
