package main

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	_ "github.com/mattn/go-sqlite3" // the driver, "sqlite3"; FTS5 needs -tags sqlite_fts5

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/search"
)

// The anchor: SQLite FTS5 with its trigram tokenizer over the same texts,
// queried as a sensible implementer would: every query word of three
// characters or more as a quoted phrase in MATCH (all required, ranked by
// bm25 with the title weighed most), shorter words (which a trigram index
// cannot look up) as LIKE '%word%' on the same columns, and, when no word
// is long enough for MATCH, titles that contain the words first. Texts and
// queries are folded as catalog.Fold folds (NFKC, lower case, katakana to
// hiragana), the portal's own folding, so that ｺﾝｻｰﾄ and ＡＥＤ are not
// lost for reasons that have nothing to do with the index.

// errNoFTS5 is returned by openFTS when SQLite was built without FTS5
// (go-sqlite3 needs the build tag sqlite_fts5).
var errNoFTS5 = errors.New("this binary's SQLite has no FTS5: build with -tags sqlite_fts5")

type ftsIndex struct {
	db   *sql.DB
	path string
	ins  *sql.Stmt
	tx   *sql.Tx
	n    int
}

func openFTS(path string) (*ftsIndex, error) {
	db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_synchronous=NORMAL")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	// The id is stored but not indexed; bm25 weighs title 3, body 1,
	// keywords 2 (the id column's weight is unused).
	if _, err := db.Exec(`CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, kw, tokenize = 'trigram')`); err != nil {
		db.Close()
		if strings.Contains(err.Error(), "no such module") {
			return nil, errNoFTS5
		}
		return nil, fmt.Errorf("fts5: %w", err)
	}
	if _, err := db.Exec(`INSERT INTO docs(docs, rank) VALUES ('rank', 'bm25(0.0, 3.0, 1.0, 2.0)')`); err != nil {
		db.Close()
		return nil, fmt.Errorf("fts5 rank: %w", err)
	}
	return &ftsIndex{db: db, path: path}, nil
}

// ftsTexts are the three columns of a document: everything the Bleve
// index searches as text (titles, reading, body, English, other columns,
// keywords, department, dataset context, column names).
func ftsTexts(d search.Doc) (title, body, kw string) {
	title = catalog.Fold(strings.Join([]string{d.Title, d.TitleEN, d.Reading}, "\n"))
	body = catalog.Fold(strings.Join([]string{d.Text, d.TextEN, d.Extra}, "\n"))
	kw = catalog.Fold(strings.Join(append(append(append([]string{}, d.Keywords...), d.DepartmentName, d.Context), d.Columns...), "\n"))
	return title, body, kw
}

// add inserts a document, in transactions of 10,000.
func (f *ftsIndex) add(d search.Doc) error {
	if f.tx == nil {
		tx, err := f.db.Begin()
		if err != nil {
			return err
		}
		f.tx = tx
		if f.ins, err = tx.Prepare(`INSERT INTO docs(id, title, body, kw) VALUES (?, ?, ?, ?)`); err != nil {
			return err
		}
	}
	title, body, kw := ftsTexts(d)
	if _, err := f.ins.Exec(d.ID, title, body, kw); err != nil {
		return fmt.Errorf("fts5 insert %s: %w", d.ID, err)
	}
	f.n++
	if f.n%10000 == 0 {
		return f.commit()
	}
	return nil
}

func (f *ftsIndex) commit() error {
	if f.tx == nil {
		return nil
	}
	f.ins.Close()
	err := f.tx.Commit()
	f.tx, f.ins = nil, nil
	return err
}

// optimize merges the index's b-trees into one, as one would after a bulk
// load, and checkpoints the WAL so that the file holds everything.
func (f *ftsIndex) optimize() error {
	if err := f.commit(); err != nil {
		return err
	}
	if _, err := f.db.Exec(`INSERT INTO docs(docs) VALUES ('optimize')`); err != nil {
		return fmt.Errorf("fts5 optimize: %w", err)
	}
	_, err := f.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	return err
}

// size is the database's size on disk, WAL included.
func (f *ftsIndex) size() int64 {
	var n int64
	for _, suffix := range []string{"", "-wal"} {
		if fi, err := os.Stat(f.path + suffix); err == nil {
			n += fi.Size()
		}
	}
	return n
}

func (f *ftsIndex) close() error {
	if err := f.commit(); err != nil {
		return err
	}
	return f.db.Close()
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// search returns the ids of the first limit documents that match q.
func (f *ftsIndex) search(q string, limit int) ([]string, error) {
	var long, short []string
	for _, w := range strings.Fields(catalog.Fold(q)) {
		if utf8.RuneCountInString(w) >= 3 {
			long = append(long, `"`+strings.ReplaceAll(w, `"`, `""`)+`"`)
		} else {
			short = append(short, w)
		}
	}
	if len(long)+len(short) == 0 {
		return nil, nil
	}
	var where []string
	var args []any
	if len(long) > 0 {
		where = append(where, "docs MATCH ?")
		args = append(args, strings.Join(long, " "))
	}
	for _, w := range short {
		p := "%" + escapeLike(w) + "%"
		where = append(where, `(title LIKE ? ESCAPE '\' OR body LIKE ? ESCAPE '\' OR kw LIKE ? ESCAPE '\')`)
		args = append(args, p, p, p)
	}
	order := "rank"
	if len(long) == 0 {
		var terms []string
		for _, w := range short {
			terms = append(terms, `(title LIKE ? ESCAPE '\')`)
			args = append(args, "%"+escapeLike(w)+"%")
		}
		order = "(" + strings.Join(terms, " + ") + ") DESC, rowid"
	}
	args = append(args, limit)
	rows, err := f.db.Query(`SELECT id FROM docs WHERE `+strings.Join(where, " AND ")+` ORDER BY `+order+` LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("fts5 query %q: %w", q, err)
	}
	defer rows.Close()
	ids := make([]string, 0, limit)
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// buildFTS indexes docs (drawn by each) into a new FTS5 database at path
// and reports the time spent in SQLite (inserting, then optimizing).
func buildFTS(path string, each func(func(search.Doc) error) error) (f *ftsIndex, insert, optimize time.Duration, n int, err error) {
	if f, err = openFTS(path); err != nil {
		return nil, 0, 0, 0, err
	}
	err = each(func(d search.Doc) error {
		start := time.Now()
		err := f.add(d)
		insert += time.Since(start)
		n++
		return err
	})
	if err == nil {
		start := time.Now()
		err = f.commit()
		insert += time.Since(start)
	}
	if err != nil {
		f.close()
		return nil, 0, 0, 0, err
	}
	start := time.Now()
	if err := f.optimize(); err != nil {
		f.close()
		return nil, 0, 0, 0, err
	}
	return f, insert, time.Since(start), n, nil
}
