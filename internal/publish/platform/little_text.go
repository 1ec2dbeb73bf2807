package platform

import "strings"

// littleReserved are the characters LinkedIn's "little" text format reserves for its elements
// (mentions, hashtags, templates). The Posts API's commentary is little text: an unescaped reserved
// character is parsed as markup and, when it forms no valid element, LinkedIn silently cuts the
// post at that point.
const littleReserved = `\|{}@[]()<>#*_~`

// EscapeLittleText escapes s for a LinkedIn Posts API commentary so it publishes verbatim: every
// reserved character gets a backslash in front. Hashtags and mentions therefore publish as plain
// text, which is what an approved, byte-for-byte body needs.
func EscapeLittleText(s string) string {
	if !strings.ContainsAny(s, littleReserved) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		if r < 0x80 && strings.ContainsRune(littleReserved, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
