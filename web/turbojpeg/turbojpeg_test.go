package turbojpeg

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"testing"

	"golang.org/x/image/draw"
)

// open loads the library, or skips: outside CI a machine may lack it (the
// portal then keeps Go's codec); CI installs it (.ci/run), so there it must
// load.
func open(t *testing.T) *Lib {
	t.Helper()
	l, err := Open()
	if err != nil {
		if os.Getenv("CI") != "" && errors.Is(err, ErrUnavailable) {
			t.Fatalf("%v; .ci/run installs libturbojpeg0", err)
		}
		t.Skip(err)
	}
	return l
}

// photo is a JPEG of w×h with smooth colour changes (so that scaled
// decodes can be compared with Go's) written by Go's encoder.
func photo(t *testing.T, w, h int) ([]byte, image.Image) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetRGBA(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x + y) * 255 / (w + h)), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), img
}

// meanDiff is the mean absolute difference of two RGBA images of the same
// size over R, G and B, in levels of 255.
func meanDiff(a, b *image.RGBA) float64 {
	var sum, n float64
	for y := range a.Rect.Dy() {
		for x := range a.Rect.Dx() {
			ca, cb := a.RGBAAt(x, y), b.RGBAAt(x, y)
			for _, d := range []int{int(ca.R) - int(cb.R), int(ca.G) - int(cb.G), int(ca.B) - int(cb.B)} {
				sum += float64(max(d, -d))
				n++
			}
		}
	}
	return sum / n
}

func TestFactorsOfLibjpegTurbo(t *testing.T) {
	l := open(t)
	fs := l.Factors()
	has := map[Factor]bool{}
	for _, f := range fs {
		has[f] = true
	}
	// Every libjpeg-turbo since 1.2 has at least the powers of two.
	for _, f := range []Factor{{1, 1}, {1, 2}, {1, 4}, {1, 8}} {
		if !has[f] {
			t.Errorf("factor %d/%d missing from %v", f.Num, f.Denom, fs)
		}
	}
}

func TestPickTheSmallestScaleThatKeepsTheWidth(t *testing.T) {
	all := []Factor{{2, 1}, {15, 8}, {7, 4}, {13, 8}, {3, 2}, {11, 8}, {5, 4}, {9, 8}, {1, 1}, {7, 8}, {3, 4}, {5, 8}, {1, 2}, {3, 8}, {1, 4}, {1, 8}}
	for _, tt := range []struct {
		width, min int
		want       Factor
	}{
		{3000, 800, Factor{3, 8}},  // 1125; 1/4 would give 750
		{3000, 200, Factor{1, 8}},  // 375
		{6000, 800, Factor{1, 4}},  // 1500; 1/8 gives 750
		{1000, 800, Factor{7, 8}},  // 875
		{800, 800, Factor{1, 1}},   // not below the width
		{500, 800, Factor{1, 1}},   // never enlarged
		{3000, 0, Factor{1, 1}},    // full size asked
		{3001, 1127, Factor{1, 2}}, // 3/8 gives 1126 (rounded up)
	} {
		if got := pick(all, tt.width, tt.min); got != tt.want {
			t.Errorf("pick(%d, %d) = %d/%d, want %d/%d", tt.width, tt.min, got.Num, got.Denom, tt.want.Num, tt.want.Denom)
		}
		if f := pick(all, tt.width, tt.min); tt.min > 0 && tt.min < tt.width && f.scaled(tt.width) < tt.min {
			t.Errorf("pick(%d, %d) gives %d pixels", tt.width, tt.min, f.scaled(tt.width))
		}
	}
	// Only the powers of two (an old library): the next one up.
	if got := pick([]Factor{{1, 1}, {1, 2}, {1, 4}, {1, 8}}, 3000, 800); got != (Factor{1, 2}) {
		t.Errorf("powers of two only: %v, want 1/2", got)
	}
}

// TestDecodeAtAScaleMatchesGo decodes at full size and scaled, and compares
// with Go's decoder (then Go's scaler for the scaled one): the same picture.
func TestDecodeAtAScaleMatchesGo(t *testing.T) {
	l := open(t)
	data, _ := photo(t, 1200, 800)
	goImg, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	full, hdr, err := l.Decode(data, 0, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	if hdr != (Header{1200, 800}) || full.Rect != image.Rect(0, 0, 1200, 800) {
		t.Fatalf("header %+v, image %v", hdr, full.Rect)
	}
	goFull := image.NewRGBA(goImg.Bounds())
	draw.Draw(goFull, goFull.Rect, goImg, image.Point{}, draw.Src)
	if d := meanDiff(full, goFull); d > 2 {
		t.Errorf("full size differs from Go's decode by %.2f levels on average", d)
	}
	if a := full.RGBAAt(600, 400).A; a != 255 {
		t.Errorf("alpha %d, want opaque", a)
	}

	small, _, err := l.Decode(data, 400, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	if w := small.Rect.Dx(); w < 400 || w >= 600 {
		t.Fatalf("decoded at least 400 wide: got %v", small.Rect)
	}
	goSmall := image.NewRGBA(small.Rect)
	draw.CatmullRom.Scale(goSmall, goSmall.Rect, goImg, goImg.Bounds(), draw.Src, nil)
	if d := meanDiff(small, goSmall); d > 3 {
		t.Errorf("scaled decode %v differs from Go's decode and scale by %.2f levels on average", small.Rect, d)
	}
}

func TestEncodeReadsBackInGo(t *testing.T) {
	l := open(t)
	_, src := photo(t, 640, 427)
	rgba := src.(*image.RGBA)
	out, err := l.Encode(rgba, 85)
	if err != nil {
		t.Fatal(err)
	}
	back, err := jpeg.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("Go cannot read what TurboJPEG wrote: %v", err)
	}
	if back.Bounds() != rgba.Rect {
		t.Fatalf("bounds %v, want %v", back.Bounds(), rgba.Rect)
	}
	if _, ok := back.(*image.YCbCr); !ok || back.(*image.YCbCr).SubsampleRatio != image.YCbCrSubsampleRatio420 {
		t.Errorf("want a 4:2:0 colour JPEG, got %T", back)
	}
	got := image.NewRGBA(back.Bounds())
	draw.Draw(got, got.Rect, back, image.Point{}, draw.Src)
	if d := meanDiff(got, rgba); d > 3 {
		t.Errorf("encoded image differs from its source by %.2f levels on average", d)
	}
	// A sub-image is encoded from its own corner.
	sub := rgba.SubImage(image.Rect(100, 50, 300, 150)).(*image.RGBA)
	out, err = l.Encode(sub, 85)
	if err != nil {
		t.Fatal(err)
	}
	back, err = jpeg.Decode(bytes.NewReader(out))
	if err != nil || back.Bounds().Dx() != 200 || back.Bounds().Dy() != 100 {
		t.Fatalf("sub-image: %v %v", back.Bounds(), err)
	}
	c := back.At(100, 50)
	r, g, _, _ := c.RGBA()
	want := rgba.RGBAAt(200, 100)
	if d := int(r>>8) - int(want.R); d > 8 || d < -8 {
		t.Errorf("sub-image pixel R %d, want about %d", r>>8, want.R)
	}
	if d := int(g>>8) - int(want.G); d > 8 || d < -8 {
		t.Errorf("sub-image pixel G %d, want about %d", g>>8, want.G)
	}
}

func TestGrayscaleDecodesToGrey(t *testing.T) {
	l := open(t)
	gray := image.NewGray(image.Rect(0, 0, 64, 48))
	for i := range gray.Pix {
		gray.Pix[i] = uint8(i % 251)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, gray, nil); err != nil {
		t.Fatal(err)
	}
	img, _, err := l.Decode(buf.Bytes(), 0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	c := img.RGBAAt(10, 10)
	if c.R != c.G || c.G != c.B {
		t.Errorf("grey pixel decoded as %v", c)
	}
}

// TestBadInputIsAnError: truncated, corrupt, empty, not a JPEG, and a
// header claiming more pixels than allowed are errors, never a crash or a
// partial image.
func TestBadInputIsAnError(t *testing.T) {
	l := open(t)
	data, _ := photo(t, 320, 240)
	corrupt := bytes.Clone(data)
	for i := len(corrupt) / 2; i < len(corrupt)/2+200; i++ {
		corrupt[i] = 0xFF
	}
	for name, in := range map[string][]byte{
		"truncated":  data[:len(data)/2],
		"corrupt":    corrupt,
		"empty":      nil,
		"not a JPEG": []byte("\x89PNG\r\n\x1a\n not at all"),
		"only SOI":   {0xFF, 0xD8},
	} {
		if img, _, err := l.Decode(in, 0, 1<<30); err == nil {
			t.Errorf("%s: decoded %v without an error", name, img.Rect)
		}
	}
	if _, hdr, err := l.Decode(data, 0, 320*240-1); err == nil {
		t.Error("a JPEG over the pixel limit was decoded")
	} else if hdr.Width != 320 {
		t.Errorf("the refusal should still tell the size: %+v", hdr)
	}
	if _, err := l.Encode(image.NewRGBA(image.Rectangle{}), 85); err == nil {
		t.Error("an empty image was encoded")
	}
}
