package advocacy

import (
	"regexp"

	"github.com/rivo/uniseg"
)

// How X counts a text (its "weighted length", twitter-text v3): any URL counts as xLinkLength
// (t.co wraps every link); a character counts 1 in the ranges below (Latin, Greek, Cyrillic,
// Hebrew, Arabic, Devanagari, ..., general punctuation) and 2 outside them (CJK, emoji, ...); an
// emoji sequence (a flag, a keycap, people joined by ZWJ, a skin tone) counts 2 as a whole.
//
// Counted by user-perceived character (grapheme cluster): a cluster of light characters counts
// each of them, a cluster holding any heavy one counts 2. frontend/src/share/textLength.ts counts
// the same way, so the share dialog's counter and this check agree.
var xLightRanges = [][2]rune{{0, 4351}, {8192, 8205}, {8208, 8223}, {8242, 8247}}

// xURL is what X takes for a link: a URL with a scheme, or a bare domain under a common TLD, up to
// the next white space. White space is JavaScript's \s, written out (Go's \s is ASCII only), so
// that textLength.ts, whose pattern is the same, ends a link where this does.
var xURL = regexp.MustCompile(`(?i)\bhttps?://[^` + jsSpace + `]+|\b(?:[a-z0-9-]+\.)+(?:com|org|net|io|dev|co|de|uk|eu|app)\b(?:/[^` + jsSpace + `]*)?`)

const jsSpace = `\t\n\v\f\r \x{00a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{feff}`

func xLight(r rune) bool {
	for _, lr := range xLightRanges {
		if r >= lr[0] && r <= lr[1] {
			return true
		}
	}
	return false
}

// xLength is text's length as X counts it.
func xLength(text string) int {
	n := 0
	rest := xURL.ReplaceAllStringFunc(text, func(string) string {
		n += xLinkLength
		return ""
	})
	g := uniseg.NewGraphemes(rest)
	for g.Next() {
		cluster := g.Runes()
		light := true
		for _, r := range cluster {
			light = light && xLight(r)
		}
		if light {
			n += len(cluster)
		} else {
			n += 2
		}
	}
	return n
}
