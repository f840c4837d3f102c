package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Audit actions of a dataset's life: every change citizens could see, and
// every upload, leaves a row in the same transaction as the change.
const (
	AuditUpload   = "dataset.upload"
	AuditPublish  = "dataset.publish"
	AuditRestore  = "dataset.restore"
	AuditWithdraw = "dataset.withdraw"
	AuditMetadata = "dataset.metadata"
)

// Publication asks PublishVersion to make one version the published one.
type Publication struct {
	Slug   string
	Number int
	// Standard and Tags are what the version's file conforms to, found by
	// reading it again ("" keeps the dataset's).
	Standard string
	Tags     []string
	By       Actor
	// Detail is added to the audit row (an override's reason, say).
	Detail string
}

// PublishVersion makes version p.Number what citizens see: a draft's first
// publication, a withdrawn dataset's return, or the restoration of an
// earlier version. The versions themselves never change (a restore points
// back at the old records, it does not copy them); the audit log tells
// which happened. Errors: NotFound for an unknown dataset or version,
// Conflict when that version is already the published one.
func (s *Store) PublishVersion(ctx context.Context, p Publication) (*Dataset, *Version, error) {
	now := s.Now().UTC()
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("publish: %w", err)
	}
	defer tx.Rollback()
	d, err := datasetBySlug(ctx, tx, p.Slug)
	if err != nil {
		return nil, nil, err
	}
	v, err := scanVersion(tx.QueryRowContext(ctx, versionSelect+` WHERE dataset_id = ? AND number = ?`, d.ID, p.Number))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, Errorf(NotFound, "データセット %s に第%d版はありません", d.Slug, p.Number)
	}
	if err != nil {
		return nil, nil, err
	}
	if d.Status == StatusPublished && d.CurrentVersion == v.Number {
		return nil, nil, Errorf(Conflict, "第%d版はすでに公開中です", v.Number)
	}
	action := AuditRestore
	if v.Published == nil {
		action = AuditPublish
		if _, err := tx.ExecContext(ctx, `UPDATE versions SET published = ? WHERE id = ?`, timeText(now), v.ID); err != nil {
			return nil, nil, fmt.Errorf("publish: %w", err)
		}
		v.Published = &now
	} else if d.Status == StatusWithdrawn && d.CurrentVersion == v.Number {
		action = AuditPublish // the withdrawn version comes back as it was
	}
	if p.Standard != "" {
		d.Standard = p.Standard
	}
	d.Keywords = appendMissing(d.Keywords, p.Tags...)
	d.CurrentVersion, d.Status, d.Modified = v.Number, StatusPublished, now
	if v.BBox != nil {
		d.Spatial = v.BBox
	}
	if err := updateDataset(ctx, tx, d); err != nil {
		return nil, nil, err
	}
	if err := enqueueIndex(ctx, tx, d.Slug, timeText(now)); err != nil {
		return nil, nil, err
	}
	if err := s.audit(ctx, tx, p.By, action, d.Slug, joinDetail(fmt.Sprintf("version=%d", v.Number), p.Detail)); err != nil {
		return nil, nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, nil, fmt.Errorf("publish: %w", err)
	}
	if v.Files, err = s.versionFiles(ctx, v.ID); err != nil {
		return nil, nil, err
	}
	return d, v, nil
}

// Withdraw takes a published dataset off the citizens' pages and the APIs;
// its versions stay, and publishing one brings it back. Errors: NotFound,
// Invalid without a reason, Conflict when it is not published.
func (s *Store) Withdraw(ctx context.Context, slug, reason string, by Actor) (*Dataset, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, Errorf(Invalid, "公開を停止する理由を書いてください")
	}
	now := s.Now().UTC()
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("withdraw: %w", err)
	}
	defer tx.Rollback()
	d, err := datasetBySlug(ctx, tx, slug)
	if err != nil {
		return nil, err
	}
	if d.Status != StatusPublished {
		return nil, Errorf(Conflict, "データセット %s は公開されていません", d.Slug)
	}
	d.Status, d.Modified = StatusWithdrawn, now
	if err := updateDataset(ctx, tx, d); err != nil {
		return nil, err
	}
	if err := enqueueIndex(ctx, tx, d.Slug, timeText(now)); err != nil {
		return nil, err
	}
	if err := s.audit(ctx, tx, by, AuditWithdraw, d.Slug, fmt.Sprintf("version=%d reason=%s", d.CurrentVersion, reason)); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("withdraw: %w", err)
	}
	return d, nil
}

// Metadata is what an editor may change of a dataset by hand; its kind,
// department, id and versions are not among it.
type Metadata struct {
	TitleJA, TitleEN             string
	DescriptionJA, DescriptionEN string
	Keywords, Themes             []string
	License, Frequency           string
	TemporalStart, TemporalEnd   string
	Contact                      Contact
}

// MetadataOf is d's editable metadata.
func MetadataOf(d *Dataset) Metadata {
	return Metadata{TitleJA: d.TitleJA, TitleEN: d.TitleEN, DescriptionJA: d.DescriptionJA, DescriptionEN: d.DescriptionEN,
		Keywords: d.Keywords, Themes: d.Themes, License: d.License, Frequency: d.Frequency,
		TemporalStart: d.TemporalStart, TemporalEnd: d.TemporalEnd, Contact: d.Contact}
}

// changed names the fields that differ between m and o, for the audit log.
func (m Metadata) changed(o Metadata) []string {
	var out []string
	add := func(name string, same bool) {
		if !same {
			out = append(out, name)
		}
	}
	add("title_ja", m.TitleJA == o.TitleJA)
	add("title_en", m.TitleEN == o.TitleEN)
	add("description_ja", m.DescriptionJA == o.DescriptionJA)
	add("description_en", m.DescriptionEN == o.DescriptionEN)
	add("keywords", slices.Equal(m.Keywords, o.Keywords))
	add("themes", slices.Equal(m.Themes, o.Themes))
	add("license", m.License == o.License)
	add("frequency", m.Frequency == o.Frequency)
	add("temporal", m.TemporalStart == o.TemporalStart && m.TemporalEnd == o.TemporalEnd)
	add("contact", m.Contact == o.Contact)
	return out
}

// UpdateMetadata replaces a dataset's editable metadata and records which
// fields changed. Errors: NotFound, Invalid for metadata the catalog
// refuses (no Japanese title, an unknown license or theme, dates that are
// not ISO dates).
func (s *Store) UpdateMetadata(ctx context.Context, slug string, m Metadata, by Actor) (*Dataset, error) {
	for _, t := range []string{m.TemporalStart, m.TemporalEnd} {
		if t != "" && !isoDate(t) {
			return nil, Errorf(Invalid, "期間の日付 %q は 2026-04-01 の形で書いてください", t)
		}
	}
	if m.TemporalStart != "" && m.TemporalEnd != "" && m.TemporalEnd < m.TemporalStart {
		return nil, Errorf(Invalid, "期間の終わりが始まりより前です")
	}
	now := s.Now().UTC()
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("update metadata: %w", err)
	}
	defer tx.Rollback()
	d, err := datasetBySlug(ctx, tx, slug)
	if err != nil {
		return nil, err
	}
	fields := m.changed(MetadataOf(d))
	if len(fields) == 0 {
		return d, nil
	}
	d.TitleJA, d.TitleEN, d.DescriptionJA, d.DescriptionEN = m.TitleJA, m.TitleEN, m.DescriptionJA, m.DescriptionEN
	d.Keywords, d.Themes, d.License, d.Frequency = m.Keywords, m.Themes, m.License, m.Frequency
	d.TemporalStart, d.TemporalEnd, d.Contact = m.TemporalStart, m.TemporalEnd, m.Contact
	if err := d.validate(); err != nil {
		return nil, err
	}
	d.Modified = now
	if err := updateDataset(ctx, tx, d); err != nil {
		return nil, err
	}
	if d.Status == StatusPublished {
		if err := enqueueIndex(ctx, tx, d.Slug, timeText(now)); err != nil {
			return nil, err
		}
	}
	if err := s.audit(ctx, tx, by, AuditMetadata, d.Slug, "fields="+strings.Join(fields, ",")); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("update metadata: %w", err)
	}
	return d, nil
}

// isoDate reports whether s is a YYYY-MM-DD date.
func isoDate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for i, r := range s {
		if i != 4 && i != 7 && (r < '0' || r > '9') {
			return false
		}
	}
	return s[5:7] >= "01" && s[5:7] <= "12" && s[8:10] >= "01" && s[8:10] <= "31"
}

func joinDetail(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " ")
}
