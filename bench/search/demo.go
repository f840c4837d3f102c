package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
	"github.com/machi-opendata/portal/datasets/demo"
	"github.com/machi-opendata/portal/search"
	"github.com/machi-opendata/portal/web"
)

// relevance is the comparison on the judged set: the demo catalog imported
// as the portal imports it on an empty data folder (as search/eval_test.go
// does), indexed by the production path (search.Open, then
// search.Syncer.Rebuild from web.NewSearchSource), and the same documents
// in FTS5.
type relevance struct {
	docs      int
	ours, fts search.Scores
	ftsErr    error // errNoFTS5 when the anchor could not be built
}

func compareRelevance(ctx context.Context, dir string, js []search.Judgement) (*relevance, error) {
	store, err := catalog.Open(ctx, filepath.Join(dir, "portal.db"))
	if err != nil {
		return nil, err
	}
	defer store.Close()
	im := &datasets.Importer{Store: store, Files: &catalog.Files{Dir: filepath.Join(dir, "files")}, MaxUpload: 100 << 20}
	if err := demo.Load(ctx, im, time.Date(2026, 11, 1, 0, 0, 0, 0, time.Local)); err != nil {
		return nil, err
	}
	src := web.NewSearchSource(store)
	ix, err := search.Open(filepath.Join(dir, "index"))
	if err != nil && !errors.Is(err, search.ErrRebuild) {
		return nil, err
	}
	defer ix.Close()
	if err := (&search.Syncer{Index: ix, Store: store, Source: src}).Rebuild(ctx); err != nil {
		return nil, err
	}
	out := &relevance{}
	if out.ours, err = search.Score(js, 10, func(q string) ([]string, error) {
		res, err := ix.Search(ctx, search.Query{Q: q, Limit: 10})
		if err != nil {
			return nil, err
		}
		ids := make([]string, len(res.Hits))
		for i, h := range res.Hits {
			ids[i] = h.ID
		}
		return ids, nil
	}); err != nil {
		return nil, err
	}

	// The same documents, built as Syncer builds them, for FTS5.
	var docs []search.Doc
	slugs, err := store.PublishedSlugs(ctx)
	if err != nil {
		return nil, err
	}
	for _, slug := range slugs {
		d, dept, cols, err := src.Published(ctx, slug)
		if err != nil {
			return nil, err
		}
		docs = append(docs, search.DatasetDoc(d, dept, cols))
		if err := src.Records(ctx, d, func(row int, fields, props map[string]any) error {
			if doc, ok := search.RecordDoc(d, row, fields, props); ok {
				docs = append(docs, doc)
			}
			return nil
		}); err != nil {
			return nil, err
		}
	}
	out.docs = len(docs)
	if n, err := ix.Count(); err != nil || n != uint64(len(docs)) {
		return nil, fmt.Errorf("demo: the index holds %d documents, the source %d (%v)", n, len(docs), err)
	}
	f, _, _, _, err := buildFTS(filepath.Join(dir, "fts.db"), func(fn func(search.Doc) error) error {
		for _, d := range docs {
			if err := fn(d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		out.ftsErr = err
		return out, nil
	}
	defer f.close()
	out.fts, err = search.Score(js, 10, func(q string) ([]string, error) { return f.search(q, 10) })
	return out, err
}
