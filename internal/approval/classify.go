package approval

import (
	"slices"
	"strings"
)

// Names of the built-in classifier labels.
const (
	LabelPricing           = "pricing"
	LabelPerformanceClaim  = "performance_claim"
	LabelForwardLooking    = "forward_looking"
	LabelCompetitor        = "competitor"
	LabelHealthClaim       = "health_claim"
	LabelPersonalData      = "personal_data"
	LabelMissingDisclosure = "missing_disclosure"
)

// Classify runs the built-in classifiers over body, a text of a post whose other facts are facts,
// with an organization's settings. It returns at most one label per name, in the order of the
// label constants above, each with the first (leftmost) evidence in body and its byte offsets:
// one piece of evidence is enough to route a post and to show a reviewer why, and a stable,
// short label list keeps frozen plans small. missing_disclosure has no span: its evidence is "".
//
// The detectors are deliberately conservative phrase lists, not language understanding; what
// each matches:
//   - pricing: money amounts ($49, €1.200,50, £2.5 million, 49 €, USD 99, 99 EUR, 20 dollars), price
//     words (price, pricing, discount, coupon, promo code, free trial, per month, per seat, ...)
//     and "N% off".
//   - performance_claim: percentages (50%, 3.5 percent, "50% more"; not "N% off", which is
//     pricing), multipliers (10x, 2x faster, 3 times more), superlatives and absolutes (best,
//     fastest, #1, number one, world-class, industry-leading, guaranteed, outperforms, ...).
//     "best practices" and "best regards" are not claims.
//   - forward_looking: the language of securities-law forward-looking statements: "expect(s)
//     to", "plan(s) to", "intend(s) to", "anticipate", "forecast", "guidance" and "outlook" in a
//     financial sense, "roadmap", "next quarter", "next fiscal year", "in the coming months",
//     "later this year", "upcoming release", "coming soon", and "will" only before a verb of
//     growth or delivery ("will grow", "will launch", "will continue to"), so that "we will be at
//     booth 12" is not flagged.
//   - competitor: any name of settings.Competitors, ignoring case, as a whole word.
//   - health_claim: cure, clinically proven/tested, clinical trial, FDA, diagnose/diagnosis,
//     symptom(s), disease, therapy, remedy, immune boost, weight loss, side effects, ...; "treat",
//     "prevent", "relieve" and "reduce the risk of" only when a medical word follows within a few
//     words ("prevents heart disease", not "prevents data loss").
//   - personal_data: e-mail addresses and phone numbers (+44 20 7946 0958, (555) 123-4567,
//     555-123-4567, 020 7946 0958).
//   - missing_disclosure: settings.Disclosures is not empty, the post's category is one of
//     settings.DisclosureCategories (ignoring case; any category when that list is empty), and
//     body carries none of the markers (ignoring case, as whole words: "#ad" is not in
//     "#adventure").
func Classify(body string, facts Facts, s ClassifierSettings) []Label {
	checks := []struct {
		name string
		m    matcher
	}{
		{LabelPricing, pricing},
		{LabelPerformanceClaim, performanceClaim},
		{LabelForwardLooking, forwardLooking},
		{LabelCompetitor, phraseMatcher(s.Competitors)},
		{LabelHealthClaim, healthClaim},
		{LabelPersonalData, personalData},
	}
	var out []Label
	for _, c := range checks {
		if start, end, ok := c.m.first(body); ok {
			out = append(out, Label{Name: c.name, Evidence: body[start:end], Start: start, End: end})
		}
	}
	if missingDisclosure(body, facts, s) {
		out = append(out, Label{Name: LabelMissingDisclosure})
	}
	return out
}

// LabelNames returns the distinct names of labels, sorted: the CEL variable `labels`.
func LabelNames(labels []Label) []string {
	out := make([]string, 0, len(labels))
	for _, l := range labels {
		out = append(out, l.Name)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func missingDisclosure(body string, facts Facts, s ClassifierSettings) bool {
	m := phraseMatcher(s.Disclosures)
	if m == nil {
		return false
	}
	if len(s.DisclosureCategories) > 0 && !slices.ContainsFunc(s.DisclosureCategories, func(c string) bool {
		return strings.EqualFold(strings.TrimSpace(c), strings.TrimSpace(facts.Category))
	}) {
		return false
	}
	_, _, found := m.first(body)
	return !found
}
