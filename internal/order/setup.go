package order

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Setup is what the pages show about an order's requests beyond its View: the server type the
// install instructions are for, and whether the service holds the key of the current certificate.
type Setup struct {
	ServerType string // of the latest request, "" before the first
	KeyType    string // of the latest request
	HoldsKey   bool   // the service generated the key of the current certificate
}

// Setup returns the server type and key facts of an order (ErrNotFound for an unknown order).
func (s *Service) Setup(ctx context.Context, tenantID, orderID uuid.UUID) (*Setup, error) {
	out := &Setup{}
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		o, err := getOrder(ctx, tx, tenantID, orderID, false)
		if err != nil {
			return err
		}
		if o.LatestIssuance != nil {
			is, err := getIssuance(ctx, tx, tenantID, *o.LatestIssuance, false)
			if err != nil {
				return err
			}
			out.ServerType, out.KeyType = is.ServerType, is.KeyType
		}
		if o.CurrentIssuance != nil {
			is, err := getIssuance(ctx, tx, tenantID, *o.CurrentIssuance, false)
			if err != nil {
				return err
			}
			out.HoldsKey = is.KeySealed != ""
			if out.ServerType == "" {
				out.ServerType, out.KeyType = is.ServerType, is.KeyType
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
