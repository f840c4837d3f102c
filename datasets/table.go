// Package datasets reads the files municipalities publish (CSV in their real
// encodings and dialects, GeoJSON), checks them against the Digital Agency's
// standard dataset schemas, stores their records and streams them back out.
package datasets

import (
	"fmt"

	"github.com/machi-opendata/portal/catalog"
)

// Encoding names a text encoding found in an uploaded file.
type Encoding string

// The encodings the reader detects. ShiftJIS means Windows-31J (CP932), the
// superset municipal spreadsheets actually write.
const (
	UTF8     Encoding = "utf-8"
	UTF8BOM  Encoding = "utf-8-bom"
	ShiftJIS Encoding = "shift_jis"
	EUCJP    Encoding = "euc-jp"
	UTF16LE  Encoding = "utf-16le"
	UTF16BE  Encoding = "utf-16be"
)

// ColumnType and Column are the catalog's, so that a version's schema is
// stored and read back as the same type the reader produces.
type (
	ColumnType = catalog.ColumnType
	Column     = catalog.Column
)

// Column types, from the narrowest to the widest.
const (
	TypeInteger = catalog.TypeInteger
	TypeNumber  = catalog.TypeNumber
	TypeBoolean = catalog.TypeBoolean
	TypeDate    = catalog.TypeDate
	TypeTime    = catalog.TypeTime
	TypeText    = catalog.TypeText
)

// Problem is one thing wrong with an upload, precise enough for a clerk to
// find it in the file.
type Problem struct {
	File     string `json:"file"`
	Line     int    `json:"line,omitempty"`   // 1-based physical line in the file; 0 when the problem is the whole file
	Column   string `json:"column,omitempty"` // column name as in the header
	Reason   string `json:"reason"`
	Severity string `json:"severity"` // "error" (the row or file is refused) or "warning" (imported, but worth a look)
}

func (p Problem) Error() string {
	switch {
	case p.Line > 0 && p.Column != "":
		return fmt.Sprintf("%s:%d: column %q: %s", p.File, p.Line, p.Column, p.Reason)
	case p.Line > 0:
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Reason)
	default:
		return fmt.Sprintf("%s: %s", p.File, p.Reason)
	}
}

// Severities of a Problem.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
)
