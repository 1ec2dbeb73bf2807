package jobs

// Clearpost's event vocabulary: every outbox topic and every task type, and the routes between
// them. Features write topics with Enqueue and register handlers for task types; none spells
// another's names.

// Outbox topics: what happened, for the workers that react to it. Payloads are JSON objects.
const (
	TopicPostSubmitted     = "post.submitted"       // post_id, review_id
	TopicStageStarted      = "review.stage_started" // post_id, review_id, stage
	TopicPostDecided       = "post.decided"         // post_id, decision_id
	TopicPostApproved      = "post.approved"        // post_id, review_id, content_hash
	TopicPostUnapproved    = "post.unapproved"      // post_id, reason
	TopicPostWithdrawn     = "post.withdrawn"       // post_id, reason
	TopicCommentAdded      = "comment.added"        // post_id, comment_id
	TopicPostBoardsChanged = "post.boards_changed"  // post_ids: the search index must follow
	TopicPostScheduled     = "post.scheduled"       // post_id, publish_at, time_zone, channel_ids
	TopicPublishDue        = "publish.due"          // job_id, post_id, generation, task_key, process_at
	TopicPostPublished     = "post.published"       // a brand-channel publication went out
	TopicPostPublishFailed = "post.publish_failed"  // post_id, channel, error
	TopicShareCreated      = "share.created"        // share_id, post_id, user_id, network, status
	TopicShareScheduled    = "share.scheduled"      // share_id, task_key, process_at
	TopicShareClicked      = "share.clicked"        // a tracked-link click (the redirect writes them in batches): as share:click, task_key
	TopicNotifyEmail       = "notify.email"         // one notification's e-mail; task key "<id>.email"
	TopicNotifySlack       = "notify.slack"         // one notification's Slack message; task key "<id>.slack"
	TopicWebhookDelivery   = "webhook.delivery"     // delivery_id: one outgoing webhook delivery to make
)

// Task types, "feature:action". A task type always goes to the same queue (QueueFor), which is
// what makes a TaskID derived from an outbox row unique: asynq checks TaskIDs per queue.
const (
	TypeSearchIndex    = "search:index"    // (re)index a post: payload carries post_id
	TypeSearchDelete   = "search:delete"   // take a post out of the index: payload carries post_id
	TypePublishChannel = "publish:channel" // publish one publish job to its channel
	TypeSharePublish   = "share:publish"   // publish a SCHEDULED share: payload share_id
	TypeShareClick     = "share:click"     // count a click: payload share_id, visitor, at, window
	TypeShareApproved  = "share:approved"  // a post was approved: settle shares waiting on it
	TypeShareDecided   = "share:decided"   // a decision was made on a post: settle rejected shares
	TypeNotifyEvent    = "notify:event"    // work out who to notify of an outbox event
	TypeNotifyEmail    = "notify:email"    // send one notification's e-mail: payload notification_id
	TypeNotifySlack    = "notify:slack"    // post one notification to the organization's Slack webhook
	TypeReviewSLA      = "review:sla"      // periodic: remind and escalate stages near or past their SLA
	TypeBoardsExpire   = "boards:expire"   // periodic: expired items and stale approvals off the boards
	TypeReconcile      = "jobs:reconcile"  // periodic: work Redis lost enqueued again (Reconciler)
	TypeWebhookFanout  = "webhook:fanout"  // turn one event (a row of WebhookEvents) into deliveries
	TypeWebhookDeliver = "webhook:deliver" // one attempt at one delivery: payload delivery_id
)

// NotifyTopics are the topics whose rows notify:event turns into notifications.
var NotifyTopics = []string{TopicPostSubmitted, TopicStageStarted, TopicPostDecided, TopicPostApproved, TopicPostPublishFailed}

// WebhookEvents are the topics an outgoing webhook subscription may name, sorted.
var WebhookEvents = []string{
	TopicPostApproved, TopicPostDecided, TopicPostPublishFailed, TopicPostPublished,
	TopicPostScheduled, TopicPostSubmitted, TopicShareCreated,
}

// AllRoutes is the routing of every topic Clearpost writes to the task types that react to it.
func AllRoutes() Routes {
	r := Routes{
		TopicPostApproved:      {TypeSearchIndex, TypeShareApproved},
		TopicPostUnapproved:    {TypeSearchDelete},
		TopicPostBoardsChanged: {TypeSearchIndex},
		TopicPublishDue:        {TypePublishChannel},
		TopicShareScheduled:    {TypeSharePublish},
		TopicShareClicked:      {TypeShareClick},
		TopicPostDecided:       {TypeShareDecided},
		TopicNotifyEmail:       {TypeNotifyEmail},
		TopicNotifySlack:       {TypeNotifySlack},
		TopicWebhookDelivery:   {TypeWebhookDeliver},
	}
	for _, topic := range NotifyTopics {
		r[topic] = append(r[topic], TypeNotifyEvent)
	}
	for _, event := range WebhookEvents {
		r[event] = append(r[event], TypeWebhookFanout)
	}
	return r
}
