package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/machi-opendata/portal/catalog"
)

// backup runs `portal backup --data DIR OUT`: one archive of the catalog
// and its files, safe while the server runs. OUT "-" is standard output.
func backup(ctx context.Context, cfg Config, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	cfg.flags(fs, false)
	if err := parseConfig(fs, &cfg, args, stderr); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: portal backup --data DIR OUT (a file, or - for standard output)")
	}
	if _, err := os.Stat(filepath.Join(cfg.Data, "portal.db")); err != nil {
		return fmt.Errorf("%s holds no catalog to back up", cfg.Data)
	}
	a, err := openApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.store.Close()
	m, err := writeBackup(ctx, a, cfg, fs.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "backed up %d stored files and the catalog to %s\n", len(m.Files), fs.Arg(0))
	return nil
}

// writeBackup writes the archive to a temporary file beside out and renames
// it into place, so that out is either the whole archive or absent.
func writeBackup(ctx context.Context, a *app, cfg Config, out string) (*catalog.BackupManifest, error) {
	if out == "-" {
		return a.store.Backup(ctx, a.files, os.Stdout, cfg.Data)
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), ".backup-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	m, err := a.store.Backup(ctx, a.files, tmp, cfg.Data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return nil, err
	}
	return m, nil
}

// restore runs `portal restore --data DIR ARCHIVE`: it checks the whole
// archive before touching the data folder, then puts the catalog and the
// files in place; the search index is dropped, to be rebuilt at the next
// start. The server must not be running on DIR.
func restore(ctx context.Context, cfg Config, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	cfg.flags(fs, false)
	replace := fs.Bool("replace", false, "replace the catalog already in --data (it is moved aside to replaced-<time>, not deleted)")
	if err := parseConfig(fs, &cfg, args, stderr); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: portal restore --data DIR [--replace] ARCHIVE")
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	m, err := catalog.Restore(ctx, cfg.Data, f, *replace)
	if err != nil {
		return fmt.Errorf("%s: %s", fs.Arg(0), catalog.MessageOf(err))
	}
	// What is derived from the catalog is made again from it.
	for _, dir := range []string{indexDir(cfg), filepath.Join(cfg.Data, "cache")} {
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
	}
	fmt.Fprintf(stderr, "restored the catalog of %s and %d stored files into %s; the search index is rebuilt at the next start\n",
		m.Created.Format(time.RFC3339), len(m.Files), cfg.Data)
	return nil
}

// backupLoop takes a backup into dir every interval and keeps the newest
// keep of them; a failure is logged and tried again at the next tick.
func backupLoop(ctx context.Context, a *app, cfg Config, log *slog.Logger) {
	t := time.NewTicker(cfg.BackupEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			out := filepath.Join(cfg.BackupDir, catalog.BackupName(now))
			start := time.Now()
			m, err := writeBackup(ctx, a, cfg, out)
			if err == nil {
				err = catalog.PruneBackups(cfg.BackupDir, cfg.BackupKeep)
			}
			if err != nil {
				log.Error("scheduled backup failed", "err", err)
				continue
			}
			log.Info("scheduled backup", "file", out, "files", len(m.Files), "ms", time.Since(start).Milliseconds())
		}
	}
}
