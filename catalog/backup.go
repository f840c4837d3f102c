package catalog

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// BackupFormat names the archive's layout; Restore refuses any other.
const BackupFormat = "machi-opendata-backup/1"

// A backup is a tar archive: the database as one consistent snapshot
// ("portal.db"), then every stored file a version refers to
// ("files/ab/abcd…", named by its SHA-256 as in the data folder), then
// "manifest.json" with the checksum of each. The manifest comes last, so an
// archive cut short has none and is refused whole. Uncompressed, because
// most of the bytes are photos and ZIPs that do not compress; the search
// index and the image derivatives are rebuilt, not kept.
const (
	backupDBName       = "portal.db"
	backupManifestName = "manifest.json"
)

// BackupManifest describes an archive.
type BackupManifest struct {
	Format   string        `json:"format"`
	Created  time.Time     `json:"created"`
	Database BackupEntry   `json:"database"`
	Files    []BackupEntry `json:"files"`
}

// BackupEntry is one member of an archive and its checksum.
type BackupEntry struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// Backup writes an archive of the catalog and its files to w. It is safe
// while the portal serves and imports: the database is copied with VACUUM
// INTO inside one read transaction, and only the files that snapshot refers
// to are added (stored files never change, and a file is stored before the
// version that refers to it commits). tmpDir holds the snapshot meanwhile.
// Errors are internal; a stored file whose bytes no longer match its name
// fails the backup rather than hiding the damage.
func (s *Store) Backup(ctx context.Context, files *Files, w io.Writer, tmpDir string) (*BackupManifest, error) {
	snapDir, err := os.MkdirTemp(tmpDir, "backup-*")
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(snapDir)
	snap := filepath.Join(snapDir, backupDBName)
	if _, err := s.DB.ExecContext(ctx, `VACUUM INTO ?`, snap); err != nil {
		return nil, fmt.Errorf("backup: snapshot: %w", err)
	}
	sums, err := referencedFiles(ctx, snap)
	if err != nil {
		return nil, err
	}
	m := &BackupManifest{Format: BackupFormat, Created: s.Now().UTC()}
	tw := tar.NewWriter(w)
	if m.Database, err = addToTar(tw, snap, backupDBName, ""); err != nil {
		return nil, err
	}
	for _, sum := range sums {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		e, err := addToTar(tw, files.Path(sum), "files/"+sum[:2]+"/"+sum, sum)
		if err != nil {
			return nil, err
		}
		m.Files = append(m.Files, e)
	}
	body, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if err := tw.WriteHeader(&tar.Header{Name: backupManifestName, Mode: 0o644, Size: int64(len(body)), ModTime: m.Created}); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if _, err := tw.Write(body); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	return m, nil
}

// referencedFiles lists, sorted, the stored files a database refers to.
func referencedFiles(ctx context.Context, dbPath string) ([]string, error) {
	db, err := sql.Open("sqlite3", "file:"+uriPath(dbPath)+"?mode=ro")
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	defer db.Close()
	return storedFileSums(ctx, db)
}

// storedFileSums lists, sorted, the stored files a catalog's versions
// refer to (by SHA-256): what a backup keeps and a sweep must not remove.
func storedFileSums(ctx context.Context, q querier) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT sha256 FROM version_files ORDER BY sha256`)
	if err != nil {
		return nil, fmt.Errorf("list stored files: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var sum string
		if err := rows.Scan(&sum); err != nil {
			return nil, fmt.Errorf("list stored files: %w", err)
		}
		if !hashPattern.MatchString(sum) {
			return nil, fmt.Errorf("the catalog names a file %q that cannot be stored", sum)
		}
		out = append(out, sum)
	}
	return out, rows.Err()
}

// addToTar copies one file into the archive and returns its entry; want,
// when set, is the checksum the file must have.
func addToTar(tw *tar.Writer, path, name, want string) (BackupEntry, error) {
	f, err := os.Open(path)
	if err != nil {
		return BackupEntry{}, fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return BackupEntry{}, fmt.Errorf("backup: %w", err)
	}
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: st.Size(), ModTime: st.ModTime()}); err != nil {
		return BackupEntry{}, fmt.Errorf("backup: %w", err)
	}
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(tw, h), f); err != nil {
		return BackupEntry{}, fmt.Errorf("backup: %s: %w", name, err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if want != "" && sum != want {
		return BackupEntry{}, fmt.Errorf("backup: the stored file %s is damaged (its bytes hash to %s)", want, sum)
	}
	return BackupEntry{Name: name, SHA256: sum, Size: st.Size()}, nil
}

var backupFileName = regexp.MustCompile(`^files/([0-9a-f]{2})/([0-9a-f]{64})$`)

// Restore reads an archive into dataDir: portal.db and files/. It checks
// everything before it changes anything: the format, every member's
// checksum against the manifest, that nothing is missing or extra, the
// database's integrity, and that every file the catalog names is there.
// A data folder that already holds a catalog is refused (Conflict) unless
// replace is set; the replaced catalog and files are then moved aside to
// dataDir/replaced-<time>, not deleted. Errors: Invalid for a damaged or
// foreign archive, Conflict, internal ones.
func Restore(ctx context.Context, dataDir string, r io.Reader, replace bool) (*BackupManifest, error) {
	dbPath := filepath.Join(dataDir, backupDBName)
	if _, err := os.Stat(dbPath); err == nil && !replace {
		return nil, Errorf(Conflict, "%s already holds a catalog; restore into an empty data folder, or replace it explicitly", dataDir)
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	stage, err := os.MkdirTemp(dataDir, ".restore-*")
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	defer os.RemoveAll(stage)
	m, got, err := extractBackup(r, stage)
	if err != nil {
		return nil, err
	}
	if err := checkManifest(m, got); err != nil {
		return nil, err
	}
	if err := checkRestoredDB(ctx, stage, filepath.Join(stage, backupDBName)); err != nil {
		return nil, err
	}
	if err := swapIn(dataDir, stage, replace); err != nil {
		return nil, err
	}
	return m, nil
}

// extractBackup writes the archive's members under stage and returns the
// manifest and the checksums it computed. Only the names a backup writes
// are accepted: no paths of its own choosing, no links, no devices.
func extractBackup(r io.Reader, stage string) (*BackupManifest, map[string]BackupEntry, error) {
	tr := tar.NewReader(r)
	got := map[string]BackupEntry{}
	var m *BackupManifest
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, Errorf(Invalid, "the archive is damaged: %v", err)
		}
		if h.Typeflag != tar.TypeReg {
			return nil, nil, Errorf(Invalid, "the archive holds %q, which is not a regular file: not a portal backup", h.Name)
		}
		if m != nil {
			return nil, nil, Errorf(Invalid, "the archive goes on after its manifest: not a portal backup")
		}
		switch {
		case h.Name == backupManifestName:
			if h.Size > 256<<20 {
				return nil, nil, Errorf(Invalid, "the manifest is too large: not a portal backup")
			}
			m = new(BackupManifest)
			if err := json.NewDecoder(io.LimitReader(tr, h.Size)).Decode(m); err != nil {
				return nil, nil, Errorf(Invalid, "the manifest cannot be read: %v", err)
			}
		case h.Name == backupDBName || backupFileName.MatchString(h.Name):
			if _, dup := got[h.Name]; dup {
				return nil, nil, Errorf(Invalid, "the archive holds %s twice", h.Name)
			}
			e, err := extractMember(tr, h, stage)
			if err != nil {
				return nil, nil, err
			}
			got[h.Name] = e
		default:
			return nil, nil, Errorf(Invalid, "the archive holds %q: not a portal backup", h.Name)
		}
	}
	if m == nil {
		return nil, nil, Errorf(Invalid, "the archive has no manifest: it is cut short, or not a portal backup")
	}
	return m, got, nil
}

func extractMember(tr *tar.Reader, h *tar.Header, stage string) (BackupEntry, error) {
	dst := filepath.Join(stage, filepath.FromSlash(h.Name))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return BackupEntry{}, fmt.Errorf("restore: %w", err)
	}
	f, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return BackupEntry{}, fmt.Errorf("restore: %w", err)
	}
	defer f.Close()
	hs := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, hs), tr)
	if err != nil {
		return BackupEntry{}, Errorf(Invalid, "the archive is damaged in %s: %v", h.Name, err)
	}
	if err := f.Sync(); err != nil {
		return BackupEntry{}, fmt.Errorf("restore: %w", err)
	}
	sum := hex.EncodeToString(hs.Sum(nil))
	if m := backupFileName.FindStringSubmatch(h.Name); m != nil && (sum != m[2] || m[1] != m[2][:2]) {
		return BackupEntry{}, Errorf(Invalid, "the archive's %s does not hold the bytes its name promises", h.Name)
	}
	return BackupEntry{Name: h.Name, SHA256: sum, Size: n}, nil
}

// checkManifest compares what was extracted with what the manifest lists.
func checkManifest(m *BackupManifest, got map[string]BackupEntry) error {
	if m.Format != BackupFormat {
		return Errorf(Invalid, "the archive is a %q, not a %s", m.Format, BackupFormat)
	}
	want := append([]BackupEntry{m.Database}, m.Files...)
	if m.Database.Name != backupDBName {
		return Errorf(Invalid, "the manifest names no database")
	}
	for _, e := range want {
		g, ok := got[e.Name]
		switch {
		case !ok:
			return Errorf(Invalid, "the archive lacks %s, which its manifest lists", e.Name)
		case g.SHA256 != e.SHA256 || g.Size != e.Size:
			return Errorf(Invalid, "%s in the archive does not match its manifest (damaged)", e.Name)
		}
		delete(got, e.Name)
	}
	for name := range got {
		return Errorf(Invalid, "the archive holds %s, which its manifest does not list", name)
	}
	return nil
}

// checkRestoredDB opens the staged database: it must pass SQLite's
// integrity check and name no file the archive lacks.
func checkRestoredDB(ctx context.Context, stage, path string) error {
	db, err := sql.Open("sqlite3", "file:"+uriPath(path)+"?mode=ro")
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer db.Close()
	var ok string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&ok); err != nil {
		return Errorf(Invalid, "the archive's database cannot be read: %v", err)
	}
	if ok != "ok" {
		return Errorf(Invalid, "the archive's database is damaged: %s", ok)
	}
	var format string
	if err := db.QueryRowContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'version_files'`).Scan(&format); err != nil {
		return Errorf(Invalid, "the archive's database is not a portal catalog")
	}
	sums, err := referencedFiles(ctx, path)
	if err != nil {
		return err
	}
	for _, sum := range sums {
		if _, err := os.Stat(filepath.Join(stage, "files", sum[:2], sum)); err != nil {
			return Errorf(Invalid, "the archive lacks the stored file %s its catalog names", sum)
		}
	}
	return nil
}

// swapIn moves the staged catalog and files into the data folder, the
// replaced ones (if any) aside first.
func swapIn(dataDir, stage string, replace bool) error {
	old := []string{backupDBName, backupDBName + "-wal", backupDBName + "-shm", "files"}
	var present []string
	for _, name := range old {
		if _, err := os.Stat(filepath.Join(dataDir, name)); err == nil {
			present = append(present, name)
		}
	}
	if len(present) > 0 {
		if !replace && slices.Contains(present, backupDBName) {
			return Errorf(Conflict, "%s already holds a catalog", dataDir)
		}
		aside := filepath.Join(dataDir, "replaced-"+time.Now().UTC().Format("20060102-150405"))
		if err := os.MkdirAll(aside, 0o755); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		for _, name := range present {
			if err := os.Rename(filepath.Join(dataDir, name), filepath.Join(aside, name)); err != nil {
				return fmt.Errorf("restore: move %s aside: %w", name, err)
			}
		}
	}
	if err := os.MkdirAll(filepath.Join(stage, "files"), 0o755); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	// The files first: a catalog in place without its files would be the
	// one state worse than none.
	if err := os.Rename(filepath.Join(stage, "files"), filepath.Join(dataDir, "files")); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if err := os.Rename(filepath.Join(stage, backupDBName), filepath.Join(dataDir, backupDBName)); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	return nil
}

// BackupName is the file name of a scheduled backup taken at t; names sort
// by time.
func BackupName(t time.Time) string {
	return "portal-" + t.UTC().Format("20060102-150405") + ".tar"
}

// PruneBackups removes the oldest scheduled backups in dir beyond keep.
func PruneBackups(dir string, keep int) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("prune backups: %w", err)
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, "portal-") && strings.HasSuffix(n, ".tar") && e.Type().IsRegular() {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	for len(names) > keep {
		if err := os.Remove(filepath.Join(dir, names[0])); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("prune backups: %w", err)
		}
		names = names[1:]
	}
	return nil
}
