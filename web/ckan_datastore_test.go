package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// records lists one column of a datastore_search result's records.
func records(t *testing.T, result any, column string) []string {
	t.Helper()
	var out []string
	for _, r := range result.(map[string]any)["records"].([]any) {
		out = append(out, fmt.Sprint(r.(map[string]any)[column]))
	}
	return out
}

func TestCKANDatastoreSearch(t *testing.T) {
	ts := newTestServer(t)
	tests := []struct {
		name  string
		query string
		body  map[string]any
		total int
		want  string // the 名称 of the records, joined by ","
	}{
		{"all", "resource_id=shisetsu-csv", nil, 4, "中央図書館,西公民館,東体育館,髙橋記念館"},
		{"the dataset's name as an alias", "resource_id=shisetsu", nil, 4, "中央図書館,西公民館,東体育館,髙橋記念館"},
		{"id instead of resource_id", "id=shisetsu-json", nil, 4, "中央図書館,西公民館,東体育館,髙橋記念館"},
		{"paged", "resource_id=shisetsu-csv&limit=2&offset=1", nil, 4, "西公民館,東体育館"},
		{"filters, a number", q("resource_id", "shisetsu-csv", "filters", `{"定員": 80}`), nil, 1, "西公民館"},
		{"filters, any of a list", q("resource_id", "shisetsu-csv", "filters", `{"名称": ["東体育館", "西公民館"]}`), nil, 2, "西公民館,東体育館"},
		{"filters, two columns", q("resource_id", "shisetsu-csv", "filters", `{"定員": "300", "名称": "東体育館"}`), nil, 1, "東体育館"},
		{"q in any column", q("resource_id", "shisetsu-csv", "q", "公民"), nil, 1, "西公民館"},
		{"q by column", q("resource_id", "shisetsu-csv", "q", `{"住所": "東町"}`), nil, 1, "東体育館"},
		{"sort descending", q("resource_id", "shisetsu-csv", "sort", "定員 desc"), nil, 4, "東体育館,中央図書館,西公民館,髙橋記念館"},
		{"sort by two, quoted", q("resource_id", "shisetsu-csv", "sort", `"定員" asc, _id desc`), nil, 4, "髙橋記念館,西公民館,中央図書館,東体育館"},
		{"sort by _id", q("resource_id", "shisetsu-csv", "sort", "_id desc", "limit", "1"), nil, 4, "髙橋記念館"},
		{"POSTed JSON", "", map[string]any{"resource_id": "shisetsu-csv", "filters": map[string]any{"定員": 80}, "limit": 5,
			"sort": []string{"名称 asc"}}, 1, "西公民館"},
		{"limit 0: the total only", "resource_id=shisetsu-csv&limit=0", nil, 4, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var res any
			if tt.body != nil {
				res = ts.ckanResult(t, "datastore_search", "", tt.body)
			} else {
				res = ts.ckanResult(t, "datastore_search", tt.query)
			}
			r := res.(map[string]any)
			if n, _ := r["total"].(json.Number).Int64(); int(n) != tt.total {
				t.Errorf("total %d, want %d", n, tt.total)
			}
			if got := strings.Join(records(t, res, "名称"), ","); got != tt.want {
				t.Errorf("records %s, want %s", got, tt.want)
			}
		})
	}

	r := ts.ckanResult(t, "datastore_search", "resource_id=shisetsu-csv&limit=2&offset=1").(map[string]any)
	fields := r["fields"].([]any)
	if f := fields[0].(map[string]any); f["id"] != "_id" || f["type"] != "int" {
		t.Errorf("first field %v", f)
	}
	types := map[string]any{}
	for _, f := range fields {
		types[f.(map[string]any)["id"].(string)] = f.(map[string]any)["type"]
	}
	if types["名称"] != "text" || types["定員"] != "int" || types["緯度"] != "numeric" || types["開設日_ISO8601"] != "date" {
		t.Errorf("field types %v", types)
	}
	if ids := records(t, r, "_id"); strings.Join(ids, ",") != "2,3" {
		t.Errorf("_id %v", ids)
	}
	links := r["_links"].(map[string]any)
	if links["start"] != "/api/3/action/datastore_search?limit=2&resource_id=shisetsu-csv" ||
		links["next"] != "/api/3/action/datastore_search?limit=2&offset=3&resource_id=shisetsu-csv" {
		t.Errorf("_links %v", links)
	}
	if r["limit"] != json.Number("2") || r["offset"] != json.Number("1") || r["total_was_estimated"] != false ||
		r["resource_id"] != "shisetsu-csv" || r["records_format"] != "objects" {
		t.Errorf("result %v", r)
	}

	// fields picks columns, in the order asked; lists drops the names.
	_, raw := ts.ckanRaw(t, "datastore_search", q("resource_id", "shisetsu-csv", "fields", "定員,名称", "limit", "1"))
	if !bytes.Contains(raw, []byte(`"records": [{"定員": 120, "名称": "中央図書館"}]`)) {
		t.Errorf("fields=定員,名称:\n%s", raw)
	}
	_, raw = ts.ckanRaw(t, "datastore_search", q("resource_id", "shisetsu-csv", "fields", `["_id","名称"]`, "records_format", "lists", "limit", "2"))
	if !bytes.Contains(raw, []byte(`"records": [[1, "中央図書館"], [2, "西公民館"]]`)) || !bytes.Contains(raw, []byte(`"fields": [{"id":"_id","type":"int"},{"id":"名称","type":"text"}]`)) {
		t.Errorf("records_format=lists:\n%s", raw)
	}
	r = ts.ckanResult(t, "datastore_search", "resource_id=shisetsu-csv&include_total=false").(map[string]any)
	if _, ok := r["total"]; ok || r["include_total"] != false {
		t.Errorf("include_total=false: %v", r)
	}
}

func TestCKANDatastoreErrors(t *testing.T) {
	ts := newTestServer(t)
	tests := []struct {
		name, query string
		status      int
		typ, field  string
	}{
		{"no resource_id", "", 409, "Validation Error", "resource_id"},
		{"unknown resource", "resource_id=nope", 404, "Not Found Error", ""},
		{"an original is not in the datastore", "resource_id=shisetsu-original", 404, "Not Found Error", ""},
		{"unknown column in filters", q("resource_id", "shisetsu", "filters", `{"nosuch": 1}`), 409, "Validation Error", "filters"},
		{"filters not JSON", q("resource_id", "shisetsu", "filters", `{"名称"`), 409, "Validation Error", "filters"},
		{"an operator in filters", q("resource_id", "shisetsu", "filters", `{"定員": {"lt": 100}}`), 409, "Validation Error", "filters"},
		{"unknown sort column", q("resource_id", "shisetsu", "sort", "nosuch desc"), 409, "Validation Error", "sort"},
		{"unknown field", q("resource_id", "shisetsu", "fields", "名称,nosuch"), 409, "Validation Error", "fields"},
		{"negative limit", "resource_id=shisetsu&limit=-1", 409, "Validation Error", "limit"},
		{"negative offset", "resource_id=shisetsu&offset=-1", 409, "Validation Error", "offset"},
		{"records as CSV", "resource_id=shisetsu&records_format=csv", 409, "Validation Error", "records_format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, doc := ts.ckanCall(t, "datastore_search", tt.query)
			e, _ := doc["error"].(map[string]any)
			if status != tt.status || e["__type"] != tt.typ {
				t.Fatalf("%d %v", status, doc)
			}
			if tt.field != "" {
				if msgs, _ := e[tt.field].([]any); len(msgs) != 1 {
					t.Errorf("no message for %s: %v", tt.field, e)
				}
			} else if msg, _ := e["message"].(string); !strings.HasPrefix(msg, "Not found: ") {
				t.Errorf("message %q", msg)
			}
		})
	}
}

// TestCKANDatastoreBeyondCKANsCap reads more records in one call than
// CKAN's 32,000 rows_max allows: they are streamed, not collected.
func TestCKANDatastoreBeyondCKANsCap(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 33,000 rows")
	}
	ts := newTestServer(t)
	var b strings.Builder
	b.WriteString("番号,名称\n")
	const n = 33_000
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%d,施設%d\n", i, i)
	}
	ts.importCSV(t, "big", "大きい表", "big.csv", b.String())
	if _, err := ts.srv.refreshCKAN(t.Context()); err != nil {
		t.Fatal(err)
	}
	status, raw := ts.ckanRaw(t, "datastore_search", q("resource_id", "big-csv", "limit", "50000", "offset", "10"))
	var doc struct {
		Result struct {
			Total   int              `json:"total"`
			Limit   int              `json:"limit"`
			Records []map[string]any `json:"records"`
		} `json:"result"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil || status != 200 {
		t.Fatalf("%d %v", status, err)
	}
	r := doc.Result
	if r.Total != n || r.Limit != 50000 || len(r.Records) != n-10 || r.Records[0]["_id"] != 11.0 || r.Records[len(r.Records)-1]["番号"] != float64(n) {
		t.Errorf("total %d limit %d, %d records, first %v", r.Total, r.Limit, len(r.Records), r.Records[0])
	}
}
