package web

import "image"

// boxReduce shrinks a decoded JPEG by the whole factor k, each output
// sample the average of k×k input samples, plane by plane: the chroma
// planes keep their subsampling, so no colour conversion happens here.
// Samples past a plane's edge repeat the last one.
func boxReduce(src *image.YCbCr, k int) *image.YCbCr {
	b := src.Bounds()
	dst := image.NewYCbCr(image.Rect(0, 0, b.Dx()/k, b.Dy()/k), src.SubsampleRatio)
	cw, ch := planeSize(src.Rect, src.SubsampleRatio)
	reducePlane(dst.Y, dst.YStride, dst.Rect.Dx(), dst.Rect.Dy(), src.Y[src.YOffset(b.Min.X, b.Min.Y):], src.YStride, b.Dx(), b.Dy(), k)
	dcw, dch := planeSize(dst.Rect, dst.SubsampleRatio)
	off := src.COffset(b.Min.X, b.Min.Y)
	reducePlane(dst.Cb, dst.CStride, dcw, dch, src.Cb[off:], src.CStride, cw, ch, k)
	reducePlane(dst.Cr, dst.CStride, dcw, dch, src.Cr[off:], src.CStride, cw, ch, k)
	return dst
}

// planeSize is the size of the chroma planes of an image of r.
func planeSize(r image.Rectangle, ratio image.YCbCrSubsampleRatio) (w, h int) {
	w, h = r.Dx(), r.Dy()
	switch ratio {
	case image.YCbCrSubsampleRatio422:
		w = (r.Max.X+1)/2 - r.Min.X/2
	case image.YCbCrSubsampleRatio420:
		w, h = (r.Max.X+1)/2-r.Min.X/2, (r.Max.Y+1)/2-r.Min.Y/2
	case image.YCbCrSubsampleRatio440:
		h = (r.Max.Y+1)/2 - r.Min.Y/2
	case image.YCbCrSubsampleRatio411:
		w = (r.Max.X+3)/4 - r.Min.X/4
	case image.YCbCrSubsampleRatio410:
		w, h = (r.Max.X+3)/4-r.Min.X/4, (r.Max.Y+1)/2-r.Min.Y/2
	}
	return w, h
}

// reducePlane averages k×k blocks of src (sw×sh samples) into dst (dw×dh).
func reducePlane(dst []uint8, dstride, dw, dh int, src []uint8, sstride, sw, sh, k int) {
	sums := make([]int, dw)
	for oy := 0; oy < dh; oy++ {
		clear(sums)
		for dy := 0; dy < k; dy++ {
			row := src[min(oy*k+dy, sh-1)*sstride:]
			for ox := range sums {
				x0 := ox * k
				if x0+k <= sw {
					s := 0
					for _, v := range row[x0 : x0+k] {
						s += int(v)
					}
					sums[ox] += s
					continue
				}
				for dx := 0; dx < k; dx++ {
					sums[ox] += int(row[min(x0+dx, sw-1)])
				}
			}
		}
		out := dst[oy*dstride : oy*dstride+dw]
		n := k * k
		for ox, s := range sums {
			out[ox] = uint8((s + n/2) / n)
		}
	}
}

// boxReduceRGBA is boxReduce for RGBA: the four channels as one plane of
// four times the width, each channel averaged with itself.
func boxReduceRGBA(src *image.RGBA, k int) *image.RGBA {
	b := src.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx()/k, b.Dy()/k))
	dw, dh := dst.Rect.Dx(), dst.Rect.Dy()
	sums := make([]int, 4*dw)
	n := k * k
	for oy := 0; oy < dh; oy++ {
		clear(sums)
		for dy := 0; dy < k; dy++ {
			row := src.Pix[src.PixOffset(b.Min.X, b.Min.Y+oy*k+dy):]
			for ox := 0; ox < dw; ox++ {
				px := row[4*ox*k : 4*(ox+1)*k]
				s := sums[4*ox : 4*ox+4 : 4*ox+4]
				for i := 0; i < len(px); i += 4 {
					s[0] += int(px[i])
					s[1] += int(px[i+1])
					s[2] += int(px[i+2])
					s[3] += int(px[i+3])
				}
			}
		}
		out := dst.Pix[oy*dst.Stride : oy*dst.Stride+4*dw]
		for i, s := range sums {
			out[i] = uint8((s + n/2) / n)
		}
	}
	return dst
}
