package demo

import (
	"bytes"
	"image/jpeg"
	"slices"
	"testing"
)

func TestPlaceholderJPEG(t *testing.T) {
	a, err := PlaceholderJPEG(1, "Shopping street in front of the station")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := PlaceholderJPEG(1, "Shopping street in front of the station")
	b, _ := PlaceholderJPEG(2, "Shopping street in front of the station")
	if !bytes.Equal(a, again) {
		t.Error("same seed, different bytes")
	}
	if bytes.Equal(a, b) {
		t.Error("seeds 1 and 2 give the same image")
	}
	for _, data := range [][]byte{a, b} {
		img, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if s := img.Bounds().Size(); s.X != 640 || s.Y != 480 {
			t.Errorf("size %v, want 640x480", s)
		}
	}
	// Non-ASCII captions are dropped, not an error.
	if _, err := PlaceholderJPEG(3, "昭和40年代の駅前商店街"); err != nil {
		t.Error(err)
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"empty", "", nil},
		{"one line", "Bon odo", []string{"Bon odo"}},
		{"two lines", "aaa bbb ccc", []string{"aaa bbb", "ccc"}},
		{"cut", "aaa bbb ccc ddd eee", []string{"aaa bbb", "ccc ..."}},
		{"long word", "abcdefghijkl", []string{"abcd..."}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := wrap(tc.in, 7, 2); !slices.Equal(got, tc.want) {
				t.Errorf("wrap(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
