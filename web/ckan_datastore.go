package web

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
)

// datastore_search reads the records of a dataset's published version: the
// same records as the dataset's CSV, JSON and GeoJSON resources, each of
// which is "in the datastore" (datastore_active). The dataset's name works
// as a resource id too, as an alias does in CKAN.

// ckanFieldType names our column types with CKAN DataStore's (PostgreSQL's).
var ckanFieldType = map[catalog.ColumnType]string{
	catalog.TypeInteger: "int",
	catalog.TypeNumber:  "numeric",
	catalog.TypeBoolean: "bool",
	catalog.TypeDate:    "date",
	catalog.TypeTime:    "time",
	catalog.TypeText:    "text",
}

type ckanField struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// ckanDatastoreSearch answers datastore_search: resource_id (or id), q (a
// string: text in any column; an object: text in those columns), filters
// (column: value, or a list of values any of which matches), fields, sort
// ("column desc, other"), limit (default 100, no upper limit: the records
// are streamed), offset, include_total, records_format (objects or lists).
func (s *Server) ckanDatastoreSearch(c *gin.Context, p ckanParams) (any, error) {
	id := strings.TrimSpace(p.str("resource_id"))
	if id == "" {
		id = strings.TrimSpace(p.str("id"))
	}
	if id == "" {
		return nil, ckanInvalid("resource_id", "Missing value")
	}
	cat, err := s.ckanCatalog(c.Request.Context())
	if err != nil {
		return nil, err
	}
	pkg, res, ok := cat.resource(id)
	if !ok {
		if pkg = cat.byName[id]; pkg != nil && len(pkg.resources) > 0 {
			res = &pkg.resources[0]
		}
	}
	if pkg == nil || res == nil || !res.DatastoreActive {
		return nil, ckanNotFound(fmt.Sprintf("Resource \"%s\" was not found.", id))
	}
	v := pkg.version
	types := map[string]string{"_id": "int"}
	all := []ckanField{{ID: "_id", Type: "int"}}
	for _, col := range v.Columns {
		t := ckanFieldType[col.Type]
		if t == "" {
			t = "text"
		}
		types[col.Name] = t
		all = append(all, ckanField{ID: col.Name, Type: t})
	}
	f := datasets.RecordFilter{Equals: map[string]string{}, OneOf: map[string][]string{}, Contains: map[string]string{}}
	if err := ckanFilters(p, types, &f); err != nil {
		return nil, err
	}
	if f.OrderBy, err = ckanRecordOrder(p, types); err != nil {
		return nil, err
	}
	if f.Limit, err = p.natural("limit", 100); err != nil {
		return nil, err
	}
	if f.Offset, err = p.natural("offset", 0); err != nil {
		return nil, err
	}
	includeTotal, err := p.boolean("include_total", true)
	if err != nil {
		return nil, err
	}
	format := p.str("records_format")
	if format == "" {
		format = "objects"
	}
	if format != "objects" && format != "lists" {
		return nil, ckanInvalid("records_format", "Value must be one of ['objects', 'lists']")
	}
	fields := all
	names, err := p.list("fields", true)
	if err != nil {
		return nil, err
	}
	if len(names) > 0 {
		fields = nil
		for _, n := range names {
			if types[n] == "" {
				return nil, ckanInvalid("fields", fmt.Sprintf("invalid value \"%s\"", n))
			}
			fields = append(fields, ckanField{ID: n, Type: types[n]})
		}
	}
	total := -1
	if includeTotal {
		if total, err = s.records.Count(c.Request.Context(), v, f); err != nil {
			return nil, err
		}
	}
	limit := f.Limit
	if limit == 0 {
		// CKAN's limit=0 asks for the fields and the total only;
		// RecordFilter's 0 means every record.
		return ckanRecordsStream(c, p, id, fields, len(names) == 0, format, nil, limit, f.Offset, total), nil
	}
	return ckanRecordsStream(c, p, id, fields, len(names) == 0, format, func(fn func(row int, props []byte) error) error {
		return s.records.Stream(c.Request.Context(), v, f, fn)
	}, limit, f.Offset, total), nil
}

// ckanFilters reads filters and q into f.
func ckanFilters(p ckanParams, types map[string]string, f *datasets.RecordFilter) error {
	filters, err := p.object("filters")
	if err != nil {
		return err
	}
	for col, val := range filters {
		if types[col] == "" || col == "_id" {
			return ckanInvalid("filters", fmt.Sprintf("invalid value \"%s\"", col))
		}
		switch v := val.(type) {
		case []any:
			vals := make([]string, len(v))
			for i, x := range v {
				if vals[i], err = ckanScalar(x); err != nil {
					return ckanInvalid("filters", fmt.Sprintf("invalid value \"%s\"", col))
				}
			}
			f.OneOf[col] = vals
		default:
			s, err := ckanScalar(v)
			if err != nil {
				return ckanInvalid("filters", fmt.Sprintf("invalid value \"%s\"", col))
			}
			f.Equals[col] = s
		}
	}
	switch q := p["q"].(type) {
	case nil:
	case map[string]any:
		for col, val := range q {
			s, ok := val.(string)
			if types[col] == "" || col == "_id" || !ok {
				return ckanInvalid("q", fmt.Sprintf("invalid value \"%s\"", col))
			}
			f.Contains[col] = s
		}
	default:
		// A query string carries an object as JSON text.
		text := p.str("q")
		if strings.HasPrefix(strings.TrimSpace(text), "{") {
			if obj, err := p.object("q"); err == nil {
				return ckanFilters(ckanParams{"q": obj}, types, f)
			}
		}
		f.Q = text
	}
	return nil
}

// ckanScalar is a filter value as text: numbers as written, booleans as
// true or false.
func ckanScalar(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case json.Number:
		return x.String(), nil
	case bool:
		return strconv.FormatBool(x), nil
	}
	return "", fmt.Errorf("not a value: %v", v)
}

// ckanRecordOrder reads sort: a list, or a comma-separated string, of
// "column [asc|desc]"; a column name may be "quoted". _id is the file's
// order.
func ckanRecordOrder(p ckanParams, types map[string]string) ([]datasets.RecordOrder, error) {
	clauses, err := p.list("sort", true)
	if err != nil {
		return nil, err
	}
	var out []datasets.RecordOrder
	for _, clause := range clauses {
		clause = strings.TrimSpace(clause)
		var col, rest string
		if strings.HasPrefix(clause, `"`) {
			end := strings.Index(clause[1:], `"`)
			if end < 0 {
				return nil, ckanInvalid("sort", fmt.Sprintf("invalid value \"%s\"", clause))
			}
			col, rest = clause[1:end+1], clause[end+2:]
		} else {
			col, rest, _ = strings.Cut(clause, " ")
		}
		o := datasets.RecordOrder{Column: col}
		switch dir := strings.ToLower(strings.TrimSpace(rest)); {
		case dir == "" || strings.HasPrefix(dir, "asc"):
		case strings.HasPrefix(dir, "desc"):
			o.Desc = true
		default:
			return nil, ckanInvalid("sort", fmt.Sprintf("invalid value \"%s\"", clause))
		}
		if types[col] == "" {
			return nil, ckanInvalid("sort", fmt.Sprintf("invalid value \"%s\"", clause))
		}
		if col == "_id" {
			o.Column = ""
		}
		out = append(out, o)
	}
	return out, nil
}

// ckanRecordsStream writes datastore_search's result, the records as they
// come from the database: memory does not grow with limit.
func ckanRecordsStream(c *gin.Context, p ckanParams, id string, fields []ckanField, whole bool, format string,
	each func(fn func(row int, props []byte) error) error, limit, offset, total int) ckanStream {
	links := ckanLinks(c, p, id, limit, offset)
	return func(w *bufio.Writer) error {
		head := map[string]any{"include_total": total >= 0, "limit": limit, "offset": offset, "records_format": format,
			"resource_id": id, "total_estimation_threshold": nil}
		for _, k := range []string{"filters", "q", "sort"} {
			if v, ok := p[k]; ok {
				head[k] = v
			}
		}
		b, err := marshalJSON(head)
		if err != nil {
			return err
		}
		w.Write(bytes.TrimSuffix(b, []byte("}\n"))) // the records follow
		w.WriteString(`, "fields": `)
		writeJSON(w, fields)
		w.WriteString(`, "records": [`)
		n := 0
		if each != nil {
			err = each(func(row int, props []byte) error {
				if n > 0 {
					w.WriteString(", ")
				}
				n++
				return writeRecord(w, row, props, fields, format, whole)
			})
			if err != nil {
				return err
			}
		}
		w.WriteString(`], "_links": `)
		writeJSON(w, links)
		if total >= 0 {
			w.WriteString(`, "total": ` + strconv.Itoa(total) + `, "total_was_estimated": false`)
		}
		_, err = w.WriteString("}")
		return err
	}
}

// writeRecord writes one record: {"_id": row, ...} as stored when all
// fields are asked for in their order, else the fields asked for, in that
// order; as a list with records_format=lists.
func writeRecord(w *bufio.Writer, row int, props []byte, fields []ckanField, format string, whole bool) error {
	if whole && format == "objects" {
		w.WriteString(`{"_id": ` + strconv.Itoa(row))
		if len(props) > 2 {
			w.WriteString(", ")
			w.Write(props[1:])
		} else {
			w.WriteString("}")
		}
		return nil
	}
	var rec map[string]json.RawMessage
	if err := json.Unmarshal(props, &rec); err != nil {
		return fmt.Errorf("record %d: %w", row, err)
	}
	rec["_id"] = json.RawMessage(strconv.Itoa(row))
	open, end := "{", "}"
	if format == "lists" {
		open, end = "[", "]"
	}
	w.WriteString(open)
	for i, f := range fields {
		if i > 0 {
			w.WriteString(", ")
		}
		if format == "objects" {
			w.Write(jsonString(f.ID))
			w.WriteString(": ")
		}
		if v, ok := rec[f.ID]; ok {
			w.Write(v)
		} else {
			w.WriteString("null")
		}
	}
	w.WriteString(end)
	return nil
}

// ckanLinks are CKAN's _links: the same search from its start, and the
// next page (and the previous one).
func ckanLinks(c *gin.Context, p ckanParams, id string, limit, offset int) map[string]string {
	q := url.Values{}
	for k, v := range p {
		switch x := v.(type) {
		case string:
			q.Set(k, x)
		case json.Number:
			q.Set(k, x.String())
		case bool:
			q.Set(k, strconv.FormatBool(x))
		case []any:
			for _, it := range x {
				if s, ok := it.(string); ok {
					q.Add(k, s)
				}
			}
		default:
			if b, err := json.Marshal(x); err == nil {
				q.Set(k, string(b))
			}
		}
	}
	q.Set("resource_id", id)
	q.Del("id")
	path := c.Request.URL.Path
	at := func(off int) string {
		q := maps.Clone(q) // Set and Del replace whole entries: a shallow copy will do
		if off > 0 {
			q.Set("offset", strconv.Itoa(off))
		} else {
			q.Del("offset")
		}
		return path + "?" + q.Encode()
	}
	links := map[string]string{"start": at(0), "next": at(offset + limit)}
	if offset-limit > 0 {
		links["prev"] = at(offset - limit)
	}
	return links
}
