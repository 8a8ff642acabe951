// Package audit records who changed what, when and from where. Every change by staff, an API key, an
// operator or the CLI writes one event in the same transaction as the change.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Actor types.
const (
	ActorStaff    = "staff"
	ActorAPIKey   = "api_key"
	ActorOperator = "operator"
	ActorClient   = "client"
	ActorSystem   = "system"
	ActorCLI      = "cli"
)

// Actor is who acts in a request or command.
type Actor struct {
	Type       string
	ID         string
	Label      string
	RemoteAddr string
	RequestID  string
}

type actorKey struct{}

// WithActor returns a context carrying the actor.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor of ctx; the system when none was set.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Actor{Type: ActorSystem}
}

// Event is one recorded change.
type Event struct {
	ID         uuid.UUID       `db:"id"`
	ActorType  string          `db:"actor_type"`
	ActorID    string          `db:"actor_id"`
	ActorLabel string          `db:"actor_label"`
	Action     string          `db:"action"`
	EntityType string          `db:"entity_type"`
	EntityID   string          `db:"entity_id"`
	Data       json.RawMessage `db:"data"`
	RemoteAddr string          `db:"remote_addr"`
	RequestID  string          `db:"request_id"`
	CreatedAt  time.Time       `db:"created_at"`
}

// Record writes one event in tx for the actor of ctx. data is marshalled to JSON; it must never
// carry secrets.
func Record(ctx context.Context, tx pgx.Tx, tenantID uuid.UUID, action, entityType, entityID string, data any) error {
	a := ActorFrom(ctx)
	raw := []byte("{}")
	if data != nil {
		b, err := json.Marshal(data)
		if err != nil {
			return fmt.Errorf("audit: %w", err)
		}
		raw = b
	}
	_, err := tx.Exec(ctx, `INSERT INTO audit_events
		(tenant_id, id, actor_type, actor_id, actor_label, action, entity_type, entity_id, data, remote_addr, request_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		tenantID, uuid.Must(uuid.NewV7()), a.Type, a.ID, a.Label, action, entityType, entityID, raw, a.RemoteAddr, a.RequestID)
	if err != nil {
		return fmt.Errorf("audit: record %s: %w", action, err)
	}
	return nil
}

// ForEntity lists the events of one entity, oldest first.
func ForEntity(ctx context.Context, tx pgx.Tx, tenantID uuid.UUID, entityType, entityID string, limit int) ([]Event, error) {
	rows, _ := tx.Query(ctx, `SELECT id, actor_type, actor_id, actor_label, action, entity_type, entity_id, data, remote_addr, request_id, created_at
		FROM audit_events WHERE tenant_id = $1 AND entity_type = $2 AND entity_id = $3 ORDER BY id LIMIT $4`,
		tenantID, entityType, entityID, limit)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Event])
}
