package auth

import "testing"

func TestSafeReturnNeverLeavesTheSite(t *testing.T) {
	for in, want := range map[string]string{
		"/posts/1?tab=review":    "/posts/1?tab=review",
		"":                       "/",
		"//evil.example/x":       "/",
		"/\t/evil.example":       "/",
		"/\\evil.example":        "/",
		"https://evil.example/x": "/",
		"javascript:alert(1)":    "/",
		"relative/path":          "/",
		"/ok/../still-here":      "/ok/../still-here",
	} {
		if got := safeReturn(in); got != want {
			t.Errorf("safeReturn(%q) = %q, want %q", in, got, want)
		}
	}
}
