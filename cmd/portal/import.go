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
	"github.com/machi-opendata/portal/web"
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
	crs := fs.String("crs", "", "coordinate system of a GIS layer's coordinates, e.g. EPSG:6677 (default: a Shapefile's .prj; WGS 84 degrees)")
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

	req := datasets.ImportRequest{Slug: *slug, Kind: catalog.Kind(*kind), Department: *dept, Publish: !*draft, Actor: "cli",
		Override: *override, CRS: *crs}
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
	if src := res.Source; src != nil {
		fmt.Fprintf(stderr, "coordinates: EPSG:%d %s (%s), stored as WGS 84\n", src.EPSG, src.CRSName, src.CRSFrom)
	}
	return nil
}

// layers manages the unified GIS layers' definitions:
// `portal layers set --data DIR FILE.json...` checks each definition
// (geo.ParseMergeDef) and stores it under its name, replacing an older one
// (audited as the command line); `portal layers list --data DIR` prints
// them. The server merges a layer again on the next request.
func layers(ctx context.Context, cfg Config, args []string, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "set" && args[0] != "list") {
		return fmt.Errorf("layers needs set or list: portal layers set --data DIR FILE.json...")
	}
	action := args[0]
	fs := flag.NewFlagSet("layers "+action, flag.ContinueOnError)
	cfg.flags(fs, false)
	if err := parseConfig(fs, &cfg, args[1:], stderr); err != nil {
		return err
	}
	if action == "set" && fs.NArg() == 0 {
		return fmt.Errorf("layers set needs at least one FILE.json")
	}
	a, err := openApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.store.Close()
	if action == "list" {
		defs, err := a.store.LayerDefinitions(ctx)
		if err != nil {
			return err
		}
		for _, d := range defs {
			fmt.Fprintf(stderr, "%s\t%s\t%s\n", d.Slug, d.Title, d.Updated.Format("2006-01-02T15:04:05Z"))
		}
		return nil
	}
	for _, name := range fs.Args() {
		body, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		d, err := web.SaveLayerDefinition(ctx, a.store, catalog.Actor{Login: "cli"}, body)
		if err != nil {
			return fmt.Errorf("%s: %s", filepath.Base(name), catalog.MessageOf(err))
		}
		fmt.Fprintf(stderr, "unified layer %s (%s) saved\n", d.Slug, d.Title)
	}
	return nil
}
