package search

import (
	"html"
	"strings"
)

// Backends ask their engine to wrap matched words in these two private-use characters rather than
// in markup, so that the engine's output can be HTML-escaped as a whole before the marks become
// <mark> tags: a post's own "<script>" or "<mark>" stays text. Normalize strips them from
// documents.
const (
	MarkStart = "\uE000"
	MarkEnd   = "\uE001"
)

func stripSentinels(s string) string {
	if !strings.ContainsAny(s, MarkStart+MarkEnd) {
		return s
	}
	return strings.NewReplacer(MarkStart, "", MarkEnd, "").Replace(s)
}

// Highlight turns engine output with MarkStart/MarkEnd around matched words into HTML: the text
// escaped, each marked run in <mark>…</mark>. Marks are kept balanced whatever the input.
func Highlight(s string) string {
	s = html.EscapeString(s)
	if !strings.ContainsAny(s, MarkStart+MarkEnd) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 32)
	open := false
	for _, r := range s {
		switch string(r) {
		case MarkStart:
			if !open {
				b.WriteString("<mark>")
				open = true
			}
		case MarkEnd:
			if open {
				b.WriteString("</mark>")
				open = false
			}
		default:
			b.WriteRune(r)
		}
	}
	if open {
		b.WriteString("</mark>")
	}
	return b.String()
}
