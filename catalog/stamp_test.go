package catalog

import (
	"context"
	"testing"
)

// TestPublicStamp: the stamp moves with what citizens see of the catalog,
// and only with that.
func TestPublicStamp(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	stamp := func() string {
		t.Helper()
		st, err := s.PublicStamp(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	add := func(slug string, publish bool) *Version {
		t.Helper()
		_, v, err := s.AddVersion(ctx, NewVersion{Meta: Dataset{Slug: slug, Kind: KindTable, Department: "bousai",
			TitleJA: "表", License: DefaultLicense}, Publish: publish}, noRecords)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	steps := []struct {
		name    string
		change  func()
		changes bool
	}{
		{"publish a dataset", func() { add("a", true) }, true},
		{"a draft of a new dataset", func() { add("b", false) }, false},
		{"a draft version of a published one", func() { add("a", false) }, false},
		{"a new published version", func() { add("a", true) }, true},
		{"a download measured", func() {
			d, _ := s.DatasetBySlug(ctx, "a")
			v, _ := s.Version(ctx, d.ID, d.CurrentVersion)
			s.PutDistribution(ctx, v.ID, "data.csv", DistributionInfo{Size: 10, SHA256: "x"})
		}, true},
		{"downloads counted", func() {
			d, _ := s.DatasetBySlug(ctx, "a")
			s.AddDownloads(ctx, map[int64]int64{d.ID: 3})
		}, false},
		{"a department renamed", func() { s.PutDepartment(ctx, Department{Code: "bousai", NameJA: "防災課"}) }, true},
	}
	prev := stamp()
	for _, st := range steps {
		st.change()
		now := stamp()
		if (now != prev) != st.changes {
			t.Errorf("%s: stamp %q -> %q, want a change: %v", st.name, prev, now, st.changes)
		}
		prev = now
	}
}
