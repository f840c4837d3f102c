// Command portal runs the Machi Open Data portal: one binary holding the web
// server, the importer and the maintenance commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
	"github.com/machi-opendata/portal/datasets/demo"
	"github.com/machi-opendata/portal/web"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Getenv, os.Stdin, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "portal:", err)
		os.Exit(1)
	}
}

const usage = `usage: portal [serve] [flags]
       portal import --data DIR --department CODE --kind KIND [--slug SLUG] [--title TITLE] FILE...`

// run dispatches to a subcommand; serve is the default.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	cfg := defaultConfig()
	if err := cfg.envOverlay(getenv); err != nil {
		return err
	}
	switch cmd {
	case "serve":
		return serve(ctx, cfg, args, stderr)
	case "import":
		return importFiles(ctx, cfg, args, stderr)
	case "help", "-h", "--help":
		fmt.Fprintln(stderr, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", cmd, usage)
}

// app is the wiring every subcommand shares.
type app struct {
	store    *catalog.Store
	files    *catalog.Files
	importer *datasets.Importer
}

func openApp(ctx context.Context, cfg Config) (*app, error) {
	if err := os.MkdirAll(cfg.Data, 0o755); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	store, err := catalog.Open(ctx, filepath.Join(cfg.Data, "portal.db"))
	if err != nil {
		return nil, err
	}
	files := &catalog.Files{Dir: filepath.Join(cfg.Data, "files")}
	return &app{
		store:    store,
		files:    files,
		importer: &datasets.Importer{Store: store, Files: files, MaxUpload: cfg.MaxUploadMB << 20},
	}, nil
}

func serve(ctx context.Context, cfg Config, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.flags(fs, true)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	a, err := openApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.store.Close()
	if cfg.Demo {
		if err := loadDemo(ctx, a, log); err != nil {
			return fmt.Errorf("demo catalog: %w", err)
		}
	}
	srv, err := web.New(a.store, a.files, web.Config{BaseURL: cfg.BaseURL}, log)
	if err != nil {
		return err
	}
	// Listen first, so that ":0" works and the address printed is the real one.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // uploads of up to the limit on slow lines
		IdleTimeout:       2 * time.Minute,
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	bgCtx, stopBackground := context.WithCancel(context.Background())
	bgDone := make(chan struct{})
	go func() { srv.Run(bgCtx); close(bgDone) }()
	// Stop the background work last, after the requests in flight, so that
	// their download counts are written too.
	defer func() { stopBackground(); <-bgDone }()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	fmt.Fprintf(stderr, "listening on http://%s\n", ln.Addr())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// loadDemo fills an empty catalog with the sample city.
func loadDemo(ctx context.Context, a *app, log *slog.Logger) error {
	depts, err := a.store.Departments(ctx)
	if err != nil || len(depts) > 0 {
		return err
	}
	for _, d := range demo.Departments() {
		if err := a.store.PutDepartment(ctx, d); err != nil {
			return err
		}
	}
	reqs, err := demo.Requests(a.store.Now())
	if err != nil {
		return err
	}
	for _, r := range reqs {
		res, err := a.importer.Import(ctx, r)
		if err != nil {
			return fmt.Errorf("%s: %w", r.Slug, err)
		}
		log.Info("demo dataset loaded", "id", res.Slug, "rows", res.Rows, "refused", res.Refused)
	}
	return nil
}
