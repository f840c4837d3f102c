package web

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/klauspost/compress/gzip"
	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
)

func (s *Server) downloadCSV(c *gin.Context) error {
	opt := datasets.ExportOptions{BOM: c.Query("bom") == "1"}
	switch enc := strings.ToLower(c.Query("encoding")); enc {
	case "", "utf-8", "utf8":
	case "shift_jis", "sjis", "cp932", "windows-31j":
		opt.ShiftJIS, opt.Replace = true, c.Query("unmappable") == "replace"
	default:
		return catalog.Errorf(catalog.Invalid, "encoding must be utf-8 or shift_jis")
	}
	variant := fmt.Sprintf("bom=%t,sjis=%t,replace=%t", opt.BOM, opt.ShiftJIS, opt.Replace)
	charset := "utf-8"
	if opt.ShiftJIS {
		charset = "Shift_JIS"
	}
	return s.download(c, datasets.Exports[0], variant, "text/csv; charset="+charset+"; header=present",
		func(ctx context.Context, w io.Writer, v *catalog.Version) error {
			return s.records.WriteCSV(ctx, w, v, opt)
		},
		func(ctx context.Context, v *catalog.Version) error {
			if !opt.ShiftJIS || opt.Replace {
				return nil
			}
			// Report what Shift_JIS would lose before sending a byte.
			bad, err := s.records.Unmappable(ctx, v, 20)
			if err != nil || len(bad) == 0 {
				return err
			}
			var b strings.Builder
			for i, u := range bad {
				if i > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "%q (row %d, column %s)", u.Char, u.Row, u.Column)
			}
			return catalog.Errorf(catalog.Invalid, "Shift_JIS cannot represent %s; download UTF-8 (?bom=1 for Excel) "+
				"or add &unmappable=replace to write 〓 in their place", b.String())
		})
}

func (s *Server) downloadJSON(c *gin.Context) error {
	return s.download(c, datasets.Exports[1], "", "application/json; charset=utf-8", s.records.WriteJSON, nil)
}

func (s *Server) downloadGeoJSON(c *gin.Context) error {
	return s.download(c, datasets.Exports[2], "", "application/geo+json", s.records.WriteGeoJSON, nil)
}

// download streams an export of the published version with validators
// (ETag, Last-Modified), conditional 304s, optional gzip, and a file name
// that keeps the Japanese title (RFC 6266 filename*). The download's headers
// are set only once check has passed, so an error answer never carries them.
func (s *Server) download(c *gin.Context, f datasets.Export, variant, contentType string,
	write func(context.Context, io.Writer, *catalog.Version) error,
	check func(context.Context, *catalog.Version) error) error {
	d, v, err := s.published(c)
	if err != nil {
		return err
	}
	if f.NeedsGeometry && !v.HasGeometry {
		return catalog.Errorf(catalog.NotFound, "dataset %q has no geometry, so no GeoJSON", d.Slug)
	}
	// A version never changes, so its identity and the variant make a strong
	// validator; the gzip form is other bytes, so it gets its own.
	etag := strongETag(d.Slug, strconv.FormatInt(v.ID, 10), f.Name, variant)
	gzipped := acceptsGzip(c.Request)
	sent := etag
	if gzipped {
		sent = gzipETag(etag)
	}
	h := c.Writer.Header()
	h.Set("Vary", "Accept-Encoding")
	validators := func() {
		h.Set("ETag", sent)
		h.Set("Last-Modified", v.Created.UTC().Format(http.TimeFormat))
		h.Set("Cache-Control", "public, max-age=300")
	}
	if notModified(c.Request, v, etag, gzipETag(etag)) {
		validators()
		c.Status(http.StatusNotModified)
		return nil
	}
	ctx := c.Request.Context()
	if check != nil {
		if err := check(ctx, v); err != nil {
			return err
		}
	}
	validators()
	ext := f.Name[strings.LastIndexByte(f.Name, '.'):]
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", contentDisposition(d.Slug+ext, d.TitleJA+ext))
	if gzipped {
		h.Set("Content-Encoding", "gzip")
	}
	c.Status(http.StatusOK)
	if c.Request.Method == http.MethodHead {
		return nil
	}
	s.downloads.add(d.ID)
	if !gzipped {
		return write(ctx, c.Writer, v)
	}
	gz, _ := gzip.NewWriterLevel(c.Writer, gzip.BestSpeed)
	if err := write(ctx, gz, v); err != nil {
		// No Close: its trailer would make a cut stream look complete.
		return err
	}
	return gz.Close()
}

// downloadOriginal sends a version's uploaded file as it was uploaded: the
// one file, the file named by ?file=<sha256>, or all files as a ZIP. Photos
// are the exception: they are sent without their metadata (sendPhoto).
func (s *Server) downloadOriginal(c *gin.Context) error {
	d, _, err := s.published(c)
	if err != nil {
		return err
	}
	v, err := s.publicVersion(c, d, c.Param("n"))
	if err != nil {
		return err
	}
	n := v.Number
	files := v.Files
	if sum := c.Query("file"); sum != "" {
		files = nil
		for _, f := range v.Files {
			if f.SHA256 == sum {
				files = append(files, f)
				break
			}
		}
		if files == nil {
			return catalog.Errorf(catalog.NotFound, "version %d has no file %q", n, sum)
		}
	}
	if len(files) == 0 {
		return catalog.Errorf(catalog.NotFound, "version %d has no files", n)
	}
	if len(files) == 1 {
		f := files[0]
		if f.Role == "image" {
			return s.sendPhoto(c, d, v, f)
		}
		c.Header("ETag", `"`+f.SHA256+`"`)
		return s.serveStored(c, d, v, f)
	}
	h := c.Writer.Header()
	h.Set("Content-Type", "application/zip")
	name := fmt.Sprintf("%s-v%d.zip", d.Slug, n)
	h.Set("Content-Disposition", contentDisposition(name, name))
	c.Status(http.StatusOK)
	if c.Request.Method == http.MethodHead {
		return nil
	}
	zw := zip.NewWriter(c.Writer)
	for _, f := range files {
		if err := s.addToZip(zw, f); err != nil {
			// No Close: the central directory would make a cut archive
			// look complete; fail cuts the connection instead.
			return err
		}
	}
	return zw.Close()
}

func (s *Server) addToZip(zw *zip.Writer, f catalog.VersionFile) error {
	r, err := s.files.Open(f.SHA256)
	if err != nil {
		return err
	}
	defer r.Close()
	w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Store})
	if err != nil {
		return err
	}
	if f.Role == "image" {
		return writeStripped(w, r)
	}
	_, err = io.Copy(w, r)
	return err
}

// writeStripped writes a stored photo as published: without its metadata
// (datasets.StripMetadata); a file that is neither JPEG nor PNG, of which
// nothing was written, goes as uploaded.
func writeStripped(w io.Writer, r io.ReadSeeker) error {
	if err := datasets.StripMetadata(w, r); !errors.Is(err, datasets.ErrNotImage) {
		return err
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return err
	}
	_, err := io.Copy(w, r)
	return err
}

// strippedVersion names the stripping rules in the ETag of a published
// photo, so that a change of rules is a change of representation.
const strippedVersion = "strip1"

// sendPhoto sends an uploaded photo as published: without the metadata that
// can name its owner, its camera or where it was taken
// (datasets.StripMetadata). The stored file keeps every byte of the upload;
// the copy is made as it is sent, once to measure it and once to send it,
// so the answer has a Content-Length. Ranges are not offered: the copy is
// not seekable. A file that is neither JPEG nor PNG is sent as uploaded.
func (s *Server) sendPhoto(c *gin.Context, d *catalog.Dataset, v *catalog.Version, f catalog.VersionFile) error {
	r, err := s.files.Open(f.SHA256)
	if err != nil {
		return err
	}
	defer r.Close()
	var size countingWriter
	err = datasets.StripMetadata(&size, r)
	if err != nil && !errors.Is(err, datasets.ErrNotImage) {
		return err
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return err
	}
	h := c.Writer.Header()
	h.Set("Content-Type", f.MediaType)
	h.Set("Content-Disposition", contentDisposition(asciiName(f.Name, d.Slug), f.Name))
	if err != nil {
		h.Set("ETag", `"`+f.SHA256+`"`)
		http.ServeContent(c.Writer, c.Request, "", v.Created, r)
		return nil
	}
	etag := `"` + f.SHA256 + "-" + strippedVersion + `"`
	h.Set("ETag", etag)
	h.Set("Last-Modified", v.Created.UTC().Format(http.TimeFormat))
	h.Set("Accept-Ranges", "none")
	if notModified(c.Request, v, etag) {
		h.Del("Content-Type")
		h.Del("Content-Disposition")
		c.Status(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Length", strconv.FormatInt(int64(size), 10))
	c.Status(http.StatusOK)
	if c.Request.Method == http.MethodHead {
		return nil
	}
	return datasets.StripMetadata(c.Writer, r)
}

// countingWriter counts what is written to it.
type countingWriter int64

func (w *countingWriter) Write(p []byte) (int, error) {
	*w += countingWriter(len(p))
	return len(p), nil
}

func strongETag(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return `"` + hex.EncodeToString(h[:12]) + `"`
}

// gzipETag is the validator of the gzip form of the representation with etag.
func gzipETag(etag string) string { return strings.TrimSuffix(etag, `"`) + `-gzip"` }

// notModified applies RFC 9110's rules: If-None-Match (matching any of
// etags) wins over If-Modified-Since.
func notModified(r *http.Request, v *catalog.Version, etags ...string) bool {
	if present, match := ifNoneMatch(r, etags...); present {
		return match
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		t, err := http.ParseTime(ims)
		return err == nil && !v.Created.Truncate(1e9).After(t)
	}
	return false
}

// ifNoneMatch tells whether r has an If-None-Match header and whether it
// matches one of etags, with the weak comparison RFC 9110 (13.1.2) asks for
// there: a W/ prefix is ignored, and * matches anything.
func ifNoneMatch(r *http.Request, etags ...string) (present, match bool) {
	inm := r.Header.Get("If-None-Match")
	if inm == "" {
		return false, false
	}
	for _, t := range strings.Split(inm, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || slices.Contains(etags, t) {
			return true, true
		}
	}
	return true, false
}

// acceptsGzip tells whether the client takes gzip (and did not refuse it with q=0).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		if q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q="); ok {
			if f, err := strconv.ParseFloat(q, 64); err == nil && f == 0 {
				return false
			}
		}
		return true
	}
	return false
}

// contentDisposition names a download for every browser: an ASCII fallback
// and the real (Japanese) name as RFC 6266 / RFC 5987 filename*.
func contentDisposition(ascii, name string) string {
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, rfc5987(name))
}

// rfc5987 percent-encodes everything but RFC 5987's attr-char.
func rfc5987(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// asciiName is name if it is plain ASCII and safe in a quoted string, else
// the slug with the name's extension (when that is ASCII).
func asciiName(name, slug string) string {
	if name != "" && plainASCII(name) {
		return name
	}
	if i := strings.LastIndexByte(name, '.'); i >= 0 && len(name)-i <= 8 && plainASCII(name[i:]) {
		return slug + name[i:]
	}
	return slug
}

func plainASCII(s string) bool {
	for _, c := range []byte(s) {
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// serveStored sends a stored file as uploaded, named as the user named it;
// ServeContent handles ranges and conditional requests on it.
func (s *Server) serveStored(c *gin.Context, d *catalog.Dataset, v *catalog.Version, f catalog.VersionFile) error {
	r, err := s.files.Open(f.SHA256)
	if err != nil {
		return err
	}
	defer r.Close()
	h := c.Writer.Header()
	h.Set("Content-Type", f.MediaType)
	h.Set("Content-Disposition", contentDisposition(asciiName(f.Name, d.Slug), f.Name))
	http.ServeContent(c.Writer, c.Request, "", v.Created, r)
	return nil
}
