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
	"github.com/sslreseller/sslreseller/internal/tenant"
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
	Notified int // expiry notices
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
	if res.Notified, err = s.expiryNotices(ctx, now); err != nil {
		return nil, err
	}
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

// maxNoticeDays bounds the expiry notice schedule, and so the orders a sweep looks at.
const maxNoticeDays = 90

// ending is an issued order whose term ends within maxNoticeDays.
type ending struct {
	TenantID  uuid.UUID
	OrderID   uuid.UUID
	EndsAt    time.Time
	Notified  *int
	Settings  tenant.Settings
	NotBefore *time.Time
	NotAfter  *time.Time
}

// expiryNotices tells clients their term is ending, on the days of their tenant's schedule: each
// step once, only the latest step that is due (a notice that was missed is not sent late), and
// only the steps within the second half of the certificate's lifetime, so a short-lived certificate
// is not told of its end soon after it was issued. Each notice is the order.expiring event.
func (s *Service) expiryNotices(ctx context.Context, now time.Time) (int, error) {
	var list []ending
	err := s.sys.Tx(ctx, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT o.tenant_id, o.id, o.term_ends_at, o.expiry_notified_days, t.settings, i.not_before, i.not_after
			FROM orders o JOIN tenants t ON t.id = o.tenant_id
			LEFT JOIN issuances i ON i.tenant_id = o.tenant_id AND i.id = o.current_issuance
			WHERE o.status = 'issued' AND o.term_ends_at <= $1 AND (o.expiry_notified_days IS NULL OR o.expiry_notified_days > 0)
			ORDER BY o.term_ends_at LIMIT 1000`, now.Add(maxNoticeDays*24*time.Hour))
		var err error
		list, err = pgx.CollectRows(rows, pgx.RowToStructByPos[ending])
		return err
	})
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, e := range list {
		var lifetime time.Duration
		if e.NotBefore != nil && e.NotAfter != nil {
			lifetime = e.NotAfter.Sub(*e.NotBefore)
		}
		days := NoticeDue(e.Settings.ExpirySchedule(), now, e.EndsAt, lifetime, e.Notified)
		if days < 0 {
			continue
		}
		err := s.db.Tx(ctx, e.TenantID, func(tx pgx.Tx) error {
			tag, err := tx.Exec(ctx, `UPDATE orders SET expiry_notified_days = $3 WHERE tenant_id = $1 AND id = $2
				AND status = 'issued' AND (expiry_notified_days IS NULL OR expiry_notified_days > $3)`, e.TenantID, e.OrderID, days)
			if err != nil || tag.RowsAffected() == 0 {
				return err
			}
			if err := recordEvent(ctx, tx, e.TenantID, e.OrderID, EventExpiring, map[string]any{"days_left": days, "term_ends_at": e.EndsAt}); err != nil {
				return err
			}
			sent++
			return s.notify(ctx, tx, e.TenantID, e.OrderID, EventExpiring)
		})
		if err != nil {
			s.log.Warn("order: expiry notice", zap.String("order_id", e.OrderID.String()), zap.Error(err))
		}
	}
	return sent, nil
}

// NoticeDue returns the step of a notice schedule (days before the end, largest first) that is due
// now for a term ending at end, or -1: the smallest step whose day has come, that is below the last
// step sent (nil for none) and no longer than half the certificate's lifetime (0 when unknown).
func NoticeDue(schedule []int, now, end time.Time, lifetime time.Duration, lastSent *int) int {
	due := -1
	for _, d := range schedule {
		if d < 0 || d > maxNoticeDays {
			continue
		}
		before := time.Duration(d) * 24 * time.Hour
		if lifetime > 0 && d > 0 && before > lifetime/2 {
			continue
		}
		if lastSent != nil && d >= *lastSent {
			continue
		}
		if !now.Before(end.Add(-before)) {
			due = d
		}
	}
	return due
}
