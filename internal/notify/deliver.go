package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"go.uber.org/zap"

	"github.com/sslreseller/sslreseller/internal/audit"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

// retrySchedule spreads the retries of a delivery over a little more than a day.
var retrySchedule = []time.Duration{
	10 * time.Second, time.Minute, 5 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 4 * time.Hour, 8 * time.Hour, 9 * time.Hour,
}

// MaxAttempts is how often a delivery is tried before it is given up.
var MaxAttempts = len(retrySchedule) + 1

// DefaultBackoff is the wait before retry number attempt (1 after the first failure).
func DefaultBackoff(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	if attempt > len(retrySchedule) {
		return retrySchedule[len(retrySchedule)-1]
	}
	return retrySchedule[attempt-1]
}

// errRefused marks a target that will never be delivered to: the job is cancelled, not retried.
var errRefused = errors.New("refused target")

// AttemptTimeout bounds one delivery attempt.
const AttemptTimeout = 15 * time.Second

// DeliverArgs delivers one event to one endpoint.
type DeliverArgs struct {
	TenantID   uuid.UUID `json:"tenant_id"`
	DeliveryID uuid.UUID `json:"delivery_id"`
}

// Kind names the job.
func (DeliverArgs) Kind() string { return "webhook_delivery" }

// InsertOpts retry deliveries for a day.
func (DeliverArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: MaxAttempts} }

// DeliverWorker runs webhook deliveries.
type DeliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	Service *Service
}

// NextRetry follows the delivery back-off.
func (w *DeliverWorker) NextRetry(job *river.Job[DeliverArgs]) time.Time {
	return time.Now().Add((*w.Service.backoff.Load())(job.Attempt))
}

// Timeout leaves room for the attempt and its bookkeeping.
func (w *DeliverWorker) Timeout(*river.Job[DeliverArgs]) time.Duration {
	return AttemptTimeout + 15*time.Second
}

// Work makes one attempt.
func (w *DeliverWorker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	return w.Service.attempt(ctx, job.Args.TenantID, job.Args.DeliveryID, job.Attempt >= job.MaxAttempts)
}

type pending struct {
	EndpointID uuid.UUID
	URL        string
	Enabled    bool
	Sealed     string
	Status     string
	Event      Event
}

// Sign returns the Standard Webhooks signature header value of a message: "v1," and the base64
// HMAC-SHA256 of "id.timestamp.body" keyed with the decoded secret.
func Sign(secret, msgID string, ts int64, body []byte) (string, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return "", fmt.Errorf("notify: secret is not whsec_ and base64")
	}
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "%s.%d.", msgID, ts)
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil)), nil
}

func (s *Service) attempt(ctx context.Context, tenantID, deliveryID uuid.UUID, last bool) error {
	var p pending
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT d.endpoint_id, ep.url, ep.enabled, ep.secret_sealed, d.status, e.id, e.type, e.created_at, e.payload
			FROM webhook_deliveries d
			JOIN webhook_endpoints ep ON ep.tenant_id = d.tenant_id AND ep.id = d.endpoint_id
			JOIN events e ON e.tenant_id = d.tenant_id AND e.id = d.event_id
			WHERE d.tenant_id = $1 AND d.id = $2`, tenantID, deliveryID).
			Scan(&p.EndpointID, &p.URL, &p.Enabled, &p.Sealed, &p.Status, &p.Event.ID, &p.Event.Type, &p.Event.CreatedAt, &p.Event.Data)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil // the endpoint (or the event, past retention) was deleted
	}
	if err != nil {
		return fmt.Errorf("notify: load delivery: %w", err)
	}
	if p.Status == "succeeded" {
		return nil
	}
	if !p.Enabled {
		return s.finish(ctx, tenantID, deliveryID, nil, 0, "the endpoint is disabled", "failed")
	}
	p.Event.CreatedAt = p.Event.CreatedAt.UTC()
	body, err := json.Marshal(p.Event)
	if err != nil {
		return fmt.Errorf("notify: body: %w", err)
	}
	secret, err := s.sealer.Open(p.Sealed, secretContext(p.EndpointID))
	if err != nil {
		return fmt.Errorf("notify: open secret of endpoint %s: %w", p.EndpointID, err)
	}
	msgID := p.Event.ID.String()
	ts := s.now().Unix()
	sig, err := Sign(string(secret), msgID, ts, body)
	if err != nil {
		return err
	}
	start := time.Now()
	code, sendErr := s.send(ctx, p.URL, msgID, ts, sig, body)
	dur := time.Since(start)
	status := "pending"
	switch {
	case sendErr == nil && code >= 200 && code < 300:
		status = "succeeded"
	case last:
		status = "failed"
	}
	msg := ""
	if sendErr != nil {
		msg = sendErr.Error()
	} else if status != "succeeded" {
		msg = fmt.Sprintf("the endpoint answered %d %s", code, http.StatusText(code))
	}
	var codePtr *int
	if code != 0 {
		codePtr = &code
	}
	if err := s.finish(ctx, tenantID, deliveryID, codePtr, dur, msg, status); err != nil {
		return err
	}
	if status == "succeeded" {
		return nil
	}
	s.log.Info("webhook delivery failed", zap.Stringer("tenant_id", tenantID), zap.Stringer("delivery_id", deliveryID),
		zap.Int("status_code", code), zap.String("error", msg))
	if errors.Is(sendErr, errRefused) {
		return river.JobCancel(errors.New(msg))
	}
	return errors.New(msg)
}

// finish records one attempt and the delivery's new state.
func (s *Service) finish(ctx context.Context, tenantID, deliveryID uuid.UUID, code *int, dur time.Duration, msg, status string) error {
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		now := s.now().UTC()
		if _, err := tx.Exec(ctx, `INSERT INTO webhook_attempts (tenant_id, id, delivery_id, status_code, duration_ms, error, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, tenantID, uuid.Must(uuid.NewV7()), deliveryID, code, dur.Milliseconds(), msg, now); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET status = $3, attempts = attempts + 1, last_status_code = $4,
			last_error = $5, last_attempt_at = $6, updated_at = now() WHERE tenant_id = $1 AND id = $2`,
			tenantID, deliveryID, status, code, msg, now)
		return err
	})
	if err != nil {
		return fmt.Errorf("notify: record attempt: %w", err)
	}
	return nil
}

// send posts the body; it never follows redirects and, unless private targets are allowed, refuses
// to connect to a non-public address whatever the name resolves to now.
func (s *Service) send(ctx context.Context, target, msgID string, ts int64, sig string, body []byte) (int, error) {
	if !s.cfg.AllowPrivateTargets && !strings.HasPrefix(strings.ToLower(target), "https://") {
		return 0, fmt.Errorf("the URL is not https: %w", errRefused)
	}
	ctx, cancel := context.WithTimeout(ctx, AttemptTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("bad URL: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "sslreseller-webhooks/1")
	req.Header.Set("webhook-id", msgID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("webhook-signature", sig)
	resp, err := s.client().Do(req)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return 0, fmt.Errorf("no answer within %s", AttemptTimeout)
		}
		if errors.Is(err, ErrPrivateTarget) {
			return 0, fmt.Errorf("%s resolves to a non-public address, refused while webhooks.allow_private_targets is off: %w", req.URL.Hostname(), errRefused)
		}
		return 0, fmt.Errorf("unreachable: %s", strings.TrimPrefix(err.Error(), "Post \""+target+"\": "))
	}
	defer func() { _ = resp.Body.Close() }()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, nil
}

func (s *Service) client() *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second}
	if !s.cfg.AllowPrivateTargets {
		d.Control = func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || privateAddr(ap.Addr()) {
				return ErrPrivateTarget
			}
			return nil
		}
	}
	tr := &http.Transport{DialContext: d.DialContext, TLSHandshakeTimeout: 10 * time.Second, DisableKeepAlives: true,
		ResponseHeaderTimeout: AttemptTimeout}
	return &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Attempt is one try of a delivery.
type Attempt struct {
	StatusCode *int      `json:"status_code"`
	DurationMS int       `json:"duration_ms"`
	Error      string    `json:"error"`
	At         time.Time `json:"at"`
}

// Delivery is an event sent (or being sent) to an endpoint, with its attempts, newest last.
type Delivery struct {
	ID             uuid.UUID  `json:"id"`
	EndpointID     uuid.UUID  `json:"endpoint_id"`
	EventID        uuid.UUID  `json:"event_id"`
	EventType      string     `json:"event_type"`
	OrderID        uuid.UUID  `json:"order_id"`
	Status         string     `json:"status"`
	Attempts       int        `json:"attempts"`
	LastStatusCode *int       `json:"last_status_code"`
	LastError      string     `json:"last_error"`
	LastAttemptAt  *time.Time `json:"last_attempt_at"`
	CreatedAt      time.Time  `json:"created_at"`
	AttemptLog     []Attempt  `json:"attempt_log"`
}

const deliverySelect = `SELECT d.id, d.endpoint_id, d.event_id, e.type, e.order_id, d.status, d.attempts, d.last_status_code,
	d.last_error, d.last_attempt_at, d.created_at
	FROM webhook_deliveries d JOIN events e ON e.tenant_id = d.tenant_id AND e.id = d.event_id`

func scanDelivery(r pgx.CollectableRow) (Delivery, error) {
	var d Delivery
	err := r.Scan(&d.ID, &d.EndpointID, &d.EventID, &d.EventType, &d.OrderID, &d.Status, &d.Attempts, &d.LastStatusCode,
		&d.LastError, &d.LastAttemptAt, &d.CreatedAt)
	d.AttemptLog = []Attempt{}
	return d, err
}

// attachAttempts loads the attempts of the listed deliveries in one query.
func attachAttempts(ctx context.Context, tx pgx.Tx, tenantID uuid.UUID, ds []Delivery) error {
	if len(ds) == 0 {
		return nil
	}
	ids := make([]uuid.UUID, len(ds))
	at := map[uuid.UUID]int{}
	for i, d := range ds {
		ids[i], at[d.ID] = d.ID, i
	}
	rows, _ := tx.Query(ctx, `SELECT delivery_id, status_code, duration_ms, error, created_at FROM webhook_attempts
		WHERE tenant_id = $1 AND delivery_id = ANY ($2) ORDER BY id`, tenantID, ids)
	var did uuid.UUID
	var a Attempt
	_, err := pgx.ForEachRow(rows, []any{&did, &a.StatusCode, &a.DurationMS, &a.Error, &a.At}, func() error {
		d := &ds[at[did]]
		a.At = a.At.UTC()
		d.AttemptLog = append(d.AttemptLog, a)
		a = Attempt{}
		return nil
	})
	return err
}

// Deliveries lists an endpoint's deliveries, newest first, before the id before (uuid.Nil for the
// newest). Errors: not_found (the endpoint).
func (s *Service) Deliveries(ctx context.Context, tenantID, endpointID, before uuid.UUID, limit int) ([]Delivery, error) {
	var out []Delivery
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		if _, err := getEndpoint(ctx, tx, tenantID, endpointID, false); err != nil {
			return err
		}
		q := deliverySelect + ` WHERE d.tenant_id = $1 AND d.endpoint_id = $2`
		args := []any{tenantID, endpointID, limit}
		if before != uuid.Nil {
			q += ` AND d.id < $4`
			args = append(args, before)
		}
		rows, _ := tx.Query(ctx, q+` ORDER BY d.id DESC LIMIT $3`, args...)
		var err error
		if out, err = pgx.CollectRows(rows, scanDelivery); err != nil {
			return err
		}
		return attachAttempts(ctx, tx, tenantID, out)
	})
	if err != nil {
		return nil, fmt.Errorf("notify: deliveries: %w", err)
	}
	return out, nil
}

var errDeliveryNotFound = errs.New(errs.NotFound, "delivery not found")

// Delivery returns one delivery of an endpoint with its attempts. Errors: not_found.
func (s *Service) Delivery(ctx context.Context, tenantID, endpointID, id uuid.UUID) (*Delivery, error) {
	var d *Delivery
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		var err error
		d, err = getDelivery(ctx, tx, tenantID, endpointID, id)
		return err
	})
	return d, err
}

func getDelivery(ctx context.Context, tx pgx.Tx, tenantID, endpointID, id uuid.UUID) (*Delivery, error) {
	rows, _ := tx.Query(ctx, deliverySelect+` WHERE d.tenant_id = $1 AND d.endpoint_id = $2 AND d.id = $3`, tenantID, endpointID, id)
	d, err := pgx.CollectExactlyOneRow(rows, scanDelivery)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errDeliveryNotFound
	}
	if err != nil {
		return nil, err
	}
	ds := []Delivery{d}
	if err := attachAttempts(ctx, tx, tenantID, ds); err != nil {
		return nil, err
	}
	return &ds[0], nil
}

// Redeliver sends a delivery again (with the same webhook-id), whatever its state. Errors: not_found.
func (s *Service) Redeliver(ctx context.Context, tenantID, endpointID, id uuid.UUID) (*Delivery, error) {
	var d *Delivery
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET status = 'pending', updated_at = now()
			WHERE tenant_id = $1 AND endpoint_id = $2 AND id = $3`, tenantID, endpointID, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return errDeliveryNotFound
		}
		if _, err := s.river.InsertTx(ctx, tx, DeliverArgs{TenantID: tenantID, DeliveryID: id}, nil); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, tenantID, "webhook_delivery.redeliver", "webhook_endpoint", endpointID.String(),
			map[string]any{"delivery_id": id}); err != nil {
			return err
		}
		d, err = getDelivery(ctx, tx, tenantID, endpointID, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("notify: redeliver: %w", err)
	}
	return d, nil
}

// OK reports whether the attempt was accepted (a 2xx answer).
func (a Attempt) OK() bool { return a.StatusCode != nil && *a.StatusCode >= 200 && *a.StatusCode < 300 }

// Code is the answer's status code as text, "" when none came.
func (a Attempt) Code() string {
	if a.StatusCode == nil {
		return ""
	}
	return strconv.Itoa(*a.StatusCode)
}
