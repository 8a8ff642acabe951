// Package mail sends the e-mails of order events to clients: the configuration link, the validation
// steps after submission, the issued certificate with install instructions, rejections,
// cancellations and new certificates of a term.
//
// An order event adds a message row and a River job in the transaction of the change, so a mail
// goes out exactly when the change commits. The job renders the message from the order as it is
// then, sends it over SMTP (or, with no SMTP host configured, keeps it in the development mailbox
// of the admin UI), records the delivery on the row and on the order's timeline, and is retried with
// back-off when the server refuses or is unreachable.
package mail

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"go.uber.org/zap"

	"github.com/sslreseller/sslreseller/internal/account"
	"github.com/sslreseller/sslreseller/internal/audit"
	"github.com/sslreseller/sslreseller/internal/catalog"
	"github.com/sslreseller/sslreseller/internal/order"
	"github.com/sslreseller/sslreseller/internal/platform/config"
	"github.com/sslreseller/sslreseller/internal/platform/db"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
	"github.com/sslreseller/sslreseller/internal/platform/seal"
	"github.com/sslreseller/sslreseller/internal/tenant"
)

// Message statuses.
const (
	StatusQueued = "queued" // waiting for its job
	StatusSent   = "sent"   // accepted by the SMTP server
	StatusKept   = "kept"   // no SMTP server: kept in the development mailbox
	StatusFailed = "failed" // the last attempt failed and no retry is left
)

// maxAttempts bounds the retries of one message (River's back-off spreads them over about a day).
const maxAttempts = 12

// Message is one e-mail and its delivery record.
type Message struct {
	ID         uuid.UUID  `db:"id"`
	OrderID    *uuid.UUID `db:"order_id"`
	Template   string     `db:"template"`
	To         string     `db:"to_addr"`
	Subject    string     `db:"subject"`
	Text       string     `db:"body_text"`
	HTML       string     `db:"body_html"`
	Attachment string     `db:"attachment"`
	Status     string     `db:"status"`
	Error      string     `db:"error"`
	Attempts   int        `db:"attempts"`
	CreatedAt  time.Time  `db:"created_at"`
	SentAt     *time.Time `db:"sent_at"`
}

const messageColumns = `id, order_id, template, to_addr, subject, body_text, body_html, attachment, status, error, attempts, created_at, sent_at`

// Deps are what the Service needs.
type Deps struct {
	DB       *db.DB
	Orders   *order.Service
	Tenants  *tenant.Store
	Accounts *account.Store
	Catalog  *catalog.Store
	SMTP     config.SMTP
	Sealer   *seal.Sealer
	Log      *zap.Logger
}

// Service turns order events into e-mails and sends them.
type Service struct {
	Deps
	river  *river.Client[pgx.Tx]
	sender Sender
}

// New builds the service; SetRiver must be called before events arrive.
func New(d Deps) *Service {
	if d.Log == nil {
		d.Log = zap.NewNop()
	}
	return &Service{Deps: d, sender: newSMTPSender(d.SMTP)}
}

// SetRiver gives the service the job client it enqueues with.
func (s *Service) SetRiver(c *river.Client[pgx.Tx]) { s.river = c }

// Mailbox reports whether mail is kept in the development mailbox instead of being sent.
func (s *Service) Mailbox() bool { return s.sender == nil }

// templateOf names the e-mail an order event sends, "" for none. A new order that needs no
// activation is ready to configure at once, so it gets the configuration link too.
func templateOf(event string, status order.Status) string {
	switch event {
	case order.EventCreated:
		if status == order.AwaitingConfiguration {
			return "configure_link"
		}
	case order.EventActivated:
		return "configure_link"
	case order.EventPendingValidation:
		return "submitted"
	case order.EventIssued:
		return "issued"
	case order.EventRejected:
		return "rejected"
	case order.EventCancelled:
		return "cancelled"
	case order.EventReissued, order.EventRenewed:
		return "reissued"
	case order.EventExpiring:
		return "expiring"
	}
	return ""
}

// OrderEvent implements order.Notifier: it queues the event's e-mail to the client in the
// transaction of the change.
func (s *Service) OrderEvent(ctx context.Context, tx pgx.Tx, tenantID, orderID uuid.UUID, eventType string) error {
	status, to, err := recipient(ctx, tx, tenantID, orderID)
	if err != nil {
		return fmt.Errorf("mail: order %s: %w", orderID, err)
	}
	name := templateOf(eventType, status)
	if name == "" {
		return nil
	}
	return s.queue(ctx, tx, tenantID, orderID, name, to)
}

// recipient reads an order's status and its client's address.
func recipient(ctx context.Context, tx pgx.Tx, tenantID, orderID uuid.UUID) (order.Status, string, error) {
	var status order.Status
	var to string
	err := tx.QueryRow(ctx, `SELECT o.status, c.email FROM orders o
		JOIN clients c ON c.tenant_id = o.tenant_id AND c.id = o.client_id
		WHERE o.tenant_id = $1 AND o.id = $2`, tenantID, orderID).Scan(&status, &to)
	return status, to, err
}

func (s *Service) queue(ctx context.Context, tx pgx.Tx, tenantID, orderID uuid.UUID, name, to string) error {
	id := uuid.Must(uuid.NewV7())
	if _, err := tx.Exec(ctx, `INSERT INTO email_messages (tenant_id, id, order_id, template, to_addr)
		VALUES ($1, $2, $3, $4, $5)`, tenantID, id, orderID, name, to); err != nil {
		return fmt.Errorf("mail: queue: %w", err)
	}
	if s.river == nil {
		return errors.New("mail: no job client")
	}
	_, err := s.river.InsertTx(ctx, tx, SendArgs{TenantID: tenantID, MessageID: id}, &river.InsertOpts{MaxAttempts: maxAttempts})
	return err
}

// Resendable lists the e-mails staff and clients may ask for again.
var Resendable = []string{"configure_link", "issued"}

// Resend queues a fresh copy of an order's configuration-link or issued e-mail to the client.
func (s *Service) Resend(ctx context.Context, tenantID, orderID uuid.UUID, name string) error {
	switch name {
	case "configure_link", "issued":
	default:
		return errs.Field("template", "only the configuration link and the issued e-mail can be sent again")
	}
	return s.DB.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		status, to, err := recipient(ctx, tx, tenantID, orderID)
		if errors.Is(err, pgx.ErrNoRows) {
			return order.ErrNotFound
		}
		if err != nil {
			return err
		}
		if name == "issued" && status != order.Issued {
			return errs.New(errs.Conflict, "there is no issued certificate to send: the order is %s", status)
		}
		if name == "configure_link" && status != order.AwaitingConfiguration && status != order.Rejected {
			return errs.New(errs.Conflict, "the order does not wait for configuration: it is %s", status)
		}
		if err := s.queue(ctx, tx, tenantID, orderID, name, to); err != nil {
			return err
		}
		return audit.Record(ctx, tx, tenantID, "email.resend", "order", orderID.String(), map[string]any{"template": name, "recipient": to})
	})
}

// List returns a page of the tenant's messages, newest first, before the cursor id (uuid.Nil for
// the first page); with orderID set only that order's.
func (s *Service) List(ctx context.Context, tenantID uuid.UUID, orderID *uuid.UUID, before uuid.UUID, limit int) ([]Message, error) {
	var out []Message
	err := s.DB.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT `+messageColumns+` FROM email_messages
			WHERE tenant_id = $1 AND ($2::uuid IS NULL OR order_id = $2) AND ($3 = '00000000-0000-0000-0000-000000000000'::uuid OR id < $3)
			ORDER BY id DESC LIMIT $4`, tenantID, orderID, before, limit)
		var err error
		out, err = pgx.CollectRows(rows, pgx.RowToStructByName[Message])
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("mail: list: %w", err)
	}
	return out, nil
}

// Get returns one message (errs.NotFound for an unknown or foreign id).
func (s *Service) Get(ctx context.Context, tenantID, id uuid.UUID) (*Message, error) {
	var m Message
	err := s.DB.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT `+messageColumns+` FROM email_messages WHERE tenant_id = $1 AND id = $2`, tenantID, id)
		var err error
		m, err = pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Message])
		return err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errs.New(errs.NotFound, "no such e-mail")
	}
	if err != nil {
		return nil, fmt.Errorf("mail: get: %w", err)
	}
	return &m, nil
}
