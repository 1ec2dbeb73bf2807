// Package corpus generates realistic posts and searches from a fixed seed: the scale dataset of
// `clearpost seed -scale` and the search benchmarks.
package corpus

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"clearpost/internal/search"

	"github.com/google/uuid"
)

// Corpus generates realistic posts and searches from a fixed seed, for benchmarks: English
// marketing prose whose content words follow a Zipf distribution (a few words are everywhere,
// most are rare), product names, campaign tags, channels and boards.
type Corpus struct {
	rng      *rand.Rand
	words    []string // content words, most frequent first
	zipf     *rand.Zipf
	tags     []string
	tagZipf  *rand.Zipf
	boards   []uuid.UUID
	channels []string
	epoch    time.Time
}

// New returns a corpus whose documents are on the given boards.
func New(seed uint64, boards []uuid.UUID) *Corpus {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	words := append([]string{}, contentWords...)
	// product, company and place names: pronounceable, each rare, many
	seen := map[string]bool{}
	for len(seen) < 8000 {
		var b strings.Builder
		for range 2 + rng.IntN(3) {
			b.WriteString(syllables[rng.IntN(len(syllables))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	tags := append([]string{}, tagWords...)
	return &Corpus{
		rng:      rng,
		words:    words,
		zipf:     rand.NewZipf(rng, 1.01, 40, uint64(len(words)-1)),
		tags:     tags,
		tagZipf:  rand.NewZipf(rng, 1.2, 1, uint64(len(tags)-1)),
		boards:   boards,
		channels: []string{"linkedin", "x", "facebook", "instagram", "slack", "email"},
		epoch:    time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
	}
}

func (c *Corpus) word() string { return c.words[c.zipf.Uint64()] }

func (c *Corpus) sentence(minWords, maxWords int) string {
	n := minWords + c.rng.IntN(maxWords-minWords+1)
	parts := make([]string, n)
	for i := range parts {
		if c.rng.IntN(100) < 35 {
			parts[i] = functionWords[c.rng.IntN(len(functionWords))]
		} else {
			parts[i] = c.word()
		}
	}
	s := strings.Join(parts, " ")
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:] + "."
}

// Document returns a new post of org, approved some time in 2025, on one to three boards.
func (c *Corpus) Document(org uuid.UUID) search.Document {
	title := make([]string, 3+c.rng.IntN(5))
	for i := range title {
		w := c.word()
		title[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	body := make([]string, 3+c.rng.IntN(6))
	for i := range body {
		body[i] = c.sentence(8, 20)
	}
	d := search.Document{
		OrgID: org, PostID: uuid.New(), VersionID: uuid.New(),
		Title: strings.Join(title, " "), Body: strings.Join(body, " "), ShareText: c.sentence(10, 24),
		Language: "english", ApprovedAt: c.epoch.Add(time.Duration(c.rng.Int64N(int64(365 * 24 * time.Hour)))),
	}
	d.ContentHash = fmt.Sprintf("%x", d.VersionID[:])
	for range 1 + c.rng.IntN(4) {
		d.Tags = append(d.Tags, c.tags[c.tagZipf.Uint64()])
	}
	for range 1 + c.rng.IntN(3) {
		d.Channels = append(d.Channels, c.channels[c.rng.IntN(len(c.channels))])
	}
	for range 1 + c.rng.IntN(3) {
		d.BoardIDs = append(d.BoardIDs, c.boards[c.rng.IntN(len(c.boards))])
	}
	return d
}

// Boards returns n distinct boards of the corpus, the scope of one user.
func (c *Corpus) Boards(n int) []uuid.UUID {
	perm := c.rng.Perm(len(c.boards))
	out := make([]uuid.UUID, min(n, len(c.boards)))
	for i := range out {
		out[i] = c.boards[perm[i]]
	}
	return out
}

// Text returns what a user types: one to three words drawn like the documents' words, now and
// then misspelt (a letter dropped), now and then a quoted phrase.
func (c *Corpus) Text() string {
	n := 1 + c.rng.IntN(3)
	words := make([]string, n)
	for i := range words {
		words[i] = c.word()
	}
	switch k := c.rng.IntN(10); {
	case k == 0 && len(words[0]) >= 6: // a typo
		i := 1 + c.rng.IntN(len(words[0])-2)
		words[0] = words[0][:i] + words[0][i+1:]
	case k == 1 && n >= 2:
		return `"` + strings.Join(words, " ") + `"`
	}
	return strings.Join(words, " ")
}

// Tag returns a campaign tag, drawn like the documents' tags.
func (c *Corpus) Tag() string { return c.tags[c.tagZipf.Uint64()] }

var functionWords = strings.Fields(`the a an and or but of to in on for with at by from as is are was were be
	been it its this that these those we our you your they their he she his her will can may should would
	not no so than then there here when where which who how what all any each more most very just also
	into over after before about up out new`)

var contentWords = strings.Fields(`team product customers launch today customer platform data growth
	business cloud security partners market solution experience company people world digital support
	innovation industry global leaders strategy insights teams service community future event webinar
	report analytics performance results success technology automation integration release features
	feature update announce announcing excited proud share join learn discover build building helping
	help together partnership partner award recognized recognition leadership culture hiring careers
	talent engineers engineering design designers sales marketing brand campaign content story stories
	journey mission values sustainability climate energy emissions renewable impact social responsibility
	diversity inclusion employees employee benefits wellbeing health safety quality compliance privacy
	trust transparency governance risk regulation regulatory legal approval review reviewed approved
	workflow workflows process processes efficiency productivity collaboration remote hybrid office
	offices conference summit keynote panel session workshop training certification certified expert
	experts research study survey findings trends forecast quarter quarterly annual revenue earnings
	investors investment funding milestone anniversary celebrate celebrating thanks congratulations
	welcome onboarding mobile app apps dashboard api developers developer open source ecosystem
	marketplace pricing plans enterprise small businesses retail finance banking healthcare manufacturing
	logistics supply chain education government nonprofit public sector partners resellers channel
	linkedin network networking video podcast episode blog article newsletter guide ebook whitepaper
	case casestudy demo trial free available now live coming soon spring summer autumn winter europe
	americas asia pacific london berlin paris lisbon madrid amsterdam dublin stockholm newyork chicago
	austin toronto singapore sydney tokyo hub lab labs center centre store stores shop checkout payments
	payment invoice invoices billing subscription subscriptions renewal renewals churn retention
	loyalty rewards program programs ambassador ambassadors advocacy advocates referral referrals
	network networks connection connections conversation conversations feedback question questions
	answers answer tips tricks best practices lessons mistakes myths facts numbers percent million
	billion thousands hundreds faster better smarter simpler easier safer stronger bigger smaller
	cheaper greener brighter bolder clearer powerful reliable scalable secure flexible affordable
	intuitive seamless modern classic premium exclusive limited special unique original authentic
	inspiring amazing incredible fantastic great good best top leading trusted preferred favorite
	wireless battery sensor sensors device devices hardware software firmware chip chips server servers
	storage backup recovery monitoring observability logs metrics alerts incident incidents uptime
	latency bandwidth network edge datacenter migration modernization transformation adoption usage
	engagement reach impressions clicks conversions leads pipeline opportunities deals contracts
	renewables wind solar battery hydrogen electric vehicles charging fleet transport travel hotel
	restaurant food coffee kitchen volunteer volunteering charity donation donations fundraiser
	scholarship internship interns graduates students university universities school schools`)

var syllables = strings.Fields(`ka ri to na mi so lu ve xa qu zo fi nor dal ven tor mar lin sky flo
	gra bri cor tex ion ara eon vox nex pix zen ora tri gen syn cy byt ly`)

var tagWords = strings.Fields(`product-launch brand hiring events webinar sustainability customer-story
	thought-leadership awards partners security compliance culture esg diversity quarterly-results
	earnings investor-relations press-release case-study how-to tips community volunteering
	engineering design sales marketing emea americas apac spring-campaign summer-campaign
	black-friday holiday new-year anniversary milestone funding acquisition partnership integration
	mobile cloud ai data analytics api developer open-source release-notes roadmap beta ga pricing
	enterprise smb retail finance healthcare manufacturing logistics education public-sector
	nonprofit podcast video newsletter blog ebook whitepaper survey research report conference
	summit keynote workshop training certification careers internship graduates leadership`)
