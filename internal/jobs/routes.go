package jobs

import (
	"maps"
	"slices"
)

// Task types, "feature:action". A task type always goes to the same queue (QueueFor), which is
// what makes a TaskID derived from an outbox row unique: asynq checks TaskIDs per queue.
const (
	TypeSearchIndex  = "search:index"  // (re)index a post: payload carries post_id
	TypeSearchDelete = "search:delete" // take a post out of the index: payload carries post_id
)

// Routes maps an outbox topic to the task types the relay starts for each of its rows. A topic with
// no entry (or an empty one) is marked relayed without starting anything.
type Routes map[string][]string

// DefaultRoutes is the routing of the topics Clearpost writes today: approval puts a post into the
// search index and leaving APPROVED takes it out.
func DefaultRoutes() Routes {
	return Routes{
		TopicPostApproved:   {TypeSearchIndex},
		TopicPostUnapproved: {TypeSearchDelete},
	}
}

// TaskTypes lists every task type routes can start, sorted and without repeats.
func (r Routes) TaskTypes() []string {
	set := map[string]bool{}
	for _, types := range r {
		for _, t := range types {
			set[t] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}
