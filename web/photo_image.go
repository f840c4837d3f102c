package web

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	_ "image/png" // photo uploads may be PNG; derivatives are JPEG
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/datasets"
	"github.com/machi-opendata/portal/web/turbojpeg"
	"golang.org/x/image/draw"
	"golang.org/x/sync/errgroup"
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
	// work bounds the images decoded at once to the CPUs: a gallery page
	// asks for 24 thumbnails together, and 24 decodes of 6-megapixel
	// photos at once would only share the CPUs and hold 24 images.
	work chan struct{}
	dims dimsCache
	// index is the published photos, kept here with their images because
	// both live as long as the server and only photo code uses them.
	index photoIndex
	// turbo is libjpeg-turbo when the system has it: JPEGs are then decoded
	// at a reduced scale and encoded by it, 2.4 times less CPU than with
	// image/jpeg (docs/benchmarks.md); nil keeps Go's codec.
	turbo *turbojpeg.Lib
}

func newDerivatives(files *catalog.Files) *derivatives {
	d := &derivatives{work: make(chan struct{}, runtime.GOMAXPROCS(0))}
	if lib, err := turbojpeg.Open(); err == nil {
		d.turbo = lib
	}
	if files != nil {
		d.dir, d.files = filepath.Join(filepath.Dir(files.Dir), "cache", "images"), files
	}
	return d
}

func (d *derivatives) path(sum string, width int) string {
	return filepath.Join(d.dir, sum[:2], sum+"-"+strconv.Itoa(width)+".jpg")
}

// dimsCache keeps images' dimensions: info.json, the photo page and every
// image request need them, and reading a header is a file open.
type dimsCache struct {
	mu sync.Mutex
	m  map[string]imageSize
}

// maxDims bounds the cache; past it the map is dropped (a header read
// refills an entry).
const maxDims = 200_000

// size reads an image's dimensions from its header, once.
func (d *derivatives) size(sum string) (w, h int, err error) {
	d.dims.mu.Lock()
	z, ok := d.dims.m[sum]
	d.dims.mu.Unlock()
	if ok {
		return z.Width, z.Height, nil
	}
	f, err := d.files.Open(sum)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(f)
	if err != nil {
		return 0, 0, fmt.Errorf("read image %s: %w", sum, err)
	}
	d.dims.mu.Lock()
	if d.dims.m == nil || len(d.dims.m) >= maxDims {
		d.dims.m = map[string]imageSize{}
	}
	d.dims.m[sum] = imageSize{cfg.Width, cfg.Height}
	d.dims.mu.Unlock()
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
			out = append(out, imageSize{sw, scaledHeight(w, h, sw)})
		}
	}
	return append(out, imageSize{w, h})
}

func scaledHeight(w, h, width int) int { return max(1, (h*width+w/2)/w) }

// open returns the derivative of width (one of sizes) of the stored image
// sum, making it first if needed. Concurrent requests for the same one
// wait for a single encode. The thumbnail and display sizes are made
// together from one decode (makeSmall): decoding the original is most of
// the cost, and a visitor who sees the thumbnail often opens the page.
func (d *derivatives) open(sum string, width int) (*os.File, error) {
	p := d.path(sum, width)
	if f, err := os.Open(p); err == nil {
		return f, nil
	}
	w, _, err := d.size(sum)
	if err != nil {
		return nil, err
	}
	key, build := p, func() error { return d.makeFull(sum, p) }
	if width < w {
		key, build = sum+"-small", func() error { return d.makeSmall(sum) }
	}
	_, err, _ = d.flight.Do(key, func() (any, error) {
		if _, err := os.Stat(p); err == nil {
			return nil, nil // made by a flight that just landed
		}
		d.work <- struct{}{}
		defer func() { <-d.work }()
		return nil, build()
	})
	if err != nil {
		return nil, err
	}
	return os.Open(p)
}

// warm makes the thumbnail and display sizes of every image in sums that
// lacks them, as many at once as there are CPUs: what an import of a photo
// archive would run (and BenchmarkPhotoThumbnails measures).
func (d *derivatives) warm(ctx context.Context, sums []string) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(cap(d.work))
	for _, sum := range sums {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			f, err := d.open(sum, thumbnailWidth)
			if err != nil {
				return err
			}
			return f.Close()
		})
	}
	return g.Wait()
}

// decode reads a stored image, at least minWidth pixels wide (0: the full
// size); it may come out wider than minWidth, never narrower unless the
// image is. libjpeg-turbo decodes JPEGs when loaded; what it refuses (a
// CMYK JPEG, data it warns about) is left to image/jpeg, whose verdict
// stands.
func (d *derivatives) decode(sum string, minWidth int) (image.Image, error) {
	w, h, err := d.size(sum)
	if err != nil {
		return nil, err
	}
	// Uploads over the limit are refused; this guards files stored before.
	if w*h > datasets.MaxImagePixels {
		return nil, fmt.Errorf("decode image %s: %d×%d pixels, over the limit of %d", sum, w, h, datasets.MaxImagePixels)
	}
	src, err := d.files.Open(sum)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	var r io.Reader = bufio.NewReaderSize(src, 64<<10)
	if d.turbo != nil {
		data, err := io.ReadAll(src)
		if err != nil {
			return nil, fmt.Errorf("read image %s: %w", sum, err)
		}
		if bytes.HasPrefix(data, []byte{0xFF, 0xD8}) {
			if img, _, err := d.turbo.Decode(data, minWidth, datasets.MaxImagePixels); err == nil {
				return img, nil
			}
		}
		r = bytes.NewReader(data)
	}
	img, _, err := image.Decode(r)
	if err != nil {
		return nil, fmt.Errorf("decode image %s: %w", sum, err)
	}
	return img, nil
}

// makeFull re-encodes the full size.
func (d *derivatives) makeFull(sum, dst string) error {
	img, err := d.decode(sum, 0)
	if err != nil {
		return err
	}
	return d.save(img, dst)
}

// makeSmall makes the display size from the original and the thumbnail
// from the display size (a fourth of its pixels to filter, and no visible
// difference at 200 pixels).
func (d *derivatives) makeSmall(sum string) error {
	img, err := d.decode(sum, displayWidth)
	if err != nil {
		return err
	}
	w := img.Bounds().Dx()
	src := img
	if displayWidth < w {
		src = scale(img, displayWidth)
		if err := d.save(src, d.path(sum, displayWidth)); err != nil {
			return err
		}
	}
	if thumbnailWidth < w {
		return d.save(scale(src, thumbnailWidth), d.path(sum, thumbnailWidth))
	}
	return nil
}

// scale resizes img to width (never wider than img), in RGBA. A photo
// several times wider than the target is first reduced by a whole factor
// with a box filter (an average: what a good downscale does anyway, at a
// fraction of the cost; on the YCbCr planes of a decoded JPEG, before any
// colour conversion); what is left, always less than a halving (as is
// what libjpeg-turbo's scaled decode leaves), is resampled bilinearly,
// which there looks the same as Catmull-Rom with half its taps. A
// reduction that lands on the size (800 to 200) needs no resampling at
// all. (A hand-written fixed-point resampler was tried: 1.6 times faster
// than x/image/draw's here, 15% of a thumbnail; not worth its code.)
func scale(img image.Image, width int) *image.RGBA {
	b := img.Bounds()
	height := scaledHeight(b.Dx(), b.Dy(), width)
	k := b.Dx() / width
	if y, ok := img.(*image.YCbCr); ok && k >= 2 {
		img, k = boxReduce(y, k), 1
		b = img.Bounds()
	}
	rgba, ok := img.(*image.RGBA)
	if !ok {
		rgba = image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(rgba, rgba.Rect, img, b.Min, draw.Src)
	}
	if k >= 2 {
		rgba = boxReduceRGBA(rgba, k)
	}
	if rgba.Rect.Dx() == width && rgba.Rect.Dy() == height {
		return rgba
	}
	dst := image.NewRGBA(image.Rect(0, 0, width, height))
	draw.BiLinear.Scale(dst, dst.Rect, rgba, rgba.Rect, draw.Src, nil)
	return dst
}

// save encodes at quality 85 through a temporary file renamed into place,
// so a crash never leaves half a JPEG under a cache name.
func (d *derivatives) save(img image.Image, dst string) (err error) {
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
	if err = d.encode(tmp, img); err != nil {
		return err
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

// encode writes img as a JPEG at quality 85, with libjpeg-turbo when it is
// loaded and the image is RGBA (what it decodes and scale makes).
func (d *derivatives) encode(w io.Writer, img image.Image) error {
	const quality = 85
	if rgba, ok := img.(*image.RGBA); ok && d.turbo != nil {
		if data, err := d.turbo.Encode(rgba, quality); err == nil {
			if _, err := w.Write(data); err != nil {
				return fmt.Errorf("image cache: %w", err)
			}
			return nil
		}
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := jpeg.Encode(bw, img, &jpeg.Options{Quality: quality}); err != nil {
		return fmt.Errorf("encode image: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("image cache: %w", err)
	}
	return nil
}
