package catalog

import (
	"context"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sslreseller/sslreseller/internal/audit"
	"github.com/sslreseller/sslreseller/internal/money"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

// CurrencyRate is an extra currency of a tenant: 1 <default currency> = Rate <Currency>.
type CurrencyRate struct {
	Currency string `json:"currency"`
	Rate     string `json:"rate"`
}

// Currencies is the tenant's default currency and its extra currencies.
type Currencies struct {
	Default string         `json:"default"`
	Rates   []CurrencyRate `json:"rates"`
}

// Codes lists every currency the tenant sells in, the default first.
func (c *Currencies) Codes() []string {
	out := []string{c.Default}
	for _, r := range c.Rates {
		out = append(out, r.Currency)
	}
	return out
}

func loadCurrencies(ctx context.Context, tx pgx.Tx, tenantID uuid.UUID) (*Currencies, money.RateTable, error) {
	c := &Currencies{Rates: []CurrencyRate{}}
	if err := tx.QueryRow(ctx, `SELECT default_currency FROM tenants WHERE id = $1`, tenantID).Scan(&c.Default); err != nil {
		return nil, money.RateTable{}, err
	}
	rows, _ := tx.Query(ctx, `SELECT currency, rate FROM tenant_currencies WHERE tenant_id = $1 ORDER BY currency`, tenantID)
	rates, err := pgx.CollectRows(rows, pgx.RowToStructByPos[CurrencyRate])
	if err != nil {
		return nil, money.RateTable{}, err
	}
	table := map[string]money.Rate{}
	for _, r := range rates {
		rate, err := money.ParseRate(r.Rate)
		if err != nil {
			return nil, money.RateTable{}, err
		}
		table[r.Currency] = rate
	}
	c.Rates = append(c.Rates, rates...)
	rt, err := money.NewRateTable(c.Default, table)
	return c, rt, err
}

// Currencies returns the tenant's currencies and rates.
func (s *Store) Currencies(ctx context.Context, tenantID uuid.UUID) (*Currencies, error) {
	var c *Currencies
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		var err error
		c, _, err = loadCurrencies(ctx, tx, tenantID)
		return err
	})
	return c, err
}

// SetRate adds an extra currency or changes its rate.
func (s *Store) SetRate(ctx context.Context, tenantID uuid.UUID, currency, rate string) error {
	currency = strings.ToUpper(strings.TrimSpace(currency))
	var f errs.Fields
	if !money.Valid(currency) {
		f.Add("currency", "%q is not an ISO 4217 currency code", currency)
	}
	r, err := money.ParseRate(strings.TrimSpace(rate))
	if err != nil {
		f.Add("rate", "%v", err)
	}
	if err := f.Err(); err != nil {
		return err
	}
	return s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		c, _, err := loadCurrencies(ctx, tx, tenantID)
		if err != nil {
			return err
		}
		if currency == c.Default {
			return errs.Field("currency", "%s is the default currency; its rate is always 1", currency)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO tenant_currencies (tenant_id, currency, rate) VALUES ($1, $2, $3)
			ON CONFLICT (tenant_id, currency) DO UPDATE SET rate = EXCLUDED.rate, updated_at = now()`, tenantID, currency, r.String()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, tenantID, "currency.rate_set", "currency", currency, map[string]string{"rate": r.String()})
	})
}

// DeleteRate removes an extra currency; refused while products have prices in it.
func (s *Store) DeleteRate(ctx context.Context, tenantID uuid.UUID, currency string) error {
	return s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		var used int
		if err := tx.QueryRow(ctx, `SELECT count(DISTINCT product_id) FROM product_prices WHERE tenant_id = $1 AND currency = $2`,
			tenantID, currency).Scan(&used); err != nil {
			return err
		}
		if used > 0 {
			return errs.New(errs.Conflict, "%d products have prices in %s; remove those prices first", used, currency)
		}
		tag, err := tx.Exec(ctx, `DELETE FROM tenant_currencies WHERE tenant_id = $1 AND currency = $2`, tenantID, currency)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return errs.New(errs.NotFound, "currency %s is not set up", currency)
		}
		return audit.Record(ctx, tx, tenantID, "currency.removed", "currency", currency, nil)
	})
}
