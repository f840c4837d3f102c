package main

import (
	"archive/tar"
	"bytes"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/machi-opendata/portal/catalog"
)

// tableRows reads every row of every table of a SQLite file as text,
// sorted, by table: what "the same catalog" means.
func tableRows(t *testing.T, path string) map[string][]string {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	out := map[string][]string{}
	for _, table := range tables {
		rs, err := db.Query(`SELECT * FROM "` + table + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rs.Columns()
		for rs.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rs.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out[table] = append(out[table], fmt.Sprintf("%q", vals))
		}
		rs.Close()
		slices.Sort(out[table])
	}
	return out
}

func runPortal(t *testing.T, bin string, stdin string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestBackupRestoreRoundTrip backs up a running portal (the demo, an
// upload and an account), restores into an empty folder, and compares
// every table and every stored file; damaged, cut and foreign archives are
// refused without touching the target.
func TestBackupRestoreRoundTrip(t *testing.T) {
	bin := buildPortal(t)
	data := filepath.Join(t.TempDir(), "data")
	srv, _ := startPortal(t, bin, data)
	csv := filepath.Join(t.TempDir(), "soko.csv")
	os.WriteFile(csv, []byte("ID,名称,緯度,経度\n1,第一倉庫,35.70,139.56\n"), 0o644)
	if out, err := runPortal(t, bin, "", "import", "--data", data, "--department", "shisan", "--kind", "table", "--slug", "soko", csv); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if out, err := runPortal(t, bin, "みどり野市の青い空と白い雲\n", "users", "add", "--data", data, "--login", "admin", "--role", "admin"); err != nil {
		t.Fatalf("users add: %v\n%s", err, out)
	}
	archive := filepath.Join(t.TempDir(), "backup.tar")
	// While the server runs.
	if out, err := runPortal(t, bin, "", "backup", "--data", data, archive); err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	srv.Process.Kill()
	srv.Wait()

	restored := filepath.Join(t.TempDir(), "restored")
	if out, err := runPortal(t, bin, "", "restore", "--data", restored, archive); err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	want, got := tableRows(t, filepath.Join(data, "portal.db")), tableRows(t, filepath.Join(restored, "portal.db"))
	for table, rows := range want {
		if !slices.Equal(rows, got[table]) {
			t.Errorf("table %s: %d rows before, %d after, or different", table, len(rows), len(got[table]))
		}
	}
	if len(want["audit_log"]) == 0 || len(want["users"]) != 1 || len(want["versions"]) < 5 {
		t.Fatalf("the compared catalog is too small to mean anything: %d audit rows, %d users, %d versions",
			len(want["audit_log"]), len(want["users"]), len(want["versions"]))
	}
	var files int
	filepath.WalkDir(filepath.Join(data, "files"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(data, p)
		if strings.HasPrefix(rel, filepath.Join("files", "tmp")) {
			return nil // uploads in flight, not yet stored
		}
		a, _ := os.ReadFile(p)
		b, err := os.ReadFile(filepath.Join(restored, rel))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs after restore (%v)", rel, err)
		}
		files++
		return nil
	})
	if files < 5 {
		t.Fatalf("only %d stored files compared", files)
	}
	// The restored folder serves.
	_, base := startPortal(t, bin, restored)
	if !strings.HasPrefix(base, "http://") {
		t.Fatal(base)
	}

	// Refusals: an occupied folder, a damaged, a cut and a foreign archive.
	if out, err := runPortal(t, bin, "", "restore", "--data", restored, archive); err == nil || !strings.Contains(out, "already holds a catalog") {
		t.Fatalf("restore over a catalog: %v %s", err, out)
	}
	raw, _ := os.ReadFile(archive)
	damaged := bytes.Clone(raw)
	damaged[len(damaged)/2] ^= 0xff
	cut := raw[:len(raw)*2/3]
	var foreign bytes.Buffer
	tw := tar.NewWriter(&foreign)
	tw.WriteHeader(&tar.Header{Name: "../../etc/passwd", Mode: 0o644, Size: 4})
	tw.Write([]byte("root"))
	tw.Close()
	for name, body := range map[string][]byte{"damaged": damaged, "cut": cut, "foreign": foreign.Bytes()} {
		p := filepath.Join(t.TempDir(), name+".tar")
		os.WriteFile(p, body, 0o644)
		target := filepath.Join(t.TempDir(), "target")
		out, err := runPortal(t, bin, "", "restore", "--data", target, p)
		if err == nil {
			t.Errorf("%s archive restored: %s", name, out)
		}
		if _, err := os.Stat(filepath.Join(target, "portal.db")); err == nil {
			t.Errorf("%s archive left a catalog behind", name)
		}
		entries, _ := os.ReadDir(target)
		if len(entries) != 0 {
			t.Errorf("%s archive left %d entries in the target", name, len(entries))
		}
	}
}

func TestPruneBackups(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"portal-20261101-000000.tar", "portal-20261102-000000.tar", "portal-20261103-000000.tar", "notes.txt"} {
		os.WriteFile(filepath.Join(dir, n), nil, 0o644)
	}
	if err := catalog.PruneBackups(dir, 2); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "notes.txt portal-20261102-000000.tar portal-20261103-000000.tar" {
		t.Fatalf("after pruning: %v", names)
	}
}
