package web

import (
	"context"
	"sync"
)

// photoWarming makes the thumbnail and display sizes of newly published
// photos in the background, so that the first visitor of a gallery after
// an upload of a thousand photos does not wait for them. It remembers what
// it has made (or found made) by the photo file's checksum.
type photoWarming struct {
	mu   sync.Mutex
	done map[string]bool
}

// warmNewPhotos makes the derivatives of the published photos not yet
// done. Server.Run calls it on its ticker, in its own goroutine: a large
// upload delays the next download-count flush (counts are kept, not lost)
// rather than leaving work running after Run returns. Failures are logged
// and tried again at the next tick.
func (s *Server) warmNewPhotos(ctx context.Context) {
	if err := s.warmPhotosOnce(ctx); err != nil && ctx.Err() == nil {
		s.log.Warn("photo derivatives: will try again", "err", err)
	}
}

// warmPhotosOnce makes the derivatives of the published photos not yet
// done, with the derivatives' own bounded concurrency.
func (s *Server) warmPhotosOnce(ctx context.Context) error {
	set, err := s.photoSet(ctx)
	if err != nil {
		return err
	}
	w := &s.warming
	w.mu.Lock()
	if w.done == nil {
		w.done = map[string]bool{}
	}
	var todo []string
	for _, p := range set.all {
		if sum := p.File.SHA256; sum != "" && !w.done[sum] {
			todo = append(todo, sum)
		}
	}
	w.mu.Unlock()
	if len(todo) == 0 {
		return nil
	}
	if err := s.images.warm(ctx, todo); err != nil {
		return err
	}
	w.mu.Lock()
	for _, sum := range todo {
		w.done[sum] = true
	}
	w.mu.Unlock()
	return nil
}
