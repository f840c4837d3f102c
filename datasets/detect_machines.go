package datasets

import (
	"bytes"
	"sync"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
)

func (d *detector) stepUTF8(b byte) {
	if d.u8need > 0 {
		if b >= d.u8lo && b <= d.u8hi {
			d.u8need--
			d.u8lo, d.u8hi = 0x80, 0xbf
			if d.u8need == 0 {
				d.u8lineSeqs++
				d.u8lineStrong = d.u8lineStrong || d.u8seqLen >= 3
			}
			return
		}
		d.u8bad()
		d.u8need = 0 // resynchronise: look at b again as a lead byte
	}
	d.u8lo, d.u8hi = 0x80, 0xbf
	switch {
	case b < 0x80:
		return
	case b >= 0xc2 && b <= 0xdf:
		d.u8need = 1
	case b == 0xe0:
		d.u8need, d.u8lo = 2, 0xa0
	case b == 0xed:
		d.u8need, d.u8hi = 2, 0x9f
	case b >= 0xe1 && b <= 0xef:
		d.u8need = 2
	case b == 0xf0:
		d.u8need, d.u8lo = 3, 0x90
	case b >= 0xf1 && b <= 0xf3:
		d.u8need = 3
	case b == 0xf4:
		d.u8need, d.u8hi = 3, 0x8f
	default:
		d.u8bad()
		return
	}
	d.u8seqLen = d.u8need + 1
}

func (d *detector) u8bad() {
	d.u8lineBad = true
	if d.u8badLine == 0 {
		d.u8badLine = d.line
	}
}

// stepSJIS checks Windows-31J structure and scores plausibility: common
// Japanese characters count for, half-width katakana slightly and
// unassigned rows or gaiji strongly against.
func (d *detector) stepSJIS(b byte) {
	if d.sjLead != 0 {
		lead := d.sjLead
		d.sjLead = 0
		if (b >= 0x40 && b <= 0x7e) || (b >= 0x80 && b <= 0xfc) {
			d.sjScore += sjisPairScore(lead)
			if d.tables.sjis.has(lead, b) {
				d.sjUnmapped++
				if d.sjUnmappedLine == 0 {
					d.sjUnmappedLine = d.line
				}
			}
			return
		}
		if d.sjBadLine == 0 {
			d.sjBadLine = d.line
		}
	}
	switch {
	case b < 0x80:
	case (b >= 0x81 && b <= 0x9f) || (b >= 0xe0 && b <= 0xfc):
		d.sjLead = b
	case b >= 0xa1 && b <= 0xdf:
		d.sjScore-- // half-width katakana: valid but rare in modern text
	case b == 0x80:
		d.sjScore -= 4
	default: // A0, FD–FF
		if d.sjBadLine == 0 {
			d.sjBadLine = d.line
		}
	}
}

func sjisPairScore(lead byte) int {
	switch {
	case lead == 0x81, lead == 0x82, lead == 0x83: // symbols, full-width alphanumerics, kana
		return 2
	case lead >= 0x88 && lead <= 0x9f, lead >= 0xe0 && lead <= 0xea: // kanji
		return 2
	case lead == 0x84, lead == 0x87, lead >= 0xed && lead <= 0xee, lead >= 0xfa: // box drawing, NEC and IBM extensions
		return 1
	default: // 85–86, EB–EC unassigned; F0–F9 user-defined (gaiji)
		return -4
	}
}

func (d *detector) stepEUC(b byte) {
	bad := false
	switch d.eucState {
	case eucGround:
		switch {
		case b < 0x80:
		case b == 0x8e:
			d.eucState = eucKana
		case b == 0x8f:
			d.eucState = eucX0212a
		case b >= 0xa1 && b <= 0xfe:
			d.eucState, d.eucLead = eucTrail, b
		default:
			bad = true
		}
	case eucTrail:
		d.eucState = eucGround
		if b < 0xa1 || b > 0xfe {
			bad = true
			break
		}
		if d.tables.euc.has(d.eucLead, b) {
			d.eucUnmappedAt()
		}
		switch lead := d.eucLead; {
		case lead >= 0xa1 && lead <= 0xa5, lead >= 0xb0 && lead <= 0xf4: // symbols, kana, kanji
			d.eucScore += 2
		case lead >= 0xa6 && lead <= 0xa8, lead == 0xad: // Greek, Cyrillic, box drawing, NEC row 13
			d.eucScore++
		default: // unassigned rows, user-defined area
			d.eucScore -= 4
		}
	case eucKana:
		d.eucState = eucGround
		if b < 0xa1 || b > 0xdf {
			bad = true
		} else {
			d.eucScore--
		}
	case eucX0212a:
		d.eucState, d.eucX0212 = eucX0212b, b
		if b < 0xa1 || b > 0xfe {
			d.eucState, bad = eucGround, true
		}
	case eucX0212b:
		d.eucState = eucGround
		if b < 0xa1 || b > 0xfe {
			bad = true
		} else {
			d.eucScore-- // JIS X 0212: valid, rare
			if d.tables.eucX0212.has(d.eucX0212, b) {
				d.eucUnmappedAt()
			}
		}
	}
	if bad && d.eucBadLine == 0 {
		d.eucBadLine = d.line
	}
	if bad && b < 0x80 {
		d.eucState = eucGround
	}
}

func (d *detector) eucUnmappedAt() {
	d.eucUnmapped++
	if d.eucUnmappedLine == 0 {
		d.eucUnmappedLine = d.line
	}
}

// pairSet is a set of two-byte sequences.
type pairSet [256][4]uint64

func (s *pairSet) has(a, b byte) bool { return s[a][b>>6]&(1<<(b&63)) != 0 }

// unmappedTables hold the structurally valid sequences that decode to
// U+FFFD, found once by asking the decoders themselves.
type unmappedTables struct{ sjis, euc, eucX0212 *pairSet }

var unmappedSequences = sync.OnceValue(func() unmappedTables {
	sjisLeads := [][2]byte{{0x81, 0x9f}, {0xe0, 0xfc}}
	sjisTrails := [][2]byte{{0x40, 0x7e}, {0x80, 0xfc}}
	euc := [][2]byte{{0xa1, 0xfe}}
	return unmappedTables{
		sjis:     unmappedPairs(japanese.ShiftJIS, nil, sjisLeads, sjisTrails),
		euc:      unmappedPairs(japanese.EUCJP, nil, euc, euc),
		eucX0212: unmappedPairs(japanese.EUCJP, []byte{0x8f}, euc, euc),
	}
})

func unmappedPairs(e encoding.Encoding, prefix []byte, leads, trails [][2]byte) *pairSet {
	set := new(pairSet)
	dec := e.NewDecoder()
	seq := append(prefix, 0, 0)
	for _, lr := range leads {
		for a := int(lr[0]); a <= int(lr[1]); a++ {
			for _, tr := range trails {
				for b := int(tr[0]); b <= int(tr[1]); b++ {
					seq[len(seq)-2], seq[len(seq)-1] = byte(a), byte(b)
					dec.Reset()
					if out, err := dec.Bytes(seq); err != nil || bytes.Contains(out, []byte("\ufffd")) {
						set[a][b>>6] |= 1 << (b & 63)
					}
				}
			}
		}
	}
	return set
}
