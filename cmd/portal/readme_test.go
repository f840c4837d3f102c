package main

import (
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// TestREADMEAPITour runs every curl line of the README's API tour against
// the real binary serving the demo, so the tour stays true.
func TestREADMEAPITour(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	urlPattern := regexp.MustCompile(`'?(http://127\.0\.0\.1:8080[^ ']*)'?`)
	var urls []string
	for _, line := range strings.Split(string(readme), "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "curl ") {
			continue
		}
		if m := urlPattern.FindStringSubmatch(line); m != nil {
			urls = append(urls, m[1])
		}
	}
	if len(urls) < 8 {
		t.Fatalf("found %d curl lines in the README, want the whole tour", len(urls))
	}

	bin := buildPortal(t)
	cmd, base := startPortal(t, bin, filepath.Join(t.TempDir(), "data"))
	defer func() {
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Errorf("SIGTERM: %v", err)
		}
		if err := cmd.Wait(); err != nil {
			t.Errorf("exit after SIGTERM: %v", err)
		}
	}()
	for _, raw := range urls {
		u, err := url.Parse(strings.Replace(raw, "http://127.0.0.1:8080", base, 1))
		if err != nil {
			t.Errorf("%s: %v", raw, err)
			continue
		}
		u.RawQuery = u.Query().Encode() // what curl sends for the Japanese in the line
		res, err := http.Get(u.String())
		if err != nil {
			t.Errorf("%s: %v", raw, err)
			continue
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || len(body) == 0 {
			t.Errorf("%s: status %d, %d bytes: %.200s", raw, res.StatusCode, len(body), body)
		}
		if strings.Contains(raw, "/records?") && !strings.Contains(string(body), `"_row":`) {
			t.Errorf("%s: no records: %.300s", raw, body)
		}
	}
}
