package order

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Order event types, sent as webhooks, kept in the event feed and driving the e-mails.
const (
	EventCreated           = "order.created"
	EventActivated         = "order.activated" // internal: the configuration link goes out
	EventConfigured        = "order.configured"
	EventPendingValidation = "order.pending_validation"
	EventIssued            = "order.issued"
	EventRejected          = "order.rejected"
	EventCancelled         = "order.cancelled"
	EventRevoked           = "order.revoked"
	EventRenewed           = "order.renewed"
	EventReissued          = "order.reissued"
	EventExpiring          = "order.expiring"
	EventExpired           = "order.expired"
	EventNeedsAttention    = "order.needs_attention"
)

// Notifier hears of order events inside the transaction that causes them, so that what it enqueues
// (webhook deliveries, e-mails, the event feed) commits or rolls back with the change.
type Notifier interface {
	OrderEvent(ctx context.Context, tx pgx.Tx, tenantID, orderID uuid.UUID, eventType string) error
}

// SetNotifier wires the notifier; without one events go nowhere.
func (s *Service) SetNotifier(n Notifier) { s.notifier = n }

func (s *Service) notify(ctx context.Context, tx pgx.Tx, tenantID, orderID uuid.UUID, eventType string) error {
	if s.notifier == nil {
		return nil
	}
	return s.notifier.OrderEvent(ctx, tx, tenantID, orderID, eventType)
}

// ViewTx renders an order as the API returns it, inside the caller's transaction (for event bodies).
func (s *Service) ViewTx(ctx context.Context, tx pgx.Tx, tenantID, orderID uuid.UUID) (*View, error) {
	return s.viewTx(ctx, tx, tenantID, orderID)
}

// Notifiers tells each of several notifiers, in order, and stops at the first error (which rolls the
// change back).
type Notifiers []Notifier

// OrderEvent implements Notifier.
func (ns Notifiers) OrderEvent(ctx context.Context, tx pgx.Tx, tenantID, orderID uuid.UUID, eventType string) error {
	for _, n := range ns {
		if err := n.OrderEvent(ctx, tx, tenantID, orderID, eventType); err != nil {
			return err
		}
	}
	return nil
}
