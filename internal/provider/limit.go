package provider

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sslreseller/sslreseller/internal/platform/db"
)

// Limiter holds each account's rate limit (a token bucket) and concurrency limit (leases) in
// PostgreSQL, so they hold across every serve and worker process.
type Limiter struct {
	db *db.DB
	// LeaseTTL bounds how long a crashed process can hold a slot.
	LeaseTTL time.Duration
}

// NewLimiter returns a Limiter.
func NewLimiter(d *db.DB) *Limiter { return &Limiter{db: d, LeaseTTL: 2 * time.Minute} }

// Acquire waits for a token and a free slot of the account, then returns the function that frees
// the slot. It gives up when ctx ends.
func (l *Limiter) Acquire(ctx context.Context, tenantID, accountID uuid.UUID) (release func(), err error) {
	lease := uuid.Must(uuid.NewV7())
	for {
		var wait time.Duration
		err := l.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
			var rate, maxConc int
			var tokens float64
			var refilled, now time.Time
			err := tx.QueryRow(ctx, `SELECT a.rate_per_minute, a.max_concurrency, l.tokens, l.refilled_at, now()
				FROM provider_limits l JOIN provider_accounts a ON a.tenant_id = l.tenant_id AND a.id = l.account_id
				WHERE l.tenant_id = $1 AND l.account_id = $2 FOR UPDATE OF l`, tenantID, accountID).
				Scan(&rate, &maxConc, &tokens, &refilled, &now)
			if err != nil {
				return fmt.Errorf("provider: limits: %w", err)
			}
			perSec := float64(rate) / 60
			tokens = math.Min(float64(rate), tokens+now.Sub(refilled).Seconds()*perSec)
			var active int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM provider_leases WHERE tenant_id = $1 AND account_id = $2 AND expires_at > now()`,
				tenantID, accountID).Scan(&active); err != nil {
				return err
			}
			switch {
			case active >= maxConc:
				wait = 100 * time.Millisecond
			case tokens < 1:
				wait = time.Duration((1 - tokens) / perSec * float64(time.Second))
			default:
				tokens--
				if _, err := tx.Exec(ctx, `INSERT INTO provider_leases (tenant_id, id, account_id, expires_at)
					VALUES ($1, $2, $3, now() + $4::interval)`, tenantID, lease, accountID, l.LeaseTTL.String()); err != nil {
					return err
				}
			}
			_, err = tx.Exec(ctx, `UPDATE provider_limits SET tokens = $3, refilled_at = $4 WHERE tenant_id = $1 AND account_id = $2`,
				tenantID, accountID, tokens, now)
			return err
		})
		if err != nil {
			return nil, err
		}
		if wait == 0 {
			return func() {
				ctx := context.WithoutCancel(ctx)
				_ = l.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
					_, err := tx.Exec(ctx, `DELETE FROM provider_leases WHERE tenant_id = $1 AND id = $2 OR (tenant_id = $1 AND expires_at < now() - interval '1 hour')`, tenantID, lease)
					return err
				})
			}, nil
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, Errorf(Temporary, "the account's rate or concurrency limit was still reached when the request gave up")
		case <-t.C:
		}
	}
}

// limitedTransport acquires the account's limits around every upstream HTTP request.
type limitedTransport struct {
	limiter           *Limiter
	tenantID, account uuid.UUID
	next              http.RoundTripper
}

func (t *limitedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	release, err := t.limiter.Acquire(req.Context(), t.tenantID, t.account)
	if err != nil {
		return nil, err
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil || resp.Body == nil {
		release()
		return resp, err
	}
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: release}
	return resp, nil
}

type releasingBody struct {
	io.ReadCloser
	release func()
	done    bool
}

func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	if !b.done {
		b.done = true
		b.release()
	}
	return err
}
