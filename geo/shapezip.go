package geo

import (
	"archive/zip"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
)

// Default limits of ReadShapefileZip.
const (
	DefaultMaxZipEntries      = 1000
	DefaultMaxZipUncompressed = 512 << 20
)

// ShapefileOptions are the choices and limits of reading a shapefile.
type ShapefileOptions struct {
	// Department and File are copied into the layer's Source.
	Department string
	File       string

	// CRS, when set, is the coordinate system declared on upload; it
	// wins over the .prj (a warning says when they differ).
	CRS CRS
	// Encoding, when set, is the declared DBF text encoding ("CP932",
	// "UTF-8", or a name the .cpg could hold); it wins over the .cpg.
	Encoding string
	// Layer picks a shapefile by name ("道路" or "data/道路.shp") when a
	// zip holds several.
	Layer string

	// Limits of a zip; zero means the default. The whole shapefile is
	// read into memory, so MaxUncompressed also bounds the memory used.
	MaxEntries      int
	MaxUncompressed int64
}

// shapeMembers are the files of one shapefile found in a zip.
type shapeMembers struct {
	stem                    string // the path without extension, as displayed
	shp, shx, dbf, prj, cpg *zip.File
}

// ReadShapefileZip reads a zipped ESRI Shapefile: the .shp with its .dbf,
// .prj and .cpg (.shx is not needed to read every record in order), found
// anywhere in the zip (a top folder is common). Entry names that are not
// UTF-8 are read as CP932, as Japanese Windows zips them. macOS's
// __MACOSX/ and ._ entries are ignored.
//
// The zip is refused, with an error wrapping ErrTooLarge where that is the
// cause, when it has more than opt.MaxEntries entries, when its entries
// would uncompress to more than opt.MaxUncompressed bytes, or when an entry
// name could escape a folder it is extracted into (an absolute path, a
// drive letter, "..") or is a symbolic link, or when it holds another zip.
// With no .shp, or several and no opt.Layer choosing one, the error lists
// what the zip holds.
//
// The rest is ReadShapefile's.
func ReadShapefileZip(r io.ReaderAt, size int64, opt ShapefileOptions) (*Layer, error) {
	name := opt.File
	if name == "" {
		name = "the zip"
	}
	fail := func(err error, format string, args ...any) error {
		return &ReadError{File: name, Reason: fmt.Sprintf(format, args...), Err: err}
	}
	maxEntries, maxBytes := opt.MaxEntries, opt.MaxUncompressed
	if maxEntries <= 0 {
		maxEntries = DefaultMaxZipEntries
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxZipUncompressed
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fail(nil, "not a zip archive (%v); upload a shapefile's .shp, .shx, .dbf and .prj zipped together", err)
	}
	if len(zr.File) > maxEntries {
		return nil, fail(ErrTooLarge, "the zip holds %d entries; at most %d are accepted", len(zr.File), maxEntries)
	}
	sets := map[string]*shapeMembers{}
	var total uint64
	var others []string
	for _, f := range zr.File {
		n := zipName(f)
		if err := checkZipName(n); err != nil {
			return nil, fail(nil, "entry %q %s; the zip is refused", n, err)
		}
		if f.Mode()&fs.ModeSymlink != 0 {
			return nil, fail(nil, "entry %q is a symbolic link; the zip is refused", n)
		}
		// A zip in the zip is never opened, but nested zips are how zip
		// bombs multiply, and a shapefile's zip has no reason to hold one.
		if strings.EqualFold(path.Ext(n), ".zip") {
			return nil, fail(nil, "entry %q is another zip inside the zip; the zip is refused (upload the inner zip on its own)", n)
		}
		if f.FileInfo().IsDir() || strings.HasPrefix(n, "__MACOSX/") || strings.HasPrefix(path.Base(n), "._") {
			continue
		}
		total += f.UncompressedSize64
		if total > uint64(maxBytes) {
			return nil, fail(ErrTooLarge, "the zip uncompresses to more than %s; at most that is accepted", sizeText(maxBytes))
		}
		ext := strings.ToLower(path.Ext(n))
		stem := n[:len(n)-len(ext)]
		key := strings.ToLower(stem)
		set := sets[key]
		if set == nil {
			set = &shapeMembers{stem: stem}
		}
		switch ext {
		case ".shp":
			set.shp = f
		case ".shx":
			set.shx = f
		case ".dbf":
			set.dbf = f
		case ".prj":
			set.prj = f
		case ".cpg":
			set.cpg = f
		default:
			others = append(others, n)
			continue
		}
		sets[key] = set
	}
	var found []*shapeMembers
	for _, s := range sets {
		if s.shp != nil {
			found = append(found, s)
		}
	}
	sort.Slice(found, func(i, j int) bool { return found[i].stem < found[j].stem })
	set, err := pickShapefile(found, opt.Layer, others)
	if err != nil {
		return nil, fail(nil, "%s", err)
	}

	budget := maxBytes
	read := func(f *zip.File) ([]byte, error) {
		if f == nil {
			return nil, nil
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fail(nil, "entry %q cannot be opened: %v", zipName(f), err)
		}
		defer rc.Close()
		// The sizes in the zip's directory can lie; count what comes out.
		data, err := io.ReadAll(io.LimitReader(rc, budget+1))
		if err != nil {
			return nil, fail(nil, "entry %q cannot be read: %v", zipName(f), err)
		}
		if int64(len(data)) > budget {
			return nil, fail(ErrTooLarge, "the zip uncompresses to more than %s; at most that is accepted", sizeText(maxBytes))
		}
		budget -= int64(len(data))
		return data, nil
	}
	var parts ShapefileParts
	parts.Name = path.Base(set.stem)
	if parts.SHP, err = read(set.shp); err != nil {
		return nil, err
	}
	if parts.DBF, err = read(set.dbf); err != nil {
		return nil, err
	}
	if parts.PRJ, err = read(set.prj); err != nil {
		return nil, err
	}
	if parts.CPG, err = read(set.cpg); err != nil {
		return nil, err
	}
	layer, err := ReadShapefile(parts, opt)
	if err != nil {
		return nil, err
	}
	for _, f := range []*zip.File{set.shp, set.shx, set.dbf, set.prj, set.cpg} {
		if f != nil {
			layer.Source.Members = append(layer.Source.Members, zipName(f))
		}
	}
	return layer, nil
}

// pickShapefile chooses among the shapefiles of a zip.
func pickShapefile(found []*shapeMembers, want string, others []string) (*shapeMembers, error) {
	var names []string
	for _, s := range found {
		names = append(names, s.stem+".shp")
	}
	if want != "" {
		w := strings.ToLower(strings.TrimSuffix(strings.TrimSuffix(want, ".shp"), ".SHP"))
		for _, s := range found {
			if st := strings.ToLower(s.stem); st == w || path.Base(st) == w {
				return s, nil
			}
		}
		return nil, fmt.Errorf("the zip has no shapefile %q; it holds %s", want, listText(names))
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		if len(others) == 0 {
			return nil, fmt.Errorf("the zip holds no .shp file (it is empty)")
		}
		return nil, fmt.Errorf("the zip holds no .shp file, only %s", listText(others))
	}
	return nil, fmt.Errorf("the zip holds %d shapefiles (%s); choose one, or upload each layer on its own", len(found), listText(names))
}

// zipName returns an entry's name as UTF-8 with / separators. Japanese
// Windows writes CP932 names without the zip's UTF-8 flag; 0x5C, which is
// also a CP932 trail byte, is only a separator once the name is decoded.
func zipName(f *zip.File) string {
	n := f.Name
	if !utf8.ValidString(n) {
		if d, err := japanese.ShiftJIS.NewDecoder().String(n); err == nil {
			n = d
		}
	}
	return strings.ReplaceAll(n, `\`, "/")
}

// checkZipName refuses a name that could write outside a folder the zip is
// extracted into. We never extract, but a zip built that way is hostile
// and so is refused whole.
func checkZipName(n string) error {
	switch {
	case n == "":
		return fmt.Errorf("has no name")
	case strings.ContainsRune(n, 0):
		return fmt.Errorf("has a NUL byte in its name")
	case strings.HasPrefix(n, "/"):
		return fmt.Errorf("is an absolute path")
	case len(n) >= 2 && n[1] == ':':
		return fmt.Errorf("starts with a drive letter")
	}
	for _, el := range strings.Split(n, "/") {
		if el == ".." {
			return fmt.Errorf("climbs out of the folder with ..")
		}
	}
	return nil
}

func listText(names []string) string {
	const show = 5
	if len(names) > show {
		return strings.Join(names[:show], ", ") + fmt.Sprintf(" and %d more", len(names)-show)
	}
	return strings.Join(names, ", ")
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
