package app

import (
	"net/http"
	"net/url"

	"clearpost/internal/auth"

	"github.com/hibiken/asynq"
	"github.com/hibiken/asynqmon"
)

// QueuesPath is where the queue dashboard (asynqmon) is mounted.
const QueuesPath = "/admin/queues"

// queueDashboard serves asynqmon to admins: it shows, retries and deletes tasks, so nobody else
// gets near it. A browser without a session is sent to sign in first.
func queueDashboard(redis asynq.RedisConnOpt) http.Handler {
	mon := asynqmon.New(asynqmon.Options{RootPath: QueuesPath, RedisConnOpt: redis})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := auth.PrincipalFrom(r.Context())
		switch {
		case p == nil && r.Method == http.MethodGet && r.Header.Get("Authorization") == "":
			http.Redirect(w, r, "/auth/login?return_to="+url.QueryEscape(QueuesPath+"/"), http.StatusFound)
		case p == nil:
			auth.WriteJSONError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "sign in first")
		case !p.Has(auth.RoleAdmin):
			auth.WriteJSONError(w, http.StatusForbidden, "FORBIDDEN", "the queue dashboard is for admins")
		default:
			mon.ServeHTTP(w, r)
		}
	})
}
