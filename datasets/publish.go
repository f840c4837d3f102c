package datasets

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/machi-opendata/portal/catalog"
)

// PublishRequest asks for a stored version (a draft, or an earlier
// version to restore) to become the published one.
type PublishRequest struct {
	Slug   string
	Number int
	By     catalog.Actor
	// Override is the written reason to publish despite the personal-
	// information guard's findings; only an admin may give one.
	Override string
}

// Publish makes a stored version the published one. A version published
// for the first time passes the personal-information guard again, over its
// files as kept: the guard's findings refuse it (an Invalid error carrying
// a *PIIError) unless an override reason is given, which the audit log
// records. A version that was published before has passed the guard
// already, so restoring it does not ask again. Errors: those of
// catalog.Store.PublishVersion, and Invalid for the guard.
func (im *Importer) Publish(ctx context.Context, req PublishRequest) (*Publication, error) {
	d, err := im.Store.DatasetBySlug(ctx, req.Slug)
	if err != nil {
		return nil, err
	}
	v, err := im.Store.Version(ctx, d.ID, req.Number)
	if err != nil {
		return nil, err
	}
	pub := catalog.Publication{Slug: d.Slug, Number: v.Number, By: req.By}
	if v.Published == nil {
		rv, err := im.Review(d, v)
		if err != nil {
			return nil, err
		}
		if len(rv.PII) > 0 {
			override := strings.TrimSpace(req.Override)
			if override == "" {
				return nil, piiRefusal(rv.PII)
			}
			pub.Detail = fmt.Sprintf("pii_findings=%d override=%s", len(rv.PII), override)
		}
		if rv.Mapping != nil && rv.Mapping.Standard != nil {
			pub.Standard, pub.Tags = rv.Mapping.Standard.Name, rv.Mapping.Tags()
		}
	}
	d, v, err = im.Store.PublishVersion(ctx, pub)
	if err != nil {
		return nil, err
	}
	res := &Publication{Dataset: d, Version: v}
	// The version is published: what follows can be redone later and loses
	// nothing when it fails, so it is reported, not undone.
	if pub.Detail != "" {
		// The publish row carries the reason; the override has its own
		// action too, so that an auditor can list every override.
		if err := im.Store.Audit(ctx, req.By, catalog.AuditPIIOverride, d.Slug,
			fmt.Sprintf("version=%d %s", v.Number, pub.Detail)); err != nil {
			res.Warnings = append(res.Warnings, "the override could not be written to the audit log: "+catalog.MessageOf(err))
		}
	}
	if err := im.measure(ctx, v); err != nil {
		res.Warnings = append(res.Warnings, "could not measure the downloads: "+catalog.MessageOf(err))
	}
	if im.Indexed != nil {
		if err := im.Indexed(ctx); err != nil {
			res.Warnings = append(res.Warnings, "the search index will catch up later: "+catalog.MessageOf(err))
		}
	}
	return res, nil
}

// Publication is what Publish did.
type Publication struct {
	Dataset  *catalog.Dataset
	Version  *catalog.Version
	Warnings []string
}

// Review is what the checks before a publish find in a stored version:
// the personal-information guard's findings and how the file matches its
// kind's standard columns.
type Review struct {
	PII []PIIFinding
	// Mapping is the file's columns matched to the kind's standard; nil
	// when the kind has none or the file is not a table.
	Mapping *Mapping
	// Fields lists the standard's fields with the column found for each
	// ("" when the file lacks it), for the validation report.
	Fields []FieldMatch
}

// FieldMatch is one standard field and the file's column for it.
type FieldMatch struct {
	Name     string // the standard's column name
	Required bool
	Column   string // the file's column, "" when missing
}

// Review reads a stored version's files again, as kept, and runs the
// checks a publish needs. Errors: Invalid when the files cannot be read
// any more (a rule that has become stricter), otherwise internal.
func (im *Importer) Review(d *catalog.Dataset, v *catalog.Version) (*Review, error) {
	ups := make([]upload, len(v.Files))
	for i, f := range v.Files {
		ups[i] = upload{VersionFile: f, ext: strings.ToLower(path.Ext(f.Name))}
	}
	plan, err := im.plan(ImportRequest{Slug: d.Slug, Kind: d.Kind, Department: d.Department}, ups)
	if err != nil {
		return nil, err
	}
	rv := &Review{}
	if rv.PII, err = im.scanPII(plan); err != nil {
		return nil, err
	}
	cp, ok := plan.(*csvPlan)
	if !ok || cp.mapping == nil || cp.mapping.Standard == nil {
		return rv, nil
	}
	rv.Mapping = cp.mapping
	for _, f := range cp.mapping.Standard.Fields {
		fm := FieldMatch{Name: f.Key, Required: f.Required}
		if len(f.Names) > 0 {
			fm.Name = f.Names[0]
		}
		if i, ok := cp.mapping.Index[f.Key]; ok && i < len(cp.header) {
			fm.Column = cp.header[i]
		}
		rv.Fields = append(rv.Fields, fm)
	}
	return rv, nil
}
