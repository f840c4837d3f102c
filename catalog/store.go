package catalog

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"time"

	_ "github.com/mattn/go-sqlite3" // the SQLite driver, registered as "sqlite3"
)

//go:embed migration/*.sql
var migrations embed.FS

// Store keeps the catalog in one SQLite file.
type Store struct {
	DB *sql.DB
	// Now is the clock; tests replace it to fix time.
	Now func() time.Time
}

// Open opens (creating if needed) the SQLite database at path and applies
// the embedded migrations. The pragmas live in the DSN so that every pooled
// connection gets them. Writers wait up to 15 s for the write lock: an
// import of a million rows holds it for a few seconds, and a second import
// should queue behind it rather than fail; readers never wait (WAL), and
// the request path does not write.
//
// Errors are internal: the file cannot be opened or a migration failed.
func Open(ctx context.Context, path string) (*Store, error) {
	dsn := "file:" + uriPath(path) +
		"?_foreign_keys=on&_busy_timeout=15000&_journal_mode=WAL&_synchronous=NORMAL&_txlock=immediate"
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s := &Store{DB: db, Now: time.Now}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// uriPath writes a file path for a "file:" URI: SQLite reads '?' as the
// start of the parameters, '#' as a fragment and '%' as an escape, and the
// driver splits its own parameters at the first '?', so a data folder named
// "a#b" or "x?y" would open another file or lose the pragmas.
func uriPath(path string) string {
	return (&url.URL{Path: filepath.ToSlash(path)}).EscapedPath()
}

// Close closes the database.
func (s *Store) Close() error { return s.DB.Close() }

// migrate applies, in order and one transaction each, the migrations not yet
// recorded in schema_migrations.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.DB.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY, applied TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	names, err := fs.Glob(migrations, "migration/*.sql")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := s.applyMigration(ctx, name); err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
	}
	return nil
}

func (s *Store) applyMigration(ctx context.Context, name string) error {
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = ?`, name).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	body, err := migrations.ReadFile(name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied) VALUES (?, ?)`,
		name, s.Now().UTC().Format(time.RFC3339)); err != nil {
		return err
	}
	return tx.Commit()
}

// timeText formats a time the way the store keeps it.
func timeText(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// parseTime reads a time written by timeText.
func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// likeEscape escapes LIKE wildcards so user text matches literally (ESCAPE '\').
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Size is the database's size in bytes (pages in use and free). Errors are
// internal.
func (s *Store) Size(ctx context.Context) (int64, error) {
	var pages, size int64
	if err := s.DB.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		return 0, fmt.Errorf("database size: %w", err)
	}
	if err := s.DB.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&size); err != nil {
		return 0, fmt.Errorf("database size: %w", err)
	}
	return pages * size, nil
}
