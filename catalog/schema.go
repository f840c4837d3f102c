package catalog

// ColumnType is the inferred type of a column's values.
type ColumnType string

// Column types. Inference picks the narrowest type every non-empty value of
// a column fits.
const (
	TypeInteger ColumnType = "integer"
	TypeNumber  ColumnType = "number"
	TypeBoolean ColumnType = "boolean"
	TypeDate    ColumnType = "date"
	TypeTime    ColumnType = "time"
	TypeText    ColumnType = "text"
)

// Column describes one column of a version's table.
type Column struct {
	Name string     `json:"name"` // exactly as written in the header
	Type ColumnType `json:"type"`
	// Derived is set on columns the reader adds itself, such as the ISO 8601
	// form beside an era date column; it names the source column.
	Derived string `json:"derived,omitempty"`
}
