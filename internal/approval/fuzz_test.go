package approval

import (
	"errors"
	"testing"
)

func FuzzClassify(f *testing.F) {
	for _, seed := range []struct{ body, competitor, marker string }{
		{"Our new plan costs $49/month", "Acme", "#ad"},
		{"Unlike ACME CORP we are 2x faster, 50% more, #1. We expect to grow next quarter.", "Acme Corp", "#sponsored"},
		{"Call +44 20 7946 0958 or jane@example.com; it cures insomnia.", "AT&T", "Paid partnership"},
		{"€1.200,50 or 99 EUR, 20% off, best practices", "C3.ai", "#"},
		{"", "", ""},
		{"\xff\xfe$\x00 1,", "(", "\\"},
		{"Zoë Labs prevents heart disease", "zoë labs", "é"},
	} {
		f.Add(seed.body, seed.competitor, seed.marker)
	}
	f.Fuzz(func(t *testing.T, body, competitor, marker string) {
		s := ClassifierSettings{Competitors: []string{competitor}, Disclosures: []string{marker}}
		labels := Classify(body, Facts{Category: "promo"}, s)
		checkSpans(t, body, labels)
		for _, l := range labels {
			if l.Name == LabelMissingDisclosure && (l.Evidence != "" || l.Start != 0 || l.End != 0) {
				t.Errorf("missing_disclosure with a span: %+v", l)
			}
		}
		_ = s.Validate()
	})
}

func FuzzCompile(f *testing.F) {
	for _, seed := range []string{
		`"pricing" in labels`,
		`"linkedin" in post.channels && post.body.lowerAscii().contains("price")`,
		`post.tags.exists(t, t.startsWith("reg")) || post.hasMedia`,
		`post.body.matches("[0-9]+%") && size(labels) > 1`,
		`post.tags[0] == "x"`,
		`1 / 0 == 1`,
		`post.body.split("").all(a, post.body.split("").all(b, a != b))`,
		`pst.body`,
		"post.body ==\n",
		`"\u00e9" + post.region == post.category`,
		``,
	} {
		f.Add(seed)
	}
	facts := Facts{
		Body: "Our new plan costs $49/month", Link: "https://example.com", Channels: []string{"linkedin"},
		Tags: []string{"regulated"}, Category: "product", Region: "emea", HasMedia: true,
	}
	f.Fuzz(func(t *testing.T, expr string) {
		r, err := Compile(expr)
		if err != nil {
			var e *ExprError
			if !errors.As(err, &e) {
				t.Fatalf("Compile(%q) = %v, want an *ExprError", expr, err)
			}
			if e.Line < 1 || e.Column < 1 || e.Message == "" {
				t.Errorf("Compile(%q): %#v", expr, e)
			}
			return
		}
		_, _ = r.Eval(facts, []string{"pricing"})
	})
}
