package approval

import (
	"fmt"
	"strings"
)

// sample is a made-up post a routing expression is tried on before it is saved.
type sample struct {
	name   string
	facts  Facts
	labels []string
}

// samplePlatforms are the platform names posts target.
var samplePlatforms = []string{"linkedin", "x", "facebook", "instagram", "slack", "webhook"}

// sampleLabels are the names of every built-in classifier label.
var sampleLabels = []string{LabelPricing, LabelPerformanceClaim, LabelForwardLooking, LabelCompetitor,
	LabelHealthClaim, LabelPersonalData, LabelMissingDisclosure}

// sampleCategories and sampleRegions are categories and regions posts carry (both free text, at
// most 50 characters; "" when not set).
var (
	sampleCategories = []string{"", "news", "product", "sponsored", "hiring", "event", "regulated", strings.Repeat("c", 50)}
	sampleRegions    = []string{"", "global", "us", "eu", "emea", "apac", "latam", strings.Repeat("r", 50)}
)

// samples returns the varied posts every routing expression must evaluate without error on: no
// tags and many, no link, no channel and every channel, empty and long bodies, every label, and
// each sample category and region. A rule that errs on one of them would err on real posts, and
// a rule that errs at run time fails closed and is reported to the admins (see Resolve).
var samples = func() []sample {
	many := make([]string, 20) // the most tags a post may have
	for i := range many {
		many[i] = fmt.Sprintf("tag-%d", i)
	}
	long := string([]rune(strings.Repeat("Our new plans start at $49 a month, 20% faster than Acme. Ünïcödé — 日本語 😀 ", 1500))[:100000])
	out := []sample{
		{name: "an empty post", facts: Facts{}},
		{name: "a typical post", facts: Facts{Body: "Our new plans start at $49 a month.", Link: "https://example.com/pricing",
			Channels: []string{"linkedin"}, Tags: []string{"launch"}, Category: "product", Region: "us"}, labels: []string{LabelPricing}},
		{name: "a post with one tag, no link and one channel", facts: Facts{Body: "Hi", Channels: []string{"x"}, Tags: []string{"news"}}},
		{name: "a post with many tags, every channel, media and every label", facts: Facts{Body: "See you there!", Link: "https://example.com/a?b=c#d",
			Channels: samplePlatforms, Tags: many, Category: "event", Region: "emea", HasMedia: true}, labels: sampleLabels},
		{name: "a post with the longest body", facts: Facts{Body: long, Channels: []string{"webhook"}, Tags: many}, labels: sampleLabels},
	}
	for _, c := range sampleCategories {
		out = append(out, sample{name: fmt.Sprintf("a post of category %q", c), facts: Facts{Body: "b", Category: c, Region: "us"}})
	}
	for _, r := range sampleRegions {
		out = append(out, sample{name: fmt.Sprintf("a post of region %q", r), facts: Facts{Body: "b", Category: "news", Region: r}})
	}
	return out
}()

// trySamples evaluates r on every sample and returns the first error, naming the sample.
func trySamples(r *CompiledRule) error {
	for _, s := range samples {
		if _, err := r.Eval(s.facts, s.labels); err != nil {
			return fmt.Errorf("fails on a sample post (%s): %w", s.name, err)
		}
	}
	return nil
}
