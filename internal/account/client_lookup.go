package account

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// ClientsByID returns the tenant's clients among ids, keyed by id; unknown ids are left out. It
// lets a list of orders show their clients with one statement.
func (s *Store) ClientsByID(ctx context.Context, tenantID uuid.UUID, ids []uuid.UUID) (map[uuid.UUID]Client, error) {
	out := make(map[uuid.UUID]Client, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT `+clientColumns+` FROM clients WHERE tenant_id = $1 AND id = ANY($2)`, tenantID, ids)
		list, err := pgx.CollectRows(rows, scanClient)
		if err != nil {
			return err
		}
		for _, c := range list {
			out[c.ID] = c
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("client: by id: %w", err)
	}
	return out, nil
}
