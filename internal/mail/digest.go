package mail

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/sslreseller/sslreseller/internal/platform/db"
)

// DigestArgs is the daily job that sends each tenant's owners and admins the orders issued and
// rejected in the last day and the ones stuck.
type DigestArgs struct{}

// Kind names the job.
func (DigestArgs) Kind() string { return "mail_digest" }

// DigestWorker works DigestArgs.
type DigestWorker struct {
	river.WorkerDefaults[DigestArgs]
	Service *Service
	System  *db.System
	BaseURL string
}

// Work sends the digests.
func (w *DigestWorker) Work(ctx context.Context, _ *river.Job[DigestArgs]) error {
	_, err := w.Service.SendDigests(ctx, w.System, w.BaseURL)
	return err
}

// digestLine is one order of a digest.
type digestLine struct {
	Name, Client, Note, Link string
}

// digestData is what the digest template sees.
type digestData struct {
	Tenant                  string
	Issued, Rejected, Stuck []digestLine
	PendingURL              string
}

// SendDigests queues the digest of every tenant with something to report, one message per owner
// or admin, and returns how many it queued.
func (s *Service) SendDigests(ctx context.Context, sys *db.System, baseURL string) (int, error) {
	type tenantRow struct {
		ID   uuid.UUID
		Slug string
		Name string
	}
	var tenants []tenantRow
	if err := sys.Tx(ctx, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT id, slug, name FROM tenants WHERE status = 'active' ORDER BY id`)
		var err error
		tenants, err = pgx.CollectRows(rows, pgx.RowToStructByPos[tenantRow])
		return err
	}); err != nil {
		return 0, err
	}
	now := s.Orders.Now()
	queued := 0
	for _, t := range tenants {
		admin := strings.TrimRight(baseURL, "/") + "/t/" + t.Slug + "/admin"
		d := digestData{Tenant: t.Name, PendingURL: admin + "/pending"}
		var staff []string
		err := s.DB.Tx(ctx, t.ID, func(tx pgx.Tx) error {
			lines := func(q string, args ...any) ([]digestLine, error) {
				rows, _ := tx.Query(ctx, q, args...)
				return pgx.CollectRows(rows, func(row pgx.CollectableRow) (digestLine, error) {
					var l digestLine
					var id uuid.UUID
					err := row.Scan(&id, &l.Name, &l.Client, &l.Note)
					l.Link = admin + "/orders/" + id.String()
					return l, err
				})
			}
			var err error
			const pick = `SELECT o.id, coalesce((SELECT i.common_name FROM issuances i WHERE i.tenant_id = o.tenant_id AND i.id = coalesce(o.current_issuance, o.latest_issuance)), 'order ' || left(o.id::text, 8)),
				c.email, o.status_note FROM orders o JOIN clients c ON c.tenant_id = o.tenant_id AND c.id = o.client_id WHERE o.tenant_id = $1 `
			if d.Issued, err = lines(pick+`AND o.status = 'issued' AND EXISTS (SELECT 1 FROM issuances i WHERE i.tenant_id = o.tenant_id
				AND i.order_id = o.id AND i.status = 'issued' AND i.issued_at > $2) ORDER BY o.id LIMIT 200`, t.ID, now.Add(-24*time.Hour)); err != nil {
				return err
			}
			if d.Rejected, err = lines(pick+`AND o.status = 'rejected' AND o.updated_at > $2 ORDER BY o.id LIMIT 200`, t.ID, now.Add(-24*time.Hour)); err != nil {
				return err
			}
			if d.Stuck, err = lines(pick+`AND (o.status = 'needs_attention' OR (o.status IN ('pending_validation', 'submitting') AND o.updated_at < $2))
				ORDER BY o.updated_at LIMIT 200`, t.ID, now.Add(-72*time.Hour)); err != nil {
				return err
			}
			if len(d.Issued)+len(d.Rejected)+len(d.Stuck) == 0 {
				return nil
			}
			rows, _ := tx.Query(ctx, `SELECT email FROM users WHERE tenant_id = $1 AND role IN ('owner', 'admin') AND disabled_at IS NULL ORDER BY email`, t.ID)
			staff, err = pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				return err
			}
			r, err := renderDigest(d)
			if err != nil {
				return err
			}
			for _, to := range staff {
				id := uuid.Must(uuid.NewV7())
				if _, err := tx.Exec(ctx, `INSERT INTO email_messages (tenant_id, id, template, to_addr, subject, body_text, body_html)
					VALUES ($1, $2, 'digest', $3, $4, $5, $6)`, t.ID, id, to, r.Subject, r.Text, r.HTML); err != nil {
					return err
				}
				if _, err := s.river.InsertTx(ctx, tx, SendArgs{TenantID: t.ID, MessageID: id}, &river.InsertOpts{MaxAttempts: maxAttempts}); err != nil {
					return err
				}
				queued++
			}
			return nil
		})
		if err != nil {
			return queued, fmt.Errorf("mail: digest of %s: %w", t.Slug, err)
		}
	}
	return queued, nil
}

func renderDigest(d digestData) (*Rendered, error) {
	text, html := defaults("digest")
	out := &Rendered{}
	if err := render("digest", text, html, d, out); err != nil {
		return nil, err
	}
	return out, nil
}
