package advocacy

import (
	"strings"
	"testing"
)

// The same cases as frontend/src/share/textLength.test.ts: the dialog and the server count alike.
func TestXLengthCountsAsXDoes(t *testing.T) {
	for _, c := range []struct {
		text string
		want int
	}{
		{"Hello, world", 12},
		{"See https://example.com/a/very/long/path?with=query", 4 + 23},
		{"read example.com/launch now", 5 + 23 + 4},
		{"https://a.com/x\u00a0and\u3000日本", 23 + 1 + 3 + 2 + 4}, // a link ends at any white space
		{"日本", 4},
		{"🎉", 2},
		{"👩‍💻", 2},                 // a ZWJ sequence
		{"👍🏽", 2},                  // a skin tone
		{"🇩🇪", 2},                  // a flag
		{"1️⃣", 2},                 // a keycap
		{"e\u0301", 2},             // a combining accent: two light characters
		{"Ünïcödé – “quoted”", 18}, // Latin-1 and general punctuation are light
	} {
		if got := xLength(c.text); got != c.want {
			t.Errorf("xLength(%q) = %d, want %d", c.text, got, c.want)
		}
	}
}

// 130 emoji are 130 characters but 260 as X counts them: refused next to a link (256 left), as the
// share dialog says; 128 fit exactly.
func TestCheckTextCountsXAsXDoes(t *testing.T) {
	if err := checkText(X, strings.Repeat("🎉", 128), true); err != nil {
		t.Fatalf("128 emoji beside a link: %v", err)
	}
	err := checkText(X, strings.Repeat("🎉", 130), true)
	if err == nil || !strings.Contains(err.Error(), "260 characters long as X counts them") {
		t.Fatalf("130 emoji beside a link: %v", err)
	}
	if err := checkText(LinkedIn, strings.Repeat("🎉", 130), true); err != nil {
		t.Fatalf("130 emoji on LinkedIn: %v", err)
	}
}
