package jobs

import (
	"maps"
	"slices"
)

// Routes maps an outbox topic to the task types the relay starts for each of its rows. A topic with
// no entry (or an empty one) is marked relayed without starting anything.
type Routes map[string][]string

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
