package search

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// smallDocs are two datasets and three records.
func smallDocs() []Doc {
	mod := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	return []Doc{
		{ID: "dataset:parks", Type: "dataset", Dataset: "parks", Title: "公園一覧", Text: "市内の公園", Kind: "facility",
			Department: "midori", License: "CC-BY-4.0", Themes: []string{"ENVI"}, Keywords: []string{"公園"}, Formats: []string{"CSV"}, Modified: mod},
		{ID: "record:parks:1", Type: "facility", Dataset: "parks", Row: 1, Title: "けやき公園", Text: "本町三丁目", Kind: "facility", Modified: mod},
		{ID: "record:parks:2", Type: "facility", Dataset: "parks", Row: 2, Title: "桜台公園", Text: "桜の名所", Kind: "facility", Modified: mod},
		{ID: "dataset:aed", Type: "dataset", Dataset: "aed", Title: "AED設置箇所一覧", Text: "AEDの場所", Kind: "table",
			Department: "kenkou", License: "CC0-1.0", Modified: mod.AddDate(0, 1, 0)},
		{ID: "record:aed:1", Type: "record", Dataset: "aed", Row: 1, Title: "市役所", Context: "AED設置箇所一覧", Kind: "table", Modified: mod},
	}
}

func count(t *testing.T, ix *Index) uint64 {
	t.Helper()
	n, err := ix.Count()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestOpenMissingThenReopen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "index")
	ix, err := Open(dir)
	if !errors.Is(err, ErrRebuild) {
		t.Fatalf("Open of a missing index: %v, want ErrRebuild", err)
	}
	if err := ix.Put(smallDocs()...); err != nil {
		t.Fatal(err)
	}
	// Filled but not marked complete (a rebuild killed before its end):
	// the next Open does not trust it.
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if ix, err = Open(dir); !errors.Is(err, ErrRebuild) {
		t.Fatalf("reopen of an unfinished index: %v, want ErrRebuild", err)
	}
	if n := count(t, ix); n != 0 {
		t.Fatalf("an unfinished index was kept: %d documents", n)
	}
	if err := ix.Put(smallDocs()...); err != nil {
		t.Fatal(err)
	}
	if err := ix.MarkComplete(); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(dir)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer ix.Close()
	if n := count(t, ix); n != 5 {
		t.Errorf("%d documents after reopening, want 5", n)
	}
}

func TestOpenRebuilds(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(t *testing.T, dir string)
		aside   bool // the directory was not an index and is kept aside
	}{
		{"corrupt meta", func(t *testing.T, dir string) {
			mkdir(t, dir)
			write(t, filepath.Join(dir, "index_meta.json"), "{not json")
		}, false},
		{"corrupt store", func(t *testing.T, dir string) {
			mkdir(t, dir)
			write(t, filepath.Join(dir, "index_meta.json"), `{"storage":"scorch","index_type":"scorch"}`)
			mkdir(t, filepath.Join(dir, "store"))
			write(t, filepath.Join(dir, "store", "root.bolt"), "garbage garbage garbage")
		}, false},
		{"not an index", func(t *testing.T, dir string) {
			mkdir(t, dir)
			write(t, filepath.Join(dir, "notes.txt"), "keep me")
		}, true},
		{"empty directory", func(t *testing.T, dir string) { mkdir(t, dir) }, false},
		{"older mapping version", func(t *testing.T, dir string) {
			stamped(t, dir, keyVersion, "0")
		}, false},
		{"other variant", func(t *testing.T, dir string) {
			stamped(t, dir, keyVariant, "bigram")
		}, false},
		{"other synonyms", func(t *testing.T, dir string) {
			stamped(t, dir, keySynonyms, "0123456789abcdef")
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "index")
			tt.prepare(t, dir)
			ix, err := Open(dir)
			if !errors.Is(err, ErrRebuild) {
				t.Fatalf("Open: %v, want ErrRebuild", err)
			}
			defer ix.Close()
			if n := count(t, ix); n != 0 {
				t.Errorf("rebuilt index has %d documents", n)
			}
			if err := ix.Put(smallDocs()...); err != nil {
				t.Fatalf("rebuilt index is not usable: %v", err)
			}
			res, err := ix.Search(context.Background(), Query{Q: "公園"})
			if err != nil || res.Total == 0 {
				t.Errorf("search in the rebuilt index: %v, %+v", err, res)
			}
			aside, _ := filepath.Glob(dir + ".invalid-*")
			if tt.aside != (len(aside) == 1) {
				t.Errorf("moved aside: %v, want %v", aside, tt.aside)
			}
			if tt.aside {
				if b, err := os.ReadFile(filepath.Join(aside[0], "notes.txt")); err != nil || string(b) != "keep me" {
					t.Errorf("what was there is lost: %v", err)
				}
			}
		})
	}
}

// stamped creates an index in dir with the small documents and then
// overwrites one of its metadata keys.
func stamped(t *testing.T, dir string, key []byte, value string) {
	t.Helper()
	ix, err := Open(dir)
	if !errors.Is(err, ErrRebuild) {
		t.Fatal(err)
	}
	if err := ix.Put(smallDocs()...); err != nil {
		t.Fatal(err)
	}
	if err := ix.idx.SetInternal(key, []byte(value)); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
}

func mkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestPutDeleteDataset(t *testing.T) {
	ix, err := OpenMem(DefaultVariant)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	if err := ix.Put(smallDocs()...); err != nil {
		t.Fatal(err)
	}
	if n := count(t, ix); n != 5 {
		t.Fatalf("%d documents, want 5", n)
	}
	// Putting again replaces.
	docs := smallDocs()
	docs[1].Title = "けやき広場"
	if err := ix.Put(docs[1]); err != nil {
		t.Fatal(err)
	}
	if n := count(t, ix); n != 5 {
		t.Errorf("%d documents after replacing one, want 5", n)
	}
	res, err := ix.Search(ctx, Query{Q: "けやき広場"})
	if err != nil || res.Total != 1 || res.Hits[0].ID != "record:parks:1" {
		t.Errorf("replaced document: %v %+v", err, res)
	}
	if err := ix.DeleteDataset("parks"); err != nil {
		t.Fatal(err)
	}
	if n := count(t, ix); n != 2 {
		t.Errorf("%d documents after deleting parks, want 2", n)
	}
	res, err = ix.Search(ctx, Query{Q: "公園"})
	if err != nil || res.Total != 0 {
		t.Errorf("parks still found: %v %+v", err, res)
	}
	if err := ix.DeleteDataset("nothing-here"); err != nil {
		t.Errorf("deleting an unknown dataset: %v", err)
	}
	if err := ix.Put(Doc{Title: "no id"}); err == nil || !strings.Contains(err.Error(), "without an id") {
		t.Errorf("a document without an id: %v", err)
	}
}

func TestOpenMemUnknownVariant(t *testing.T) {
	if _, err := OpenMem("trigram"); err == nil {
		t.Error("unknown variant accepted")
	}
}

// Searches, suggestions and updates may run at once (go test -race).
func TestConcurrentUse(t *testing.T) {
	ix, err := OpenMem(DefaultVariant)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Put(smallDocs()...); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	errs := make(chan error, 3)
	for i, q := range []string{"公園", "こうえん", "ＡＥＤ"} {
		go func() {
			for range 20 {
				if _, err := ix.Search(ctx, Query{Q: q}); err != nil {
					errs <- err
					return
				}
				if _, err := ix.Suggest(ctx, q[:3], 5); err != nil {
					errs <- err
					return
				}
				if i == 0 {
					if err := ix.Put(smallDocs()[1:3]...); err != nil {
						errs <- err
						return
					}
				}
			}
			errs <- nil
		}()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// Put with more documents than a batch goes through a Writer: every
// document is indexed when it returns, and a bad one is an error.
func TestPutManyBatches(t *testing.T) {
	ix, err := OpenMem(DefaultVariant)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var docs []Doc
	for i := range 3*putBatch + 7 {
		docs = append(docs, Doc{ID: RecordID("parks", i+1), Type: "facility", Dataset: "parks", Row: i + 1, Title: "公園", Kind: "facility"})
	}
	if err := ix.Put(docs...); err != nil {
		t.Fatal(err)
	}
	if n := count(t, ix); n != uint64(len(docs)) {
		t.Errorf("%d documents, want %d", n, len(docs))
	}
	docs[putBatch+3].ID = ""
	if err := ix.Put(docs...); err == nil || !strings.Contains(err.Error(), "without an id") {
		t.Errorf("a document without an id among many: %v", err)
	}
}
