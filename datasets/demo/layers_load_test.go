package demo

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
)

// TestLoadLayers imports the GIS layers through the importer, as an upload
// would, and stores the unified layer's definition; a second call adds
// nothing.
func TestLoadLayers(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store, err := catalog.Open(ctx, filepath.Join(dir, "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	store.Now = func() time.Time { return time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC) }
	for _, d := range Departments() {
		if err := store.PutDepartment(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	im := &datasets.Importer{Store: store, Files: &catalog.Files{Dir: filepath.Join(dir, "files")}}
	for i := 0; i < 2; i++ {
		if err := LoadLayers(ctx, im); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]int{LayerEvacuationSites: 27, LayerFacilities: 52, LayerDistricts: 6, LayerBoundary: 1}
	for slug, rows := range want {
		d, err := store.DatasetBySlug(ctx, slug)
		if err != nil {
			t.Fatal(err)
		}
		v, err := store.Version(ctx, d.ID, d.CurrentVersion)
		if err != nil {
			t.Fatal(err)
		}
		if d.CurrentVersion != 1 || v.Rows != rows || !v.HasGeometry {
			t.Errorf("%s: version %d, %d rows (want 1, %d), geometry %v", slug, d.CurrentVersion, v.Rows, rows, v.HasGeometry)
		}
	}
	d, _ := store.DatasetBySlug(ctx, LayerEvacuationSites)
	v, _ := store.Version(ctx, d.ID, 1)
	if src, err := store.LayerSource(ctx, v.ID); err != nil || src.EPSG != 6677 || src.CRSFrom != "detected" {
		t.Errorf("evacuation sites' source: %+v, %v", src, err)
	}
	defs, err := store.LayerDefinitions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(defs) != 1 || defs[0].Slug != "shisetsu-hinanjo" || defs[0].Title != "施設・避難所" || defs[0].Actor != Actor {
		t.Errorf("definitions %+v", defs)
	}
}
