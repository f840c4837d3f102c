package web

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
	"github.com/machi-opendata/portal/search"
)

// catalogSource feeds the search index from the catalog and the stored
// records; search itself knows neither.
type catalogSource struct {
	store   *catalog.Store
	records *datasets.Records
}

// NewSearchSource is the search.Source over a catalog store.
func NewSearchSource(store *catalog.Store) search.Source {
	return &catalogSource{store: store, records: &datasets.Records{DB: store.DB}}
}

func (cs *catalogSource) Published(ctx context.Context, slug string) (*catalog.Dataset, catalog.Department, []catalog.Column, error) {
	d, err := cs.store.DatasetBySlug(ctx, slug)
	if err != nil {
		return nil, catalog.Department{}, nil, err
	}
	if d.Status != catalog.StatusPublished || d.CurrentVersion == 0 {
		return nil, catalog.Department{}, nil, catalog.Errorf(catalog.NotFound, "dataset %q is not published", slug)
	}
	dept, err := cs.store.Department(ctx, d.Department)
	if err != nil {
		return nil, catalog.Department{}, nil, err
	}
	v, err := cs.store.Version(ctx, d.ID, d.CurrentVersion)
	if err != nil {
		return nil, catalog.Department{}, nil, err
	}
	return d, *dept, v.Columns, nil
}

func (cs *catalogSource) Records(ctx context.Context, d *catalog.Dataset, fn func(row int, fields, props map[string]any) error) error {
	v, err := cs.store.Version(ctx, d.ID, d.CurrentVersion)
	if err != nil {
		return err
	}
	return cs.records.EachTyped(ctx, v, func(row int, fields, props []byte) error {
		var f, p map[string]any
		if err := json.Unmarshal(fields, &f); err != nil {
			return fmt.Errorf("record %d fields: %w", row, err)
		}
		if err := json.Unmarshal(props, &p); err != nil {
			return fmt.Errorf("record %d: %w", row, err)
		}
		return fn(row, f, p)
	})
}
