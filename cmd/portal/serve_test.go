package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"testing"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets/demo"
)

func TestBaseURL(t *testing.T) {
	tests := []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 41234}, "http://127.0.0.1:41234"},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 8080}, "http://127.0.0.1:8080"},
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 8080}, "http://127.0.0.1:8080"},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 8080}, "http://[::1]:8080"},
		{&net.TCPAddr{IP: net.IPv4(192, 0, 2, 7), Port: 80}, "http://192.0.2.7:80"},
	}
	for _, tt := range tests {
		if got := baseURL(tt.addr); got != tt.want {
			t.Errorf("baseURL(%s) = %s, want %s", tt.addr, got, tt.want)
		}
	}
}

func openTestApp(t *testing.T) *app {
	t.Helper()
	a, err := openApp(context.Background(), Config{Data: filepath.Join(t.TempDir(), "data"), MaxUploadMB: 100})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.store.Close() })
	return a
}

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

// TestLoadDemoCompletesAHalfLoadedDemo: a start stopped between two demo
// datasets leaves some loaded; the next start adds the rest, and keeps what
// is there (a department an admin edited, a dataset already loaded).
func TestLoadDemoCompletesAHalfLoadedDemo(t *testing.T) {
	ctx := context.Background()
	a := openTestApp(t)
	reqs, err := demo.Requests(a.store.Now())
	if err != nil {
		t.Fatal(err)
	}
	layers, err := demo.LayerRequests()
	if err != nil {
		t.Fatal(err)
	}
	want := len(reqs) + len(layers) // the tables, then the GIS layers
	var first catalog.Department
	for _, d := range demo.Departments() {
		if d.Code == reqs[0].Department {
			first = d
		}
	}
	first.NameJA = "編集された課"
	if err := a.store.PutDepartment(ctx, first); err != nil {
		t.Fatal(err)
	}
	if _, err := a.importer.Import(ctx, reqs[0]); err != nil {
		t.Fatal(err)
	}

	if err := loadDemo(ctx, a, discard); err != nil {
		t.Fatal(err)
	}
	all, total, _, err := a.store.FindDatasets(ctx, catalog.Filter{Status: "any"})
	if err != nil {
		t.Fatal(err)
	}
	if total != want {
		t.Errorf("%d datasets after completing the demo, want %d", total, want)
	}
	for _, d := range all {
		if d.Slug == reqs[0].Slug && d.CurrentVersion != 1 {
			t.Errorf("%s was imported again: current version %d", d.Slug, d.CurrentVersion)
		}
	}
	depts, err := a.store.Departments(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(depts) != len(demo.Departments()) {
		t.Errorf("%d departments, want %d", len(depts), len(demo.Departments()))
	}
	if d, err := a.store.Department(ctx, first.Code); err != nil || d.NameJA != "編集された課" {
		t.Errorf("the edited department was overwritten: %+v %v", d, err)
	}
	// A second start has nothing to add.
	if err := loadDemo(ctx, a, discard); err != nil {
		t.Fatal(err)
	}
	if _, n, _, _ := a.store.FindDatasets(ctx, catalog.Filter{Status: "any"}); n != want {
		t.Errorf("%d datasets after a second start", n)
	}
}

// TestLoadDemoLeavesACitysCatalogAlone: a catalog with anything of its own
// is not an empty data folder, whatever --demo says.
func TestLoadDemoLeavesACitysCatalogAlone(t *testing.T) {
	ctx := context.Background()
	a := openTestApp(t)
	if err := a.store.PutDepartment(ctx, catalog.Department{Code: "zaimu", NameJA: "財務課"}); err != nil {
		t.Fatal(err)
	}
	if err := loadDemo(ctx, a, discard); err != nil {
		t.Fatal(err)
	}
	depts, _ := a.store.Departments(ctx)
	_, n, _, _ := a.store.FindDatasets(ctx, catalog.Filter{Status: "any"})
	if len(depts) != 1 || n != 0 {
		t.Errorf("the demo was loaded into a city's catalog: %d departments, %d datasets", len(depts), n)
	}
}
