package web

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/web/turbojpeg"
	"golang.org/x/image/draw"
)

// TestDerivativesWithEitherCodec makes a JPEG's and a PNG's sizes with Go's
// codec and with libjpeg-turbo (CI installs it; elsewhere that half skips
// where the library is missing): the same sizes, and pictures that match
// Go's own decode and scale of the original.
func TestDerivativesWithEitherCodec(t *testing.T) {
	lib, err := turbojpeg.Open()
	if err != nil && os.Getenv("CI") != "" {
		t.Fatalf("%v; .ci/run installs libturbojpeg0", err)
	}
	src := image.NewRGBA(image.Rect(0, 0, 3000, 2000))
	for y := range 2000 {
		for x := range 3000 {
			src.SetRGBA(x, y, color.RGBA{uint8(x / 12), uint8(y / 8), uint8((x + y) / 20), 255})
		}
	}
	var jpg, pngData bytes.Buffer
	if err := jpeg.Encode(&jpg, src, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(&pngData, src.SubImage(image.Rect(0, 0, 1000, 700))); err != nil {
		t.Fatal(err)
	}
	for _, codec := range []struct {
		name  string
		turbo *turbojpeg.Lib
	}{{"go", nil}, {"libjpeg-turbo", lib}} {
		t.Run(codec.name, func(t *testing.T) {
			if codec.name != "go" && lib == nil {
				t.Skip(err)
			}
			files := &catalog.Files{Dir: filepath.Join(t.TempDir(), "files")}
			d := newDerivatives(files)
			d.turbo = codec.turbo
			for _, in := range []struct {
				name string
				data []byte
				w, h int
			}{{"jpeg", jpg.Bytes(), 3000, 2000}, {"png", pngData.Bytes(), 1000, 700}} {
				sum, _, err := files.Put(bytes.NewReader(in.data), 1<<30)
				if err != nil {
					t.Fatal(err)
				}
				orig, _, err := image.Decode(bytes.NewReader(in.data))
				if err != nil {
					t.Fatal(err)
				}
				for _, size := range sizes(in.w, in.h) {
					f, err := d.open(sum, size.Width)
					if err != nil {
						t.Fatalf("%s %d: %v", in.name, size.Width, err)
					}
					got, err := jpeg.Decode(f)
					f.Close()
					if err != nil {
						t.Fatalf("%s %d: not a JPEG: %v", in.name, size.Width, err)
					}
					if got.Bounds() != image.Rect(0, 0, size.Width, size.Height) {
						t.Fatalf("%s %d: bounds %v, want %v", in.name, size.Width, got.Bounds(), size)
					}
					want := image.NewRGBA(got.Bounds())
					draw.CatmullRom.Scale(want, want.Rect, orig, orig.Bounds(), draw.Src, nil)
					if diff := meanAbsDiff(got, want); diff > 4 {
						t.Errorf("%s %d: differs from Go's scale of the original by %.2f levels on average", in.name, size.Width, diff)
					}
				}
			}
			if n := d.encodes.Load(); n != 6 { // thumbnail, display and full of each
				t.Errorf("%d derivatives made, want 6", n)
			}
		})
	}
}

// TestDecodeRefusesAnImageOverThePixelLimit: a stored JPEG whose header
// claims 20000 × 20000 pixels (stored before uploads were checked, or put
// there by hand) is refused before anything is allocated for it.
func TestDecodeRefusesAnImageOverThePixelLimit(t *testing.T) {
	var small bytes.Buffer
	if err := jpeg.Encode(&small, image.NewGray(image.Rect(0, 0, 16, 16)), nil); err != nil {
		t.Fatal(err)
	}
	bomb := small.Bytes()
	sof := bytes.Index(bomb, []byte{0xFF, 0xC0})
	bomb[sof+5], bomb[sof+6], bomb[sof+7], bomb[sof+8] = 0x4E, 0x20, 0x4E, 0x20 // 20000 × 20000
	files := &catalog.Files{Dir: filepath.Join(t.TempDir(), "files")}
	sum, _, err := files.Put(bytes.NewReader(bomb), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	d := newDerivatives(files)
	if _, err := d.open(sum, thumbnailWidth); err == nil || errors.Is(err, io.EOF) {
		t.Fatalf("a 400-megapixel header was decoded: %v", err)
	}
	if n := d.encodes.Load(); n != 0 {
		t.Errorf("%d derivatives made of it", n)
	}
}

// meanAbsDiff is the mean absolute difference of two images of the same
// bounds over R, G and B, in levels of 255.
func meanAbsDiff(a, b image.Image) float64 {
	var sum, n float64
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			for _, d := range []int{int(r1>>8) - int(r2>>8), int(g1>>8) - int(g2>>8), int(b1>>8) - int(b2>>8)} {
				sum += float64(max(d, -d))
				n++
			}
		}
	}
	return sum / n
}
