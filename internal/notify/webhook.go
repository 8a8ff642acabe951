package notify

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sslreseller/sslreseller/internal/audit"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

// Endpoint is a webhook endpoint of a tenant. Its secret is only shown when it is created.
type Endpoint struct {
	ID          uuid.UUID `json:"id" db:"id"`
	URL         string    `json:"url" db:"url"`
	Description string    `json:"description" db:"description"`
	Events      []string  `json:"events" db:"events"`
	Enabled     bool      `json:"enabled" db:"enabled"`
	CreatedAt   time.Time `json:"created_at" db:"created_at"`
	UpdatedAt   time.Time `json:"updated_at" db:"updated_at"`
	// Secret is set only in the answer to Create: the Standard Webhooks "whsec_" form.
	Secret string `json:"secret,omitempty" db:"-"`
}

// EndpointInput creates an endpoint.
type EndpointInput struct {
	URL         string   `json:"url"`
	Description string   `json:"description"`
	Events      []string `json:"events"`
}

// EndpointPatch changes an endpoint; absent fields stay.
type EndpointPatch struct {
	URL         *string   `json:"url"`
	Description *string   `json:"description"`
	Events      *[]string `json:"events"`
	Enabled     *bool     `json:"enabled"`
}

const endpointColumns = `id, url, description, events, enabled, created_at, updated_at`

func secretContext(id uuid.UUID) string { return "webhook_endpoint:" + id.String() + ":secret" }

// NewSecret makes a Standard Webhooks secret: "whsec_" and the base64 of 32 random bytes.
func NewSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}

// ErrPrivateTarget refuses a target address in a loopback, private, link-local or otherwise
// non-public range.
var ErrPrivateTarget = errors.New("the address is loopback, private, link-local or otherwise not public")

func privateAddr(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsUnspecified() || a.IsMulticast() || a.IsInterfaceLocalMulticast() ||
		netip.MustParsePrefix("100.64.0.0/10").Contains(a) || // carrier-grade NAT
		netip.MustParsePrefix("192.0.0.0/24").Contains(a) ||
		netip.MustParsePrefix("198.18.0.0/15").Contains(a) ||
		netip.MustParsePrefix("240.0.0.0/4").Contains(a) ||
		netip.MustParsePrefix("64:ff9b::/96").Contains(a)
}

// CheckURL validates a webhook URL: absolute http(s) with a host, https only and no private
// targets unless AllowPrivateTargets. Names are resolved again at delivery time.
func (s *Service) CheckURL(ctx context.Context, raw string) error {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return errs.Field("url", "is required")
	}
	if len(raw) > 2000 {
		return errs.Field("url", "is longer than 2000 characters")
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Opaque != "" {
		return errs.Field("url", "is not an absolute URL like https://billing.example.com/hooks")
	}
	if u.User != nil {
		return errs.Field("url", "must not carry a user name or password")
	}
	if u.Fragment != "" {
		return errs.Field("url", "must not have a #fragment")
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !s.cfg.AllowPrivateTargets {
			return errs.Field("url", "must use https (plain http is allowed only when webhooks.allow_private_targets is on)")
		}
	default:
		return errs.Field("url", "must use https, not %q", u.Scheme)
	}
	if s.cfg.AllowPrivateTargets {
		return nil
	}
	host := u.Hostname()
	if a, err := netip.ParseAddr(host); err == nil {
		if privateAddr(a) {
			return errs.Field("url", "points at %s: %v (refused while webhooks.allow_private_targets is off)", host, ErrPrivateTarget)
		}
		return nil
	}
	if h := strings.ToLower(strings.TrimSuffix(host, ".")); h == "localhost" || strings.HasSuffix(h, ".localhost") || !strings.Contains(h, ".") {
		return errs.Field("url", "host %q is not a public domain name (refused while webhooks.allow_private_targets is off)", host)
	}
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupNetIP(rctx, "ip", host)
	if err != nil {
		return errs.Field("url", "host %q does not resolve", host)
	}
	for _, a := range addrs {
		if privateAddr(a) {
			return errs.Field("url", "host %q resolves to %s: %v (refused while webhooks.allow_private_targets is off)", host, a, ErrPrivateTarget)
		}
	}
	return nil
}

func checkEvents(events []string) error {
	if len(events) == 0 {
		return errs.Field("events", "name at least one event, e.g. %q", Events[0])
	}
	for _, e := range events {
		if !isPublic(e) {
			return errs.Field("events", "%q is not an event; known events: %s", e, strings.Join(Events, ", "))
		}
	}
	return nil
}

func normEvents(events []string) []string {
	out := slices.Clone(events)
	slices.Sort(out)
	return slices.Compact(out)
}

func checkDescription(d string) error {
	if len(d) > 200 {
		return errs.Field("description", "is longer than 200 characters")
	}
	return nil
}

// CreateEndpoint adds an endpoint with a new secret, returned once in Endpoint.Secret. Errors: invalid.
func (s *Service) CreateEndpoint(ctx context.Context, tenantID uuid.UUID, in EndpointInput) (*Endpoint, error) {
	var fe errs.Fields
	in.URL = strings.TrimSpace(in.URL)
	in.Description = strings.TrimSpace(in.Description)
	for _, err := range []error{s.CheckURL(ctx, in.URL), checkEvents(in.Events), checkDescription(in.Description)} {
		if e, ok := errs.As(err); ok {
			fe = append(fe, e.Fields...)
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	id := uuid.Must(uuid.NewV7())
	secret := NewSecret()
	sealed, err := s.sealer.Seal([]byte(secret), secretContext(id))
	if err != nil {
		return nil, fmt.Errorf("notify: seal secret: %w", err)
	}
	var ep *Endpoint
	err = s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `INSERT INTO webhook_endpoints (tenant_id, id, url, description, events, secret_sealed)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+endpointColumns, tenantID, id, in.URL, in.Description, normEvents(in.Events), sealed)
		var err error
		if ep, err = pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Endpoint]); err != nil {
			return err
		}
		return audit.Record(ctx, tx, tenantID, "webhook_endpoint.create", "webhook_endpoint", id.String(),
			map[string]any{"url": ep.URL, "events": ep.Events})
	})
	if err != nil {
		return nil, fmt.Errorf("notify: create endpoint: %w", err)
	}
	ep.Secret = secret
	return ep, nil
}

var errEndpointNotFound = errs.New(errs.NotFound, "webhook endpoint not found")

func getEndpoint(ctx context.Context, tx pgx.Tx, tenantID, id uuid.UUID, lock bool) (*Endpoint, error) {
	q := `SELECT ` + endpointColumns + ` FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2`
	if lock {
		q += " FOR UPDATE"
	}
	rows, _ := tx.Query(ctx, q, tenantID, id)
	ep, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Endpoint])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errEndpointNotFound
	}
	return ep, err
}

// Endpoint returns one endpoint. Errors: not_found.
func (s *Service) Endpoint(ctx context.Context, tenantID, id uuid.UUID) (*Endpoint, error) {
	var ep *Endpoint
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		var err error
		ep, err = getEndpoint(ctx, tx, tenantID, id, false)
		return err
	})
	return ep, err
}

// Endpoints lists the tenant's endpoints, oldest first, after the id after (uuid.Nil for the start).
func (s *Service) Endpoints(ctx context.Context, tenantID, after uuid.UUID, limit int) ([]Endpoint, error) {
	var out []Endpoint
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT `+endpointColumns+` FROM webhook_endpoints WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
			tenantID, after, limit)
		var err error
		out, err = pgx.CollectRows(rows, pgx.RowToStructByName[Endpoint])
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("notify: list endpoints: %w", err)
	}
	return out, nil
}

// UpdateEndpoint changes an endpoint. Errors: invalid, not_found.
func (s *Service) UpdateEndpoint(ctx context.Context, tenantID, id uuid.UUID, p EndpointPatch) (*Endpoint, error) {
	var fe errs.Fields
	if p.URL != nil {
		u := strings.TrimSpace(*p.URL)
		p.URL = &u
		if e, ok := errs.As(s.CheckURL(ctx, u)); ok {
			fe = append(fe, e.Fields...)
		}
	}
	if p.Events != nil {
		if e, ok := errs.As(checkEvents(*p.Events)); ok {
			fe = append(fe, e.Fields...)
		}
	}
	if p.Description != nil {
		d := strings.TrimSpace(*p.Description)
		p.Description = &d
		if e, ok := errs.As(checkDescription(d)); ok {
			fe = append(fe, e.Fields...)
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	var ep *Endpoint
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		old, err := getEndpoint(ctx, tx, tenantID, id, true)
		if err != nil {
			return err
		}
		n := *old
		changed := map[string]any{}
		if p.URL != nil && *p.URL != n.URL {
			n.URL, changed["url"] = *p.URL, *p.URL
		}
		if p.Description != nil && *p.Description != n.Description {
			n.Description, changed["description"] = *p.Description, *p.Description
		}
		if p.Events != nil && !slices.Equal(normEvents(*p.Events), n.Events) {
			n.Events = normEvents(*p.Events)
			changed["events"] = n.Events
		}
		if p.Enabled != nil && *p.Enabled != n.Enabled {
			n.Enabled, changed["enabled"] = *p.Enabled, *p.Enabled
		}
		if len(changed) == 0 {
			ep = old
			return nil
		}
		rows, _ := tx.Query(ctx, `UPDATE webhook_endpoints SET url = $3, description = $4, events = $5, enabled = $6, updated_at = now()
			WHERE tenant_id = $1 AND id = $2 RETURNING `+endpointColumns, tenantID, id, n.URL, n.Description, n.Events, n.Enabled)
		if ep, err = pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Endpoint]); err != nil {
			return err
		}
		return audit.Record(ctx, tx, tenantID, "webhook_endpoint.update", "webhook_endpoint", id.String(), changed)
	})
	if err != nil {
		return nil, fmt.Errorf("notify: update endpoint: %w", err)
	}
	return ep, nil
}

// DeleteEndpoint removes an endpoint with its delivery log; pending deliveries stop. Errors: not_found.
func (s *Service) DeleteEndpoint(ctx context.Context, tenantID, id uuid.UUID) error {
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		ep, err := getEndpoint(ctx, tx, tenantID, id, true)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2`, tenantID, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, tenantID, "webhook_endpoint.delete", "webhook_endpoint", id.String(), map[string]any{"url": ep.URL})
	})
	if err != nil {
		return fmt.Errorf("notify: delete endpoint: %w", err)
	}
	return nil
}
