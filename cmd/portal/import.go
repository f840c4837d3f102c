package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
)

// importFiles imports files as a new dataset or a new version, exactly as
// an upload through the admin pages would, and publishes it.
func importFiles(ctx context.Context, cfg Config, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	cfg.flags(fs, false)
	dept := fs.String("department", "", "code of the publishing department (required)")
	kind := fs.String("kind", "", "facility, evacuation, event, photo, layer or table (required)")
	slug := fs.String("slug", "", "dataset id; an existing id gets a new version")
	title := fs.String("title", "", "Japanese title of a new dataset (default: the first file's name)")
	draft := fs.Bool("draft", false, "keep the new version as a draft instead of publishing it")
	override := fs.String("override", "", "written reason to publish despite the personal-information guard's findings (audited)")
	if err := parseConfig(fs, &cfg, args, stderr); err != nil {
		return err
	}
	if *dept == "" || *kind == "" || fs.NArg() == 0 {
		return fmt.Errorf("import needs --department, --kind and at least one FILE")
	}
	a, err := openApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.store.Close()

	req := datasets.ImportRequest{Slug: *slug, Kind: catalog.Kind(*kind), Department: *dept, Publish: !*draft, Actor: "cli", Override: *override}
	if *title != "" {
		req.Meta = &catalog.Dataset{TitleJA: *title}
	}
	for _, name := range fs.Args() {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		req.Files = append(req.Files, datasets.File{Name: filepath.Base(name), Data: f})
	}
	res, err := a.importer.Import(ctx, req)
	if err != nil {
		return err
	}
	for _, f := range res.PII {
		fmt.Fprintf(stderr, "personal information? %s row %d: %s %s\n", f.Column, f.Row, f.Rule, f.Sample)
	}
	for _, p := range res.Problems {
		fmt.Fprintf(stderr, "%s: %s\n", p.Severity, p.Error())
	}
	fmt.Fprintf(stderr, "imported %s version %d: %d records, %d refused (%s)\n",
		res.Slug, res.Version, res.Rows, res.Refused, res.Encoding)
	return nil
}
