package platformtest

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// Faults injects failures into a fake. The zero value is not usable; fakes create theirs.
// All methods are safe for concurrent use.
type Faults struct {
	mu sync.Mutex

	failN      int
	failStatus int
	failBody   string

	loseN      int
	loseStatus int
	loseBody   string

	holdBefore bool
	holdAfter  bool
	release    chan struct{}
	held       int
	changed    chan struct{}
}

func newFaults() *Faults {
	return &Faults{changed: make(chan struct{})}
}

// FailNext answers the next n requests (of any kind) with status and body, without processing
// them. A body starting with "{" is sent as application/json, anything else as text/plain.
func (f *Faults) FailNext(n, status int, body string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failN, f.failStatus, f.failBody = n, status, body
}

// LoseNext processes the next n accepted posts normally (they are recorded and visible to
// Find) but answers them with status and body instead of the success response: the platform
// published, the client saw a failure.
func (f *Faults) LoseNext(n, status int, body string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.loseN, f.loseStatus, f.loseBody = n, status, body
}

// Hold makes every following request hang, unprocessed, until Release or until its client gives
// up (in which case nothing is recorded and no answer is sent).
func (f *Faults) Hold() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.holdBefore = true
	if f.release == nil {
		f.release = make(chan struct{})
	}
}

// HoldAfterAccept makes every following accepted post hang after it was recorded, until Release
// (then the normal answer is sent) or until its client gives up (then no answer is sent, but the
// post exists): a crash or timeout with the outcome unknown to the client.
func (f *Faults) HoldAfterAccept() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.holdAfter = true
	if f.release == nil {
		f.release = make(chan struct{})
	}
}

// Release lets every held request continue and stops holding new ones.
func (f *Faults) Release() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.holdBefore, f.holdAfter = false, false
	if f.release != nil {
		close(f.release)
		f.release = nil
	}
}

// Held is the number of requests currently held.
func (f *Faults) Held() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.held
}

// WaitHeld waits until at least n requests are held, failing tb after 10 seconds.
func (f *Faults) WaitHeld(tb testing.TB, n int) {
	tb.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	for {
		f.mu.Lock()
		held, ch := f.held, f.changed
		f.mu.Unlock()
		if held >= n {
			return
		}
		select {
		case <-ch:
		case <-deadline.C:
			tb.Fatalf("platformtest: %d requests held after 10s, want %d", held, n)
		}
	}
}

// notify wakes WaitHeld; f.mu must be held.
func (f *Faults) notify() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// wait blocks until release or the client goes away; it reports whether the client is gone.
// f.mu must be held on entry and is held on return.
func (f *Faults) wait(r *http.Request) (gone bool) {
	ch := f.release
	f.held++
	f.notify()
	f.mu.Unlock()
	select {
	case <-ch:
	case <-r.Context().Done():
		gone = true
	}
	f.mu.Lock()
	f.held--
	f.notify()
	return gone
}

// before applies FailNext and Hold to a request about to be processed.
func (f *Faults) before(r *http.Request) (result, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failN > 0 {
		f.failN--
		return rawResult(f.failStatus, f.failBody), true
	}
	if f.holdBefore && f.wait(r) {
		return result{}, true
	}
	return result{}, false
}

// after applies LoseNext and HoldAfterAccept to an accepted post.
func (f *Faults) after(r *http.Request) (result, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.loseN > 0 {
		f.loseN--
		return rawResult(f.loseStatus, f.loseBody), true
	}
	if f.holdAfter && f.wait(r) {
		return result{}, true
	}
	return result{}, false
}

func rawResult(status int, body string) result {
	ct := "text/plain; charset=utf-8"
	if strings.HasPrefix(strings.TrimSpace(body), "{") {
		ct = "application/json"
	}
	return result{status: status, contentType: ct, body: []byte(body)}
}
