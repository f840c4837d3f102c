package web

import (
	"context"
	"os"
	"testing"
)

// TestWarmNewPhotos: the background pass makes each published photo's
// derivatives once; a second pass makes nothing.
func TestWarmNewPhotos(t *testing.T) {
	ts := newDemoServer(t)
	ctx := context.Background()
	set, err := ts.srv.photoSet(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.all) == 0 {
		t.Fatal("the demo has no photos")
	}
	before := ts.srv.images.encodes.Load()
	ts.srv.warmNewPhotos(ctx)
	made := ts.srv.images.encodes.Load() - before
	// A thumbnail each, and a display size for photos wider than it (the
	// demo's placeholders are not).
	if n := int64(len(set.all)); made < n || made > 2*n {
		t.Fatalf("%d derivatives made for %d photos", made, n)
	}
	for _, p := range set.all {
		if _, err := os.Stat(ts.srv.images.path(p.File.SHA256, thumbnailWidth)); err != nil {
			t.Errorf("photo %s has no thumbnail: %v", p.ID, err)
		}
	}
	ts.srv.warmNewPhotos(ctx)
	if again := ts.srv.images.encodes.Load() - before - made; again != 0 {
		t.Fatalf("a second pass made %d derivatives", again)
	}
}
