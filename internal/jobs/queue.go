package jobs

import "strings"

// Queues, from most to least urgent. The worker serves all three with weighted (not strict)
// priority, so low work is slowed down by a burst of critical work but never starved.
const (
	QueueCritical = "critical" // what a user is waiting to see: the search index, publishing
	QueueDefault  = "default"  // notifications and everything else
	QueueLow      = "low"      // reminders, reports, housekeeping
)

// queuePriorities are the worker's queue weights: out of 10 dequeues, 6 try critical first,
// 3 default and 1 low.
var queuePriorities = map[string]int{QueueCritical: 6, QueueDefault: 3, QueueLow: 1}

// QueueFor names the queue a task type always goes to. It must never depend on anything but the
// type: asynq checks TaskIDs per queue, so the same task sent to two queues would run twice.
func QueueFor(taskType string) string {
	feature, _, _ := strings.Cut(taskType, ":")
	switch feature {
	case "search", "publish":
		return QueueCritical
	case "report":
		return QueueLow
	default:
		return QueueDefault
	}
}
