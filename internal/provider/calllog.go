package provider

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

type subjectKey struct{}

// Subject names the order and issuance an upstream call is made for, so the call shows on the
// order's timeline.
type Subject struct {
	OrderID    uuid.UUID
	IssuanceID uuid.UUID
}

// WithSubject returns a context whose upstream calls are logged against the order and issuance.
func WithSubject(ctx context.Context, s Subject) context.Context {
	return context.WithValue(ctx, subjectKey{}, s)
}

// maxLogged bounds the stored request and response of one call.
const maxLogged = 32 << 10

func clip(s string) string {
	if len(s) > maxLogged {
		return s[:maxLogged] + "\n[... truncated]"
	}
	return s
}

// recorder stores every call of an account in provider_calls, in its own statement: an upstream
// call is logged even when the work around it fails.
func (s *Store) recorder(tenantID, accountID uuid.UUID) Recorder {
	return func(ctx context.Context, c Call) {
		sub, _ := ctx.Value(subjectKey{}).(Subject)
		var order, issuance *uuid.UUID
		if sub.OrderID != uuid.Nil {
			order = &sub.OrderID
		}
		if sub.IssuanceID != uuid.Nil {
			issuance = &sub.IssuanceID
		}
		if c.Started.IsZero() {
			c.Started = s.now().Add(-c.Duration)
		}
		ctx = context.WithoutCancel(ctx)
		_ = s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO provider_calls (tenant_id, id, account_id, order_id, issuance_id, provider, command,
				started_at, duration_ms, outcome, http_status, request, response, error)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
				tenantID, uuid.Must(uuid.NewV7()), accountID, order, issuance, c.Provider, c.Command, c.Started,
				c.Duration.Milliseconds(), c.Outcome, c.HTTPStatus, clip(c.Request), clip(c.Response), clip(c.Error))
			return err
		})
	}
}

// LoggedCall is one row of the call log.
type LoggedCall struct {
	ID         uuid.UUID  `db:"id" json:"id"`
	AccountID  uuid.UUID  `db:"account_id" json:"account_id"`
	OrderID    *uuid.UUID `db:"order_id" json:"order_id"`
	Provider   string     `db:"provider" json:"provider"`
	Command    string     `db:"command" json:"command"`
	StartedAt  time.Time  `db:"started_at" json:"started_at"`
	DurationMS int        `db:"duration_ms" json:"duration_ms"`
	Outcome    string     `db:"outcome" json:"outcome"`
	HTTPStatus int        `db:"http_status" json:"http_status"`
	Request    string     `db:"request" json:"request"`
	Response   string     `db:"response" json:"response"`
	Error      string     `db:"error" json:"error"`
}

const callColumns = `id, account_id, order_id, provider, command, started_at, duration_ms, outcome, http_status, request, response, error`

// Calls lists an account's calls, newest first; before (a call id) pages back.
func (s *Store) Calls(ctx context.Context, tenantID, accountID uuid.UUID, before uuid.UUID, limit int) ([]LoggedCall, error) {
	if before == uuid.Nil {
		before = uuid.Max
	}
	var out []LoggedCall
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT `+callColumns+` FROM provider_calls WHERE tenant_id = $1 AND account_id = $2 AND id < $3
			ORDER BY id DESC LIMIT $4`, tenantID, accountID, before, limit)
		var err error
		out, err = pgx.CollectRows(rows, pgx.RowToStructByName[LoggedCall])
		return err
	})
	return out, err
}

// OrderCalls lists the calls made for an order, oldest first.
func OrderCalls(ctx context.Context, tx pgx.Tx, tenantID, orderID uuid.UUID) ([]LoggedCall, error) {
	rows, _ := tx.Query(ctx, `SELECT `+callColumns+` FROM provider_calls WHERE tenant_id = $1 AND order_id = $2 ORDER BY id`, tenantID, orderID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[LoggedCall])
}
