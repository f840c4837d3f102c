package web

import (
	"fmt"
	"image"
	"image/jpeg"
	_ "image/png" // photo uploads may be PNG; derivatives are JPEG
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"

	"github.com/machi-opendata/portal/catalog"
	"golang.org/x/image/draw"
	"golang.org/x/sync/singleflight"
)

// The widths pre-generated for every photo: a thumbnail for the gallery and
// a display size for the photo page; the full size is generated too. IIIF
// level 0 serves exactly these (info.json lists them).
const (
	thumbnailWidth = 200
	displayWidth   = 800
)

// derivatives keeps the resized JPEGs of stored images on disk, each under
// a name made of the original's SHA-256 and the width, so an image is
// decoded and encoded once per width whatever photo, version or dataset
// refers to it, and a new upload never meets a stale derivative.
//
// Every derivative is re-encoded, the full size too: the encoder writes no
// EXIF, so nothing of the original's metadata (camera, GPS) reaches a
// citizen through these images. The original stays downloadable as
// uploaded; stripping its personal EXIF fields belongs to the import.
type derivatives struct {
	dir     string // <data>/cache/images
	files   *catalog.Files
	flight  singleflight.Group
	encodes atomic.Int64 // how many derivatives were made: tests check reuse
}

func newDerivatives(files *catalog.Files) *derivatives {
	if files == nil {
		return &derivatives{}
	}
	return &derivatives{dir: filepath.Join(filepath.Dir(files.Dir), "cache", "images"), files: files}
}

func (d *derivatives) path(sum string, width int) string {
	return filepath.Join(d.dir, sum[:2], sum+"-"+strconv.Itoa(width)+".jpg")
}

// size reads an image's dimensions from its header.
func (d *derivatives) size(sum string) (w, h int, err error) {
	f, err := d.files.Open(sum)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(f)
	if err != nil {
		return 0, 0, fmt.Errorf("read image %s: %w", sum, err)
	}
	return cfg.Width, cfg.Height, nil
}

// imageSize is one pre-generated size.
type imageSize struct {
	Width  int `json:"width"`
	Height int `json:"height"`
}

// sizes are the pre-generated sizes of an image of w×h, smallest first:
// the thumbnail and display widths when narrower than the image, and the
// full size.
func sizes(w, h int) []imageSize {
	var out []imageSize
	for _, sw := range []int{thumbnailWidth, displayWidth} {
		if sw < w {
			out = append(out, imageSize{sw, max(1, (h*sw+w/2)/w)})
		}
	}
	return append(out, imageSize{w, h})
}

// open returns the derivative of width (one of sizes) of the stored image
// sum, making it first if needed. Concurrent requests for the same one
// wait for a single encode.
func (d *derivatives) open(sum string, width int) (*os.File, error) {
	p := d.path(sum, width)
	if f, err := os.Open(p); err == nil {
		return f, nil
	}
	_, err, _ := d.flight.Do(p, func() (any, error) {
		if _, err := os.Stat(p); err == nil {
			return nil, nil // made by a flight that just landed
		}
		return nil, d.make(sum, width, p)
	})
	if err != nil {
		return nil, err
	}
	return os.Open(p)
}

// make decodes, scales with Catmull-Rom and encodes at quality 85, through a
// temporary file renamed into place, so a crash never leaves half a JPEG
// under a cache name.
func (d *derivatives) make(sum string, width int, dst string) (err error) {
	src, err := d.files.Open(sum)
	if err != nil {
		return err
	}
	defer src.Close()
	img, _, err := image.Decode(src)
	if err != nil {
		return fmt.Errorf("decode image %s: %w", sum, err)
	}
	b := img.Bounds()
	out := img
	if width != b.Dx() {
		h := max(1, (b.Dy()*width+b.Dx()/2)/b.Dx())
		scaled := image.NewRGBA(image.Rect(0, 0, width, h))
		draw.CatmullRom.Scale(scaled, scaled.Bounds(), img, b, draw.Src, nil)
		out = scaled
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("image cache: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), "tmp-*")
	if err != nil {
		return fmt.Errorf("image cache: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = jpeg.Encode(tmp, out, &jpeg.Options{Quality: 85}); err != nil {
		return fmt.Errorf("encode image: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("image cache: %w", err)
	}
	if err = os.Rename(tmp.Name(), dst); err != nil {
		return fmt.Errorf("image cache: %w", err)
	}
	d.encodes.Add(1)
	return nil
}
