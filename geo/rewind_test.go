package geo

import (
	"testing"

	"github.com/paulmach/orb"
)

func TestRewind(t *testing.T) {
	cw := orb.Ring{{0, 0}, {0, 1}, {1, 1}, {1, 0}, {0, 0}}
	ccwHole := orb.Ring{{0.2, 0.2}, {0.8, 0.2}, {0.8, 0.8}, {0.2, 0.8}, {0.2, 0.2}}
	in := orb.Polygon{cw, ccwHole}
	got := Rewind(orb.MultiPolygon{in}).(orb.MultiPolygon)[0]
	if got[0].Orientation() != orb.CCW || got[1].Orientation() != orb.CW {
		t.Errorf("orientations %v %v, want CCW then CW", got[0].Orientation(), got[1].Orientation())
	}
	if in[0].Orientation() != orb.CW {
		t.Errorf("the input was modified")
	}
	if got[0][0] != (orb.Point{0, 0}) || got[0][0] != got[0][len(got[0])-1] {
		t.Errorf("ring not closed after reversing: %v", got[0])
	}
	if p := (orb.Point{1, 2}); Rewind(p) != p {
		t.Errorf("a point changed")
	}
}
