package search

import (
	"slices"
	"testing"
)

func TestParseSynonyms(t *testing.T) {
	s := parseSynonyms("# comment\n避難所, 避難場所 ,シェルター,evacuation site\n\n公民館,コミュニティセンター\nひとつ\n公民館,集会所\n", nil)
	if g := s.lookup(fold("シェルター"), false); !slices.Equal(g, []string{"避難所", "避難場所", "シェルター", "evacuation site"}) {
		t.Errorf("シェルター: %v", g)
	}
	if g := s.lookup(fold("しぇるたー"), false); g == nil {
		t.Error("lookup does not fold kana")
	}
	if g := s.lookup("公民館", false); !slices.Equal(g, []string{"公民館", "コミュニティセンター", "集会所"}) {
		t.Errorf("groups sharing a word are not merged: %v", g)
	}
	if g := s.lookup("ひとつ", false); g != nil {
		t.Errorf("a group of one: %v", g)
	}
	if s.maxWords != 2 {
		t.Errorf("maxWords %d", s.maxWords)
	}
}

func TestEmbeddedSynonyms(t *testing.T) {
	if err := registerAnalyzers(); err != nil {
		t.Fatal(err)
	}
	s := loadSynonyms()
	tests := []struct {
		word      string
		byReading bool
		has       string
	}{
		{"避難所", false, "シェルター"},
		{"ＡＥＤ", false, "自動体外式除細動器"},
		{"こうみんかん", true, "コミュニティセンター"}, // by reading
		{"非難所", true, "避難場所"},          // a misconversion reads the same
		{"city hall", false, "市役所"},
	}
	for _, tt := range tests {
		if g := s.lookup(fold(tt.word), tt.byReading); !slices.Contains(g, tt.has) {
			t.Errorf("lookup(%s) = %v, want %s in it", tt.word, g, tt.has)
		}
	}
	if g := s.lookup("こうみんかん", false); g != nil {
		t.Errorf("lookup by reading when not asked: %v", g)
	}
	if g := s.nearest("libary"); !slices.Contains(g, "図書館") {
		t.Errorf("nearest(libary) = %v", g)
	}
	if g := s.nearest("evacuaton"); !slices.Contains(g, "避難所") {
		t.Errorf("nearest(evacuaton) = %v", g)
	}
	if g := s.nearest("parks"); !slices.Contains(g, "公園") {
		t.Errorf("nearest(parks) = %v", g)
	}
	if g := s.nearest("parc"); g != nil {
		t.Errorf("nearest of a short word: %v", g)
	}
	if got := s.inWords("桜祭り", 6); !slices.Contains(got, "桜まつり") {
		t.Errorf("inWords(桜祭り) = %v", got)
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b  string
		limit int
		want  int
	}{
		{"library", "libary", 2, 1},
		{"evacuation", "evacuaton", 2, 1},
		{"kitten", "sitting", 3, 3},
		{"kitten", "sitting", 1, 2},
		{"", "abc", 5, 3},
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b, tt.limit); got != tt.want {
			t.Errorf("editDistance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.limit, got, tt.want)
		}
	}
}
