package web

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestClerkFlowInBrowser runs the clerk's whole flow in a real browser
// against the live server: log in, upload a Shift_JIS CSV from the shared
// real files, read the report, publish, see it public, publish a second
// version and restore the first; the admin pages on the way have no
// accessibility violations and no script errors.
func TestClerkFlowInBrowser(t *testing.T) {
	requireBrowser(t)
	ts := adminServer(t)
	sjis := realCSV(t, "yanai_tourism_sjis.csv")
	dir := t.TempDir()
	v1 := filepath.Join(dir, "yanai_tourism_sjis.csv")
	v2 := filepath.Join(dir, "yanai_2.csv")
	last := bytes.LastIndex(bytes.TrimRight(sjis, "\r\n"), []byte("\n"))
	if err := os.WriteFile(v1, sjis, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(v2, sjis[:last+1], 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", "testdata/browser/clerk.mjs", ts.URL, "bousai-editor", adminPassword, v1, v2)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("clerk.mjs: %v\n%s", err, stderr.String())
	}
	var rep struct {
		Errors     []string
		Violations []struct {
			Page, ID string
			Nodes    []string
		}
		Steps struct {
			Summary, Done, PublicTitle, Removed, RestoreLabel, Current string
			PreviewRows, RecordsV1, RecordsV2, RecordsRestored         int
		}
	}
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("report: %v\n%s", err, out)
	}
	s := rep.Steps
	if !strings.Contains(s.Summary, "Shift_JIS") || !strings.Contains(s.Summary, "18 行") || s.PreviewRows != 18 {
		t.Errorf("report: %q, %d preview rows", s.Summary, s.PreviewRows)
	}
	if !strings.Contains(s.Done, "公開しました") || !strings.Contains(s.PublicTitle, "柳井市の観光施設") {
		t.Errorf("publish: %q, public title %q", s.Done, s.PublicTitle)
	}
	if s.RecordsV1 != 18 || s.RecordsV2 != 17 || s.RecordsRestored != 18 || strings.TrimSpace(s.Removed) != "1" {
		t.Errorf("records v1 %d, v2 %d, restored %d; diff removed %q", s.RecordsV1, s.RecordsV2, s.RecordsRestored, s.Removed)
	}
	if !strings.Contains(s.RestoreLabel, "戻して") || !strings.Contains(s.Current, "第1版") {
		t.Errorf("restore: button %q, current %q", s.RestoreLabel, s.Current)
	}
	for _, v := range rep.Violations {
		t.Errorf("axe on %s: %s %v", v.Page, v.ID, v.Nodes)
	}
	for _, e := range rep.Errors {
		t.Errorf("browser error: %s", e)
	}
}
