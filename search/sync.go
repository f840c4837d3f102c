package search

import (
	"context"
	"fmt"
	"sync"

	"github.com/machi-opendata/portal/catalog"
)

// Source reads what the index is built from. cmd wires it to the catalog
// store and the stored records; search itself never reads records.
type Source interface {
	// Published returns a published dataset, its department and the columns
	// of its published version; a NotFound error when the dataset is gone,
	// withdrawn or not published.
	Published(ctx context.Context, slug string) (*catalog.Dataset, catalog.Department, []catalog.Column, error)
	// Records calls fn with the typed fields and the columns of each record
	// of the dataset's published version that has typed fields.
	Records(ctx context.Context, d *catalog.Dataset, fn func(row int, fields, props map[string]any) error) error
}

// Syncer keeps the index in step with the catalog through the catalog's
// outbox: every publish writes an outbox row in its own transaction, and
// Sync applies and removes them. What a crash leaves in the outbox is
// applied at the next start, so database and index never disagree for long.
type Syncer struct {
	Index  *Index
	Store  *catalog.Store
	Source Source
	mu     sync.Mutex // one sync at a time: the outbox is applied in order
}

// Sync applies the outbox: each dataset named there gets its documents
// rebuilt (or removed when it is no longer published). Errors leave the
// remaining items for the next Sync.
func (s *Syncer) Sync(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	items, err := s.Store.PendingIndex(ctx)
	if err != nil {
		return err
	}
	last := map[string]int64{}
	var order []string
	for _, it := range items {
		if _, seen := last[it.Slug]; !seen {
			order = append(order, it.Slug)
		}
		last[it.Slug] = it.ID
	}
	for _, slug := range order {
		if err := s.reindex(ctx, slug); err != nil {
			return fmt.Errorf("index %s: %w", slug, err)
		}
		if err := s.Store.DoneIndex(ctx, slug, last[slug]); err != nil {
			return err
		}
	}
	return nil
}

// Rebuild indexes every published dataset into the index (which the caller
// has just created empty: nothing is deleted first) and then applies what
// was queued meanwhile.
func (s *Syncer) Rebuild(ctx context.Context) error {
	s.mu.Lock()
	newest, err := s.Store.NewestIndexItem(ctx)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	slugs, err := s.Store.PublishedSlugs(ctx)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	// One writer for the whole catalog: most datasets have fewer records
	// than a batch, and a batch per dataset would make ten thousand small
	// segments for Bleve to merge.
	w := s.Index.NewWriter()
	for _, slug := range slugs {
		if err := s.add(ctx, w, slug); err != nil {
			w.Close()
			s.mu.Unlock()
			return fmt.Errorf("index %s: %w", slug, err)
		}
	}
	if err := w.Close(); err != nil {
		s.mu.Unlock()
		return fmt.Errorf("index: %w", err)
	}
	// Only now is the index whole: a kill before this line leaves an
	// unmarked index, which the next start rebuilds.
	if err := s.Index.MarkComplete(); err != nil {
		s.mu.Unlock()
		return err
	}
	if err := s.Store.ClearIndexOutbox(ctx, newest); err != nil {
		s.mu.Unlock()
		return err
	}
	s.mu.Unlock()
	return s.Sync(ctx)
}

// reindex replaces one dataset's documents.
func (s *Syncer) reindex(ctx context.Context, slug string) error {
	if err := s.Index.DeleteDataset(slug); err != nil {
		return err
	}
	w := s.Index.NewWriter()
	err := s.add(ctx, w, slug)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return err
}

// add hands the documents of a published dataset to w; nothing for a
// dataset that is withdrawn or gone.
func (s *Syncer) add(ctx context.Context, w *Writer, slug string) error {
	d, dept, cols, err := s.Source.Published(ctx, slug)
	if catalog.KindOf(err) == catalog.NotFound {
		return nil // withdrawn or gone: its documents stay deleted
	}
	if err != nil {
		return err
	}
	if err := w.Add(DatasetDoc(d, dept, cols)); err != nil {
		return err
	}
	return s.Source.Records(ctx, d, func(row int, fields, props map[string]any) error {
		doc, ok := RecordDoc(d, row, fields, props)
		if !ok {
			return nil
		}
		return w.Add(doc)
	})
}
