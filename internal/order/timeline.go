package order

import (
	"context"
	"encoding/json"
	"sort"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sslreseller/sslreseller/internal/audit"
	"github.com/sslreseller/sslreseller/internal/provider"
)

// Entry is one line of an order's timeline: a state change, a staff or API action, or an upstream call.
type Entry struct {
	At      time.Time
	Kind    string // event or call
	Action  string
	Actor   string
	Data    json.RawMessage
	Call    *provider.LoggedCall
	Summary string
}

// Timeline lists everything that happened to an order, in order.
func (s *Service) Timeline(ctx context.Context, tenantID, orderID uuid.UUID) ([]Entry, error) {
	var out []Entry
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		if _, err := getOrder(ctx, tx, tenantID, orderID, false); err != nil {
			return err
		}
		events, err := audit.ForEntity(ctx, tx, tenantID, "order", orderID.String(), 1000)
		if err != nil {
			return err
		}
		for _, e := range events {
			actor := e.ActorLabel
			if actor == "" {
				actor = e.ActorType
			}
			out = append(out, Entry{At: e.CreatedAt, Kind: "event", Action: e.Action, Actor: actor, Data: e.Data})
		}
		calls, err := provider.OrderCalls(ctx, tx, tenantID, orderID)
		if err != nil {
			return err
		}
		for i := range calls {
			c := calls[i]
			out = append(out, Entry{At: c.StartedAt, Kind: "call", Action: c.Provider + " " + c.Command, Actor: c.Outcome, Call: &c})
		}
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, err
}

// Pending is one issuance waiting on the provider, for the pending validations page.
type Pending struct {
	IssuanceID  uuid.UUID            `db:"id"`
	OrderID     uuid.UUID            `db:"order_id"`
	Kind        string               `db:"kind"`
	Status      string               `db:"status"`
	OrderStatus string               `db:"order_status"`
	Provider    string               `db:"provider"`
	AccountName string               `db:"account_name"`
	CommonName  string               `db:"common_name"`
	Names       []string             `db:"names"`
	DCV         []provider.DomainDCV `db:"dcv"`
	Attempts    int                  `db:"poll_attempts"`
	LastCheckAt *time.Time           `db:"last_check_at"`
	LastResult  string               `db:"last_result"`
	NextCheckAt *time.Time           `db:"next_check_at"`
	SubmittedAt *time.Time           `db:"submitted_at"`
	Reason      string               `db:"reason"`
	ClientEmail string               `db:"client_email"`
}

// PendingValidations lists every issuance in flight, the longest waiting first.
func (s *Service) PendingValidations(ctx context.Context, tenantID uuid.UUID, limit int) ([]Pending, error) {
	var out []Pending
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT i.id, i.order_id, i.kind, i.status, o.status AS order_status, a.provider, a.name AS account_name,
			i.common_name, i.names, i.dcv, i.poll_attempts, i.last_check_at, i.last_result, i.next_check_at, i.submitted_at, i.reason,
			c.email AS client_email
			FROM issuances i
			JOIN orders o ON o.tenant_id = i.tenant_id AND o.id = i.order_id
			JOIN provider_accounts a ON a.tenant_id = o.tenant_id AND a.id = o.account_id
			JOIN clients c ON c.tenant_id = o.tenant_id AND c.id = o.client_id
			WHERE i.tenant_id = $1 AND i.status IN ('submitting', 'pending', 'needs_attention')
			ORDER BY i.id LIMIT $2`, tenantID, limit)
		var err error
		out, err = pgx.CollectRows(rows, pgx.RowToStructByName[Pending])
		return err
	})
	return out, err
}
