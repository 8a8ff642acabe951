package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sslreseller/sslreseller/internal/audit"
	"github.com/sslreseller/sslreseller/internal/platform/db"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
	"github.com/sslreseller/sslreseller/internal/platform/seal"
)

// ErrAccountNotFound is returned for an unknown account or one of another tenant.
var ErrAccountNotFound = errs.New(errs.NotFound, "provider account not found")

// Store keeps a tenant's provider accounts, with credentials and adapter state sealed at rest, and
// builds adapters for them.
type Store struct {
	db          *db.DB
	sealer      *seal.Sealer
	reg         *Registry
	limiter     *Limiter
	allowCustom bool
	http        *http.Client
	now         func() time.Time
}

// StoreOptions configure a Store.
type StoreOptions struct {
	AllowCustomEndpoints bool
	HTTP                 *http.Client
	Now                  func() time.Time
}

// NewStore returns a Store.
func NewStore(d *db.DB, sealer *seal.Sealer, reg *Registry, o StoreOptions) *Store {
	if o.HTTP == nil {
		o.HTTP = &http.Client{Timeout: 60 * time.Second}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Store{db: d, sealer: sealer, reg: reg, limiter: NewLimiter(d), allowCustom: o.AllowCustomEndpoints, http: o.HTTP, now: o.Now}
}

// Registry returns the provider registry.
func (s *Store) Registry() *Registry { return s.reg }

// AccountView is an account as staff and the API see it: credentials are never shown, only which
// keys have a value.
type AccountView struct {
	ID             uuid.UUID         `json:"id"`
	Provider       string            `json:"provider"`
	Name           string            `json:"name"`
	Environment    string            `json:"environment"`
	Endpoint       string            `json:"endpoint"`
	CredentialsSet []string          `json:"credentials_set"`
	Settings       map[string]string `json:"settings"`
	Capabilities   Capabilities      `json:"capabilities"`
	RatePerMinute  int               `json:"rate_per_minute"`
	MaxConcurrency int               `json:"max_concurrency"`
	LastTestAt     *time.Time        `json:"last_test_at"`
	LastTestOK     *bool             `json:"last_test_ok"`
	LastTestDetail string            `json:"last_test_detail"`
	LastSyncAt     *time.Time        `json:"last_sync_at"`
	LastSyncError  string            `json:"last_sync_error"`
	CreatedAt      time.Time         `json:"created_at"`
	UpdatedAt      time.Time         `json:"updated_at"`
	// TestIssuesNoCerts is true when the account's environment issues no real certificates.
	TestIssuesNoCerts bool `json:"test_environment_issues_no_certificates"`
}

// AccountInput creates an account.
type AccountInput struct {
	Provider    string            `json:"provider"`
	Name        string            `json:"name"`
	Environment string            `json:"environment"`
	Endpoint    string            `json:"endpoint"`
	Credentials map[string]string `json:"credentials"`
	Settings    map[string]string `json:"settings"`
}

// AccountPatch changes an account; credentials given replace those keys (others are kept), settings
// given replace those keys.
type AccountPatch struct {
	Name           *string           `json:"name"`
	Environment    *string           `json:"environment"`
	Endpoint       *string           `json:"endpoint"`
	Credentials    map[string]string `json:"credentials"`
	Settings       map[string]string `json:"settings"`
	RatePerMinute  *int              `json:"rate_per_minute"`
	MaxConcurrency *int              `json:"max_concurrency"`
}

func (s *Store) checkEndpoint(f *errs.Fields, endpoint string) {
	if endpoint == "" {
		return
	}
	if !s.allowCustom {
		f.Add("endpoint", "custom endpoints are turned off on this installation (providers.allow_custom_endpoints)")
		return
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		f.Add("endpoint", "%q is not an http(s) URL with a host", endpoint)
	}
}

func checkKeys(f *errs.Fields, field string, given map[string]string, keys []Key, requireAll bool) {
	known := map[string]bool{}
	for _, k := range keys {
		known[k.Name] = true
		if requireAll && k.Required && strings.TrimSpace(given[k.Name]) == "" {
			f.Add(field+"."+k.Name, "is required")
		}
	}
	names := make([]string, 0, len(given))
	for k := range given {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if !known[k] {
			want := make([]string, 0, len(keys))
			for _, k := range keys {
				want = append(want, k.Name)
			}
			f.Add(field+"."+k, "is not a key of this provider (expected %s)", strings.Join(want, ", "))
		} else if len(given[k]) > 4096 || !utf8.ValidString(given[k]) {
			f.Add(field+"."+k, "is too long or not text")
		}
	}
}

func (s *Store) validate(spec Spec, name, env string, endpoint string, creds, settings map[string]string, creating bool) error {
	var f errs.Fields
	if n := strings.TrimSpace(name); n == "" || len(n) > 100 {
		f.Add("name", "is required (at most 100 characters)")
	}
	switch env {
	case EnvTest, EnvLive:
		if spec.LiveOnly && env == EnvTest {
			f.Add("environment", "%s has no test environment; use live", spec.Title)
		}
	default:
		f.Add("environment", "must be test or live")
	}
	s.checkEndpoint(&f, endpoint)
	checkKeys(&f, "credentials", creds, spec.Credentials, creating)
	checkKeys(&f, "settings", settings, spec.Settings, false)
	if err := f.Err(); err != nil {
		return err
	}
	if spec.CheckSettings != nil {
		if err := spec.CheckSettings(settings); err != nil {
			return ToErrs(err)
		}
	}
	return nil
}

func credContext(id uuid.UUID) string  { return "provider_account:" + id.String() + ":credentials" }
func stateContext(id uuid.UUID) string { return "provider_account:" + id.String() + ":state" }

// Create connects an account.
func (s *Store) Create(ctx context.Context, tenantID uuid.UUID, in AccountInput) (*AccountView, error) {
	spec, ok := s.reg.Get(in.Provider)
	if !ok {
		return nil, errs.Field("provider", "%q is not a provider (choose one of %s)", in.Provider, strings.Join(s.reg.Names(), ", "))
	}
	if in.Environment == "" {
		in.Environment = EnvTest
		if spec.LiveOnly {
			in.Environment = EnvLive
		}
	}
	if in.Credentials == nil {
		in.Credentials = map[string]string{}
	}
	settings := defaults(spec, in.Settings)
	if err := s.validate(spec, in.Name, in.Environment, in.Endpoint, in.Credentials, settings, true); err != nil {
		return nil, err
	}
	id := uuid.Must(uuid.NewV7())
	credSealed, keys, err := s.sealCreds(id, in.Credentials)
	if err != nil {
		return nil, err
	}
	stateSealed := ""
	if spec.Init != nil {
		state, err := spec.Init(ctx, Account{ID: id, TenantID: tenantID, Provider: spec.Name, Name: in.Name, Environment: in.Environment, Settings: settings}, s.now())
		if err != nil {
			return nil, fmt.Errorf("provider: init %s: %w", spec.Name, err)
		}
		if stateSealed, err = s.sealer.Seal(state, stateContext(id)); err != nil {
			return nil, err
		}
	}
	raw, _ := json.Marshal(settings)
	err = s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		rate, conc := spec.RatePerMinute, spec.MaxConcurrency
		if rate == 0 {
			rate = 120
		}
		if conc == 0 {
			conc = 4
		}
		_, err := tx.Exec(ctx, `INSERT INTO provider_accounts (tenant_id, id, provider, name, environment, endpoint,
			credentials_sealed, credential_keys, settings, state_sealed, min_poll_seconds, rate_per_minute, max_concurrency)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			tenantID, id, spec.Name, strings.TrimSpace(in.Name), in.Environment, in.Endpoint, credSealed, keys, raw, stateSealed,
			int(spec.Capabilities.MinPoll/time.Second), rate, conc)
		if _, dup := db.UniqueViolation(err); dup {
			return errs.Field("name", "an account named %q exists already", in.Name)
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO provider_limits (tenant_id, account_id, tokens) VALUES ($1, $2, 10)`, tenantID, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, tenantID, "provider_account.created", "provider_account", id.String(), map[string]any{
			"provider": spec.Name, "name": in.Name, "environment": in.Environment, "endpoint": in.Endpoint,
			"credentials_set": keys, "settings": settings,
		})
	})
	if err != nil {
		return nil, fmt.Errorf("provider account: create: %w", err)
	}
	return s.Get(ctx, tenantID, id)
}

func defaults(spec Spec, given map[string]string) map[string]string {
	out := map[string]string{}
	for _, k := range spec.Settings {
		if k.Default != "" {
			out[k.Name] = k.Default
		}
	}
	for k, v := range given {
		out[k] = v
	}
	return out
}

func (s *Store) sealCreds(id uuid.UUID, creds map[string]string) (string, []string, error) {
	keys := []string{}
	clean := map[string]string{}
	for k, v := range creds {
		if v != "" {
			keys = append(keys, k)
			clean[k] = v
		}
	}
	sort.Strings(keys)
	raw, _ := json.Marshal(clean)
	sealed, err := s.sealer.Seal(raw, credContext(id))
	return sealed, keys, err
}

type accountRow struct {
	ID                uuid.UUID         `db:"id"`
	Provider          string            `db:"provider"`
	Name              string            `db:"name"`
	Environment       string            `db:"environment"`
	Endpoint          string            `db:"endpoint"`
	CredentialsSealed string            `db:"credentials_sealed"`
	CredentialKeys    []string          `db:"credential_keys"`
	Settings          map[string]string `db:"settings"`
	StateSealed       string            `db:"state_sealed"`
	RatePerMinute     int               `db:"rate_per_minute"`
	MaxConcurrency    int               `db:"max_concurrency"`
	LastTestAt        *time.Time        `db:"last_test_at"`
	LastTestOK        *bool             `db:"last_test_ok"`
	LastTestDetail    string            `db:"last_test_detail"`
	LastSyncAt        *time.Time        `db:"last_sync_at"`
	LastSyncError     string            `db:"last_sync_error"`
	CreatedAt         time.Time         `db:"created_at"`
	UpdatedAt         time.Time         `db:"updated_at"`
}

const accountColumns = `id, provider, name, environment, endpoint, credentials_sealed, credential_keys, settings, state_sealed,
	rate_per_minute, max_concurrency, last_test_at, last_test_ok, last_test_detail, last_sync_at, last_sync_error, created_at, updated_at`

func (s *Store) view(r *accountRow) *AccountView {
	spec, _ := s.reg.Get(r.Provider)
	if spec.Capabilities.DCVMethods == nil {
		spec.Capabilities.DCVMethods = []string{}
	}
	return &AccountView{ID: r.ID, Provider: r.Provider, Name: r.Name, Environment: r.Environment, Endpoint: r.Endpoint,
		CredentialsSet: r.CredentialKeys, Settings: r.Settings, Capabilities: spec.Capabilities,
		RatePerMinute: r.RatePerMinute, MaxConcurrency: r.MaxConcurrency,
		LastTestAt: r.LastTestAt, LastTestOK: r.LastTestOK, LastTestDetail: r.LastTestDetail,
		LastSyncAt: r.LastSyncAt, LastSyncError: r.LastSyncError, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		TestIssuesNoCerts: r.Environment == EnvTest && !spec.Capabilities.TestIssues}
}

func getRow(ctx context.Context, tx pgx.Tx, tenantID, id uuid.UUID, lock bool) (*accountRow, error) {
	q := `SELECT ` + accountColumns + ` FROM provider_accounts WHERE tenant_id = $1 AND id = $2`
	if lock {
		q += " FOR UPDATE"
	}
	rows, _ := tx.Query(ctx, q, tenantID, id)
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[accountRow])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrAccountNotFound
	}
	return r, err
}

// Get returns one account.
func (s *Store) Get(ctx context.Context, tenantID, id uuid.UUID) (*AccountView, error) {
	var v *AccountView
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		r, err := getRow(ctx, tx, tenantID, id, false)
		if err != nil {
			return err
		}
		v = s.view(r)
		return nil
	})
	return v, err
}

// List returns the tenant's accounts by name.
func (s *Store) List(ctx context.Context, tenantID uuid.UUID) ([]AccountView, error) {
	var out []AccountView
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT `+accountColumns+` FROM provider_accounts WHERE tenant_id = $1 ORDER BY lower(name)`, tenantID)
		rs, err := pgx.CollectRows(rows, pgx.RowToAddrOfStructByName[accountRow])
		for _, r := range rs {
			out = append(out, *s.view(r))
		}
		return err
	})
	return out, err
}

// Update changes an account.
func (s *Store) Update(ctx context.Context, tenantID, id uuid.UUID, p AccountPatch) (*AccountView, error) {
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		r, err := getRow(ctx, tx, tenantID, id, true)
		if err != nil {
			return err
		}
		spec, _ := s.reg.Get(r.Provider)
		name, env, endpoint := r.Name, r.Environment, r.Endpoint
		if p.Name != nil {
			name = strings.TrimSpace(*p.Name)
		}
		if p.Environment != nil {
			env = *p.Environment
		}
		if p.Endpoint != nil {
			endpoint = *p.Endpoint
		}
		settings := r.Settings
		if settings == nil {
			settings = map[string]string{}
		}
		for k, v := range p.Settings {
			settings[k] = v
		}
		creds := map[string]string{}
		if p.Credentials != nil {
			if creds, err = s.openCreds(r); err != nil {
				return err
			}
			for k, v := range p.Credentials {
				creds[k] = v
			}
		}
		var f errs.Fields
		if p.RatePerMinute != nil && (*p.RatePerMinute < 1 || *p.RatePerMinute > 10000) {
			f.Add("rate_per_minute", "must be between 1 and 10000")
		}
		if p.MaxConcurrency != nil && (*p.MaxConcurrency < 1 || *p.MaxConcurrency > 100) {
			f.Add("max_concurrency", "must be between 1 and 100")
		}
		if err := f.Err(); err != nil {
			return err
		}
		if err := s.validate(spec, name, env, endpoint, p.Credentials, settings, false); err != nil {
			return err
		}
		credSealed, keys := r.CredentialsSealed, r.CredentialKeys
		if p.Credentials != nil {
			if credSealed, keys, err = s.sealCreds(id, creds); err != nil {
				return err
			}
		}
		rate, conc := r.RatePerMinute, r.MaxConcurrency
		if p.RatePerMinute != nil {
			rate = *p.RatePerMinute
		}
		if p.MaxConcurrency != nil {
			conc = *p.MaxConcurrency
		}
		raw, _ := json.Marshal(settings)
		_, err = tx.Exec(ctx, `UPDATE provider_accounts SET name = $3, environment = $4, endpoint = $5, credentials_sealed = $6,
			credential_keys = $7, settings = $8, rate_per_minute = $9, max_concurrency = $10, updated_at = now()
			WHERE tenant_id = $1 AND id = $2`, tenantID, id, name, env, endpoint, credSealed, keys, raw, rate, conc)
		if _, dup := db.UniqueViolation(err); dup {
			return errs.Field("name", "an account named %q exists already", name)
		}
		if err != nil {
			return err
		}
		changed := map[string]any{"name": name, "environment": env, "endpoint": endpoint, "settings": settings,
			"credentials_changed": sortedKeys(p.Credentials), "rate_per_minute": rate, "max_concurrency": conc}
		return audit.Record(ctx, tx, tenantID, "provider_account.updated", "provider_account", id.String(), changed)
	})
	if err != nil {
		return nil, fmt.Errorf("provider account: update: %w", err)
	}
	return s.Get(ctx, tenantID, id)
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Delete removes an account with its catalogue and products; it is refused while orders use it.
func (s *Store) Delete(ctx context.Context, tenantID, id uuid.UUID) error {
	return s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		if _, err := getRow(ctx, tx, tenantID, id, true); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM provider_accounts WHERE tenant_id = $1 AND id = $2`, tenantID, id)
		if _, fk := db.ForeignKeyViolation(err); fk {
			return errs.New(errs.Conflict, "orders use this provider account; it cannot be deleted while they exist")
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, tenantID, "provider_account.deleted", "provider_account", id.String(), nil)
	})
}

func (s *Store) openCreds(r *accountRow) (map[string]string, error) {
	creds := map[string]string{}
	if r.CredentialsSealed == "" {
		return creds, nil
	}
	raw, err := s.sealer.Open(r.CredentialsSealed, credContext(r.ID))
	if err != nil {
		return nil, fmt.Errorf("provider account %s: credentials: %w", r.ID, err)
	}
	if err := json.Unmarshal(raw, &creds); err != nil {
		return nil, err
	}
	return creds, nil
}

// Open builds the adapter of an account, with its limits and call log wired in.
func (s *Store) Open(ctx context.Context, tenantID, id uuid.UUID) (Provider, *AccountView, error) {
	var r *accountRow
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		var err error
		r, err = getRow(ctx, tx, tenantID, id, false)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return s.build(tenantID, r)
}

func (s *Store) build(tenantID uuid.UUID, r *accountRow) (Provider, *AccountView, error) {
	spec, ok := s.reg.Get(r.Provider)
	if !ok {
		return nil, nil, errs.New(errs.Unsupported, "provider %q is not available in this build", r.Provider)
	}
	creds, err := s.openCreds(r)
	if err != nil {
		return nil, nil, err
	}
	var state []byte
	if r.StateSealed != "" {
		if state, err = s.sealer.Open(r.StateSealed, stateContext(r.ID)); err != nil {
			return nil, nil, fmt.Errorf("provider account %s: state: %w", r.ID, err)
		}
	}
	acct := Account{ID: r.ID, TenantID: tenantID, Provider: r.Provider, Name: r.Name, Environment: r.Environment,
		Endpoint: r.Endpoint, Credentials: creds, Settings: r.Settings, State: state}
	client := &http.Client{Timeout: s.http.Timeout, Transport: &limitedTransport{limiter: s.limiter, tenantID: tenantID, account: r.ID, next: transportOf(s.http)}}
	p, err := spec.New(acct, Deps{HTTP: client, Record: s.recorder(tenantID, r.ID), Now: s.now})
	if err != nil {
		return nil, nil, ToErrs(err)
	}
	return p, s.view(r), nil
}

func transportOf(c *http.Client) http.RoundTripper {
	if c.Transport != nil {
		return c.Transport
	}
	return http.DefaultTransport
}

// TestResult is the answer of a connection test.
type TestResult struct {
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// Test makes the adapter's harmless call and records the outcome on the account.
func (s *Store) Test(ctx context.Context, tenantID, id uuid.UUID) (*TestResult, error) {
	p, _, err := s.Open(ctx, tenantID, id)
	var res TestResult
	if err != nil {
		if errs.Is(err, errs.NotFound) {
			return nil, err
		}
		res.Detail = describe(err)
	} else {
		detail, err := p.TestConnection(ctx)
		res.OK, res.Detail = err == nil, detail
		if err != nil {
			res.Detail = describe(err)
		}
	}
	err = s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE provider_accounts SET last_test_at = now(), last_test_ok = $3, last_test_detail = $4
			WHERE tenant_id = $1 AND id = $2`, tenantID, id, res.OK, res.Detail); err != nil {
			return err
		}
		return audit.Record(ctx, tx, tenantID, "provider_account.tested", "provider_account", id.String(), res)
	})
	return &res, err
}

// describe turns an adapter error into words staff can act on.
func describe(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	if ee, ok := errs.As(err); ok && ee.Code != errs.Internal {
		return ee.Message
	}
	return "the provider could not be reached: check the endpoint, the network and that the provider is up"
}
