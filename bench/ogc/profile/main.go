// Command profile serves OGC API items requests in process against a
// portal data folder (no network, no load generator) and writes a CPU
// profile, to see where the portal's time goes in bench/ogc/run.sh's
// queries. It also prints SQLite's query plans for the SQL the items
// handler runs (count, then the page).
//
//	go run ./bench/ogc/profile -data DIR -n 50 -cpuprofile cpu.prof PATH?QUERY...
//	go tool pprof -top -cum cpu.prof
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
	"github.com/machi-opendata/portal/geo"
	"github.com/machi-opendata/portal/web"
)

func main() {
	data := flag.String("data", "", "portal data folder (with portal.db)")
	n := flag.Int("n", 50, "requests per path")
	prof := flag.String("cpuprofile", "", "write a CPU profile here")
	plan := flag.String("plan-slug", "", "print SQLite query plans for this dataset slug's records, and time the alternatives")
	flag.Parse()
	if *data == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: profile -data DIR [-n 50] [-cpuprofile F] [-plan-slug SLUG] PATH...")
		os.Exit(2)
	}
	ctx := context.Background()
	store, err := catalog.Open(ctx, filepath.Join(*data, "portal.db"))
	if err != nil {
		fail(err)
	}
	defer store.Close()
	files := &catalog.Files{Dir: filepath.Join(*data, "files")}
	srv, err := web.New(store, files, nil, web.Config{BaseURL: "http://127.0.0.1"},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		fail(err)
	}
	if *plan != "" {
		plans(ctx, store, *plan)
	}
	get := func(path string) int {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK {
			fail(fmt.Errorf("%s: status %d: %s", path, rec.Code, rec.Body.String()))
		}
		return rec.Body.Len()
	}
	for _, p := range flag.Args() {
		get(p) // warm the page cache and SQLite's
	}
	if *prof != "" {
		f, err := os.Create(*prof)
		if err != nil {
			fail(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fail(err)
		}
		defer pprof.StopCPUProfile()
	}
	for _, p := range flag.Args() {
		t0 := time.Now()
		size := 0
		for range *n {
			size = get(p)
		}
		el := time.Since(t0)
		fmt.Printf("%-70s %8.2f ms/request  %d bytes (one goroutine, in process)\n", p,
			float64(el.Microseconds())/1000/float64(*n), size)
	}
}

// plans prints EXPLAIN QUERY PLAN of the statements datasets.Records runs
// for an items page without a filter and with a bbox, and times them.
func plans(ctx context.Context, store *catalog.Store, slug string) {
	var vid int64
	err := store.DB.QueryRowContext(ctx, `SELECT v.id FROM versions v JOIN datasets d ON d.id = v.dataset_id
		WHERE d.slug = ? ORDER BY v.id DESC LIMIT 1`, slug).Scan(&vid)
	if err != nil {
		fail(fmt.Errorf("version of %s: %w", slug, err))
	}
	bbox := "minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ?"
	var rows int
	store.DB.QueryRowContext(ctx, "SELECT row_count FROM versions WHERE id = ?", vid).Scan(&rows)
	fmt.Printf("version %d: versions.row_count = %d\n", vid, rows)
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{"SELECT count(*) FROM records WHERE version_id = ?", []any{vid}},
		{"SELECT row, props FROM records WHERE version_id = ? ORDER BY row LIMIT 100", []any{vid}},
		{"SELECT row, props FROM records WHERE version_id = ? ORDER BY row LIMIT 100 OFFSET 5000", []any{vid}},
		{"SELECT row, props FROM records WHERE version_id = ? AND row > 5000 ORDER BY row LIMIT 100", []any{vid}},
		{"SELECT count(*) FROM records WHERE version_id = ? AND " + bbox, []any{vid, 139.561, 139.55, 35.709, 35.70}},
		{"SELECT row, props FROM records WHERE version_id = ? AND " + bbox + " ORDER BY row LIMIT 100", []any{vid, 139.561, 139.55, 35.709, 35.70}},
	} {
		rows, err := store.DB.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q.sql, q.args...)
		if err != nil {
			fail(err)
		}
		fmt.Println(q.sql)
		for rows.Next() {
			var id, parent, unused int
			var detail string
			rows.Scan(&id, &parent, &unused, &detail)
			fmt.Println("   plan:", detail)
		}
		rows.Close()
		t0 := time.Now()
		r, err := store.DB.QueryContext(ctx, q.sql, q.args...)
		if err != nil {
			fail(err)
		}
		k := 0
		for r.Next() {
			k++
		}
		r.Close()
		fmt.Printf("   %d rows in %.1f ms\n", k, float64(time.Since(t0).Microseconds())/1000)
	}
	// The bbox through an in-memory R-tree (geo.Index, what tiles and
	// nearest already build per version): the matching rows, sorted, give
	// numberMatched and the page; the page's records by primary key.
	var v catalog.Version
	v.ID = int64(vid)
	rs := &datasets.Records{DB: store.DB}
	t0 := time.Now()
	var items []geo.Item
	err = rs.EachGeometry(ctx, &v, func(r *datasets.GeometryRecord) error {
		items = append(items, geo.Item{ID: uint64(r.Row), Geometry: orb.Point{r.X, r.Y}, Values: []any{}})
		return nil
	})
	if err != nil {
		fail(err)
	}
	ix := geo.NewIndex(nil, items)
	fmt.Printf("geo.Index of %d points built in %.0f ms (once per version)\n", ix.Len(), float64(time.Since(t0).Milliseconds()))
	const n = 200
	t0 = time.Now()
	var ids []uint64
	for range n {
		pos := ix.InBound(orb.Bound{Min: orb.Point{139.55, 35.70}, Max: orb.Point{139.561, 35.709}})
		ids = ids[:0]
		for _, p := range pos {
			ids = append(ids, ix.ID(p))
		}
		slices.Sort(ids)
	}
	fmt.Printf("geo.Index InBound + sort: %d matches in %.3f ms\n", len(ids), float64(time.Since(t0).Microseconds())/1000/n)
	page := ids[:min(100, len(ids))]
	in := make([]string, len(page))
	for i, id := range page {
		in[i] = strconv.FormatUint(id, 10)
	}
	t0 = time.Now()
	for range n {
		r, err := store.DB.QueryContext(ctx, "SELECT row, props FROM records WHERE version_id = ? AND row IN ("+
			strings.Join(in, ",")+") ORDER BY row", vid)
		if err != nil {
			fail(err)
		}
		for r.Next() {
		}
		r.Close()
	}
	fmt.Printf("page of %d by row IN (...): %.3f ms\n", len(page), float64(time.Since(t0).Microseconds())/1000/n)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "profile:", err)
	os.Exit(1)
}
