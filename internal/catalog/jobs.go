package catalog

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/sslreseller/sslreseller/internal/audit"
	"github.com/sslreseller/sslreseller/internal/platform/db"
)

// SyncArgs syncs one account's catalogue.
type SyncArgs struct {
	TenantID  uuid.UUID `json:"tenant_id"`
	AccountID uuid.UUID `json:"account_id"`
}

// Kind names the job.
func (SyncArgs) Kind() string { return "catalog.sync" }

// InsertOpts keeps one pending sync per account.
func (SyncArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateRetryable,
		rivertype.JobStateScheduled}}}
}

// SyncWorker runs SyncArgs.
type SyncWorker struct {
	river.WorkerDefaults[SyncArgs]
	Store *Store
}

// Work syncs the account.
func (w *SyncWorker) Work(ctx context.Context, j *river.Job[SyncArgs]) error {
	ctx = audit.WithActor(ctx, audit.Actor{Type: audit.ActorSystem, Label: "daily catalogue sync"})
	_, err := w.Store.Sync(ctx, j.Args.TenantID, j.Args.AccountID)
	return err
}

// Timeout bounds one sync.
func (w *SyncWorker) Timeout(*river.Job[SyncArgs]) time.Duration { return 5 * time.Minute }

// SyncAllArgs is the daily sweep that queues a sync of every account.
type SyncAllArgs struct{}

// Kind names the job.
func (SyncAllArgs) Kind() string { return "catalog.sync_all" }

// SyncAllWorker runs SyncAllArgs.
type SyncAllWorker struct {
	river.WorkerDefaults[SyncAllArgs]
	System *db.System
}

// Work queues one sync per account, across tenants (the explicit system context).
func (w *SyncAllWorker) Work(ctx context.Context, _ *river.Job[SyncAllArgs]) error {
	return w.System.Tx(ctx, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT a.tenant_id, a.id FROM provider_accounts a JOIN tenants t ON t.id = a.tenant_id AND t.status = 'active'`)
		accts, err := pgx.CollectRows(rows, pgx.RowToStructByPos[SyncArgs])
		if err != nil {
			return err
		}
		client := river.ClientFromContext[pgx.Tx](ctx)
		params := make([]river.InsertManyParams, len(accts))
		for i, a := range accts {
			params[i] = river.InsertManyParams{Args: a}
		}
		if len(params) == 0 {
			return nil
		}
		_, err = client.InsertManyTx(ctx, tx, params)
		return err
	})
}
