package web

import (
	"context"
	"sync"
	"time"
)

// downloadCounter gathers download counts in memory and writes them in one
// transaction every few seconds: a download must never wait for SQLite's
// write lock, which a long import may hold for seconds.
type downloadCounter struct {
	mu      sync.Mutex
	pending map[int64]int64
}

func (dc *downloadCounter) add(datasetID int64) { dc.addAll(map[int64]int64{datasetID: 1}) }

func (dc *downloadCounter) addAll(counts map[int64]int64) {
	dc.mu.Lock()
	defer dc.mu.Unlock()
	if dc.pending == nil {
		dc.pending = map[int64]int64{}
	}
	for id, n := range counts {
		dc.pending[id] += n
	}
}

func (dc *downloadCounter) take() map[int64]int64 {
	dc.mu.Lock()
	defer dc.mu.Unlock()
	p := dc.pending
	dc.pending = nil
	return p
}

// flushDownloads writes the pending counts; on failure they are put back
// for the next try.
func (s *Server) flushDownloads(ctx context.Context) {
	p := s.downloads.take()
	if len(p) == 0 {
		return
	}
	if err := s.store.AddDownloads(ctx, p); err != nil {
		s.log.Warn("count downloads", "err", err)
		s.downloads.addAll(p)
	}
}

// Run does the server's background work (writing download counts, making
// new photos' derivatives) until ctx ends, then flushes what is pending.
func (s *Server) Run(ctx context.Context) {
	if s.images.turbo != nil {
		s.log.Info("photos: JPEG thumbnails are made with libjpeg-turbo")
	} else {
		// Five times slower thumbnails are worth a line at start.
		s.log.Warn("photos: libturbojpeg not found, JPEG thumbnails are made with Go's slower codec; install libturbojpeg0 (Debian, Ubuntu) for thumbnails made in less than half the time")
	}
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			s.flushDownloads(context.Background())
			return
		case <-t.C:
			s.flushDownloads(ctx)
			s.warmNewPhotos(ctx)
		}
	}
}
