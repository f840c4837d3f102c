package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func openTest(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	fixed := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return fixed }
	if err := s.PutDepartment(context.Background(), Department{Code: "bousai", NameJA: "防災安全課"}); err != nil {
		t.Fatal(err)
	}
	return s
}

func noRecords(ctx context.Context, tx *sql.Tx, id int64) (VersionStats, error) {
	return VersionStats{Rows: 0, Columns: []Column{{Name: "名称", Type: TypeText}}}, nil
}

func TestOpenAppliesPragmasAndMigrations(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	var mode string
	var fk int
	if err := s.DB.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if err := s.DB.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" || fk != 1 {
		t.Errorf("journal_mode=%s foreign_keys=%d, want wal and 1", mode, fk)
	}
	// Opening again applies nothing twice.
	s2, err := Open(ctx, filepath.Join(filepath.Dir(s.dbPath(t)), "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	s2.Close()
}

func (s *Store) dbPath(t *testing.T) string {
	var seq int
	var name, file string
	if err := s.DB.QueryRow("PRAGMA database_list").Scan(&seq, &name, &file); err != nil {
		t.Fatal(err)
	}
	return file
}

func TestAddVersionCreatesPublishesAndNumbers(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	meta := Dataset{Slug: "hinanjo", TitleJA: "指定緊急避難場所一覧", Kind: KindEvacuation, Department: "bousai",
		License: DefaultLicense, Keywords: []string{"避難所"}, Themes: []string{"JUST"}}
	d, v, err := s.AddVersion(ctx, NewVersion{Meta: meta, Publish: true}, func(ctx context.Context, tx *sql.Tx, id int64) (VersionStats, error) {
		return VersionStats{Rows: 3, HasGeometry: true, BBox: &BBox{139.5, 35.7, 139.6, 35.72},
			Standard: "指定緊急避難場所一覧", Tags: []string{"自治体標準ODS", "指定緊急避難場所一覧"}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if v.Number != 1 || d.CurrentVersion != 1 || d.Status != StatusPublished {
		t.Fatalf("got version %d, current %d, status %s", v.Number, d.CurrentVersion, d.Status)
	}
	got, err := s.DatasetBySlug(ctx, "hinanjo")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"避難所", "自治体標準ODS", "指定緊急避難場所一覧"}, got.Keywords); diff != "" {
		t.Errorf("keywords (-want +got):\n%s", diff)
	}
	if got.Spatial == nil || *got.Spatial != (BBox{139.5, 35.7, 139.6, 35.72}) {
		t.Errorf("spatial = %v", got.Spatial)
	}
	if diff := cmp.Diff([]string{"CSV", "JSON", "GeoJSON"}, got.Formats); diff != "" {
		t.Errorf("formats (-want +got):\n%s", diff)
	}
	// A second upload is version 2; a draft does not move the published pointer.
	_, v2, err := s.AddVersion(ctx, NewVersion{Meta: meta}, noRecords)
	if err != nil {
		t.Fatal(err)
	}
	got, _ = s.DatasetBySlug(ctx, "hinanjo")
	if v2.Number != 2 || got.CurrentVersion != 1 {
		t.Errorf("draft: version %d, current %d; want 2 and 1", v2.Number, got.CurrentVersion)
	}
	vs, err := s.Versions(ctx, got.ID)
	if err != nil || len(vs) != 2 || vs[0].Number != 2 {
		t.Fatalf("versions = %v, %v", vs, err)
	}
}

func TestAddVersionRollsBackWhenFillFails(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	meta := Dataset{Slug: "shisetsu", TitleJA: "公共施設一覧", Kind: KindFacility, Department: "bousai", License: DefaultLicense}
	boom := errors.New("boom")
	_, _, err := s.AddVersion(ctx, NewVersion{Meta: meta, Files: []VersionFile{{Name: "a.csv", SHA256: "x", MediaType: "text/csv", Role: "data"}}},
		func(ctx context.Context, tx *sql.Tx, id int64) (VersionStats, error) { return VersionStats{}, boom })
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if _, err := s.DatasetBySlug(ctx, "shisetsu"); KindOf(err) != NotFound {
		t.Errorf("dataset exists after a failed fill: %v", err)
	}
	var n int
	s.DB.QueryRow("SELECT count(*) FROM versions").Scan(&n)
	if n != 0 {
		t.Errorf("%d versions left behind", n)
	}
}

func TestAddVersionRefusesBadMetadata(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	good := Dataset{Slug: "ok", TitleJA: "題", Kind: KindTable, Department: "bousai", License: DefaultLicense}
	tests := []struct {
		name   string
		change func(d *Dataset)
		kind   ErrorKind
	}{
		{"upper-case slug", func(d *Dataset) { d.Slug = "Bad" }, Invalid},
		{"japanese slug", func(d *Dataset) { d.Slug = "避難所" }, Invalid},
		{"no title", func(d *Dataset) { d.TitleJA = " " }, Invalid},
		{"unknown kind", func(d *Dataset) { d.Kind = "museum" }, Invalid},
		{"unknown license", func(d *Dataset) { d.License = "GPL" }, Invalid},
		{"unknown theme", func(d *Dataset) { d.Themes = []string{"XXXX"} }, Invalid},
		{"unknown department", func(d *Dataset) { d.Department = "nope" }, Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := good
			tt.change(&d)
			_, _, err := s.AddVersion(ctx, NewVersion{Meta: d}, noRecords)
			if KindOf(err) != tt.kind {
				t.Errorf("err = %v (kind %d), want kind %d", err, KindOf(err), tt.kind)
			}
		})
	}
	// A slug taken by another kind is a conflict.
	if _, _, err := s.AddVersion(ctx, NewVersion{Meta: good}, noRecords); err != nil {
		t.Fatal(err)
	}
	other := good
	other.Kind = KindFacility
	if _, _, err := s.AddVersion(ctx, NewVersion{Meta: other}, noRecords); KindOf(err) != Conflict {
		t.Errorf("err = %v, want conflict", err)
	}
}

func TestFindDatasetsFiltersFacetsAndPages(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	if err := s.PutDepartment(ctx, Department{Code: "kouhou", NameJA: "秘書広報課"}); err != nil {
		t.Fatal(err)
	}
	add := func(slug, title string, kind Kind, dept string, kw []string, publish bool) {
		t.Helper()
		meta := Dataset{Slug: slug, TitleJA: title, Kind: kind, Department: dept, License: DefaultLicense, Keywords: kw}
		if _, _, err := s.AddVersion(ctx, NewVersion{Meta: meta, Publish: publish}, noRecords); err != nil {
			t.Fatal(err)
		}
	}
	add("hinanjo", "指定緊急避難場所一覧", KindEvacuation, "bousai", []string{"避難所", "防災"}, true)
	add("aed", "ＡＥＤ設置場所", KindTable, "bousai", []string{"防災"}, true)
	add("photos", "写真アーカイブ", KindPhoto, "kouhou", nil, true)
	add("draft", "下書きのデータ", KindTable, "kouhou", nil, false)

	tests := []struct {
		name  string
		f     Filter
		want  []string
		total int
	}{
		{"all published, by title", Filter{Sort: "title"}, []string{"aed", "photos", "hinanjo"}, 3},
		{"kind", Filter{Kind: KindEvacuation}, []string{"hinanjo"}, 1},
		{"department", Filter{Department: "kouhou"}, []string{"photos"}, 1},
		{"tag", Filter{Tag: "防災", Sort: "title"}, []string{"aed", "hinanjo"}, 2},
		{"half-width query finds full-width title", Filter{Q: "aed"}, []string{"aed"}, 1},
		{"all words must match", Filter{Q: "避難 一覧"}, []string{"hinanjo"}, 1},
		{"hiragana query finds katakana title", Filter{Q: "あーかいぶ"}, []string{"photos"}, 1},
		{"paging", Filter{Sort: "title", Limit: 1, Offset: 1}, []string{"photos"}, 3},
		{"format", Filter{Format: "jpeg"}, []string{"photos"}, 1},
		{"drafts only with status", Filter{Status: StatusDraft}, []string{"draft"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total, _, err := s.FindDatasets(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var slugs []string
			for _, d := range got {
				slugs = append(slugs, d.Slug)
			}
			if diff := cmp.Diff(tt.want, slugs); diff != "" || total != tt.total {
				t.Errorf("total %d (want %d); slugs (-want +got):\n%s", total, tt.total, diff)
			}
		})
	}
	_, _, facets, err := s.FindDatasets(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if facets["department"]["bousai"] != 2 || facets["kind"]["photo"] != 1 || facets["tag"]["防災"] != 2 {
		t.Errorf("facets = %v", facets)
	}
	if _, _, _, err := s.FindDatasets(ctx, Filter{Sort: "name; DROP TABLE datasets"}); KindOf(err) != Invalid {
		t.Errorf("unknown sort: err = %v", err)
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{"ヒナンジョ": "ひなんじょ", "ＡＥＤ": "aed", "ｶﾀｶﾅ": "かたかな", "１２３": "123"} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDraftDoesNotChangePublicStandardOrKeywords(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	meta := Dataset{Slug: "hinanjo", TitleJA: "避難所", Kind: KindTable, Department: "bousai", License: DefaultLicense,
		Keywords: []string{"避難所"}}
	stats := func(standard string, tags ...string) FillFunc {
		return func(ctx context.Context, tx *sql.Tx, id int64) (VersionStats, error) {
			return VersionStats{Standard: standard, Tags: tags}, nil
		}
	}
	check := func(step, standard string, keywords []string) {
		t.Helper()
		d, err := s.DatasetBySlug(ctx, "hinanjo")
		if err != nil {
			t.Fatal(err)
		}
		if d.Standard != standard {
			t.Errorf("%s: standard %q, want %q", step, d.Standard, standard)
		}
		if diff := cmp.Diff(keywords, d.Keywords); diff != "" {
			t.Errorf("%s: keywords (-want +got):\n%s", step, diff)
		}
	}
	if _, _, err := s.AddVersion(ctx, NewVersion{Meta: meta, Publish: true}, stats("指定避難所一覧", "指定避難所一覧")); err != nil {
		t.Fatal(err)
	}
	check("published", "指定避難所一覧", []string{"避難所", "指定避難所一覧"})
	if _, _, err := s.AddVersion(ctx, NewVersion{Meta: meta}, stats("公共施設一覧", "公共施設一覧")); err != nil {
		t.Fatal(err)
	}
	check("after a draft", "指定避難所一覧", []string{"避難所", "指定避難所一覧"})
	if _, _, err := s.AddVersion(ctx, NewVersion{Meta: meta, Publish: true}, stats("公共施設一覧", "公共施設一覧")); err != nil {
		t.Fatal(err)
	}
	check("published again", "公共施設一覧", []string{"避難所", "指定避難所一覧", "公共施設一覧"})
}

func TestFilesOpen(t *testing.T) {
	fs := &Files{Dir: t.TempDir()}
	sum, _, err := fs.Put(strings.NewReader("名称\n図書館\n"), 0)
	if err != nil {
		t.Fatal(err)
	}
	f, err := fs.Open(sum)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	tests := []struct {
		name string
		sum  string
		kind ErrorKind
	}{
		{"malformed", "../../etc/passwd", NotFound},
		{"upper-case hex", strings.ToUpper(sum), NotFound},
		// The catalog names it, but the bytes are gone: data loss, not a bad request.
		{"missing on disk", strings.Repeat("ab", 32), Internal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := fs.Open(tt.sum)
			if err == nil || KindOf(err) != tt.kind {
				t.Errorf("err = %v (kind %d), want kind %d", err, KindOf(err), tt.kind)
			}
		})
	}
}

// TestOpenInAnyFolder opens databases in folders whose names mean something
// in a URI: the file must land where asked, with the pragmas applied.
func TestOpenInAnyFolder(t *testing.T) {
	for _, name := range []string{"data#1", "what?data", "100%", "市 データ"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), name)
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "portal.db")
			s, err := Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			var fk int
			if err := s.DB.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil {
				t.Fatal(err)
			}
			if fk != 1 {
				t.Errorf("foreign_keys = %d: the DSN's pragmas were lost", fk)
			}
			if got := s.dbPath(t); got != path {
				t.Errorf("database at %q, want %q", got, path)
			}
			if _, err := os.Stat(path); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestPublishingQueuesIndexWork(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	meta := Dataset{Slug: "q", TitleJA: "題", Kind: KindTable, Department: "bousai", License: DefaultLicense}
	if _, _, err := s.AddVersion(ctx, NewVersion{Meta: meta}, noRecords); err != nil {
		t.Fatal(err)
	}
	if items, _ := s.PendingIndex(ctx); len(items) != 0 {
		t.Errorf("a draft queued index work: %v", items)
	}
	for range 2 {
		if _, _, err := s.AddVersion(ctx, NewVersion{Meta: meta, Publish: true}, noRecords); err != nil {
			t.Fatal(err)
		}
	}
	items, err := s.PendingIndex(ctx)
	if err != nil || len(items) != 2 || items[0].Slug != "q" {
		t.Fatalf("outbox = %v, %v", items, err)
	}
	if err := s.DoneIndex(ctx, "q", items[1].ID); err != nil {
		t.Fatal(err)
	}
	if items, _ := s.PendingIndex(ctx); len(items) != 0 {
		t.Errorf("outbox after done = %v", items)
	}
	slugs, err := s.PublishedSlugs(ctx)
	if err != nil || len(slugs) != 1 || slugs[0] != "q" {
		t.Errorf("published = %v, %v", slugs, err)
	}
}

// TestCurrentVersionsMatchesOneByOne: the batch loader returns what
// Version and Distributions return dataset by dataset, across batches, and
// leaves out datasets with nothing published.
func TestCurrentVersionsMatchesOneByOne(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	var all []*Dataset
	for i := range maxBatch + 3 {
		meta := Dataset{Slug: fmt.Sprintf("d%d", i), TitleJA: fmt.Sprintf("データ%d", i), Kind: KindTable, Department: "bousai", License: DefaultLicense}
		files := []VersionFile{{Name: "a.csv", SHA256: fmt.Sprintf("%064d", i), Size: int64(i), MediaType: "text/csv", Role: "data"},
			{Name: "b.csv", SHA256: fmt.Sprintf("%064d", i+1), Size: 1, MediaType: "text/csv", Role: "data"}}
		d, v, err := s.AddVersion(ctx, NewVersion{Meta: meta, Files: files, Publish: i%7 != 0}, noRecords)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.PutDistribution(ctx, v.ID, "data.csv", DistributionInfo{Size: int64(i), SHA256: "x"}); err != nil {
			t.Fatal(err)
		}
		if i%5 == 0 { // a newer draft must not be taken for the current version
			if _, _, err := s.AddVersion(ctx, NewVersion{Meta: meta}, noRecords); err != nil {
				t.Fatal(err)
			}
		}
		if d, err = s.DatasetBySlug(ctx, d.Slug); err != nil {
			t.Fatal(err)
		}
		all = append(all, d)
	}
	versions, known, err := s.CurrentVersions(ctx, all)
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range all {
		if i%7 == 0 {
			if versions[d.ID] != nil {
				t.Errorf("%s: unpublished, yet %v", d.Slug, versions[d.ID])
			}
			continue
		}
		want, err := s.Version(ctx, d.ID, d.CurrentVersion)
		if err != nil {
			t.Fatal(err)
		}
		wantKnown, err := s.Distributions(ctx, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, versions[d.ID]); diff != "" {
			t.Errorf("%s: version (-one by one +batch):\n%s", d.Slug, diff)
		}
		if diff := cmp.Diff(wantKnown, known[d.ID]); diff != "" {
			t.Errorf("%s: downloads (-one by one +batch):\n%s", d.Slug, diff)
		}
	}
}
