package datasets

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/machi-opendata/portal/catalog"
)

// PIIError is the cause of an import refused by the personal-information
// guard: what it found, for the page that explains it.
type PIIError struct{ Findings []PIIFinding }

func (e *PIIError) Error() string {
	return fmt.Sprintf("%d personal-information findings", len(e.Findings))
}

// The guard's rules for photo metadata (docs/admin.md).
const (
	// PIIEXIFOwner: an image's EXIF or XMP names its owner or its camera
	// (Artist, XPAuthor, CameraOwnerName, BodySerialNumber,
	// LensSerialNumber, dc:creator). GPS is not a finding: the photos are
	// of public places, and the position is offered as the place.
	PIIEXIFOwner = "exif_owner"
	// PIIEXIFComment: free text written in the camera or by software
	// (UserComment, XPComment), which may name people.
	PIIEXIFComment = "exif_comment"
)

// scanPII runs the guard over what a plan will import: the table of a CSV
// file (tables, the standard kinds, photo metadata) and the EXIF of every
// photo. GeoJSON properties are not scanned yet.
func (im *Importer) scanPII(p importPlan) ([]PIIFinding, error) {
	var out []PIIFinding
	var exif map[string]*EXIF
	switch p := p.(type) {
	case *csvPlan:
		fs, err := im.scanTable(p)
		if err != nil {
			return nil, err
		}
		out, exif = fs, p.exif
	case *imagesPlan:
		exif = p.exif
	}
	return append(out, exifFindings(exif)...), nil
}

// exifFindings are the owner and comment fields of the photos' metadata,
// file by file in name order. Column names the file and the field
// ("p1.jpg EXIF:Artist"); Row is 0, as for a column.
func exifFindings(exif map[string]*EXIF) []PIIFinding {
	var out []PIIFinding
	for _, name := range slices.Sorted(maps.Keys(exif)) {
		x := exif[name]
		for _, f := range x.Owner {
			out = append(out, PIIFinding{Column: name + " EXIF:" + f.Name, Rule: PIIEXIFOwner, Sample: maskedFirst(f.Value)})
		}
		for _, f := range x.Comments {
			out = append(out, PIIFinding{Column: name + " EXIF:" + f.Name, Rule: PIIEXIFComment, Sample: maskedFirst(f.Value)})
		}
	}
	return out
}

// scanTable runs the table rules over a CSV file.
func (im *Importer) scanTable(cp *csvPlan) ([]PIIFinding, error) {
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
		switch {
		case f.Rule == PIIEXIFOwner || f.Rule == PIIEXIFComment:
			fmt.Fprintf(&b, "画像「%s」(%s)", f.Column, f.Rule)
		case f.Row == 0:
			fmt.Fprintf(&b, "列「%s」(%s)", f.Column, f.Rule)
		default:
			fmt.Fprintf(&b, "列「%s」%d行目 (%s)", f.Column, f.Row, f.Rule)
		}
	}
	return &catalog.Error{Kind: catalog.Invalid,
		Message: "個人情報の可能性があるため公開できません: " + b.String() + "。下書きとして保存するか、管理者が理由を書いて公開してください",
		Err:     &PIIError{Findings: fs}}
}
