package web

import (
	"context"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// photoIndex keeps the published photos in memory: every gallery page,
// API search, image and info.json request needs photos by id or by
// filter, and reading them from the records is one JSON decode per row of
// every photo dataset. The set is rebuilt when the catalog's public stamp
// moves (a photo dataset published, replaced or withdrawn), checked at
// most once a second, so an edit shows within a second as in the other
// views (responseCache, ckanCache).
type photoIndex struct {
	mu      sync.Mutex
	cur     *photoSet
	checked time.Time
	flight  singleflight.Group
}

// photoSet is the photos of one state of the catalog. It is never
// modified once built: requests share it without locks.
type photoSet struct {
	stamp     string
	all       []*photo // by dataset title, then file order
	byID      map[string]*photo
	truncated bool // more photos than maxIndexedPhotos: the rest are read on demand
}

const (
	// photoCheckEvery is how stale the photo index may be.
	photoCheckEvery = time.Second
	// maxIndexedPhotos bounds the index's memory (about a kilobyte a
	// photo). A city archive holds thousands; past the bound, the photos
	// are still served by id, read from their dataset, but not searched.
	maxIndexedPhotos = 100_000
)

// photoSet returns the current photos.
func (s *Server) photoSet(ctx context.Context) (*photoSet, error) {
	ix := &s.images.index
	ix.mu.Lock()
	cur, fresh := ix.cur, ix.cur != nil && time.Since(ix.checked) < photoCheckEvery
	ix.mu.Unlock()
	if fresh {
		return cur, nil
	}
	stamp, err := s.store.PublicStamp(ctx)
	if err != nil {
		return nil, err
	}
	if cur != nil && cur.stamp == stamp {
		ix.mu.Lock()
		ix.checked = time.Now()
		ix.mu.Unlock()
		return cur, nil
	}
	// One build per stamp however many requests find it changed; not
	// with the request's context, as the others waiting want the answer.
	v, err, _ := ix.flight.Do(stamp, func() (any, error) {
		ix.mu.Lock()
		if ix.cur != nil && ix.cur.stamp == stamp {
			defer ix.mu.Unlock()
			return ix.cur, nil
		}
		ix.mu.Unlock()
		set, err := s.buildPhotoSet(context.WithoutCancel(ctx), stamp)
		if err != nil {
			return nil, err
		}
		ix.mu.Lock()
		ix.cur, ix.checked = set, time.Now()
		ix.mu.Unlock()
		return set, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*photoSet), nil
}

// buildPhotoSet reads the photos. The stamp is read before them: a change
// made while they are read moves the stamp again and the next check
// rebuilds.
func (s *Server) buildPhotoSet(ctx context.Context, stamp string) (*photoSet, error) {
	all, truncated, err := s.readAllPhotos(ctx, maxIndexedPhotos)
	if err != nil {
		return nil, err
	}
	if truncated {
		s.log.Warn("photos: more than the index holds; the rest are not searched", "max", maxIndexedPhotos)
	}
	set := &photoSet{stamp: stamp, all: all, byID: make(map[string]*photo, len(all)), truncated: truncated}
	for _, p := range all {
		if _, dup := set.byID[p.ID]; !dup { // two rows with one NO: the first wins
			set.byID[p.ID] = p
		}
	}
	return set, nil
}
