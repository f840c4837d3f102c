package datasets

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/machi-opendata/portal/catalog"
)

func importDraft(t *testing.T, im *Importer, slug, csv string) *ImportResult {
	t.Helper()
	res, err := im.Import(context.Background(), ImportRequest{Slug: slug, Kind: catalog.KindTable, Department: "bousai",
		Actor: "clerk", Address: "192.0.2.7", Files: []File{{Name: slug + ".csv", Data: strings.NewReader(csv)}}})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func auditActions(t *testing.T, im *Importer, slug string) []string {
	t.Helper()
	entries, _, err := im.Store.AuditLog(context.Background(), catalog.AuditFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(entries) - 1; i >= 0; i-- { // oldest first
		if e := entries[i]; e.Target == slug {
			out = append(out, e.Action)
		}
	}
	return out
}

func TestPublishDraftWithdrawAndRestore(t *testing.T) {
	ctx := context.Background()
	im := testImporter(t)
	by := catalog.Actor{Login: "clerk", Address: "192.0.2.7"}
	importDraft(t, im, "parks", "ID,名称,面積\r\n1,中央公園,1200\r\n2,北公園,800\r\n")
	d, err := im.Store.DatasetBySlug(ctx, "parks")
	if err != nil || d.Status != catalog.StatusDraft || d.CurrentVersion != 0 {
		t.Fatalf("after a draft upload: %+v %v", d, err)
	}
	pub, err := im.Publish(ctx, PublishRequest{Slug: "parks", Number: 1, By: by})
	if err != nil {
		t.Fatal(err)
	}
	if pub.Dataset.Status != catalog.StatusPublished || pub.Dataset.CurrentVersion != 1 || pub.Version.Published == nil {
		t.Fatalf("published: %+v", pub.Dataset)
	}
	if _, err := im.Publish(ctx, PublishRequest{Slug: "parks", Number: 1, By: by}); catalog.KindOf(err) != catalog.Conflict {
		t.Fatalf("publishing the published version again: %v", err)
	}
	// A second version, published at once, then the first restored.
	if _, err := im.Import(ctx, ImportRequest{Slug: "parks", Kind: catalog.KindTable, Department: "bousai", Publish: true, Actor: "clerk",
		Files: []File{{Name: "parks.csv", Data: strings.NewReader("ID,名称,面積\r\n1,中央公園,1300\r\n3,南公園,500\r\n")}}}); err != nil {
		t.Fatal(err)
	}
	if pub, err = im.Publish(ctx, PublishRequest{Slug: "parks", Number: 1, By: by}); err != nil {
		t.Fatal(err)
	}
	if pub.Dataset.CurrentVersion != 1 {
		t.Fatalf("restored: current version %d", pub.Dataset.CurrentVersion)
	}
	if _, err := im.Store.Withdraw(ctx, "parks", "", by); catalog.KindOf(err) != catalog.Invalid {
		t.Fatalf("withdraw without a reason: %v", err)
	}
	if d, err = im.Store.Withdraw(ctx, "parks", "住所の誤り", by); err != nil || d.Status != catalog.StatusWithdrawn {
		t.Fatalf("withdraw: %+v %v", d, err)
	}
	if _, err := im.Store.Withdraw(ctx, "parks", "二度目", by); catalog.KindOf(err) != catalog.Conflict {
		t.Fatalf("withdrawing a withdrawn dataset: %v", err)
	}
	// Withdrawn, it keeps its versions and comes back by publishing one.
	vs, err := im.Store.Versions(ctx, d.ID)
	if err != nil || len(vs) != 2 {
		t.Fatalf("versions after withdrawal: %d %v", len(vs), err)
	}
	if pub, err = im.Publish(ctx, PublishRequest{Slug: "parks", Number: 1, By: by}); err != nil || pub.Dataset.Status != catalog.StatusPublished {
		t.Fatalf("republish: %v", err)
	}
	if _, err := im.Publish(ctx, PublishRequest{Slug: "parks", Number: 9, By: by}); catalog.KindOf(err) != catalog.NotFound {
		t.Fatalf("unknown version: %v", err)
	}
	got := strings.Join(auditActions(t, im, "parks"), " ")
	want := "dataset.upload dataset.publish dataset.upload dataset.publish dataset.restore dataset.withdraw dataset.publish"
	if got != want {
		t.Fatalf("audit trail:\n got %s\nwant %s", got, want)
	}
}

func TestPublishDraftRunsTheGuard(t *testing.T) {
	ctx := context.Background()
	im := testImporter(t)
	// A table of people with a valid My Number (check digit 8).
	importDraft(t, im, "people", "氏名,個人番号\r\n山田太郎,123456789018\r\n")
	_, err := im.Publish(ctx, PublishRequest{Slug: "people", Number: 1, By: catalog.Actor{Login: "clerk"}})
	var pe *PIIError
	if catalog.KindOf(err) != catalog.Invalid || !errors.As(err, &pe) || len(pe.Findings) == 0 {
		t.Fatalf("publishing personal data: %v", err)
	}
	d, _ := im.Store.DatasetBySlug(ctx, "people")
	if d.Status != catalog.StatusDraft {
		t.Fatalf("refused publish changed the status to %s", d.Status)
	}
	pub, err := im.Publish(ctx, PublishRequest{Slug: "people", Number: 1, By: catalog.Actor{Login: "admin"}, Override: "架空のテストデータ"})
	if err != nil || pub.Dataset.Status != catalog.StatusPublished {
		t.Fatalf("override: %v", err)
	}
	got := strings.Join(auditActions(t, im, "people"), " ")
	if got != "dataset.upload dataset.publish pii.override" {
		t.Fatalf("audit trail: %s", got)
	}
}

func TestUpdateMetadata(t *testing.T) {
	ctx := context.Background()
	im := testImporter(t)
	importDraft(t, im, "parks", "ID,名称\r\n1,中央公園\r\n")
	d, _ := im.Store.DatasetBySlug(ctx, "parks")
	m := catalog.MetadataOf(d)
	m.TitleJA, m.TitleEN, m.Keywords, m.Themes = "公園一覧", "Parks", []string{"公園"}, []string{"ENVI"}
	d, err := im.Store.UpdateMetadata(ctx, "parks", m, catalog.Actor{Login: "clerk"})
	if err != nil || d.TitleJA != "公園一覧" || d.TitleEN != "Parks" {
		t.Fatalf("update: %+v %v", d, err)
	}
	for _, bad := range []func(*catalog.Metadata){
		func(m *catalog.Metadata) { m.TitleJA = " " },
		func(m *catalog.Metadata) { m.License = "all-rights-reserved" },
		func(m *catalog.Metadata) { m.Themes = []string{"NOPE"} },
		func(m *catalog.Metadata) { m.TemporalStart = "令和8年" },
		func(m *catalog.Metadata) { m.TemporalStart, m.TemporalEnd = "2026-04-01", "2025-04-01" },
	} {
		b := catalog.MetadataOf(d)
		bad(&b)
		if _, err := im.Store.UpdateMetadata(ctx, "parks", b, catalog.Actor{Login: "clerk"}); catalog.KindOf(err) != catalog.Invalid {
			t.Errorf("%+v: %v, want Invalid", b, err)
		}
	}
	if d2, _ := im.Store.DatasetBySlug(ctx, "parks"); d2.TitleJA != "公園一覧" {
		t.Fatalf("a refused edit changed the title to %q", d2.TitleJA)
	}
	entries, _, _ := im.Store.AuditLog(ctx, catalog.AuditFilter{Action: catalog.AuditMetadata})
	if len(entries) != 1 || !strings.Contains(entries[0].Detail, "title_ja") || !strings.Contains(entries[0].Detail, "themes") {
		t.Fatalf("audit: %+v", entries)
	}
}

func TestDiffVersions(t *testing.T) {
	ctx := context.Background()
	im := testImporter(t)
	importDraft(t, im, "parks", "ID,名称,面積\r\n1,中央公園,1200\r\n2,北公園,800\r\n4,東公園,300\r\n")
	importDraft(t, im, "parks", "ID,名称,面積,備考\r\n1,中央公園,1300,\r\n3,南公園,500,新設\r\n4,東公園,300,\r\n")
	d, _ := im.Store.DatasetBySlug(ctx, "parks")
	a, _ := im.Store.Version(ctx, d.ID, 1)
	b, _ := im.Store.Version(ctx, d.ID, 2)
	rs := &Records{DB: im.Store.DB}
	diff, err := rs.DiffVersions(ctx, a, b, 10)
	if err != nil {
		t.Fatal(err)
	}
	if diff.Key != "ID" || diff.Added != 1 || diff.Removed != 1 || diff.Changed != 1 || diff.Unchanged != 1 {
		t.Fatalf("diff: %+v", diff)
	}
	if len(diff.ColumnsAdded) != 1 || diff.ColumnsAdded[0] != "備考" {
		t.Fatalf("columns added: %v", diff.ColumnsAdded)
	}
	for _, r := range diff.Rows {
		if r.Change == "changed" && (r.Key != "1" || strings.Join(r.Columns, ",") != "面積") {
			t.Errorf("changed row: %+v", r)
		}
		if r.Change == "removed" && r.Old["名称"] != "北公園" {
			t.Errorf("removed row: %+v", r)
		}
	}
	// Without an ID column, rows are matched by content.
	importDraft(t, im, "names", "名称\r\nA\r\nB\r\nB\r\n")
	importDraft(t, im, "names", "名称\r\nB\r\nC\r\n")
	d, _ = im.Store.DatasetBySlug(ctx, "names")
	a, _ = im.Store.Version(ctx, d.ID, 1)
	b, _ = im.Store.Version(ctx, d.ID, 2)
	if diff, err = rs.DiffVersions(ctx, a, b, 1); err != nil {
		t.Fatal(err)
	}
	if diff.Key != "" || diff.Added != 1 || diff.Removed != 2 || diff.Unchanged != 1 || len(diff.Rows) != 1 {
		t.Fatalf("by content: %+v", diff)
	}
}
