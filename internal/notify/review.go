package notify

import (
	"fmt"
	"strings"
	"time"

	"clearpost/internal/approval"

	"github.com/google/uuid"
)

// reviewInfo is a review as notifications need it.
type reviewInfo struct {
	id             uuid.UUID
	org            uuid.UUID
	postID         uuid.UUID
	status         string
	stage          int // the current stage, from 1
	stageStartedAt time.Time
	plan           approval.Plan
	postTitle      string
	authors        []uuid.UUID // the post's author and the reviewed version's: never asked to review it
}

// stagePlan returns stage n of the plan (from 1), or false.
func (r *reviewInfo) stagePlan(n int) (approval.PlanStage, bool) {
	if n < 1 || n > len(r.plan.Stages) {
		return approval.PlanStage{}, false
	}
	return r.plan.Stages[n-1], true
}

// stageLabel is "stage 2 of 3 (Brand)".
func (r *reviewInfo) stageLabel(n int) string {
	st, _ := r.stagePlan(n)
	label := fmt.Sprintf("stage %d of %d", n, len(r.plan.Stages))
	if st.Name != "" {
		label += " (" + st.Name + ")"
	}
	return label
}

// postTitle is how messages name a post.
// postTitle is how messages name a post.
func postTitle(title string) string {
	if t := strings.TrimSpace(title); t != "" {
		return t
	}
	return "Untitled post"
}

// formatTime is how messages give a deadline.
func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// listGroups is "legal and brand".
func listGroups(groups []string) string {
	switch len(groups) {
	case 0:
		return "no group"
	case 1:
		return groups[0]
	}
	return strings.Join(groups[:len(groups)-1], ", ") + " and " + groups[len(groups)-1]
}
