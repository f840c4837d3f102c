package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLayerDefinitions(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	by := Actor{Login: "admin", Address: "192.0.2.1"}
	def := json.RawMessage(`{"name":"shisetsu","fields":[{"name":"name"}],"sources":[{"dataset":"a","mapping":{"name":"名称"}}]}`)
	if _, err := s.LayerDefinition(ctx, "shisetsu"); KindOf(err) != NotFound {
		t.Fatalf("before: %v, want NotFound", err)
	}
	tests := []struct {
		name string
		d    LayerDefinition
		want ErrorKind
	}{
		{"bad slug", LayerDefinition{Slug: "施設", Title: "施設", Definition: def}, Invalid},
		{"no title", LayerDefinition{Slug: "shisetsu", Title: " ", Definition: def}, Invalid},
		{"not an object", LayerDefinition{Slug: "shisetsu", Title: "施設", Definition: json.RawMessage(`[1]`)}, Invalid},
		{"a dataset's slug", LayerDefinition{Slug: "taken", Title: "施設", Definition: def}, Conflict},
	}
	_, _, err := s.AddVersion(ctx, NewVersion{Meta: Dataset{Slug: "taken", TitleJA: "t", Kind: KindLayer, Department: "bousai",
		License: DefaultLicense}}, noRecords)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.d
			if err := s.PutLayerDefinition(ctx, by, &d); KindOf(err) != tt.want {
				t.Errorf("err %v, want kind %v", err, tt.want)
			}
		})
	}
	for _, title := range []string{"施設", "施設・避難所"} {
		if err := s.PutLayerDefinition(ctx, by, &LayerDefinition{Slug: "shisetsu", Title: title, Definition: def}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.LayerDefinition(ctx, "shisetsu")
	if err != nil {
		t.Fatal(err)
	}
	want := &LayerDefinition{Slug: "shisetsu", Title: "施設・避難所", Definition: def, Updated: s.Now().UTC(), Actor: "admin"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("definition (-want +got):\n%s", d)
	}
	all, err := s.LayerDefinitions(ctx)
	if err != nil || len(all) != 1 {
		t.Errorf("list: %d, %v", len(all), err)
	}
	log, _, err := s.AuditLog(ctx, AuditFilter{Action: AuditLayerDefine})
	if err != nil || len(log) != 2 || log[0].Target != "shisetsu" || log[0].Address != "192.0.2.1" {
		t.Errorf("audit %+v, %v", log, err)
	}
}

func TestLayerSource(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	src := LayerSource{Format: "shapefile", EPSG: 6677, CRSName: "JGD2011 / Japan Plane Rectangular CS IX", CRSFrom: "detected",
		Encoding: "CP932", Members: []string{"a/a.shp", "a/a.dbf"}}
	_, v, err := s.AddVersion(ctx, NewVersion{Meta: Dataset{Slug: "roads", TitleJA: "道路", Kind: KindLayer, Department: "bousai",
		License: DefaultLicense}}, func(ctx context.Context, tx *sql.Tx, id int64) (VersionStats, error) {
		return VersionStats{}, PutLayerSource(ctx, tx, id, src)
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.LayerSource(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(&src, got); d != "" {
		t.Errorf("source (-want +got):\n%s", d)
	}
	if _, err := s.LayerSource(ctx, v.ID+1); KindOf(err) != NotFound {
		t.Errorf("other version: %v", err)
	}
}
