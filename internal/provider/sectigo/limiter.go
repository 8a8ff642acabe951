package sectigo

import (
	"fmt"
	"sync"
	"time"

	"github.com/sslreseller/sslreseller/internal/provider"
)

// LiveCollectInterval is Sectigo's rule for live accounts: poll an order with CollectSSL no more often
// than once every three hours (push notifications exist for anything faster).
const LiveCollectInterval = 3 * time.Hour

// CollectLimiter keeps CollectSSL calls to Sectigo's rules within one process: never two calls at once
// for one account, and at most one call per order per interval. It is safe for concurrent use. The
// adapter uses LiveCollectInterval for live accounts and 0 (no spacing, still no concurrency) for test
// accounts; the cross-process guard lives in the database and comes on top of this one.
type CollectLimiter struct {
	interval time.Duration
	now      func() time.Time

	mu   sync.Mutex
	busy map[string]bool      // account
	last map[string]time.Time // account + "\x00" + order
}

// NewCollectLimiter makes a limiter that spaces calls per order by interval, reading the time from now
// (time.Now when nil).
func NewCollectLimiter(interval time.Duration, now func() time.Time) *CollectLimiter {
	if now == nil {
		now = time.Now
	}
	return &CollectLimiter{interval: interval, now: now, busy: map[string]bool{}, last: map[string]time.Time{}}
}

// Acquire reserves a CollectSSL call for order (an order number or certificate ID) of account (the login
// name). It returns a release function to call when the call is over, or a Temporary *provider.Error when
// another call of the account is running or the order was polled less than the interval ago. The
// interval counts from the start of the previous call, whatever its outcome.
func (l *CollectLimiter) Acquire(account, order string) (release func(), err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.busy[account] {
		return nil, &provider.Error{Command: cmdCollect, Class: provider.Temporary,
			Message: "another CollectSSL call for this Sectigo account is running; Sectigo forbids concurrent calls, so this one waits its turn"}
	}
	now := l.now()
	key := account + "\x00" + order
	if last, ok := l.last[key]; ok && l.interval > 0 {
		if next := last.Add(l.interval); now.Before(next) {
			return nil, &provider.Error{Command: cmdCollect, Class: provider.Temporary,
				Message: fmt.Sprintf("order %s was checked at Sectigo at %s; Sectigo allows one check every %s in live mode, so the next is due at %s",
					order, last.UTC().Format(time.RFC3339), l.interval, next.UTC().Format(time.RFC3339))}
		}
	}
	l.busy[account] = true
	l.last[key] = now
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			delete(l.busy, account)
			l.mu.Unlock()
		})
	}, nil
}

// NextAllowed is the earliest time Acquire lets order of account through (the zero time when it would now,
// concurrency aside).
func (l *CollectLimiter) NextAllowed(account, order string) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	last, ok := l.last[account+"\x00"+order]
	if !ok || l.interval <= 0 {
		return time.Time{}
	}
	next := last.Add(l.interval)
	if !l.now().Before(next) {
		return time.Time{}
	}
	return next
}
