package demo

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"math/rand/v2"
	"strings"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// Size of the placeholder photos.
const (
	placeholderW = 640
	placeholderH = 480
)

// PlaceholderJPEG draws a 640×480 JPEG that stands in for an archive photo:
// a muted sepia or blue-grey street scene (sky gradient, a row of buildings,
// a tree, the road), a large "SAMPLE", the photo number and the caption. The
// caption is drawn in the ASCII-only basicfont, so other characters are
// dropped; pass an English caption. The same seed and caption always give the
// same bytes. It returns an error only if JPEG encoding fails.
func PlaceholderJPEG(seed int, caption string) ([]byte, error) {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x6d69646f72696e6f))
	img := image.NewRGBA(image.Rect(0, 0, placeholderW, placeholderH))

	// Old prints: sepia, blue-grey or faded colour; the seed chooses.
	tones := [][2]color.RGBA{
		{{0xd9, 0xc9, 0xa8, 0xff}, {0x6b, 0x58, 0x3f, 0xff}}, // sepia
		{{0xc8, 0xcf, 0xd4, 0xff}, {0x4a, 0x52, 0x5a, 0xff}}, // blue-grey
		{{0xd8, 0xd2, 0xb8, 0xff}, {0x5c, 0x66, 0x4a, 0xff}}, // faded green
		{{0xdc, 0xcd, 0xc2, 0xff}, {0x6e, 0x4e, 0x48, 0xff}}, // faded red
	}
	t := tones[rng.IntN(len(tones))]
	light, dark := t[0], t[1]
	mix := func(f float64) color.RGBA {
		m := func(a, b uint8) uint8 { return uint8(float64(a) + (float64(b)-float64(a))*f) }
		return color.RGBA{m(light.R, dark.R), m(light.G, dark.G), m(light.B, dark.B), 0xff}
	}

	// Sky: a vertical gradient down to the horizon.
	horizon := 300 + rng.IntN(60)
	for y := 0; y < placeholderH; y++ {
		f := 0.05 + 0.25*float64(y)/float64(horizon)
		if y >= horizon {
			f = 0.45 + 0.2*float64(y-horizon)/float64(placeholderH-horizon)
		}
		c := mix(f)
		for x := 0; x < placeholderW; x++ {
			img.SetRGBA(x, y, c)
		}
	}
	// A row of buildings along the horizon.
	for x := 0; x < placeholderW; {
		w := 40 + rng.IntN(90)
		h := 40 + rng.IntN(150)
		fill(img, image.Rect(x, horizon-h, x+w-4, horizon), mix(0.5+0.3*rng.Float64()))
		// windows
		wc := mix(0.2)
		for wy := horizon - h + 12; wy < horizon-20; wy += 22 {
			for wx := x + 8; wx < x+w-16; wx += 18 {
				fill(img, image.Rect(wx, wy, wx+8, wy+10), wc)
			}
		}
		x += w
	}
	// A tree: a trunk and a round crown.
	tx := 60 + rng.IntN(placeholderW-120)
	fill(img, image.Rect(tx-5, horizon-70, tx+5, horizon+10), mix(0.85))
	disc(img, tx, horizon-95, 45+rng.IntN(20), mix(0.7))
	// The road, converging to the horizon.
	road := mix(0.6)
	for y := horizon; y < placeholderH; y++ {
		half := 20 + (y-horizon)*2
		fill(img, image.Rect(placeholderW/2-half, y, placeholderW/2+half, y+1), road)
	}

	// Labels: a dark band behind a large SAMPLE, the number, the caption.
	shade := color.RGBA{0x20, 0x20, 0x20, 0xa0}
	draw.Draw(img, image.Rect(0, 120, placeholderW, 330), image.NewUniform(shade), image.Point{}, draw.Over)
	white := color.RGBA{0xff, 0xff, 0xff, 0xff}
	text(img, "SAMPLE", 8, 140, white)
	text(img, fmt.Sprintf("PHOTO No.%03d", seed), 3, 254, white)
	text(img, "Midorino City (sample) - placeholder image", 1, 8, mix(0.9))
	if lines := wrap(asciiOnly(caption), placeholderW/(7*2)-2, 2); len(lines) > 0 {
		top := placeholderH - 14 - 28*len(lines)
		draw.Draw(img, image.Rect(0, top-8, placeholderW, placeholderH), image.NewUniform(shade), image.Point{}, draw.Over)
		for i, l := range lines {
			text(img, l, 2, top+28*i, white)
		}
	}

	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		return nil, fmt.Errorf("demo: placeholder %d: %w", seed, err)
	}
	return buf.Bytes(), nil
}

func fill(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	draw.Draw(img, r, image.NewUniform(c), image.Point{}, draw.Src)
}

func disc(img *image.RGBA, cx, cy, r int, c color.RGBA) {
	for y := -r; y <= r; y++ {
		for x := -r; x <= r; x++ {
			if x*x+y*y <= r*r && image.Pt(cx+x, cy+y).In(img.Bounds()) {
				img.SetRGBA(cx+x, cy+y, c)
			}
		}
	}
}

// text draws s in basicfont 7×13 enlarged scale times, horizontally centred,
// with its top at y. Scaling the 1-bit glyphs with nearest neighbour keeps the
// blocky look of a stamp, which suits a placeholder.
func text(img *image.RGBA, s string, scale, y int, c color.Color) {
	face := basicfont.Face7x13
	w := font.MeasureString(face, s).Ceil()
	h := face.Ascent + face.Descent
	mask := image.NewAlpha(image.Rect(0, 0, w, h))
	d := font.Drawer{Dst: mask, Src: image.Opaque, Face: face, Dot: fixed.P(0, face.Ascent)}
	d.DrawString(s)
	big := image.NewAlpha(image.Rect(0, 0, w*scale, h*scale))
	xdraw.NearestNeighbor.Scale(big, big.Bounds(), mask, mask.Bounds(), xdraw.Src, nil)
	x := (placeholderW - w*scale) / 2
	draw.DrawMask(img, big.Bounds().Add(image.Pt(x, y)), image.NewUniform(c), image.Point{}, big, image.Point{}, draw.Over)
}

// asciiOnly keeps the printable ASCII of s, the only characters basicfont has.
func asciiOnly(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 0x20 && r < 0x7f {
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String())
}

// wrap breaks s at spaces into at most max lines of at most width
// characters; what does not fit ends in "...".
func wrap(s string, width, max int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		switch {
		case line == "":
			line = w
		case len(line)+1+len(w) <= width:
			line += " " + w
		default:
			lines = append(lines, line)
			line = w
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	for i, l := range lines {
		if len(l) > width {
			lines[i] = l[:width-3] + "..."
		}
	}
	if len(lines) > max {
		last := lines[max-1]
		if len(last) > width-3 {
			last = last[:width-3]
		}
		lines = append(lines[:max-1], last+"...")
	}
	return lines
}
