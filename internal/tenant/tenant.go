// Package tenant is the directory of reseller businesses: each tenant has a slug (for the /t/{slug}
// path prefix), host names (white-label), a default currency and settings. Tenants are resolved
// before any tenant context exists, so this table is read without one.
package tenant

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sslreseller/sslreseller/internal/audit"
	"github.com/sslreseller/sslreseller/internal/money"
	"github.com/sslreseller/sslreseller/internal/platform/db"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

// ErrNotFound is returned for an unknown slug, host or id.
var ErrNotFound = errs.New(errs.NotFound, "tenant not found")

// Tenant is one reseller business.
type Tenant struct {
	ID              uuid.UUID `db:"id"`
	Slug            string    `db:"slug"`
	Name            string    `db:"name"`
	DefaultCurrency string    `db:"default_currency"`
	Settings        Settings  `db:"settings"`
	Status          string    `db:"status"`
	HostNames       []string  `db:"host_names"`
	CreatedAt       time.Time `db:"created_at"`
	UpdatedAt       time.Time `db:"updated_at"`
}

// Settings are the tenant's options.
type Settings struct {
	// RequireActivation makes new orders wait for staff activation.
	RequireActivation bool `json:"require_activation"`
	// SupportEmail is where client replies go.
	SupportEmail string `json:"support_email,omitempty"`
	// ExpiryNotices are the days before the end of a term on which the client is told it is ending;
	// empty means DefaultExpiryNotices.
	ExpiryNotices []int `json:"expiry_notice_days,omitempty"`
	// SMTP is the tenant's own mail server and sender; nil sends through the platform's.
	SMTP *SMTPSettings `json:"smtp,omitempty"`
}

// SMTPSettings is a tenant's own mail server. The password is sealed (internal/platform/seal).
type SMTPSettings struct {
	Host           string `json:"host"`
	Port           int    `json:"port"`
	Username       string `json:"username,omitempty"`
	PasswordSealed string `json:"password_sealed,omitempty"`
	TLS            string `json:"tls"`
	From           string `json:"from"`
}

// DefaultExpiryNotices is the expiry notice schedule of a tenant that has not set one.
var DefaultExpiryNotices = []int{30, 14, 7, 1, 0}

// ExpirySchedule returns the tenant's notice days, largest first.
func (s Settings) ExpirySchedule() []int {
	if len(s.ExpiryNotices) == 0 {
		return DefaultExpiryNotices
	}
	out := slices.Clone(s.ExpiryNotices)
	slices.Sort(out)
	slices.Reverse(out)
	return slices.Compact(out)
}

// Active reports whether the tenant may be used.
func (t *Tenant) Active() bool { return t.Status == "active" }

// CreateInput is what a new tenant needs.
type CreateInput struct {
	Slug      string
	Name      string
	Currency  string
	HostNames []string
}

var slugRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$`)
var hostRE = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)

// reserved slugs would collide with the service's own paths.
var reserved = map[string]bool{"api": true, "admin": true, "portal": true, "operator": true, "static": true, "t": true}

// Validate normalises and checks the input.
func (in *CreateInput) Validate() error {
	in.Slug = strings.ToLower(strings.TrimSpace(in.Slug))
	in.Name = strings.TrimSpace(in.Name)
	in.Currency = strings.ToUpper(strings.TrimSpace(in.Currency))
	if in.Currency == "" {
		in.Currency = "USD"
	}
	var f errs.Fields
	switch {
	case !slugRE.MatchString(in.Slug):
		f.Add("slug", "must be 1 to 40 lower-case letters, digits or hyphens, not starting or ending with a hyphen")
	case reserved[in.Slug]:
		f.Add("slug", "%q is reserved", in.Slug)
	}
	if in.Name == "" || len(in.Name) > 200 {
		f.Add("name", "is required (at most 200 characters)")
	}
	if !money.Valid(in.Currency) {
		f.Add("currency", "%q is not an ISO 4217 currency code", in.Currency)
	}
	for i, h := range in.HostNames {
		h = strings.ToLower(strings.TrimSpace(h))
		in.HostNames[i] = h
		if !hostRE.MatchString(h) {
			f.Add("host_names", "%q is not a host name", h)
		}
	}
	return f.Err()
}

// Store reads and writes tenants.
type Store struct {
	db *db.DB
}

// NewStore returns a Store.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

const selectTenant = `SELECT t.id, t.slug, t.name, t.default_currency, t.settings, t.status, t.created_at, t.updated_at,
	coalesce((SELECT array_agg(h.host ORDER BY h.host) FROM tenant_hosts h WHERE h.tenant_id = t.id), '{}') AS host_names
	FROM tenants t`

// Create adds a tenant.
func (s *Store) Create(ctx context.Context, in CreateInput) (*Tenant, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	id := uuid.Must(uuid.NewV7())
	var t *Tenant
	err := s.db.Plain(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO tenants (id, slug, name, default_currency) VALUES ($1, $2, $3, $4)`,
			id, in.Slug, in.Name, in.Currency)
		if _, ok := db.UniqueViolation(err); ok {
			return errs.Field("slug", "a tenant with slug %q already exists", in.Slug)
		}
		if err != nil {
			return err
		}
		for _, h := range in.HostNames {
			_, err := tx.Exec(ctx, `INSERT INTO tenant_hosts (host, tenant_id) VALUES ($1, $2)`, h, id)
			if _, ok := db.UniqueViolation(err); ok {
				return errs.Field("host_names", "host name %q is already in use", h)
			}
			if err != nil {
				return err
			}
		}
		if err := setTenant(ctx, tx, id); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, id, "tenant.created", "tenant", id.String(), map[string]any{
			"slug": in.Slug, "name": in.Name, "currency": in.Currency, "host_names": in.HostNames,
		}); err != nil {
			return err
		}
		t, err = one(ctx, tx, selectTenant+" WHERE t.id = $1", id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("tenant: create: %w", err)
	}
	return t, nil
}

// setTenant lets the audit event of a new tenant pass row-level security.
func setTenant(ctx context.Context, tx pgx.Tx, id uuid.UUID) error {
	_, err := tx.Exec(ctx, "SELECT set_config('app.tenant_id', $1, true)", id.String())
	return err
}

// List returns every tenant, by slug.
func (s *Store) List(ctx context.Context) ([]Tenant, error) {
	rows, _ := s.db.Pool.Query(ctx, selectTenant+" ORDER BY t.slug")
	return pgx.CollectRows(rows, pgx.RowToStructByName[Tenant])
}

// BySlug finds a tenant by slug.
func (s *Store) BySlug(ctx context.Context, slug string) (*Tenant, error) {
	return s.get(ctx, selectTenant+" WHERE t.slug = $1", strings.ToLower(slug))
}

// ByHost finds a tenant by one of its host names.
func (s *Store) ByHost(ctx context.Context, host string) (*Tenant, error) {
	return s.get(ctx, selectTenant+" WHERE t.id = (SELECT tenant_id FROM tenant_hosts WHERE host = $1)", strings.ToLower(host))
}

// ByID finds a tenant by id.
func (s *Store) ByID(ctx context.Context, id uuid.UUID) (*Tenant, error) {
	return s.get(ctx, selectTenant+" WHERE t.id = $1", id)
}

// UpdateSettings replaces the settings and records who changed them.
func (s *Store) UpdateSettings(ctx context.Context, id uuid.UUID, st Settings) error {
	raw, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, id, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE tenants SET settings = $2, updated_at = now() WHERE id = $1`, id, raw); err != nil {
			return err
		}
		return audit.Record(ctx, tx, id, "tenant.settings_updated", "tenant", id.String(), st)
	})
}

func (s *Store) get(ctx context.Context, q string, arg any) (*Tenant, error) {
	return one(ctx, s.db.Pool, q, arg)
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func one(ctx context.Context, q querier, sql string, arg any) (*Tenant, error) {
	rows, _ := q.Query(ctx, sql, arg)
	t, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Tenant])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	return t, err
}
