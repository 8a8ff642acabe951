package order

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"go.uber.org/zap"

	"github.com/sslreseller/sslreseller/internal/account"
	"github.com/sslreseller/sslreseller/internal/audit"
	"github.com/sslreseller/sslreseller/internal/catalog"
	"github.com/sslreseller/sslreseller/internal/platform/db"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
	"github.com/sslreseller/sslreseller/internal/platform/seal"
	"github.com/sslreseller/sslreseller/internal/provider"
	"github.com/sslreseller/sslreseller/internal/tenant"
)

// Config are the lifecycle's settings.
type Config struct {
	BaseURL          string
	FirstCheck       time.Duration
	InitialInterval  time.Duration
	MaxInterval      time.Duration
	MaxPendingAge    time.Duration
	SubmitLease      time.Duration
	ConfigureLinkTTL time.Duration
	ReissueBefore    time.Duration
}

// Service runs the order lifecycle.
type Service struct {
	db        *db.DB
	sys       *db.System
	providers *provider.Store
	catalog   *catalog.Store
	accounts  *account.Store
	tenants   *tenant.Store
	sealer    *seal.Sealer
	tokens    *Tokens
	river     *river.Client[pgx.Tx]
	log       *zap.Logger
	now       func() time.Time
	cfg       Config
	notifier  Notifier
}

// Deps are what the Service needs.
type Deps struct {
	DB        *db.DB
	System    *db.System
	Providers *provider.Store
	Catalog   *catalog.Store
	Accounts  *account.Store
	Tenants   *tenant.Store
	Sealer    *seal.Sealer
	Tokens    *Tokens
	Log       *zap.Logger
	Now       func() time.Time
}

// NewService returns a Service; SetRiver must be called before jobs are enqueued.
func NewService(d Deps, cfg Config) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Service{db: d.DB, sys: d.System, providers: d.Providers, catalog: d.Catalog, accounts: d.Accounts,
		tenants: d.Tenants, sealer: d.Sealer, tokens: d.Tokens, log: d.Log, now: d.Now, cfg: cfg}
}

// SetRiver hands the job client to the service (the client needs the workers, which need the service).
func (s *Service) SetRiver(c *river.Client[pgx.Tx]) { s.river = c }

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.now() }

// CreateInput creates an order after payment.
type CreateInput struct {
	ClientID         uuid.UUID `json:"client_id"`
	ProductID        uuid.UUID `json:"product_id"`
	PeriodMonths     int       `json:"period_months"`
	Currency         string    `json:"currency"`
	BillingReference string    `json:"billing_reference"`
	DomainsCount     int       `json:"domains_count"`
}

// Create records a paid order. It waits for staff activation when the tenant asks for that.
func (s *Service) Create(ctx context.Context, tenantID uuid.UUID, in CreateInput) (*View, error) {
	var f errs.Fields
	if in.ClientID == uuid.Nil {
		f.Add("client_id", "is required")
	}
	if in.ProductID == uuid.Nil {
		f.Add("product_id", "is required")
	}
	if in.PeriodMonths == 0 {
		f.Add("period_months", "is required")
	}
	if in.DomainsCount == 0 {
		in.DomainsCount = 1
	}
	if in.DomainsCount < 1 {
		f.Add("domains_count", "must be at least 1")
	}
	if len(in.BillingReference) > 200 {
		f.Add("billing_reference", "must be at most 200 characters")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	t, err := s.tenants.ByID(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	if in.Currency == "" {
		in.Currency = t.DefaultCurrency
	}
	in.Currency = strings.ToUpper(in.Currency)
	id := uuid.Must(uuid.NewV7())
	var v *View
	err = s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		client, err := s.accounts.ClientTx(ctx, tx, tenantID, in.ClientID)
		if err != nil {
			return errs.Field("client_id", "no client with this id")
		}
		p, err := s.catalog.ProductForOrder(ctx, tx, tenantID, in.ProductID)
		if err != nil {
			return errs.Field("product_id", "no product with this id")
		}
		if p.Item().Discontinued {
			return errs.Field("product_id", "the provider no longer sells %q", p.Name)
		}
		price, ok := p.PeriodPrice(in.PeriodMonths, in.Currency)
		if !ok {
			if _, any := p.PeriodPrice(in.PeriodMonths, t.DefaultCurrency); !any && !hasPeriod(p, in.PeriodMonths) {
				return errs.Field("period_months", "%q is not sold for %d months (periods: %s)", p.Name, in.PeriodMonths, periodsOf(p))
			}
			return errs.Field("currency", "%q has no %d-month price in %s", p.Name, in.PeriodMonths, in.Currency)
		}
		if in.DomainsCount > p.MaxDomains {
			return errs.Field("domains_count", "%q allows at most %d names", p.Name, p.MaxDomains)
		}
		if in.DomainsCount > p.IncludedDomains {
			extra, ok := p.DomainPrice(in.PeriodMonths, in.Currency)
			if !ok {
				return errs.Field("domains_count", "%q has no price for extra names in %s", p.Name, in.Currency)
			}
			price.Minor += extra.Minor * int64(in.DomainsCount-p.IncludedDomains)
		}
		status := AwaitingConfiguration
		if t.Settings.RequireActivation {
			status = AwaitingActivation
		}
		search := strings.ToLower(strings.Join([]string{client.Email, client.FirstName, client.LastName, client.Organization, in.BillingReference, p.Name}, " "))
		if _, err := tx.Exec(ctx, `INSERT INTO orders (tenant_id, id, client_id, product_id, account_id, item_code, status,
			period_months, currency, amount_minor, domains_count, billing_reference, search)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			tenantID, id, in.ClientID, in.ProductID, p.ProviderAccountID, p.ItemCode, status, in.PeriodMonths, price.Currency,
			price.Minor, in.DomainsCount, in.BillingReference, search); err != nil {
			return fmt.Errorf("order: create: %w", err)
		}
		if err := recordEvent(ctx, tx, tenantID, id, "order.created", map[string]any{"status": status, "product": p.Name,
			"period_months": in.PeriodMonths, "price": price, "domains_count": in.DomainsCount, "billing_reference": in.BillingReference}); err != nil {
			return err
		}
		if err := s.notify(ctx, tx, tenantID, id, EventCreated); err != nil {
			return err
		}
		v, err = s.viewTx(ctx, tx, tenantID, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

func hasPeriod(p *catalog.Product, months int) bool {
	for _, pp := range p.Periods {
		if pp.Months == months {
			return true
		}
	}
	return false
}

func periodsOf(p *catalog.Product) string {
	parts := []string{}
	for _, pp := range p.Periods {
		parts = append(parts, fmt.Sprintf("%d", pp.Months))
	}
	return strings.Join(parts, ", ") + " months"
}

// ConfigureURL is the portal link that opens one order for configuration and follow-up.
func (s *Service) ConfigureURL(t *tenant.Tenant, orderID uuid.UUID) string {
	// The expiry is rounded to the end of a day, so the link stays the same all day long.
	exp := s.now().Add(s.cfg.ConfigureLinkTTL).UTC().Truncate(24 * time.Hour).Add(24*time.Hour - time.Second)
	return s.cfg.BaseURL + "/t/" + t.Slug + "/portal/o/" + s.tokens.Make(PurposeConfigure, t.ID, orderID, exp)
}

// OpenToken returns the order a portal token opens.
func (s *Service) OpenToken(tenantID uuid.UUID, token string) (uuid.UUID, bool) {
	return s.tokens.Open(PurposeConfigure, tenantID, token, s.now())
}

func (s *Service) viewTx(ctx context.Context, tx pgx.Tx, tenantID, id uuid.UUID) (*View, error) {
	o, err := getOrder(ctx, tx, tenantID, id, false)
	if err != nil {
		return nil, err
	}
	iss, err := issuancesOf(ctx, tx, tenantID, []uuid.UUID{id})
	if err != nil {
		return nil, err
	}
	t, err := s.tenants.ByID(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	v := s.view(o, iss[id], s.ConfigureURL(t, id))
	return &v, nil
}

// Get returns one order.
func (s *Service) Get(ctx context.Context, tenantID, id uuid.UUID) (*View, error) {
	var v *View
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		var err error
		v, err = s.viewTx(ctx, tx, tenantID, id)
		return err
	})
	return v, err
}

// Filter narrows an order list.
type Filter struct {
	Status       Status
	ClientID     uuid.UUID
	UpdatedSince *time.Time
	Query        string
	Newest       bool
}

// List returns one page of orders and the next cursor.
func (s *Service) List(ctx context.Context, tenantID uuid.UUID, f Filter, p account.Page) ([]View, string, error) {
	if err := p.Normalize(); err != nil {
		return nil, "", err
	}
	after, err := account.DecodeCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	if f.Status != "" && !f.Status.Valid() {
		return nil, "", errs.Field("status", "%q is not an order status", f.Status)
	}
	q := `SELECT ` + orderColumns + ` FROM orders WHERE tenant_id = $1`
	args := []any{tenantID}
	add := func(cond string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(" AND "+cond, len(args))
	}
	if after != uuid.Nil {
		if f.Newest {
			add("id < $%d", after)
		} else {
			add("id > $%d", after)
		}
	}
	if f.Status != "" {
		add("status = $%d", string(f.Status))
	}
	if f.ClientID != uuid.Nil {
		add("client_id = $%d", f.ClientID)
	}
	if f.UpdatedSince != nil {
		add("updated_at >= $%d", *f.UpdatedSince)
	}
	if s := strings.TrimSpace(f.Query); s != "" {
		esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(s))
		add(`(search LIKE '%%' || $%d || '%%' OR id IN (SELECT order_id FROM issuances WHERE tenant_id = $1 AND common_name LIKE '%%' || $`+fmt.Sprint(len(args)+1)+` || '%%'))`, esc)
	}
	if f.Newest {
		q += " ORDER BY id DESC"
	} else {
		q += " ORDER BY id"
	}
	args = append(args, p.Limit+1)
	q += fmt.Sprintf(" LIMIT $%d", len(args))
	var out []View
	next := ""
	err = s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, q, args...)
		orders, err := pgx.CollectRows(rows, pgx.RowToStructByName[Order])
		if err != nil {
			return err
		}
		if len(orders) > p.Limit {
			orders = orders[:p.Limit]
			next = account.EncodeCursor(orders[len(orders)-1].ID)
		}
		ids := make([]uuid.UUID, len(orders))
		for i, o := range orders {
			ids[i] = o.ID
		}
		iss, err := issuancesOf(ctx, tx, tenantID, ids)
		if err != nil {
			return err
		}
		t, err := s.tenants.ByID(ctx, tenantID)
		if err != nil {
			return err
		}
		out = make([]View, 0, len(orders))
		for i := range orders {
			out = append(out, s.view(&orders[i], iss[orders[i].ID], s.ConfigureURL(t, orders[i].ID)))
		}
		return nil
	})
	return out, next, err
}

// recordEvent writes the audit event of an order change.
func recordEvent(ctx context.Context, tx pgx.Tx, tenantID, orderID uuid.UUID, action string, data any) error {
	return audit.Record(ctx, tx, tenantID, action, "order", orderID.String(), data)
}
