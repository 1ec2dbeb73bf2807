// Package boards is advocacy boards: curated collections of approved posts, each with an
// audience, and the feed employees read from the boards whose audience includes them.
package boards

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"clearpost/internal/apperr"
	"clearpost/internal/auth"

	"github.com/google/uuid"
)

// Audience says who sees a board: everyone, or anyone in one of the groups, departments or
// regions.
type Audience struct {
	Everyone    bool
	Groups      []string
	Departments []string
	Regions     []string
}

// Includes reports whether p is in the audience.
func (a Audience) Includes(p *auth.Principal) bool {
	if a.Everyone {
		return true
	}
	for _, g := range p.Groups {
		if slices.Contains(a.Groups, g) {
			return true
		}
	}
	return (p.Department != "" && slices.Contains(a.Departments, p.Department)) ||
		(p.Region != "" && slices.Contains(a.Regions, p.Region))
}

// Board is a curated collection of approved posts.
type Board struct {
	ID          uuid.UUID
	OrgID       uuid.UUID
	Name        string
	Description string
	CoverURL    string
	Audience    Audience
	Curators    []uuid.UUID
	ArchivedAt  *time.Time
	Revision    int
	CreatedBy   uuid.UUID
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Item is a post on a board.
type Item struct {
	BoardID       uuid.UUID
	PostID        uuid.UUID
	Pinned        bool
	Position      float64
	ExpiresAt     *time.Time
	SuggestedText map[string]string // per network
	AddedBy       uuid.NullUUID
	AddedAt       time.Time
}

// Input is a board as a client writes it.
type Input struct {
	Name        string
	Description string
	CoverURL    string
	Audience    Audience
	Curators    []uuid.UUID
}

// networks are where employees share; suggested text is keyed by them.
var networks = []string{"linkedin", "x", "facebook", "email"}

// Validate reports every problem with in.
func (in Input) Validate() error {
	var p apperr.Problems
	name := strings.TrimSpace(in.Name)
	switch {
	case name == "":
		p.Add("name", "is required")
	case utf8.RuneCountInString(name) > 100:
		p.Add("name", "is longer than 100 characters")
	}
	if utf8.RuneCountInString(in.Description) > 2000 {
		p.Add("description", "is longer than 2000 characters")
	}
	if in.CoverURL != "" {
		if u, err := url.Parse(in.CoverURL); err != nil || u.Scheme != "https" || u.Host == "" {
			p.Add("coverUrl", "must be an https URL")
		}
	}
	a := in.Audience
	if !a.Everyone && len(a.Groups)+len(a.Departments)+len(a.Regions) == 0 {
		p.Add("audience", "names nobody: choose everyone, or groups, departments or regions")
	}
	for i, g := range a.Groups {
		if !auth.ValidGroupName(g) {
			p.Add(fmt.Sprintf("audience.groups[%d]", i), "%q is not a group name", g)
		}
	}
	for field, list := range map[string][]string{"audience.departments": a.Departments, "audience.regions": a.Regions} {
		for i, v := range list {
			if strings.TrimSpace(v) == "" || utf8.RuneCountInString(v) > 100 {
				p.Add(fmt.Sprintf("%s[%d]", field, i), "must be 1 to 100 characters")
			}
		}
	}
	if len(in.Curators) > 50 {
		p.Add("curators", "has %d curators; at most 50 are allowed", len(in.Curators))
	}
	return p.Err()
}

// ValidateSuggestedText checks per-network suggested share text.
func ValidateSuggestedText(field string, text map[string]string) error {
	var p apperr.Problems
	for network, t := range text {
		switch {
		case !slices.Contains(networks, network):
			p.Add(field, "%q is not a network (%s)", network, strings.Join(networks, ", "))
		case utf8.RuneCountInString(t) > 3000:
			p.Add(field+"."+network, "is longer than 3000 characters")
		}
	}
	return p.Err()
}
