package app

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/sslreseller/sslreseller/internal/notify"
	"github.com/sslreseller/sslreseller/internal/platform/db"
)

// CleanupArgs is the hourly housekeeping job: idempotency records older than 24 hours, expired UI
// sessions, expired provider leases and order events past their retention.
type CleanupArgs struct{}

// Kind names the job.
func (CleanupArgs) Kind() string { return "cleanup" }

type cleanupWorker struct {
	river.WorkerDefaults[CleanupArgs]
	sys *db.System
}

func (w *cleanupWorker) Work(ctx context.Context, _ *river.Job[CleanupArgs]) error {
	return w.sys.Tx(ctx, func(tx pgx.Tx) error {
		for _, q := range []string{
			`DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'`,
			`DELETE FROM sessions WHERE expiry < now()`,
			`DELETE FROM provider_leases WHERE expires_at < now() - interval '1 hour'`,
			notify.CleanupSQL,
		} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
}
