package geo

import (
	"errors"
	"strings"
	"testing"
)

func TestParseMergeDef(t *testing.T) {
	const good = `{
  "name": "shisetsu-hinanjo", "title": "施設・避難所",
  "fields": [{"name": "name"}, {"name": "id"}],
  "sources": [
    {"dataset": "a", "mapping": {"name": "名称", "id": ["ID", "番号"]}},
    {"dataset": "b", "mapping": {"name": ["施設名", "NAME"]}}
  ],
  "precedence": ["b", "a"],
  "conflation": {"name_field": "name", "min_similarity": 0.8, "max_distance_m": 150, "ignore": ["(避難所)"]},
  "boundary": {"mode": "clip", "dataset": "boundary"}
}`
	def, err := ParseMergeDef(strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if got := def.Sources[0].Mapping["id"]; len(got) != 2 || got[1] != "番号" {
		t.Errorf("mapping id = %q", got)
	}
	if got := def.Sources[0].Mapping["name"]; len(got) != 1 || got[0] != "名称" {
		t.Errorf("mapping name = %q", got)
	}

	tests := []struct {
		name, json, field string
	}{
		{"not JSON", `{"name": `, ""},
		{"unknown member", `{"name": "x", "precedance": []}`, "precedance"},
		{"wrong type", `{"name": 3}`, "name"},
		{"no name", `{"fields": [{"name": "a"}], "sources": [{"dataset": "a", "mapping": {"a": "b"}}]}`, "name"},
		{"no fields", `{"name": "x", "sources": [{"dataset": "a", "mapping": {"a": "b"}}]}`, "fields"},
		{"duplicate field", `{"name": "x", "fields": [{"name": "a"}, {"name": "a"}], "sources": [{"dataset": "a", "mapping": {"a": "b"}}]}`, "fields[1].name"},
		{"no sources", `{"name": "x", "fields": [{"name": "a"}]}`, "sources"},
		{"source without dataset", `{"name": "x", "fields": [{"name": "a"}], "sources": [{"mapping": {"a": "b"}}]}`, "sources[0].dataset"},
		{"mapping to unknown field", `{"name": "x", "fields": [{"name": "a"}], "sources": [{"dataset": "d", "mapping": {"z": "b"}}]}`, "sources[0].mapping.z"},
		{"mapping not names", `{"name": "x", "fields": [{"name": "a"}], "sources": [{"dataset": "d", "mapping": {"a": 1}}]}`, "sources[].mapping"},
		{"empty mapping name", `{"name": "x", "fields": [{"name": "a"}], "sources": [{"dataset": "d", "mapping": {"a": [""]}}]}`, "sources[0].mapping.a"},
		{"precedence unknown", `{"name": "x", "fields": [{"name": "a"}], "sources": [{"dataset": "d", "mapping": {"a": "b"}}], "precedence": ["e"]}`, "precedence[0]"},
		{"conflation incomplete", `{"name": "x", "fields": [{"name": "a"}], "sources": [{"dataset": "d", "mapping": {"a": "b"}}], "conflation": {"name_field": "a", "min_similarity": 0.8}}`, "conflation.max_distance_m"},
		{"similarity out of range", `{"name": "x", "fields": [{"name": "a"}], "sources": [{"dataset": "d", "mapping": {"a": "b"}}], "conflation": {"name_field": "a", "min_similarity": 1.5, "max_distance_m": 10}}`, "conflation.min_similarity"},
		{"id field unknown", `{"name": "x", "fields": [{"name": "a"}], "sources": [{"dataset": "d", "mapping": {"a": "b"}}], "conflation": {"id_field": "q"}}`, "conflation.id_field"},
		{"boundary mode", `{"name": "x", "fields": [{"name": "a"}], "sources": [{"dataset": "d", "mapping": {"a": "b"}}], "boundary": {"mode": "cut"}}`, "boundary.mode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseMergeDef(strings.NewReader(tt.json))
			var de *DefinitionError
			if !errors.As(err, &de) || !errors.Is(err, ErrInvalidDefinition) {
				t.Fatalf("err = %v, want a *DefinitionError", err)
			}
			if de.Field != tt.field {
				t.Errorf("field = %q, want %q (%v)", de.Field, tt.field, err)
			}
		})
	}
}

func TestMergeDefUses(t *testing.T) {
	def := MergeDef{Sources: []SourceDef{{Dataset: "a"}, {Dataset: "b"}}, Boundary: &BoundaryDef{Mode: BoundaryClip, Dataset: "city"}}
	for ds, want := range map[string]bool{"a": true, "b": true, "city": true, "c": false} {
		if got := def.Uses(ds); got != want {
			t.Errorf("Uses(%q) = %v, want %v", ds, got, want)
		}
	}
}
