package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/machi-opendata/portal/search"
	"github.com/machi-opendata/portal/web"
)

// indexDir is where the search index lives in the data folder.
func indexDir(cfg Config) string { return filepath.Join(cfg.Data, "search") }

// openSearch opens the index and brings it up to date with the catalog: a
// new, corrupt or outdated index is rebuilt from the database; otherwise
// the outbox left by a crash or by `portal import` is applied.
func openSearch(ctx context.Context, a *app, cfg Config, log *slog.Logger) (*search.Index, *search.Syncer, error) {
	index, err := search.Open(indexDir(cfg))
	rebuild := errors.Is(err, search.ErrRebuild)
	if err != nil && !rebuild {
		return nil, nil, err
	}
	syncer := &search.Syncer{Index: index, Store: a.store, Source: web.NewSearchSource(a.store)}
	start := time.Now()
	if rebuild {
		err = syncer.Rebuild(ctx)
	} else {
		err = syncer.Sync(ctx)
	}
	if err != nil {
		index.Close()
		return nil, nil, fmt.Errorf("search index: %w", err)
	}
	if rebuild {
		n, _ := index.Count()
		log.Info("search index rebuilt", "documents", n, "ms", time.Since(start).Milliseconds())
	}
	return index, syncer, nil
}

// syncLoop applies the outbox every few seconds, for what `portal import`
// (another process) published while the server runs.
func syncLoop(ctx context.Context, syncer *search.Syncer, log *slog.Logger) {
	t := time.NewTicker(3 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := syncer.Sync(ctx); err != nil && ctx.Err() == nil {
				log.Warn("search sync", "err", err)
			}
		}
	}
}

// reindex rebuilds the search index from the database. The server must not
// be running on the same data folder (the index has one writer).
func reindex(ctx context.Context, cfg Config, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("reindex", flag.ContinueOnError)
	cfg.flags(fs, false)
	if err := parseConfig(fs, &cfg, args, stderr); err != nil {
		return err
	}
	a, err := openApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.store.Close()
	if err := os.RemoveAll(indexDir(cfg)); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	index, _, err := openSearch(ctx, a, cfg, log)
	if err != nil {
		return err
	}
	n, err := index.Count()
	if cerr := index.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "reindexed: %d documents\n", n)
	return nil
}
