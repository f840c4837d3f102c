package web

import (
	"archive/zip"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/machi-opendata/portal/catalog"
)

// photoZipSizes are the sizes a photo dataset's ZIP may hold: the three
// derivatives (re-encoded, without EXIF) and the originals as uploaded.
var photoZipSizes = map[string]int{"thumbnail": thumbnailWidth, "display": displayWidth, "full": 0, "original": -1}

// photoZipBatch is how many derivatives are made ahead of the ZIP being
// written: enough for every CPU, few enough that the first bytes leave
// soon.
func (s *Server) photoZipBatch() int { return 2 * cap(s.images.work) }

// photosZIP is GET /api/v1/datasets/{id}/photos.zip?size=: every photo of
// a photo dataset at one size, with metadata.csv, streamed as it is made
// (no Content-Length). JPEGs are stored, not deflated: they would not
// shrink. Entry names are the photo's id and an extension, never a name
// from the upload.
func (s *Server) photosZIP(c *gin.Context) error {
	size := c.DefaultQuery("size", "display")
	width, ok := photoZipSizes[size]
	if !ok {
		return catalog.Errorf(catalog.Invalid, "size must be thumbnail, display, full or original")
	}
	d, v, err := s.published(c)
	if err != nil {
		return err
	}
	if d.Kind != catalog.KindPhoto {
		return catalog.Errorf(catalog.NotFound, "%q is not a photo dataset", d.Slug)
	}
	ctx := c.Request.Context()
	all, err := s.photosOf(ctx, d, v)
	if err != nil {
		return err
	}
	photos := uniquePhotos(all)
	h := c.Writer.Header()
	etag := strongETag(d.Slug, strconv.FormatInt(v.ID, 10), "photos.zip", size)
	h.Set("ETag", etag)
	h.Set("Cache-Control", "public, max-age=300")
	if _, match := ifNoneMatch(c.Request, etag); match {
		c.Status(http.StatusNotModified)
		return nil
	}
	name := fmt.Sprintf("%s-photos-%s.zip", d.Slug, size)
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", contentDisposition(name, name))
	c.Status(http.StatusOK)
	if c.Request.Method == http.MethodHead {
		return nil
	}
	s.downloads.add(d.ID)
	zw := zip.NewWriter(c.Writer)
	names := make([]string, len(photos))
	for i, p := range photos {
		names[i] = photoZipName(p, size)
	}
	if err := s.writePhotoMetadata(zw, photos, names); err != nil {
		return err // no Close: a cut archive must not look complete
	}
	for start := 0; start < len(photos); start += s.photoZipBatch() {
		batch := photos[start:min(start+s.photoZipBatch(), len(photos))]
		if err := s.warmPhotos(ctx, batch, width); err != nil {
			return err
		}
		for i, p := range batch {
			if err := s.addPhotoToZip(zw, p, names[start+i], width); err != nil {
				return err
			}
		}
	}
	return zw.Close()
}

// uniquePhotos drops a second row with the same id (two rows with one NO).
func uniquePhotos(ps []*photo) []*photo {
	seen := map[string]bool{}
	out := ps[:0:0]
	for _, p := range ps {
		if !seen[p.ID] {
			seen[p.ID] = true
			out = append(out, p)
		}
	}
	return out
}

// photoZipName is a photo's entry name: its id, with anything but ASCII
// letters, digits, "-" and "_" replaced (an id carries the city's NO, which
// may hold anything), and ".jpg", or the original's extension.
func photoZipName(p *photo, size string) string {
	id := strings.Map(func(r rune) rune {
		if r < 128 && (r == '-' || r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return r
		}
		return '_'
	}, p.ID)
	ext := ".jpg"
	if size == "original" {
		switch e := strings.ToLower(path.Ext(p.File.Name)); e {
		case ".jpg", ".jpeg", ".png", ".gif", ".tif", ".tiff", ".webp":
			ext = e
		default:
			ext = ".bin"
		}
	}
	return id + ext
}

// zipWidth is the derivative's width for a photo of w pixels: the size
// asked, or the full size of a narrower photo.
func zipWidth(width, w int) int {
	if width <= 0 || width >= w {
		return w
	}
	return width
}

// warmPhotos makes the derivatives of a batch in parallel (bounded by the
// derivatives' own limit).
func (s *Server) warmPhotos(ctx context.Context, batch []*photo, width int) error {
	if width < 0 {
		return nil // originals: nothing to make
	}
	errs := make(chan error, len(batch))
	for _, p := range batch {
		go func() {
			w, _, err := s.images.size(p.File.SHA256)
			if err == nil && ctx.Err() == nil {
				var f io.Closer
				if f, err = s.images.open(p.File.SHA256, zipWidth(width, w)); err == nil {
					f.Close()
				}
			}
			errs <- err
		}()
	}
	var first error
	for range batch {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	if first == nil {
		first = ctx.Err()
	}
	return first
}

func (s *Server) addPhotoToZip(zw *zip.Writer, p *photo, name string, width int) error {
	// The original, without the metadata that may name its owner; or a
	// derivative, re-encoded without any.
	var r *os.File
	var err error
	if width < 0 {
		r, err = s.files.Open(p.File.SHA256)
	} else {
		var w int
		if w, _, err = s.images.size(p.File.SHA256); err == nil {
			r, err = s.images.open(p.File.SHA256, zipWidth(width, w))
		}
	}
	if err != nil {
		return err
	}
	defer r.Close()
	out, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Modified: p.Version.Created})
	if err != nil {
		return err
	}
	if width < 0 {
		return writeStripped(out, r)
	}
	_, err = io.Copy(out, r)
	return err
}

// writePhotoMetadata writes metadata.csv: one row per photo, its file in
// the archive first, UTF-8 with a BOM so that spreadsheets read it.
func (s *Server) writePhotoMetadata(zw *zip.Writer, photos []*photo, names []string) error {
	out, err := zw.CreateHeader(&zip.FileHeader{Name: "metadata.csv", Method: zip.Deflate})
	if err != nil {
		return err
	}
	if _, err := io.WriteString(out, "\ufeff"); err != nil {
		return err
	}
	w := csv.NewWriter(out)
	w.UseCRLF = true
	w.Write([]string{"file", "id", "title", "title_en", "date", "date_start", "date_end", "place", "lat", "lon",
		"description", "subject", "creator", "department", "dataset", "license", "credit", "url"})
	for i, p := range photos {
		lat, lon := "", ""
		if p.HasPoint {
			lat, lon = strconv.FormatFloat(p.Lat, 'f', -1, 64), strconv.FormatFloat(p.Lon, 'f', -1, 64)
		}
		w.Write([]string{names[i], p.ID, p.Title, p.TitleEN, p.Date, p.From, p.To, p.Place, lat, lon,
			p.Description, strings.Join(p.Subjects, ";"), p.Creator, p.Dataset.Department, p.Dataset.Slug,
			p.Dataset.License, s.credit(p), s.cfg.BaseURL + "/photos/" + p.ID})
	}
	w.Flush()
	return w.Error()
}
