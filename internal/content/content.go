// Package content is the life of a post: immutable versions with content hashes, and the approval
// state machine (submit, decide stage by stage, request changes, reject, withdraw, edit).
package content

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"clearpost/internal/apperr"
	"clearpost/internal/text"

	"github.com/google/uuid"
)

// State is where a post is in its life.
type State string

const (
	StateDraft            State = "DRAFT"
	StateInReview         State = "IN_REVIEW"
	StateChangesRequested State = "CHANGES_REQUESTED"
	StateApproved         State = "APPROVED"
	StateRejected         State = "REJECTED"
)

// Media is an image, video or document attached to a post.
type Media struct {
	URL     string `json:"url"`
	AltText string `json:"alt_text"`
	Kind    string `json:"kind"` // IMAGE, VIDEO, DOCUMENT
}

// ChannelOverride replaces the body on one platform.
type ChannelOverride struct {
	Channel string `json:"channel"`
	Body    string `json:"body"`
}

// Content is what one version of a post says. Its canonical JSON is what the content hash covers,
// so the field order here is part of the hash: append new fields, never reorder.
type Content struct {
	Title             string            `json:"title"`
	Body              string            `json:"body"`
	Link              string            `json:"link"`
	Media             []Media           `json:"media"`
	ChannelOverrides  []ChannelOverride `json:"channel_overrides"`
	Tags              []string          `json:"tags"`
	Category          string            `json:"category"`
	Region            string            `json:"region"`
	Channels          []string          `json:"channels"`
	ShareText         string            `json:"share_text"`
	ShareTextEditable bool              `json:"share_text_editable"`
}

// Post is a social post and where it stands.
type Post struct {
	ID             uuid.UUID
	OrgID          uuid.UUID
	AuthorID       uuid.UUID
	State          State
	Title          string
	CurrentVersion int
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Version is one immutable version of a post.
type Version struct {
	ID          uuid.UUID
	OrgID       uuid.UUID
	PostID      uuid.UUID
	Number      int
	Content     Content
	ContentHash string // hex SHA-256 of the canonical JSON of Content
	AuthorID    uuid.UUID
	CreatedAt   time.Time
}

// Platforms whose limits Clearpost knows, with the longest body each accepts.
var platformLimits = map[string]int{
	"linkedin":  3000,
	"x":         280,
	"facebook":  63206,
	"instagram": 2200,
	"slack":     40000,
	"webhook":   100000,
}

// Platforms lists the known platform names.
func Platforms() []string {
	out := make([]string, 0, len(platformLimits))
	for p := range platformLimits {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

var (
	tagPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,49}$`)
	mediaKinds = []string{"IMAGE", "VIDEO", "DOCUMENT"}
)

// Normalize puts c in canonical form: trimmed, tags and channels lower-cased, sorted and unique,
// overrides sorted by channel, nil lists empty. Hash and storage always see normalized content.
func (c Content) Normalize() Content {
	c.Title = strings.TrimSpace(c.Title)
	c.Link = strings.TrimSpace(c.Link)
	c.Category = strings.TrimSpace(c.Category)
	c.Region = strings.TrimSpace(c.Region)
	c.Tags = sortedSet(c.Tags)
	c.Channels = sortedSet(c.Channels)
	c.Media = append([]Media{}, c.Media...)
	for i := range c.Media {
		c.Media[i].URL = strings.TrimSpace(c.Media[i].URL)
		c.Media[i].Kind = strings.ToUpper(strings.TrimSpace(c.Media[i].Kind))
	}
	c.ChannelOverrides = append([]ChannelOverride{}, c.ChannelOverrides...)
	for i := range c.ChannelOverrides {
		c.ChannelOverrides[i].Channel = strings.ToLower(strings.TrimSpace(c.ChannelOverrides[i].Channel))
	}
	slices.SortStableFunc(c.ChannelOverrides, func(a, b ChannelOverride) int { return strings.Compare(a.Channel, b.Channel) })
	return c
}

func sortedSet(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		out = append(out, strings.ToLower(strings.TrimSpace(s)))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Canonical returns the canonical JSON of c, the bytes the content hash covers.
func (c Content) Canonical() []byte {
	b, err := json.Marshal(c.Normalize())
	if err != nil {
		panic(fmt.Sprintf("canonical content: %v", err)) // a struct of strings always marshals
	}
	return b
}

// Hash returns the hex SHA-256 of c's canonical JSON.
func (c Content) Hash() string {
	sum := sha256.Sum256(c.Canonical())
	return hex.EncodeToString(sum[:])
}

// Validate reports every problem with c at once, each naming its input field (list indexes are
// those of the input, so validate before normalizing).
func (c Content) Validate() error {
	var p apperr.Problems
	checkText := func(field, v string, max int, required bool) {
		switch {
		case required && strings.TrimSpace(v) == "":
			p.Add(field, "is required")
		case !utf8.ValidString(v) || strings.ContainsRune(v, 0):
			p.Add(field, "contains invalid characters")
		case utf8.RuneCountInString(v) > max:
			p.Add(field, "is %d characters long; at most %d are allowed", utf8.RuneCountInString(v), max)
		}
	}
	webURL := func(field, v string) {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(v) > 2048 {
			p.Add(field, "%q is not an http(s) URL", text.Truncate(v, 80))
		}
	}
	checkText("content.title", strings.TrimSpace(c.Title), 200, false)
	checkText("content.body", c.Body, 100000, true)
	if link := strings.TrimSpace(c.Link); link != "" {
		webURL("content.link", link)
	}
	if len(c.Media) > 10 {
		p.Add("content.media", "has %d items; at most 10 are allowed", len(c.Media))
	}
	for i, m := range c.Media {
		f := fmt.Sprintf("content.media[%d]", i)
		m.URL, m.Kind = strings.TrimSpace(m.URL), strings.ToUpper(strings.TrimSpace(m.Kind))
		webURL(f+".url", m.URL)
		checkText(f+".altText", m.AltText, 1000, true)
		if !slices.Contains(mediaKinds, m.Kind) {
			p.Add(f+".kind", "%q is not one of IMAGE, VIDEO, DOCUMENT", text.Truncate(m.Kind, 40))
		}
	}
	if len(c.Tags) > 20 {
		p.Add("content.tags", "has %d tags; at most 20 are allowed", len(c.Tags))
	}
	for i, t := range c.Tags {
		if !tagPattern.MatchString(strings.ToLower(strings.TrimSpace(t))) {
			p.Add(fmt.Sprintf("content.tags[%d]", i), "%q is not a tag (lower-case letters, digits, - and _, at most 50)", text.Truncate(t, 60))
		}
	}
	checkText("content.category", c.Category, 50, false)
	checkText("content.region", c.Region, 50, false)
	for i, ch := range c.Channels {
		if _, ok := platformLimits[strings.ToLower(strings.TrimSpace(ch))]; !ok {
			p.Add(fmt.Sprintf("content.channels[%d]", i), "%q is not a platform (%s)", text.Truncate(ch, 40), strings.Join(Platforms(), ", "))
		}
	}
	overridden := map[string]bool{}
	for i, o := range c.ChannelOverrides {
		f := fmt.Sprintf("content.channelOverrides[%d]", i)
		o.Channel = strings.ToLower(strings.TrimSpace(o.Channel))
		limit, ok := platformLimits[o.Channel]
		switch {
		case !ok:
			p.Add(f+".channel", "%q is not a platform (%s)", text.Truncate(o.Channel, 40), strings.Join(Platforms(), ", "))
		case overridden[o.Channel]:
			p.Add(f+".channel", "%q is overridden twice", o.Channel)
		default:
			overridden[o.Channel] = true
			checkText(f+".body", o.Body, limit, true)
		}
	}
	// Each target platform must accept the body it will get.
	if n := utf8.RuneCountInString(c.Body); n > 0 {
		for _, ch := range sortedSet(c.Channels) {
			if limit, ok := platformLimits[ch]; ok && !overridden[ch] && n > limit {
				p.Add("content.body", "is %d characters long; %s accepts at most %d (shorten it or add a channel override)", n, ch, limit)
			}
		}
	}
	checkText("content.shareText", c.ShareText, 3000, false)
	return p.Err()
}
