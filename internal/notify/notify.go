package notify

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"go.uber.org/zap"

	"github.com/sslreseller/sslreseller/internal/order"
	"github.com/sslreseller/sslreseller/internal/platform/db"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
	"github.com/sslreseller/sslreseller/internal/platform/seal"
)

// Events are the event types sent to webhooks and kept in the feed, in lifecycle order.
var Events = []string{
	order.EventCreated, order.EventConfigured, order.EventPendingValidation, order.EventIssued,
	order.EventRejected, order.EventCancelled, order.EventRevoked, order.EventRenewed, order.EventReissued,
	order.EventExpiring, order.EventExpired, order.EventNeedsAttention,
}

func isPublic(typ string) bool {
	for _, e := range Events {
		if e == typ {
			return true
		}
	}
	return false
}

// Retention is how long events (and their deliveries) are kept.
const Retention = 35 * 24 * time.Hour

// Views renders an order as the API returns it, inside the caller's transaction.
type Views interface {
	ViewTx(ctx context.Context, tx pgx.Tx, tenantID, orderID uuid.UUID) (*order.View, error)
}

// Deps are what the service needs.
type Deps struct {
	DB     *db.DB
	Sealer *seal.Sealer
	Orders Views
	Log    *zap.Logger
	Now    func() time.Time
}

// Config are the delivery settings.
type Config struct {
	// AllowPrivateTargets accepts http URLs and loopback, private and link-local addresses.
	AllowPrivateTargets bool
}

// Service records events and manages webhook endpoints and deliveries.
type Service struct {
	db      *db.DB
	sealer  *seal.Sealer
	orders  Views
	log     *zap.Logger
	now     func() time.Time
	cfg     Config
	river   *river.Client[pgx.Tx]
	backoff atomic.Pointer[func(attempt int) time.Duration]
}

// New returns a Service; SetRiver must be called before events are recorded.
func New(d Deps, cfg Config) *Service {
	now := d.Now
	if now == nil {
		now = time.Now
	}
	log := d.Log
	if log == nil {
		log = zap.NewNop()
	}
	s := &Service{db: d.DB, sealer: d.Sealer, orders: d.Orders, log: log, now: now, cfg: cfg}
	b := DefaultBackoff
	s.backoff.Store(&b)
	return s
}

// SetRiver hands the job client to the service (the client needs the workers, which need the service).
func (s *Service) SetRiver(c *river.Client[pgx.Tx]) { s.river = c }

// SetBackoff replaces the retry schedule of webhook deliveries (tests make it fast).
func (s *Service) SetBackoff(f func(attempt int) time.Duration) { s.backoff.Store(&f) }

// Event is one order event as the feed and webhook bodies show it.
type Event struct {
	ID        uuid.UUID       `json:"id"`
	Type      string          `json:"type"`
	CreatedAt time.Time       `json:"created_at"`
	Data      json.RawMessage `json:"data"`
}

// OrderEvent records an order event and enqueues its webhook deliveries in tx (order.Notifier).
// Internal events (the activation that sends the configuration link) stay out of the feed.
func (s *Service) OrderEvent(ctx context.Context, tx pgx.Tx, tenantID, orderID uuid.UUID, eventType string) error {
	if !isPublic(eventType) {
		return nil
	}
	v, err := s.orders.ViewTx(ctx, tx, tenantID, orderID)
	if err != nil {
		return fmt.Errorf("notify: view order: %w", err)
	}
	data, err := json.Marshal(map[string]any{"order": v})
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	id := uuid.Must(uuid.NewV7())
	if _, err := tx.Exec(ctx, `INSERT INTO events (tenant_id, id, type, order_id, payload, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		tenantID, id, eventType, orderID, data, s.now().UTC()); err != nil {
		return fmt.Errorf("notify: record event: %w", err)
	}
	rows, _ := tx.Query(ctx, `SELECT id FROM webhook_endpoints WHERE tenant_id = $1 AND enabled AND $2 = ANY (events) ORDER BY id`, tenantID, eventType)
	endpoints, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return fmt.Errorf("notify: endpoints: %w", err)
	}
	if len(endpoints) == 0 {
		return nil
	}
	params := make([]river.InsertManyParams, 0, len(endpoints))
	for _, ep := range endpoints {
		did := uuid.Must(uuid.NewV7())
		if _, err := tx.Exec(ctx, `INSERT INTO webhook_deliveries (tenant_id, id, endpoint_id, event_id) VALUES ($1, $2, $3, $4)`,
			tenantID, did, ep, id); err != nil {
			return fmt.Errorf("notify: delivery: %w", err)
		}
		params = append(params, river.InsertManyParams{Args: DeliverArgs{TenantID: tenantID, DeliveryID: did}})
	}
	if s.river == nil {
		return fmt.Errorf("notify: no job client")
	}
	if _, err := s.river.InsertManyTx(ctx, tx, params); err != nil {
		return fmt.Errorf("notify: enqueue deliveries: %w", err)
	}
	return nil
}

// feedCursor is the position after the last event of a page: its transaction and id.
type feedCursor struct {
	Xid string `json:"x"`
	ID  string `json:"after"`
}

func encodeFeedCursor(xid string, id uuid.UUID) string {
	b, _ := json.Marshal(feedCursor{Xid: xid, ID: id.String()})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeFeedCursor(c string) (xid string, id uuid.UUID, err error) {
	bad := errs.Field("cursor", "is not a cursor this API returned")
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return "", uuid.Nil, bad
	}
	var fc feedCursor
	if json.Unmarshal(raw, &fc) != nil {
		return "", uuid.Nil, bad
	}
	if _, err := strconv.ParseUint(fc.Xid, 10, 64); err != nil {
		return "", uuid.Nil, bad
	}
	if id, err = uuid.Parse(fc.ID); err != nil {
		return "", uuid.Nil, bad
	}
	return fc.Xid, id, nil
}

// Feed returns up to limit events after cursor ("" for the oldest), oldest first, and the cursor of
// the next page ("" on an empty page; a poller keeps the last cursor it was given). Only events of transactions older than
// every running one are shown, so an event committed late never lands behind a cursor already handed out.
func (s *Service) Feed(ctx context.Context, tenantID uuid.UUID, cursor string, limit int) ([]Event, string, error) {
	q := `SELECT id, type, created_at, payload, xid::text FROM events
		WHERE tenant_id = $1 AND xid < pg_snapshot_xmin(pg_current_snapshot())`
	args := []any{tenantID}
	if strings.TrimSpace(cursor) != "" {
		xid, id, err := decodeFeedCursor(cursor)
		if err != nil {
			return nil, "", err
		}
		q += ` AND (xid, id) > ($2::text::xid8, $3)`
		args = append(args, xid, id)
	}
	q += fmt.Sprintf(" ORDER BY xid, id LIMIT %d", limit+1)
	type row struct {
		Event
		xid string
	}
	var out []row
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, q, args...)
		var err error
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
			var e row
			err := r.Scan(&e.ID, &e.Type, &e.CreatedAt, &e.Data, &e.xid)
			return e, err
		})
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("notify: feed: %w", err)
	}
	// Unlike other lists, a non-empty page always carries a cursor: a poller resumes from it later.
	// An empty page (caught up) answers null.
	next := ""
	if len(out) > limit {
		out = out[:limit]
	}
	if len(out) > 0 {
		last := out[len(out)-1]
		next = encodeFeedCursor(last.xid, last.ID)
	}
	events := make([]Event, len(out))
	for i, r := range out {
		r.CreatedAt = r.CreatedAt.UTC()
		events[i] = r.Event
	}
	return events, next, nil
}

// CleanupSQL deletes events (and with them their deliveries) past the retention; the hourly cleanup runs it.
var CleanupSQL = fmt.Sprintf(`DELETE FROM events WHERE created_at < now() - interval '%d hours'`, int(Retention/time.Hour))
