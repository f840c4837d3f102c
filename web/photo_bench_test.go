package web

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/machi-opendata/portal/catalog"
	"github.com/machi-opendata/portal/web/turbojpeg"
)

// BenchmarkPhotoThumbnails makes the thumbnail and display sizes of 1,000
// photos of 3000×2000 pixels (PORTAL_BENCH_PHOTOS changes the count) with
// the server's own code and concurrency (derivatives.warm), from an empty
// cache, once with libjpeg-turbo (what a server with libturbojpeg0 does)
// and once with Go's codec. The target is under 60 s on 2 cores. Run it
// once:
//
//	go test ./web -run '^$' -bench PhotoThumbnails -benchtime 1x -cpu 2
//
// It reports the wall time (sec/op) and the CPU time the process spent
// (cpu-sec/op), so that a loaded machine shows in the ratio.
func BenchmarkPhotoThumbnails(b *testing.B) {
	n := 1000
	if v, err := strconv.Atoi(os.Getenv("PORTAL_BENCH_PHOTOS")); err == nil && v > 0 {
		n = v
	}
	dir := b.TempDir()
	files := &catalog.Files{Dir: filepath.Join(dir, "files")}
	sums, bytes := benchPhotos(b, files, n)
	lib, libErr := turbojpeg.Open()
	for _, codec := range []struct {
		name  string
		turbo *turbojpeg.Lib
	}{{"libjpeg-turbo", lib}, {"go", nil}} {
		b.Run(codec.name, func(b *testing.B) {
			if codec.name != "go" && lib == nil {
				b.Skip(libErr)
			}
			var wall, cpu time.Duration
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				d := newDerivatives(files)
				d.turbo = codec.turbo
				if err := os.RemoveAll(d.dir); err != nil {
					b.Fatal(err)
				}
				cpu0, start := photoCPUTime(b), time.Now()
				b.StartTimer()
				if err := d.warm(context.Background(), sums); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				wall += time.Since(start)
				cpu += photoCPUTime(b) - cpu0
				if got := d.encodes.Load(); got != int64(2*n) {
					b.Fatalf("%d derivatives made, want %d", got, 2*n)
				}
			}
			b.ReportMetric(wall.Seconds()/float64(b.N), "sec/op")
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-sec/op")
			b.ReportMetric(float64(n*b.N)/wall.Seconds(), "photos/sec")
			b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "procs")
			b.ReportMetric(float64(bytes)/float64(n)/1e6, "MB/photo")
		})
	}
}

// benchPhotos stores n distinct JPEGs of 3000×2000: a few images (a
// gradient with noise, about as costly to decode as a photograph) encoded
// once, each stored many times with a different JPEG comment, so that
// every file has its own hash, as every photo of an archive does.
func benchPhotos(b *testing.B, files *catalog.Files, n int) (sums []string, total int64) {
	b.Helper()
	const variants = 4
	bases := make([][]byte, variants)
	for v := range bases {
		r := rand.New(rand.NewPCG(uint64(v), 7))
		img := image.NewYCbCr(image.Rect(0, 0, 3000, 2000), image.YCbCrSubsampleRatio420)
		for y := 0; y < 2000; y++ {
			for x := 0; x < 3000; x++ {
				img.Y[y*img.YStride+x] = uint8((x/12+y/9+v*40)%200 + r.IntN(24))
			}
		}
		for y := 0; y < 1000; y++ {
			for x := 0; x < 1500; x++ {
				img.Cb[y*img.CStride+x] = uint8(100 + (x/30)%50)
				img.Cr[y*img.CStride+x] = uint8(120 + (y/20)%40)
			}
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
			b.Fatal(err)
		}
		bases[v] = buf.Bytes()
	}
	sums = make([]string, n)
	for i := range sums {
		base := bases[i%variants]
		comment := fmt.Sprintf("photo %d", i)
		// SOI, then a COM segment (FF FE, its length), then the rest.
		var f bytes.Buffer
		f.Write(base[:2])
		f.Write([]byte{0xFF, 0xFE, byte((len(comment) + 2) >> 8), byte(len(comment) + 2)})
		f.WriteString(comment)
		f.Write(base[2:])
		sum, size, err := files.Put(&f, 1<<30)
		if err != nil {
			b.Fatal(err)
		}
		sums[i], total = sum, total+size
	}
	return sums, total
}

// photoCPUTime is the CPU time (user and system) this process has used.
func photoCPUTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
