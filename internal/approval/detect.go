package approval

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// matcher finds the first piece of evidence in a text, as byte offsets.
type matcher interface {
	first(text string) (start, end int, ok bool)
}

// Word boundaries that, unlike RE2's ASCII-only \b, treat every Unicode letter and digit as part
// of a word, so "best" does not match inside "bestätigt". They consume the neighbouring character,
// so every pattern marks its evidence with a capturing group.
const (
	before = `(?:^|[^\p{L}\p{N}_])`
	after  = `(?:[^\p{L}\p{N}_]|$)`
)

// words compiles a case-insensitive pattern matching any of alts (regexp fragments) as whole
// words. A space in alts matches any run of white space (" ?": any run or none), so a phrase may
// wrap across lines. alts must not contain escaped brackets.
func words(alts ...string) *regexp.Regexp {
	src := strings.Join(alts, "|")
	var b strings.Builder
	inClass := false
	for i := 0; i < len(src); i++ {
		switch c := src[i]; {
		case c == '[':
			inClass = true
		case c == ']':
			inClass = false
		case c == ' ' && inClass:
			b.WriteString(`\s`)
			continue
		case c == ' ' && i+1 < len(src) && src[i+1] == '?':
			b.WriteString(`\s*`)
			i++
			continue
		case c == ' ':
			b.WriteString(`\s+`)
			continue
		}
		b.WriteByte(src[i])
	}
	return regexp.MustCompile(`(?i)` + before + `(` + b.String() + `)` + after)
}

// pattern is one way a detector recognizes its evidence: capturing group 1 of re (or the whole
// match when re has no group), vetted by accept when set.
type pattern struct {
	re *regexp.Regexp
	// accept reports whether the match text[start:end] is evidence; false skips to the next match.
	accept func(text string, start, end int) bool
}

// detector is a built-in classifier: a set of patterns, the earliest match of which wins.
type detector []pattern

func (d detector) first(text string) (start, end int, ok bool) {
	for _, p := range d {
		s, e, found := p.first(text)
		if found && (!ok || s < start || (s == start && e > end)) {
			start, end, ok = s, e, true
		}
	}
	return start, end, ok
}

func (p pattern) first(text string) (start, end int, ok bool) {
	span := func(m []int) (int, int) {
		if len(m) >= 4 && m[2] >= 0 {
			return m[2], m[3]
		}
		return m[0], m[1]
	}
	if p.accept == nil {
		m := p.re.FindStringSubmatchIndex(text)
		if m == nil {
			return 0, 0, false
		}
		start, end = span(m)
		return start, end, true
	}
	for _, m := range p.re.FindAllStringSubmatchIndex(text, -1) {
		if start, end = span(m); p.accept(text, start, end) {
			return start, end, true
		}
	}
	return 0, 0, false
}

// notFollowedBy returns an accept func refusing matches that re (anchored with ^) matches right after.
func notFollowedBy(re *regexp.Regexp) func(string, int, int) bool {
	return func(text string, _, end int) bool { return !re.MatchString(text[end:]) }
}

// Amounts: digits with thousands and decimal separators in either convention (1,200.50, 1.200,50).
const amount = `\d+(?:[.,]\d+)*`

const currencyCodes = `USD|EUR|GBP|CAD|AUD|NZD|CHF|JPY|CNY|INR|SEK|NOK|DKK|SGD|HKD`

var pricing = detector{
	// $49, $ 1,200.50, €5k, £2.5 million
	{re: regexp.MustCompile(`(?i)([$€£¥₹]\s?` + amount + `(?:\s?(?:k|m|bn|million|billion)\b)?)`)},
	// 49 €, 1.200,50€, 20 dollars
	{re: regexp.MustCompile(`(?i)` + before + `(` + amount + `\s?(?:[$€£¥₹]|dollars|euros|bucks|cents|pence))`)},
	// USD 49, 49 EUR
	{re: words(`(?:`+currencyCodes+`)\s?`+amount, amount+`\s?(?:`+currencyCodes+`)`)},
	// 20% off, 15 percent off
	{re: words(`\d+(?:[.,]\d+)?\s?(?:%|percent|per cent)\s+off`)},
	{re: words(`prices?`, `priced`, `pricing`, `discounts?`, `discounted`, `coupons?`, `promo codes?`,
		`free trials?`, `per (?:month|year|seat|user|license|licence)`, `subscription fees?`, `list price`,
		`half price`, `half off`, `special offer`, `limited[- ]time offer`, `money[- ]back`, `bogo`, `on sale`)},
}

var performanceClaim = detector{
	// 50%, 3.5 percent, 50% more; "20% off" is pricing.
	{
		re:     regexp.MustCompile(`(?i)(` + amount + `\s?(?:%|percent\b|per cent\b)(?:\s+(?:more|less|faster|slower|better|higher|lower|cheaper|fewer|increase|decrease|reduction|improvement|growth|savings?|uplift|boost)\b)?)`),
		accept: notFollowedBy(regexp.MustCompile(`(?i)^\s+off\b`)),
	},
	// 2x faster, 10x, 3 times more
	{re: words(`\d+(?:\.\d+)?\s?(?:x|×|times)\s+(?:faster|quicker|better|more|cheaper|less|fewer|higher|lower|greater|bigger|smaller|the)`, `\d+(?:\.\d+)?[x×]`)},
	// #1 (but not #10 or #1st)
	{re: regexp.MustCompile(`(?:^|[^\p{L}\p{N}_#])(#1)` + after)},
	{
		re: words(`best`, `fastest`, `quickest`, `cheapest`, `lowest`, `highest`, `strongest`, `smartest`, `safest`,
			`most (?:powerful|advanced|secure|reliable|trusted|popular|accurate|affordable|efficient|innovative|complete|comprehensive|scalable)`,
			`number one`, `no\. ?1`, `world'?s first`, `industry'?s first`, `world[- ]class`, `industry[- ]leading`,
			`market[- ]leading`, `the leader in`, `leading provider`, `unbeatable`, `unmatched`, `unrivall?ed`,
			`unparall?eled`, `guarantee[ds]?`, `proven to`, `outperforms?`, `outperformed`, `superior to`,
			`faster than`, `better than`, `zero downtime`),
		accept: notFollowedBy(regexp.MustCompile(`(?i)^\s+(?:practices?|regards|wishes|of luck)\b`)),
	},
}

var forwardLooking = detector{
	{re: words(`(?:expects?|expected|expecting|anticipated|intends?|intended|intending|plans?|planned|planning|aims?|aiming|projected|forecasted|on track|poised) to`)},
	{re: words(`anticipates?`, `anticipating`, `forecasts?`, `forecasting`, `projections?`, `road ?maps?`,
		`we (?:expect|estimate|project|forecast)`,
		`(?:financial|revenue|earnings|annual|full[- ]year|quarterly|fiscal|our|raises?|raised|reaffirms?|reaffirmed|updates?|updated|lowers?|lowered) (?:guidance|outlook)`,
		`(?:next|coming|following) (?:quarter|quarters|fiscal year|financial year|fy|half)`,
		`in the coming (?:weeks|months|quarters|years)`, `later this (?:year|quarter|month)`,
		`by (?:the )?end of (?:the |this )?(?:year|quarter|20\d\d)`, `by (?:q[1-4]|h[12]|fy ?'?\d{2,4})`,
		`upcoming (?:releases?|launch(?:es)?|products?|features?|versions?|quarters?|earnings)`,
		`coming soon`, `soon to be (?:released|launched|available)`)},
	{re: words(`(?:will|shall|(?:is|are|am) going to)(?: (?:also|likely|soon|further|significantly|substantially))? ` +
		`(?:grow|increase|double|triple|exceed|surpass|outpace|reach|achieve|deliver|generate|become|expand|accelerate|improve|continue|return|launch|ship|release|acquire|hit|be (?:profitable|released|launched|accretive))\w*`)},
}

// medical words that make "treat", "prevent", ... a health claim.
const medical = `(?:diseases?|illness(?:es)?|infections?|cancers?|diabetes|symptoms?|pain|inflammation|obesity|depression|anxiety|insomnia|arthritis|asthma|allerg\w*|covid(?:-19)?|flu|colds?|virus(?:es)?|conditions?|disorders?|headaches?|migraines?|acne|dementia|alzheimer'?s|heart attacks?|strokes?|hair loss|aging|ageing)`

var healthClaim = detector{
	{re: words(`cures?`, `cured`, `curing`, `clinically(?:[- ](?:proven|tested|shown|validated))?`,
		`clinical (?:trials?|stud(?:y|ies)|evidence)`, `fda(?:[- ](?:approved|cleared))?`, `diagnos\w*`, `symptoms?`,
		`diseases?`, `therapy`, `therapies`, `therapeutic`, `remed(?:y|ies)`, `heals?`, `healing`,
		`immune (?:system|boost\w*|support)`, `boosts? (?:your )?(?:immunity|immune system|metabolism)`,
		`anti-?inflammatory`, `detox\w*`, `weight loss`, `lose weight`, `side effects?`, `prescriptions?`,
		`medically`, `doctor[- ]recommended`, `miracle`)},
	{re: words(`(?:treats?|treating|treated|treatments? (?:for|of)|prevents?|preventing|prevented|prevention of|` +
		`reduces? the risk of|relieves?|relieving|relief (?:of|from))(?: [\p{L}'-]+){0,3}? ` + medical)},
}

var personalData = detector{
	// e-mail addresses
	{re: regexp.MustCompile(`([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})`)},
	// international: +44 20 7946 0958, +1 (555) 123-4567, +4915112345678
	{
		re:     regexp.MustCompile(`(?:^|[^\p{N}+])(\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{2,4}){1,4})` + `(?:[^\p{N}]|$)`),
		accept: digitsBetween(8, 15),
	},
	// North American: (555) 123-4567, 555-123-4567, 1-555-123-4567, 555.123.4567
	{re: regexp.MustCompile(`(?:^|[^\p{N}+.-])((?:1[ .-])?(?:\(\d{3}\) ?|\d{3}[.-])\d{3}[ .-]\d{4})(?:[^\p{N}]|$)`)},
	// national, with a trunk 0: 020 7946 0958, 030-1234-5678
	{
		re:     regexp.MustCompile(`(?:^|[^\p{N}+.-])(0\d{2,4}[ -]\d{3,4}[ -]\d{3,4})(?:[^\p{N}]|$)`),
		accept: digitsBetween(10, 11),
	},
}

// digitsBetween accepts a match holding between lo and hi digits.
func digitsBetween(lo, hi int) func(string, int, int) bool {
	return func(text string, start, end int) bool {
		n := 0
		for _, c := range text[start:end] {
			if c >= '0' && c <= '9' {
				n++
			}
		}
		return n >= lo && n <= hi
	}
}

// phrases matches any of an organization's phrases (competitor names, disclosure markers),
// ignoring case, as whole words: a phrase edge that is a letter or digit must not touch another
// letter or digit, so "Acme" is not found in "Acmeville" and "#ad" is not found in "#adventure".
//
// It searches a case-folded copy of the text with strings.Index rather than one big
// case-insensitive regexp: with 200 long names such a regexp takes seconds on a long post.
type phrases []phrase

type phrase struct {
	folded             string
	wordStart, wordEnd bool // whether the phrase begins, ends with a word character
}

// phraseMatcher returns a matcher for list, blank entries ignored.
func phraseMatcher(list []string) phrases {
	var out phrases
	for _, p := range list {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		first, _ := utf8.DecodeRuneInString(p)
		last, _ := utf8.DecodeLastRuneInString(p)
		out = append(out, phrase{folded: fold(p), wordStart: isWordRune(first), wordEnd: isWordRune(last)})
	}
	return out
}

func (ps phrases) first(text string) (start, end int, ok bool) {
	if len(ps) == 0 {
		return 0, 0, false
	}
	folded := fold(text)
	for _, p := range ps {
		for off := 0; off < len(folded); {
			i := strings.Index(folded[off:], p.folded)
			if i < 0 {
				break
			}
			s, e := off+i, off+i+len(p.folded)
			if ok && s > start {
				break // an earlier phrase matched before this one can
			}
			if (!p.wordStart || !wordBefore(text, s)) && (!p.wordEnd || !wordAt(text, e)) {
				if !ok || s < start || e > end {
					start, end, ok = s, e, true
				}
				break
			}
			if p.wordStart {
				// The phrase can only begin a word: skip the rest of this one, so that a run like
				// "aaaa..." costs linear time.
				off = s + 1
				for off < len(text) && wordAt(text, off) {
					_, n := utf8.DecodeRuneInString(text[off:])
					off += n
				}
			} else {
				_, n := utf8.DecodeRuneInString(text[s:])
				off = s + n
			}
		}
	}
	return start, end, ok
}

// wordBefore reports whether the rune before byte i of text is a word character.
func wordBefore(text string, i int) bool {
	r, n := utf8.DecodeLastRuneInString(text[:i])
	return n > 0 && isWordRune(r)
}

// wordAt reports whether the rune at byte i of text is a word character.
func wordAt(text string, i int) bool {
	r, n := utf8.DecodeRuneInString(text[i:])
	return n > 0 && isWordRune(r)
}

// fold maps every rune of s to a canonical member of its Unicode case-folding orbit when that has
// the same UTF-8 length, so that fold(s) has the byte offsets of s. The rare runes whose fold is
// longer or shorter (the Kelvin sign, the long s) are kept as they are.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			b.WriteByte(c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if f := foldRune(r); r != utf8.RuneError && utf8.RuneLen(f) == n {
			b.WriteRune(f)
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// foldRune returns the smallest rune that r is equal to under simple case folding.
func foldRune(r rune) rune {
	m := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		m = min(m, f)
	}
	return m
}

// isWordRune reports whether r is a word character for before and after: \p{L}, \p{N} or _.
func isWordRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r) }
