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
	"sync"
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
       portal import --data DIR --department CODE --kind KIND [--slug SLUG] [--title TITLE] FILE...
       portal reindex --data DIR
       portal layers list|set --data DIR [FILE.json]
       portal backup --data DIR OUT
       portal restore --data DIR [--replace] ARCHIVE
       portal users add --data DIR --login NAME --role admin|editor|viewer [--department CODE] < password
       portal help | portal COMMAND -h`

// run dispatches to a subcommand; serve is the default.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	var sub func(context.Context, Config, []string, io.Writer) error
	switch cmd {
	case "serve":
		sub = serve
	case "import":
		sub = importFiles
	case "reindex":
		sub = reindex
	case "layers":
		sub = layers
	case "backup":
		sub = backup
	case "restore":
		sub = restore
	case "users":
		sub = func(ctx context.Context, cfg Config, args []string, stderr io.Writer) error {
			return users(ctx, cfg, args, stdin, stderr)
		}
	case "help":
		fmt.Fprintln(stderr, usage)
		return nil
	default:
		return fmt.Errorf("unknown command %q (portal help lists them)", cmd)
	}
	cfg := defaultConfig()
	if err := cfg.envOverlay(getenv); err != nil {
		return err
	}
	if err := sub(ctx, cfg, args, stderr); err != nil && !errors.Is(err, errHelp) {
		return err
	}
	return nil
}

// errHelp is returned by a subcommand that has printed its help (-h).
var errHelp = errors.New("help printed")

// parseConfig parses a subcommand's flags into cfg and checks the result.
func parseConfig(fs *flag.FlagSet, cfg *Config, args []string, stderr io.Writer) error {
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	return cfg.Validate()
}

// parseFlags parses a subcommand's flags. The flag package's own output
// (the error, then every flag) is turned off: an error is one line, printed
// by main; -h prints the usage and the flags and gives errHelp.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(stderr, usage)
		fmt.Fprintf(stderr, "\nflags of %s:\n", fs.Name())
		fs.SetOutput(stderr)
		fs.PrintDefaults()
		return errHelp
	}
	return err
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
	// Signals first: SIGTERM while the demo loads stops it too.
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg.flags(fs, true)
	if err := parseConfig(fs, &cfg, args, stderr); err != nil {
		return err
	}
	// Listen before the slow work, so that a bad --addr fails at once, and
	// before web.New, so that ":0" works and links use the real address.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	if cfg.BaseURL == "" {
		cfg.BaseURL = baseURL(ln.Addr())
	}
	log := cfg.logger(stderr)
	a, err := openApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.store.Close()
	if cfg.Demo {
		if err := loadDemo(ctx, a, log); err != nil {
			if ctx.Err() != nil {
				// Stopped while loading: each dataset is its own transaction,
				// and the next start completes the demo.
				log.Info("stopped while loading the demo catalog")
				return nil
			}
			return fmt.Errorf("demo catalog: %w", err)
		}
	}
	// What a crash left in the files folder: half-received uploads, and
	// stored files whose import never committed.
	if n, err := a.store.Sweep(ctx, a.files, time.Now().Add(-time.Hour)); err != nil {
		log.Warn("could not sweep the files folder", "err", err)
	} else if n > 0 {
		log.Info("removed files left by an interrupted upload", "files", n)
	}
	index, syncer, err := openSearch(ctx, a, cfg, log)
	if err != nil {
		return err
	}
	defer index.Close()
	// An upload published through the server is searchable when it returns.
	a.importer.Indexed = syncer.Sync
	srv, err := web.New(a.store, a.files, index, web.Config{BaseURL: cfg.BaseURL,
		City:     web.City{NameJA: cfg.CityName, NameEN: cfg.CityNameEN, Code: cfg.CityCode},
		BaseMap:  web.BaseMap{TileURL: cfg.BaseMapURL, Attribution: cfg.BaseMapAttribution},
		Importer: a.importer, TrustedProxies: cfg.TrustedProxies}, log)
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // uploads of up to the limit on slow lines
		IdleTimeout:       2 * time.Minute,
	}
	bgCtx, stopBackground := context.WithCancel(context.Background())
	var bg sync.WaitGroup
	bg.Add(2)
	go func() { defer bg.Done(); srv.Run(bgCtx) }()
	go func() { defer bg.Done(); syncLoop(bgCtx, syncer, log) }()
	if cfg.BackupEvery > 0 {
		if err := os.MkdirAll(cfg.BackupDir, 0o755); err != nil {
			stopBackground()
			return err
		}
		bg.Add(1)
		go func() { defer bg.Done(); backupLoop(bgCtx, a, cfg, log) }()
	}
	// Stop the background work last, after the requests in flight, so that
	// their download counts are written too; and before the index closes.
	defer func() { stopBackground(); bg.Wait() }()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	fmt.Fprintf(stderr, "listening on http://%s\n", ln.Addr())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// From here a second Ctrl-C kills the process at once, as it would
	// without our handler, for when the graceful stop takes too long.
	stop()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// baseURL is the default public URL for the address the server listens on:
// a wildcard address (0.0.0.0, [::]) is not one a browser can visit, so
// links name the loopback address with the real port instead.
func baseURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String()
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// loadDemo fills an empty catalog with the sample city, and completes a
// demo that an earlier start left half-loaded: each dataset is imported in
// its own transaction, so a crash or a Ctrl-C can stop between two. Only
// what is missing is added: departments that exist keep what an admin may
// have edited, datasets that exist are skipped. A catalog holding anything
// that is not from the demo (another department or dataset) is a city's
// own and is left alone, as the contract asks ("on an empty data folder").
func loadDemo(ctx context.Context, a *app, log *slog.Logger) error {
	have, err := a.store.Departments(ctx)
	if err != nil {
		return err
	}
	depts := demo.Departments()
	isDemoDept := map[string]bool{}
	for _, d := range depts {
		isDemoDept[d.Code] = true
	}
	haveDept := map[string]bool{}
	for _, d := range have {
		if !isDemoDept[d.Code] {
			return nil
		}
		haveDept[d.Code] = true
	}
	reqs, err := demo.Requests(a.store.Now())
	if err != nil {
		return err
	}
	layerReqs, err := demo.LayerRequests()
	if err != nil {
		return err
	}
	isDemoSlug := map[string]bool{}
	for _, r := range append(reqs, layerReqs...) {
		isDemoSlug[r.Slug] = true
	}
	existing, _, _, err := a.store.FindDatasets(ctx, catalog.Filter{Status: "any"})
	if err != nil {
		return err
	}
	haveSlug := map[string]bool{}
	for _, d := range existing {
		if !isDemoSlug[d.Slug] {
			return nil
		}
		haveSlug[d.Slug] = true
	}
	for _, d := range depts {
		if haveDept[d.Code] {
			continue
		}
		if err := a.store.PutDepartment(ctx, d); err != nil {
			return err
		}
	}
	for _, r := range reqs {
		if haveSlug[r.Slug] {
			continue
		}
		res, err := a.importer.Import(ctx, r)
		if err != nil {
			return fmt.Errorf("%s: %w", r.Slug, err)
		}
		log.Info("demo dataset loaded", "id", res.Slug, "rows", res.Rows, "refused", res.Refused)
	}
	// The departments' GIS layers and the unified layer over them.
	return demo.LoadLayers(ctx, a.importer)
}
