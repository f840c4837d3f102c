package search

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"
)

// ErrRebuild is returned by Open, with a usable empty index, when the index
// had to be created afresh: it was missing, unreadable, or built by another
// MappingVersion, analyzer variant or synonyms.txt. The caller reindexes from the
// database.
var ErrRebuild = errors.New("search: the index is new and must be rebuilt from the catalog")

// Internal keys of the index's own metadata.
var (
	keyVersion  = []byte("machi:mapping_version")
	keyVariant  = []byte("machi:variant")
	keySynonyms = []byte("machi:synonyms")
)

// synonymsStamp identifies the synonyms a record's text was tagged with
// (recordTextAnalyzer): another synonyms.txt means another index.
func synonymsStamp() string {
	sum := sha256.Sum256([]byte(synonymsText))
	return hex.EncodeToString(sum[:8])
}

// Index is the search index: one Bleve index holding datasets and records.
// It is safe for concurrent use.
type Index struct {
	idx bleve.Index
	v   variant
}

// Open opens the index in dir with DefaultVariant, creating it when
// missing. It returns ErrRebuild together with a usable, empty, freshly
// created index when the index was missing, corrupt, or built by another
// MappingVersion, so that the caller knows to reindex. A directory that
// holds something other than a Bleve index is moved aside (to
// dir.invalid-<unix time>) rather than deleted. Other errors (the directory
// cannot be created or written) return a nil Index.
func Open(dir string) (*Index, error) {
	v, err := variantNamed(DefaultVariant)
	if err != nil {
		return nil, err
	}
	if err := registerAnalyzers(); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); err == nil {
		idx, err := bleve.Open(dir)
		if err == nil {
			ix := &Index{idx: idx, v: v}
			if ix.current() {
				return ix, nil
			}
			idx.Close()
		}
		// Derived data: an old or broken index is only worth rebuilding.
		if err := os.RemoveAll(dir); err != nil {
			return nil, fmt.Errorf("search: remove old index: %w", err)
		}
	} else if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		aside := fmt.Sprintf("%s.invalid-%d", dir, time.Now().Unix())
		if err := os.Rename(dir, aside); err != nil {
			return nil, fmt.Errorf("search: %s is not an index and cannot be moved aside: %w", dir, err)
		}
	} else if err == nil {
		if err := os.Remove(dir); err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
	}
	if err := os.MkdirAll(filepath.Dir(filepath.Clean(dir)), 0o755); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	ix, err := create(dir, v)
	if err != nil {
		return nil, err
	}
	return ix, ErrRebuild
}

// OpenMem returns an empty in-memory index with the named analyzer variant
// (one of Variants), for evaluation and tests.
func OpenMem(variant string) (*Index, error) {
	v, err := variantNamed(variant)
	if err != nil {
		return nil, err
	}
	return openMem(v)
}

func openMem(v variant) (*Index, error) {
	if err := registerAnalyzers(); err != nil {
		return nil, err
	}
	return create("", v)
}

// create makes an empty index with variant v's mapping, in dir or in
// memory (""). An index on disk is not stamped here: a process killed
// before the rebuild that fills it would leave an empty index that the
// next Open takes for current. Syncer.Rebuild stamps it (MarkComplete)
// once every document is in; until then Open rebuilds it again.
func create(dir string, v variant) (*Index, error) {
	idx, err := bleve.NewUsing(dir, v.mapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("search: create index: %w", err)
	}
	ix := &Index{idx: idx, v: v}
	if dir == "" {
		if err := ix.stamp(); err != nil {
			idx.Close()
			return nil, err
		}
	}
	return ix, nil
}

// MarkComplete records that the index holds the whole catalog as of its
// mapping version: Open trusts only an index so marked.
func (ix *Index) MarkComplete() error { return ix.stamp() }

// current reports whether the index was built by this MappingVersion and
// variant.
func (ix *Index) current() bool {
	ver, err := ix.idx.GetInternal(keyVersion)
	if err != nil || string(ver) != strconv.Itoa(MappingVersion) {
		return false
	}
	name, err := ix.idx.GetInternal(keyVariant)
	if err != nil || string(name) != ix.v.name {
		return false
	}
	syn, err := ix.idx.GetInternal(keySynonyms)
	return err == nil && string(syn) == synonymsStamp()
}

func (ix *Index) stamp() error {
	if err := ix.idx.SetInternal(keyVersion, []byte(strconv.Itoa(MappingVersion))); err != nil {
		return fmt.Errorf("search: write index version: %w", err)
	}
	if err := ix.idx.SetInternal(keyVariant, []byte(ix.v.name)); err != nil {
		return fmt.Errorf("search: write index version: %w", err)
	}
	if err := ix.idx.SetInternal(keySynonyms, []byte(synonymsStamp())); err != nil {
		return fmt.Errorf("search: write index version: %w", err)
	}
	return nil
}

// putBatch bounds the documents of one Bleve batch: large enough to
// amortise a segment, small enough to keep a reindex's memory flat.
const putBatch = 500

// putWriters is how many batches are indexed at once. Bleve analyzes a
// batch on every core but builds its segment on one; with two batches in
// flight, one is analyzed while the other's segment is built.
const putWriters = 2

// Put adds or replaces documents, in batches. A document replaces the one
// with the same ID. It returns once every document is indexed.
func (ix *Index) Put(docs ...Doc) error {
	if len(docs) <= putBatch {
		return ix.put(docs)
	}
	w := ix.NewWriter()
	for _, d := range docs {
		if err := w.Add(d); err != nil {
			w.Close()
			return err
		}
	}
	return w.Close()
}

func (ix *Index) put(docs []Doc) error {
	if len(docs) == 0 {
		return nil
	}
	b := ix.idx.NewBatch()
	for _, d := range docs {
		if d.ID == "" {
			return fmt.Errorf("search: document without an id (%s row %d)", d.Dataset, d.Row)
		}
		if err := b.Index(d.ID, ix.v.fields(d)); err != nil {
			return fmt.Errorf("search: index %s: %w", d.ID, err)
		}
	}
	if err := ix.idx.Batch(b); err != nil {
		return fmt.Errorf("search: write batch: %w", err)
	}
	return nil
}

// Writer adds documents in batches, several batches at once (putWriters),
// while the caller builds the next ones. Add and Close are for one
// goroutine; the index stays usable meanwhile.
type Writer struct {
	ix   *Index
	buf  []Doc
	ch   chan []Doc
	wg   sync.WaitGroup
	mu   sync.Mutex
	err  error
	done bool
}

// NewWriter starts a Writer. Close it.
func (ix *Index) NewWriter() *Writer {
	w := &Writer{ix: ix, ch: make(chan []Doc)}
	for range putWriters {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			for docs := range w.ch {
				if err := w.ix.put(docs); err != nil {
					w.mu.Lock()
					if w.err == nil {
						w.err = err
					}
					w.mu.Unlock()
				}
			}
		}()
	}
	return w
}

// Add queues d; a full batch is handed to a writer, waiting while all are
// busy. It returns the first error of any batch so far.
func (w *Writer) Add(d Doc) error {
	w.mu.Lock()
	err := w.err
	w.mu.Unlock()
	if err != nil {
		return err
	}
	w.buf = append(w.buf, d)
	if len(w.buf) == putBatch {
		w.ch <- w.buf
		w.buf = make([]Doc, 0, putBatch)
	}
	return nil
}

// Close indexes what is queued and returns once every document added is
// indexed, with the first error of any batch.
func (w *Writer) Close() error {
	if !w.done {
		w.done = true
		if len(w.buf) > 0 {
			w.ch <- w.buf
			w.buf = nil
		}
		close(w.ch)
		w.wg.Wait()
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// DeleteDataset removes the dataset's document and those of all its
// records. Deleting a dataset the index does not hold is not an error.
func (ix *Index) DeleteDataset(slug string) error {
	q := query.NewTermQuery(slug)
	q.SetField("dataset")
	for {
		req := bleve.NewSearchRequestOptions(q, 5000, 0, false)
		req.Fields = nil
		res, err := ix.idx.Search(req)
		if err != nil {
			return fmt.Errorf("search: find documents of %s: %w", slug, err)
		}
		if len(res.Hits) == 0 {
			return nil
		}
		b := ix.idx.NewBatch()
		for _, h := range res.Hits {
			b.Delete(h.ID)
		}
		if err := ix.idx.Batch(b); err != nil {
			return fmt.Errorf("search: delete documents of %s: %w", slug, err)
		}
	}
}

// Count returns the number of documents in the index.
func (ix *Index) Count() (uint64, error) {
	n, err := ix.idx.DocCount()
	if err != nil {
		return 0, fmt.Errorf("search: count: %w", err)
	}
	return n, nil
}

// Close closes the index; on disk, everything put is kept.
func (ix *Index) Close() error {
	if err := ix.idx.Close(); err != nil {
		return fmt.Errorf("search: close: %w", err)
	}
	return nil
}
