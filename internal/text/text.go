// Package text holds the small string operations several features share.
package text

import "unicode/utf8"

// Truncate cuts s to at most n characters (runes), ending with "…" when it cut.
func Truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
