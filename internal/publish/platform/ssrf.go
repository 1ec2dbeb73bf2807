package platform

import (
	"net/http"
	"net/netip"
	"time"

	"clearpost/internal/netguard"
)

// ErrDisallowedAddress is the cause of a webhook or Slack request refused because its host
// resolved to a private, loopback, link-local or otherwise non-public address (server-side request
// forgery guard). Options.AllowPrivateAddresses lifts the guard for tests and development.
var ErrDisallowedAddress = netguard.ErrDisallowedAddress

// PublicAddr reports whether ip is a globally routable unicast address (netguard.PublicAddr).
func PublicAddr(ip netip.Addr) bool { return netguard.PublicAddr(ip) }

// guard is where Slack and webhook channels may connect.
func guard(allowPrivate bool) netguard.Guard { return netguard.Guard{AllowPrivate: allowPrivate} }

// guardedClient returns a client for user-supplied URLs (Slack, webhooks): no proxy, no
// redirects, and, unless allowPrivate, no connections to non-public addresses.
func guardedClient(base *http.Client, allowPrivate bool) *http.Client {
	return guard(allowPrivate).Client(base, 15*time.Second)
}

// checkDestination validates a user-supplied endpoint URL without network access
// (netguard.Guard.CheckURL). field names the credential for the error.
func checkDestination(raw, field string, httpsOnly, allowPrivate bool, p *problems) {
	if err := guard(allowPrivate).CheckURL(raw, httpsOnly); err != nil {
		p.add(field, "%s", err.Error())
	}
}
