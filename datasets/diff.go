package datasets

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/machi-opendata/portal/catalog"
)

// Diff is what changed between two versions of a dataset: rows added,
// removed and changed, and columns added and removed.
type Diff struct {
	From, To int // version numbers
	// Key is the column rows are matched by (an ID the file carries); ""
	// when no column identifies rows in both versions, and rows are then
	// matched by their whole content, so that a change shows as one row
	// removed and one added.
	Key                                string
	Added, Removed, Changed, Unchanged int
	ColumnsAdded, ColumnsRemoved       []string
	// Rows shows the first changes, up to the limit given to DiffVersions.
	Rows []DiffRow
}

// DiffRow is one changed row.
type DiffRow struct {
	Change  string   // added, removed, changed
	Key     string   // the row's key value (Key column), or "" by content
	Row     int      // the row's number in the newer file (the older for removed)
	Columns []string // for changed rows: the columns whose values differ
	Old     map[string]string
	New     map[string]string
}

// keyNames are the column names that identify a row in the standard
// datasets and in the tables cities keep, folded.
var keyNames = []string{"id", "no", "no.", "番号", "管理番号", "識別番号", "施設id", "施設番号", "コード", "施設コード"}

// diffRecord is one stored record as text by column.
type diffRecord struct {
	row    int
	values map[string]string
}

// DiffVersions compares version a (older) with version b (newer). It reads
// both versions once and keeps the older one in memory by key, so it suits
// the tables cities publish (up to some hundred thousand rows). Errors are
// internal.
func (rs *Records) DiffVersions(ctx context.Context, a, b *catalog.Version, limit int) (*Diff, error) {
	older, err := rs.diffRecords(ctx, a)
	if err != nil {
		return nil, err
	}
	newer, err := rs.diffRecords(ctx, b)
	if err != nil {
		return nil, err
	}
	d := &Diff{From: a.Number, To: b.Number}
	d.ColumnsAdded, d.ColumnsRemoved = columnChanges(a.Columns, b.Columns)
	d.Key = diffKey(a.Columns, b.Columns, older, newer)
	add := func(r DiffRow) {
		if len(d.Rows) < limit {
			d.Rows = append(d.Rows, r)
		}
	}
	if d.Key == "" {
		diffByContent(d, older, newer, add)
	} else {
		diffByKey(d, older, newer, add)
	}
	return d, nil
}

func (rs *Records) diffRecords(ctx context.Context, v *catalog.Version) ([]diffRecord, error) {
	var out []diffRecord
	err := rs.Stream(ctx, v, RecordFilter{}, func(row int, props []byte) error {
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(props, &raw); err != nil {
			return err
		}
		vals := make(map[string]string, len(raw))
		for k, r := range raw {
			vals[k] = diffText(r)
		}
		out = append(out, diffRecord{row: row, values: vals})
		return nil
	})
	return out, err
}

// diffText is a stored value as text: a string unquoted, a number as
// written, so that "1" and 1 (a column whose type was inferred otherwise)
// compare equal.
func diffText(r json.RawMessage) string {
	r = bytes.TrimSpace(r)
	if bytes.Equal(r, []byte("null")) {
		return ""
	}
	var s string
	if len(r) > 0 && r[0] == '"' && json.Unmarshal(r, &s) == nil {
		return s
	}
	return string(r)
}

func columnChanges(a, b []catalog.Column) (added, removed []string) {
	names := func(cs []catalog.Column) []string {
		out := make([]string, len(cs))
		for i, c := range cs {
			out[i] = c.Name
		}
		return out
	}
	an, bn := names(a), names(b)
	for _, n := range bn {
		if !slices.Contains(an, n) {
			added = append(added, n)
		}
	}
	for _, n := range an {
		if !slices.Contains(bn, n) {
			removed = append(removed, n)
		}
	}
	return added, removed
}

// diffKey picks the column that identifies rows in both versions: a column
// named like an ID whose values are present and unique in both.
func diffKey(a, b []catalog.Column, older, newer []diffRecord) string {
	for _, c := range a {
		if !slices.ContainsFunc(b, func(o catalog.Column) bool { return o.Name == c.Name }) {
			continue
		}
		if !slices.Contains(keyNames, strings.ToLower(catalog.Fold(c.Name))) {
			continue
		}
		if uniqueIn(c.Name, older) && uniqueIn(c.Name, newer) {
			return c.Name
		}
	}
	return ""
}

func uniqueIn(col string, rs []diffRecord) bool {
	seen := make(map[string]bool, len(rs))
	for _, r := range rs {
		v := r.values[col]
		if v == "" || seen[v] {
			return false
		}
		seen[v] = true
	}
	return true
}

func diffByKey(d *Diff, older, newer []diffRecord, add func(DiffRow)) {
	byKey := make(map[string]diffRecord, len(older))
	for _, r := range older {
		byKey[r.values[d.Key]] = r
	}
	for _, n := range newer {
		k := n.values[d.Key]
		o, ok := byKey[k]
		if !ok {
			d.Added++
			add(DiffRow{Change: "added", Key: k, Row: n.row, New: n.values})
			continue
		}
		delete(byKey, k)
		if cols := changedColumns(o.values, n.values); len(cols) > 0 {
			d.Changed++
			add(DiffRow{Change: "changed", Key: k, Row: n.row, Columns: cols, Old: o.values, New: n.values})
		} else {
			d.Unchanged++
		}
	}
	// What is left of the older version was removed, in its file order.
	for _, o := range older {
		if _, ok := byKey[o.values[d.Key]]; ok {
			d.Removed++
			add(DiffRow{Change: "removed", Key: o.values[d.Key], Row: o.row, Old: o.values})
		}
	}
}

// changedColumns lists the columns whose values differ, in a stable order;
// a column only one version has counts as changed when it holds a value.
func changedColumns(o, n map[string]string) []string {
	var out []string
	for k, v := range n {
		if o[k] != v {
			out = append(out, k)
		}
	}
	for k, v := range o {
		if _, ok := n[k]; !ok && v != "" {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func diffByContent(d *Diff, older, newer []diffRecord, add func(DiffRow)) {
	// A multiset of rows: the same row twice in the older version is
	// matched by two rows of the newer one.
	count := map[string]int{}
	for _, o := range older {
		count[rowText(o.values)]++
	}
	for _, n := range newer {
		t := rowText(n.values)
		if count[t] > 0 {
			count[t]--
			d.Unchanged++
			continue
		}
		d.Added++
		add(DiffRow{Change: "added", Row: n.row, New: n.values})
	}
	for _, o := range older {
		t := rowText(o.values)
		if count[t] > 0 {
			count[t]--
			d.Removed++
			add(DiffRow{Change: "removed", Row: o.row, Old: o.values})
		}
	}
}

// rowText is a row's values in column-name order, as one comparable string.
func rowText(vals map[string]string) string {
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k)
		b.WriteByte(0x1f)
		b.WriteString(vals[k])
		b.WriteByte(0x1e)
	}
	return b.String()
}
