package sectigo

import (
	"sync"
	"testing"
	"time"

	"github.com/sslreseller/sslreseller/internal/provider"
)

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestCollectLimiter(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	l := NewCollectLimiter(LiveCollectInterval, clock.now)

	release, err := l.Acquire("acct", "1111111")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Acquire("acct", "2222222"); errClass(t, err) != provider.Temporary {
		t.Fatal("a second concurrent call of the account was allowed")
	}
	if r2, err := l.Acquire("other", "3333333"); err != nil {
		t.Fatalf("another account was blocked: %v", err)
	} else {
		r2()
	}
	release()
	release() // a second release is harmless
	if _, err := l.Acquire("acct", "1111111"); errClass(t, err) != provider.Temporary {
		t.Fatal("the same order was polled again at once")
	}
	if next := l.NextAllowed("acct", "1111111"); !next.Equal(clock.now().Add(3 * time.Hour)) {
		t.Errorf("NextAllowed = %v", next)
	}
	r, err := l.Acquire("acct", "2222222")
	if err != nil {
		t.Fatalf("another order of the account was blocked: %v", err)
	}
	r()
	clock.advance(3*time.Hour - time.Second)
	if _, err := l.Acquire("acct", "1111111"); err == nil {
		t.Fatal("allowed before three hours")
	}
	clock.advance(time.Second)
	if !l.NextAllowed("acct", "1111111").IsZero() {
		t.Error("NextAllowed should be zero once due")
	}
	r, err = l.Acquire("acct", "1111111")
	if err != nil {
		t.Fatalf("refused after three hours: %v", err)
	}
	r()

	t.Run("test accounts only forbid concurrency", func(t *testing.T) {
		t.Parallel()
		l := NewCollectLimiter(0, nil)
		for i := 0; i < 3; i++ {
			r, err := l.Acquire("acct", "1")
			if err != nil {
				t.Fatal(err)
			}
			r()
		}
	})
	t.Run("concurrent callers", func(t *testing.T) {
		t.Parallel()
		l := NewCollectLimiter(0, nil)
		var wg sync.WaitGroup
		var mu sync.Mutex
		inside, maxInside := 0, 0
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					r, err := l.Acquire("acct", "1")
					if err != nil {
						continue
					}
					mu.Lock()
					inside++
					maxInside = max(maxInside, inside)
					inside--
					mu.Unlock()
					r()
					return
				}
			}()
		}
		wg.Wait()
		if maxInside != 1 {
			t.Errorf("%d calls ran at once", maxInside)
		}
	})
}
