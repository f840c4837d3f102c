package datasets

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/machi-opendata/portal/catalog"
)

// PIIError is the cause of an import refused by the personal-information
// guard: what it found, for the page that explains it.
type PIIError struct{ Findings []PIIFinding }

func (e *PIIError) Error() string {
	return fmt.Sprintf("%d personal-information findings", len(e.Findings))
}

// scanPII runs the guard over the table a plan will import. Only CSV
// files (tables, the standard kinds, photo metadata) are scanned so far;
// GeoJSON properties and EXIF are not yet.
func (im *Importer) scanPII(p importPlan) ([]PIIFinding, error) {
	cp, ok := p.(*csvPlan)
	if !ok {
		return nil, nil
	}
	f, err := im.open(cp.up)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := NewCSVReader(cp.up.Name, f, CSVOptions{})
	if err != nil {
		return nil, fileError(err)
	}
	sc := NewPIIScanner(r.Header())
	for {
		_, cells, err := r.Read()
		if err == io.EOF {
			break
		}
		var prob *Problem
		if errors.As(err, &prob) {
			continue // a refused row is not published
		}
		if err != nil {
			return nil, fileError(err)
		}
		sc.Add(cells)
	}
	return sc.Findings(), nil
}

// piiRefusal is the error of a publish the guard stops.
func piiRefusal(fs []PIIFinding) error {
	var b strings.Builder
	for i, f := range fs {
		if i == 3 {
			fmt.Fprintf(&b, " ほか%d件", len(fs)-3)
			break
		}
		if i > 0 {
			b.WriteString("、")
		}
		if f.Row == 0 {
			fmt.Fprintf(&b, "列「%s」(%s)", f.Column, f.Rule)
		} else {
			fmt.Fprintf(&b, "列「%s」%d行目 (%s)", f.Column, f.Row, f.Rule)
		}
	}
	return &catalog.Error{Kind: catalog.Invalid,
		Message: "個人情報の可能性があるため公開できません: " + b.String() + "。下書きとして保存するか、管理者が理由を書いて公開してください",
		Err:     &PIIError{Findings: fs}}
}
