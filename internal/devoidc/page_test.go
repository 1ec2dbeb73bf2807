package devoidc

import "testing"

func TestInitials(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"Ana Legal":          "AL",
		"bo@example.com":     "B",
		"Jean-Luc Picard":    "JL",
		"  ":                 "",
		"élodie de la Tour":  "ÉD",
		`<script>x</script>`: "SX",
	} {
		if got := initials(name); got != want {
			t.Errorf("initials(%q) = %q, want %q", name, got, want)
		}
	}
}
