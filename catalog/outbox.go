package catalog

import (
	"context"
	"database/sql"
	"fmt"
)

// OutboxItem asks the search index to rebuild one dataset's documents.
type OutboxItem struct {
	ID   int64
	Slug string
}

// enqueueIndex records, inside the transaction that changes a dataset, that
// its search documents must be rebuilt.
func enqueueIndex(ctx context.Context, tx *sql.Tx, slug string, now string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO search_outbox (slug, created) VALUES (?, ?)`, slug, now); err != nil {
		return fmt.Errorf("enqueue index: %w", err)
	}
	return nil
}

// PendingIndex lists the outbox, oldest first.
func (s *Store) PendingIndex(ctx context.Context) ([]OutboxItem, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT id, slug FROM search_outbox ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("pending index: %w", err)
	}
	defer rows.Close()
	var out []OutboxItem
	for rows.Next() {
		var it OutboxItem
		if err := rows.Scan(&it.ID, &it.Slug); err != nil {
			return nil, fmt.Errorf("pending index: %w", err)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// DoneIndex removes outbox items up to and including id for slug, once the
// index has applied them.
func (s *Store) DoneIndex(ctx context.Context, slug string, id int64) error {
	if _, err := s.DB.ExecContext(ctx, `DELETE FROM search_outbox WHERE slug = ? AND id <= ?`, slug, id); err != nil {
		return fmt.Errorf("done index: %w", err)
	}
	return nil
}

// ClearIndexOutbox removes outbox items up to and including id, after a
// full rebuild that started when id was the newest.
func (s *Store) ClearIndexOutbox(ctx context.Context, id int64) error {
	if _, err := s.DB.ExecContext(ctx, `DELETE FROM search_outbox WHERE id <= ?`, id); err != nil {
		return fmt.Errorf("clear index outbox: %w", err)
	}
	return nil
}

// NewestIndexItem is the id of the newest outbox item, 0 when empty.
func (s *Store) NewestIndexItem(ctx context.Context) (int64, error) {
	var id int64
	if err := s.DB.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM search_outbox`).Scan(&id); err != nil {
		return 0, fmt.Errorf("newest index item: %w", err)
	}
	return id, nil
}

// PublishedSlugs lists the published datasets, for a full reindex.
func (s *Store) PublishedSlugs(ctx context.Context) ([]string, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT slug FROM datasets WHERE status = ? AND current_version > 0 ORDER BY slug`, StatusPublished)
	if err != nil {
		return nil, fmt.Errorf("published slugs: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("published slugs: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// IndexLag is how many dataset changes wait for the search index (the
// outbox's length). Errors are internal.
func (s *Store) IndexLag(ctx context.Context) (int64, error) {
	var n int64
	if err := s.DB.QueryRowContext(ctx, `SELECT count(*) FROM search_outbox`).Scan(&n); err != nil {
		return 0, fmt.Errorf("index lag: %w", err)
	}
	return n, nil
}
