package catalog

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSweepRemovesWhatCrashesLeave: an upload half-received and a stored
// file whose version never committed are removed once old; a file a
// version uses, a fresh one (another process may be importing), and files
// that are not ours stay.
func TestSweepRemovesWhatCrashesLeave(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	fs := &Files{Dir: filepath.Join(t.TempDir(), "files")}
	put := func(data string) string {
		sum, _, err := fs.Put(strings.NewReader(data), 0)
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	used, orphan, fresh := put("used"), put("orphan"), put("fresh")
	if _, _, err := s.AddVersion(ctx, NewVersion{Meta: Dataset{Slug: "a", TitleJA: "A", Kind: KindTable, Department: "bousai", License: DefaultLicense},
		Files: []VersionFile{{Name: "a.csv", SHA256: used, Size: 4, MediaType: "text/csv", Role: "data"}}},
		noRecords); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(fs.Dir, "tmp"), 0o755)
	tmp := filepath.Join(fs.Dir, "tmp", "upload-123")
	os.WriteFile(tmp, []byte("half"), 0o644)
	notOurs := filepath.Join(fs.Dir, "README")
	os.WriteFile(notOurs, []byte("x"), 0o644)
	old := time.Now().Add(-2 * time.Hour)
	for _, p := range []string{fs.Path(used), fs.Path(orphan), tmp, notOurs} {
		os.Chtimes(p, old, old)
	}
	n, err := s.Sweep(ctx, fs, time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("removed %d files, want 2", n)
	}
	for p, want := range map[string]bool{fs.Path(used): true, fs.Path(orphan): false, fs.Path(fresh): true, tmp: false, notOurs: true} {
		if _, err := os.Stat(p); (err == nil) != want {
			t.Errorf("%s: exists %v, want %v", p, err == nil, want)
		}
	}
}
