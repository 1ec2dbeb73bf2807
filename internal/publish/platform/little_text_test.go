package platform_test

import (
	"testing"

	"clearpost/internal/publish/platform"
	"clearpost/internal/publish/platform/platformtest"
)

func TestEscapeLittleText(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"plain text, nothing to escape.", "plain text, nothing to escape."},
		{"", ""},
		{"Q3 (preliminary) results", `Q3 \(preliminary\) results`},
		{`a\b`, `a\\b`},
		{"#launch @acme", `\#launch \@acme`},
		{"[x]{y}<z>|~_*", `\[x\]\{y\}\<z\>\|\~\_\*`},
		{"café ☕ (ok)", `café ☕ \(ok\)`},
		{"https://ex.com/a_b?c=(1)", `https://ex.com/a\_b?c=\(1\)`},
	}
	for _, tt := range tests {
		if got := platform.EscapeLittleText(tt.in); got != tt.want {
			t.Errorf("EscapeLittleText(%q) = %q, want %q", tt.in, got, tt.want)
		}
		// What LinkedIn displays for the escaped commentary is exactly the input.
		if got := platformtest.RenderLittleText(platform.EscapeLittleText(tt.in)); got != tt.in {
			t.Errorf("rendered escaped %q = %q", tt.in, got)
		}
	}
}

func TestRenderLittleTextTruncatesUnescaped(t *testing.T) {
	t.Parallel()
	// The failure the escaping prevents: LinkedIn cuts the post at the first unescaped reserved
	// character.
	if got := platformtest.RenderLittleText("Results (preliminary) are in"); got != "Results " {
		t.Fatalf("RenderLittleText = %q, want %q", got, "Results ")
	}
}
