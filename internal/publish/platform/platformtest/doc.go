// Package platformtest provides fake LinkedIn, X and Facebook APIs, a Slack-like incoming
// webhook and a signed-webhook receiver, built on httptest, for tests of package platform and of
// any package that publishes through it (the publish worker's crash and retry tests).
//
// The fakes check requests the way the platforms document them (method, path, required headers
// and their exact values, bearer or page token, content type, body fields and their types) and
// answer mistakes with the platform's own error shape and status. They record what they accepted,
// so a test can assert that a post was published exactly once, and they refuse duplicate content
// like the real platforms do.
//
// Every fake embeds *Faults, which injects failures: FailNext answers the next requests with an
// error without processing them; LoseNext processes (records) the next posts but answers with an
// error, the "platform published it but we never heard back" case; Hold and HoldAfterAccept make
// requests hang until Release or until the client gives up, for crash tests; WaitHeld waits for
// held requests without sleeping.
//
// Servers are closed (and held requests released) by tb.Cleanup.
package platformtest
