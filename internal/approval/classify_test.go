package approval

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// evidence maps label names to their evidence.
type evidence map[string]string

func classified(labels []Label) evidence {
	out := evidence{}
	for _, l := range labels {
		out[l.Name] = l.Evidence
	}
	return out
}

func TestClassifyDetectors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body string
		want evidence // every label Classify must return, with its evidence; no others
	}{
		{"Thanks to everyone who joined our webinar yesterday!", evidence{}},
		{"", evidence{}},

		// pricing
		{"Our new plan costs $49/month", evidence{"pricing": "$49"}},
		{"Now only €1.200,50 for teams", evidence{"pricing": "€1.200,50"}},
		{"A £2.5 million deal", evidence{"pricing": "£2.5 million"}},
		{"Raised $5k for charity", evidence{"pricing": "$5k"}},
		{"Tickets cost 49 € at the door", evidence{"pricing": "49 €"}},
		{"Starts at USD 99", evidence{"pricing": "USD 99"}},
		{"Starts at 99 eur", evidence{"pricing": "99 eur"}},
		{"Worth 20 dollars", evidence{"pricing": "20 dollars"}},
		{"Get 20% off this week", evidence{"pricing": "20% off"}},
		{"Get 15 percent off this week", evidence{"pricing": "15 percent off"}},
		{"See our new pricing page", evidence{"pricing": "pricing"}},
		{"Prices drop on Monday", evidence{"pricing": "Prices"}},
		{"Start your free trial today", evidence{"pricing": "free trial"}},
		{"Start your free\n  trial today", evidence{"pricing": "free\n  trial"}},
		{"Only a few dollars per seat", evidence{"pricing": "per seat"}},
		{"Use promo code SPRING", evidence{"pricing": "promo code"}},
		{"A discount for early birds", evidence{"pricing": "discount"}},
		{"Surprise: priceless moments", evidence{}},

		// performance claims
		{"We cut onboarding time by 40%", evidence{"performance_claim": "40%"}},
		{"Customers see 50% more leads", evidence{"performance_claim": "50% more"}},
		{"Accuracy rose 3.5 percent", evidence{"performance_claim": "3.5 percent"}},
		{"Builds are 2x faster now", evidence{"performance_claim": "2x faster"}},
		{"A 10x improvement", evidence{"performance_claim": "10x"}},
		{"Three times? No: 3 times more throughput", evidence{"performance_claim": "3 times more"}},
		{"The fastest way to ship", evidence{"performance_claim": "fastest"}},
		{"Rated #1 by analysts", evidence{"performance_claim": "#1"}},
		{"The number one choice", evidence{"performance_claim": "number one"}},
		{"World-class support", evidence{"performance_claim": "World-class"}},
		{"Results guaranteed", evidence{"performance_claim": "guaranteed"}},
		{"It outperforms every rival", evidence{"performance_claim": "outperforms"}},
		{"The most secure platform", evidence{"performance_claim": "most secure"}},
		{"Read our best practices guide. Best regards, the team", evidence{}},
		{"Issue #10 is fixed; see #1st-day notes and #12", evidence{}},
		{"Ein bestätigtes Ergebnis", evidence{}},
		{"Use hex 0x1F", evidence{}},

		// forward-looking statements
		{"We expect to double revenue", evidence{"forward_looking": "We expect"}},
		{"Revenue is expected to double", evidence{"forward_looking": "expected to"}},
		{"The company plans to open an office", evidence{"forward_looking": "plans to"}},
		{"We anticipate strong demand", evidence{"forward_looking": "anticipate"}},
		{"Our forecast is strong", evidence{"forward_looking": "forecast"}},
		{"We raised our full-year guidance", evidence{"forward_looking": "full-year guidance"}},
		{"See our product roadmap", evidence{"forward_looking": "roadmap"}},
		{"See our product road map", evidence{"forward_looking": "road map"}},
		{"Ranked No.1 and no. 1", evidence{"performance_claim": "No.1"}},
		{"Margins improve next quarter", evidence{"forward_looking": "next quarter"}},
		{"More in the coming months", evidence{"forward_looking": "in the coming months"}},
		{"Shipping later this year", evidence{"forward_looking": "later this year"}},
		{"Details of the upcoming release", evidence{"forward_looking": "upcoming release"}},
		{"Mobile app coming soon", evidence{"forward_looking": "coming soon"}},
		{"Revenue will grow in every region", evidence{"forward_looking": "will grow"}},
		{"We will also launch in Japan", evidence{"forward_looking": "will also launch"}},
		{"The team will continue to hire", evidence{"forward_looking": "will continue"}},
		{"Available by Q3", evidence{"forward_looking": "by Q3"}},
		{"We will be at booth 12. Our plan: have fun. What to expect at the show? Unexpected guests!", evidence{}},
		{"Sign up for Outlook and get guidance from our docs", evidence{}},
		{"Our new plan costs $49/month", evidence{"pricing": "$49"}},

		// health claims
		{"It cures insomnia", evidence{"health_claim": "cures"}},
		{"Clinically proven formula", evidence{"health_claim": "Clinically proven"}},
		{"Now FDA approved", evidence{"health_claim": "FDA approved"}},
		{"AI that helps diagnose patients", evidence{"health_claim": "diagnose"}},
		{"Fewer symptoms in a week", evidence{"health_claim": "symptoms"}},
		{"Prevents heart disease", evidence{"health_claim": "Prevents heart disease"}},
		{"It treats chronic pain", evidence{"health_claim": "treats chronic pain"}},
		{"Reduces the risk of stroke", evidence{"health_claim": "Reduces the risk of stroke"}},
		{"Prevent data loss and treat your customers well", evidence{}},

		// personal data
		{"Write to jane.doe@example.com", evidence{"personal_data": "jane.doe@example.com"}},
		{"Call +44 20 7946 0958", evidence{"personal_data": "+44 20 7946 0958"}},
		{"Call +1 (555) 123-4567", evidence{"personal_data": "+1 (555) 123-4567"}},
		{"Call +4915112345678", evidence{"personal_data": "+4915112345678"}},
		{"Call (555) 123-4567", evidence{"personal_data": "(555) 123-4567"}},
		{"Call 555-123-4567", evidence{"personal_data": "555-123-4567"}},
		{"Call 1-555-123-4567", evidence{"personal_data": "1-555-123-4567"}},
		{"Call 555.123.4567", evidence{"personal_data": "555.123.4567"}},
		{"Call 020 7946 0958", evidence{"personal_data": "020 7946 0958"}},
		{"Follow @acme, released 2024-01-15, version 1.2.3, order 12345678, IP 10.0.0.1, +12", evidence{}},

		// several at once, each with its first evidence
		{
			"Our fastest release: 3x faster builds from $10 per seat. We expect to ship more next quarter. Questions? ops@example.com",
			evidence{"performance_claim": "fastest", "pricing": "$10", "forward_looking": "We expect", "personal_data": "ops@example.com"},
		},
	}
	for _, tt := range tests {
		labels := Classify(tt.body, Facts{}, ClassifierSettings{})
		if got := classified(labels); !maps.Equal(got, tt.want) {
			t.Errorf("Classify(%q) = %v, want %v", tt.body, got, tt.want)
		}
		checkSpans(t, tt.body, labels)
	}
}

// checkSpans checks that every label's offsets point at its evidence, one label per name.
func checkSpans(t *testing.T, body string, labels []Label) {
	t.Helper()
	seen := map[string]bool{}
	for _, l := range labels {
		if seen[l.Name] {
			t.Errorf("Classify(%q): label %s twice", body, l.Name)
		}
		seen[l.Name] = true
		if l.Start < 0 || l.End < l.Start || l.End > len(body) || body[l.Start:l.End] != l.Evidence {
			t.Errorf("Classify(%q): label %s evidence %q at [%d,%d] does not match the body", body, l.Name, l.Evidence, l.Start, l.End)
		}
	}
}

func TestClassifyOrderAndFirstEvidence(t *testing.T) {
	t.Parallel()
	body := "Call jane@example.com. Acme is 2x faster, 30% cheaper and the best; pricing from $5, now $4."
	labels := Classify(body, Facts{}, ClassifierSettings{Competitors: []string{"acme"}, Disclosures: []string{"#ad"}})
	var names []string
	for _, l := range labels {
		names = append(names, l.Name)
	}
	want := []string{"pricing", "performance_claim", "competitor", "personal_data", "missing_disclosure"}
	if !slices.Equal(names, want) {
		t.Errorf("labels %v, want %v (detector order)", names, want)
	}
	got := classified(labels)
	for name, ev := range map[string]string{"pricing": "pricing", "performance_claim": "2x faster", "competitor": "Acme", "personal_data": "jane@example.com", "missing_disclosure": ""} {
		if got[name] != ev {
			t.Errorf("%s evidence = %q, want %q (the leftmost)", name, got[name], ev)
		}
	}
	checkSpans(t, body, labels)
}

func TestClassifyCompetitors(t *testing.T) {
	t.Parallel()
	s := ClassifierSettings{Competitors: []string{"Acme", "Acme Corp", "AT&T", "  ", "C3.ai", "Zoë Labs", "HubSpot"}}
	tests := []struct {
		body, want string // want: the evidence, or "" for none
	}{
		{"We beat acme every time", "acme"},
		{"Unlike ACME CORP, we ship fast", "ACME CORP"},
		{"AT&T and Acme", "AT&T"},
		{"Ask c3.ai.", "c3.ai"},
		{"Hello zoë labs!", "zoë labs"},
		{"(Acme)", "Acme"},
		{"Acmeville is a town; so is Xacme; HubSpotter is a word", ""},
		{"acme_corp", ""},
		{"Acme2", ""},
		{"Zoë Labsé", ""},
		{"", ""},
	}
	for _, tt := range tests {
		labels := Classify(tt.body, Facts{}, s)
		if got := classified(labels)["competitor"]; got != tt.want {
			t.Errorf("Classify(%q) competitor = %q, want %q", tt.body, got, tt.want)
		}
		checkSpans(t, tt.body, labels)
	}
	if got := classified(Classify("Acme", Facts{}, ClassifierSettings{})); len(got) != 0 {
		t.Errorf("no competitors configured: got %v", got)
	}
}

func TestClassifyMissingDisclosure(t *testing.T) {
	t.Parallel()
	markers := []string{"#ad", "#Sponsored", "Paid partnership"}
	tests := []struct {
		name     string
		body     string
		category string
		settings ClassifierSettings
		want     bool
	}{
		{"no markers configured", "Buy it", "promo", ClassifierSettings{}, false},
		{"marker present", "Buy it #ad", "promo", ClassifierSettings{Disclosures: markers}, false},
		{"marker in other case", "Buy it #SPONSORED", "", ClassifierSettings{Disclosures: markers}, false},
		{"phrase marker", "A paid partnership with Acme", "", ClassifierSettings{Disclosures: markers}, false},
		{"no marker, any category", "Buy it", "", ClassifierSettings{Disclosures: markers}, true},
		{"marker inside a longer word does not count", "#adventure awaits", "", ClassifierSettings{Disclosures: markers}, true},
		{"category listed", "Buy it", "Promo", ClassifierSettings{Disclosures: markers, DisclosureCategories: []string{"promo"}}, true},
		{"category not listed", "Buy it", "news", ClassifierSettings{Disclosures: markers, DisclosureCategories: []string{"promo"}}, false},
		{"no category, categories listed", "Buy it", "", ClassifierSettings{Disclosures: markers, DisclosureCategories: []string{"promo"}}, false},
		{"blank markers only", "Buy it", "", ClassifierSettings{Disclosures: []string{" ", ""}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			labels := Classify(tt.body, Facts{Category: tt.category}, tt.settings)
			ev, got := classified(labels)["missing_disclosure"]
			if got != tt.want {
				t.Errorf("missing_disclosure = %v, want %v (labels %v)", got, tt.want, labels)
			}
			if got && ev != "" {
				t.Errorf("missing_disclosure evidence = %q, want empty", ev)
			}
		})
	}
}

func TestClassifySkipsRefusedMatches(t *testing.T) {
	t.Parallel()
	body := strings.Repeat("best practices, ", 5000) + "the best tool"
	labels := Classify(body, Facts{}, ClassifierSettings{})
	if got := classified(labels)["performance_claim"]; got != "best" {
		t.Fatalf("performance_claim = %q, want best", got)
	}
	if l := labels[0]; l.Start != len(body)-len("best tool") {
		t.Errorf("evidence at %d, want %d (the first best that is a claim)", l.Start, len(body)-len("best tool"))
	}
}

func TestLabelNames(t *testing.T) {
	t.Parallel()
	got := LabelNames([]Label{{Name: "pricing"}, {Name: "competitor"}, {Name: "pricing"}, {Name: "forward_looking"}})
	if want := []string{"competitor", "forward_looking", "pricing"}; !slices.Equal(got, want) {
		t.Errorf("LabelNames = %v, want %v", got, want)
	}
	if got := LabelNames(nil); got == nil || len(got) != 0 {
		t.Errorf("LabelNames(nil) = %#v, want an empty list", got)
	}
}
