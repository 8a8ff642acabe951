package order

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"go.uber.org/zap"

	"github.com/sslreseller/sslreseller/internal/audit"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

// SweepArgs is the periodic job that starts due reissues and expires ended terms.
type SweepArgs struct{}

// Kind names the job.
func (SweepArgs) Kind() string { return "order.sweep" }

// SweepWorker runs SweepArgs.
type SweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	Service *Service
}

// Work sweeps once.
func (w *SweepWorker) Work(ctx context.Context, _ *river.Job[SweepArgs]) error {
	_, err := w.Service.Sweep(ctx)
	return err
}

// SweepResult counts what a sweep did.
type SweepResult struct {
	Reissued int
	Expired  int
}

type due struct {
	TenantID uuid.UUID
	OrderID  uuid.UUID
}

// Sweep starts the reissues that keep multi-certificate terms covered (a new key and CSR where the
// service holds the key, the client's CSR otherwise; no charge) and expires orders whose term and
// certificate have ended. It works across tenants in the explicit system context.
func (s *Service) Sweep(ctx context.Context) (*SweepResult, error) {
	ctx = audit.WithActor(ctx, audit.Actor{Type: audit.ActorSystem, Label: "term keeper"})
	now := s.now()
	var reissue, expire []due
	err := s.sys.Tx(ctx, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT tenant_id, id FROM orders WHERE status = 'issued' AND next_reissue_at <= $1
			ORDER BY next_reissue_at LIMIT 500`, now)
		var err error
		if reissue, err = pgx.CollectRows(rows, pgx.RowToStructByPos[due]); err != nil {
			return err
		}
		rows, _ = tx.Query(ctx, `SELECT o.tenant_id, o.id FROM orders o
			LEFT JOIN issuances i ON i.tenant_id = o.tenant_id AND i.id = o.current_issuance
			WHERE o.status = 'issued' AND o.term_ends_at <= $1 AND (i.not_after IS NULL OR i.not_after <= $1) LIMIT 500`, now)
		expire, err = pgx.CollectRows(rows, pgx.RowToStructByPos[due])
		return err
	})
	if err != nil {
		return nil, err
	}
	res := &SweepResult{}
	for _, d := range reissue {
		if err := s.autoReissue(ctx, d.TenantID, d.OrderID); err != nil {
			s.log.Warn("order: automatic reissue", zap.String("order_id", d.OrderID.String()), zap.Error(err))
			continue
		}
		res.Reissued++
	}
	for _, d := range expire {
		if _, err := s.simple(ctx, d.TenantID, d.OrderID, ActExpire, "the term ended"); err != nil {
			s.log.Warn("order: expire", zap.String("order_id", d.OrderID.String()), zap.Error(err))
			continue
		}
		res.Expired++
	}
	return res, nil
}

func (s *Service) autoReissue(ctx context.Context, tenantID, orderID uuid.UUID) error {
	l, err := s.load(ctx, tenantID, orderID, true)
	if err != nil {
		return err
	}
	req, err := s.followUp(ctx, l, "", nil)
	if err != nil {
		return err
	}
	is, err := s.begin(ctx, tenantID, orderID, KindReissue, req, 0, nil)
	if errs.Is(err, errs.Conflict) {
		return nil // one is in flight already
	}
	if err != nil {
		return err
	}
	if err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE orders SET next_reissue_at = NULL WHERE tenant_id = $1 AND id = $2`, tenantID, orderID)
		return err
	}); err != nil {
		return err
	}
	s.submit(ctx, tenantID, is.ID, l.adapter, l.product)
	return nil
}

// SweepInterval is how often the sweep runs.
const SweepInterval = 10 * time.Minute
