package webui

import (
	"sync"
	"time"
)

// limiter counts failed sign-ins per key (realm, remote address and e-mail) in a fixed window that
// starts at the first failure. It lives in memory: a restart or another replica starts afresh, which
// slows guessing enough for a UI login while keeping sign-in free of extra database writes.
type limiter struct {
	max    int
	window time.Duration
	now    func() time.Time

	mu    sync.Mutex
	seen  map[string]*failures
	swept time.Time
}

type failures struct {
	n     int
	first time.Time
}

func newLimiter(max int, window time.Duration, now func() time.Time) *limiter {
	return &limiter{max: max, window: window, now: now, seen: map[string]*failures{}}
}

// blocked reports whether key has used up its failures, and how long until it may try again.
func (l *limiter) blocked(key string) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweep(now)
	f, ok := l.seen[key]
	if !ok || now.Sub(f.first) >= l.window {
		return 0, false
	}
	if f.n < l.max {
		return 0, false
	}
	return f.first.Add(l.window).Sub(now), true
}

// fail records a failed attempt.
func (l *limiter) fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	f, ok := l.seen[key]
	if !ok || now.Sub(f.first) >= l.window {
		l.seen[key] = &failures{n: 1, first: now}
		return
	}
	f.n++
}

// reset forgets a key after a successful sign-in.
func (l *limiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.seen, key)
}

// sweep drops expired entries at most once a window, so the map holds only recent failures.
func (l *limiter) sweep(now time.Time) {
	if now.Sub(l.swept) < l.window {
		return
	}
	l.swept = now
	for k, f := range l.seen {
		if now.Sub(f.first) >= l.window {
			delete(l.seen, k)
		}
	}
}
