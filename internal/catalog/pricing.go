package catalog

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sslreseller/sslreseller/internal/audit"
	"github.com/sslreseller/sslreseller/internal/money"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

// Pricing is a margin over cost with a rounding rule, in a set of currencies.
type Pricing struct {
	MarginBps  int64          `json:"margin_bps"`
	Rounding   money.Rounding `json:"rounding"`
	Currencies []string       `json:"currencies"`
}

func (p *Pricing) check(f *errs.Fields, cur *Currencies) {
	if err := money.ValidateMargin(p.MarginBps); err != nil {
		f.Add("margin_bps", "%v", err)
	}
	if p.Rounding == "" {
		p.Rounding = money.RoundNone
	}
	if !p.Rounding.Valid() {
		f.Add("rounding", "must be none, whole, x.99 or x.95")
	}
	if len(p.Currencies) == 0 {
		p.Currencies = []string{cur.Default}
	}
	seen := map[string]bool{}
	for i, c := range p.Currencies {
		c = strings.ToUpper(strings.TrimSpace(c))
		p.Currencies[i] = c
		switch {
		case !money.Valid(c):
			f.Add(fmt.Sprintf("currencies[%d]", i), "%q is not an ISO 4217 currency code", c)
		case !containsStr(cur.Codes(), c):
			f.Add(fmt.Sprintf("currencies[%d]", i), "no exchange rate for %s: add the currency with its rate first", c)
		case seen[c]:
			f.Add(fmt.Sprintf("currencies[%d]", i), "%s is listed twice", c)
		}
		seen[c] = true
	}
}

func containsStr(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// price computes the prices of every period of an item whose cost is known.
func (p *Pricing) price(it *Item, rates money.RateTable, months []int) (base, perName []PeriodPrices, err error) {
	for _, m := range months {
		cost, _ := it.Cost(m)
		if cost == nil {
			return nil, nil, errs.Field("items", "the cost of %q for %d months is not known: enter it in the catalogue first", it.Name, m)
		}
		pp := PeriodPrices{Months: m}
		for _, c := range p.Currencies {
			a, err := money.Price(*cost, p.MarginBps, p.Rounding, c, rates)
			if err != nil {
				return nil, nil, err
			}
			pp.Prices = append(pp.Prices, a)
		}
		base = append(base, pp)
		if nc := it.NameCost(m); nc != nil && it.MultiDomain() {
			np := PeriodPrices{Months: m}
			for _, c := range p.Currencies {
				a, err := money.Price(*nc, p.MarginBps, p.Rounding, c, rates)
				if err != nil {
					return nil, nil, err
				}
				np.Prices = append(np.Prices, a)
			}
			perName = append(perName, np)
		}
	}
	return base, perName, nil
}

// ImportInput imports catalogue items as products.
type ImportInput struct {
	ProviderAccountID uuid.UUID `json:"provider_account_id"`
	Items             []string  `json:"items"`
	Group             string    `json:"group"`
	Pricing
}

// Import creates one product per item, priced as cost plus margin, converted and rounded; running it
// again updates the products it made instead of adding new ones.
func (s *Store) Import(ctx context.Context, tenantID uuid.UUID, in ImportInput) ([]Product, error) {
	var out []Product
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		cur, rates, err := loadCurrencies(ctx, tx, tenantID)
		if err != nil {
			return err
		}
		var f errs.Fields
		if in.ProviderAccountID == uuid.Nil {
			f.Add("provider_account_id", "is required")
		}
		if len(in.Items) == 0 {
			f.Add("items", "choose at least one catalogue item")
		}
		if len(in.Group) > 100 {
			f.Add("group", "must be at most 100 characters")
		}
		in.Pricing.check(&f, cur)
		if err := f.Err(); err != nil {
			return err
		}
		var ids []uuid.UUID
		for i, code := range in.Items {
			it, err := getItem(ctx, tx, tenantID, in.ProviderAccountID, code)
			if err != nil {
				return errs.Field(fmt.Sprintf("items[%d]", i), "%q is not in this account's catalogue (sync it first)", code)
			}
			if it.Discontinued {
				return errs.Field(fmt.Sprintf("items[%d]", i), "the provider no longer sells %q", it.Name)
			}
			months := []int{}
			for _, p := range it.Periods {
				months = append(months, p.Months)
			}
			base, perName, err := in.Pricing.price(it, rates, months)
			if err != nil {
				return err
			}
			var id uuid.UUID
			err = tx.QueryRow(ctx, `SELECT id FROM products WHERE tenant_id = $1 AND account_id = $2 AND item_code = $3 ORDER BY id LIMIT 1 FOR UPDATE`,
				tenantID, in.ProviderAccountID, code).Scan(&id)
			switch {
			case errors.Is(err, pgx.ErrNoRows):
				id = uuid.Must(uuid.NewV7())
				if _, err := tx.Exec(ctx, `INSERT INTO products (tenant_id, id, name, description, group_name, account_id, item_code, periods)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, tenantID, id, it.Name, describeItem(it), strings.TrimSpace(in.Group),
					in.ProviderAccountID, code, monthsOf(base)); err != nil {
					return err
				}
			case err != nil:
				return err
			default:
				if _, err := tx.Exec(ctx, `UPDATE products SET group_name = CASE WHEN $3 = '' THEN group_name ELSE $3 END,
					periods = $4, updated_at = now() WHERE tenant_id = $1 AND id = $2`, tenantID, id, strings.TrimSpace(in.Group), monthsOf(base)); err != nil {
					return err
				}
			}
			if err := replacePrices(ctx, tx, tenantID, id, "base", base, in.Currencies); err != nil {
				return err
			}
			if err := replacePrices(ctx, tx, tenantID, id, "per_name", perName, in.Currencies); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		out, err = s.productsWhere(ctx, tx, tenantID, "AND p.id = ANY($2) ORDER BY p.id", ids)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, tenantID, "product.imported", "provider_account", in.ProviderAccountID.String(), in)
	})
	if err != nil {
		return nil, fmt.Errorf("product: import: %w", err)
	}
	return out, nil
}

func describeItem(it *Item) string {
	kind := map[string]string{"dv": "Domain validated", "ov": "Organisation validated", "ev": "Extended validation"}[it.Validation]
	switch {
	case it.Wildcard:
		kind += ", wildcard"
	case it.MultiDomain():
		kind += fmt.Sprintf(", %d names included, up to %d", it.IncludedNames, it.MaxNames)
	}
	if it.Brand != "" {
		return it.Brand + " — " + kind + " certificate"
	}
	return kind + " certificate"
}

// replacePrices sets the prices of the given currencies and periods, leaving other currencies alone.
func replacePrices(ctx context.Context, tx pgx.Tx, tenantID, productID uuid.UUID, kind string, list []PeriodPrices, currencies []string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM product_prices WHERE tenant_id = $1 AND product_id = $2 AND kind = $3 AND currency = ANY($4)`,
		tenantID, productID, kind, currencies); err != nil {
		return err
	}
	batch := &pgx.Batch{}
	for _, pp := range list {
		for _, a := range pp.Prices {
			batch.Queue(`INSERT INTO product_prices (tenant_id, product_id, kind, months, currency, amount_minor) VALUES ($1, $2, $3, $4, $5, $6)
				ON CONFLICT (tenant_id, product_id, kind, months, currency) DO UPDATE SET amount_minor = EXCLUDED.amount_minor`,
				tenantID, productID, kind, pp.Months, a.Currency, a.Minor)
		}
	}
	if batch.Len() == 0 {
		return nil
	}
	return tx.SendBatch(ctx, batch).Close()
}

// RepriceInput applies a margin and rounding to a set of products.
type RepriceInput struct {
	ProductIDs []uuid.UUID `json:"product_ids"`
	Apply      bool        `json:"apply"`
	Pricing
}

// PriceChange is one price before and after a bulk update.
type PriceChange struct {
	ProductID   uuid.UUID     `json:"product_id"`
	ProductName string        `json:"product_name"`
	Kind        string        `json:"kind"` // base or per_name
	Months      int           `json:"months"`
	Old         *money.Amount `json:"old"`
	New         money.Amount  `json:"new"`
	Cost        money.Amount  `json:"cost"`
	BelowCost   bool          `json:"below_cost"`
}

// Reprice computes new prices for products from their costs; with Apply it stores them, otherwise
// it only shows them (the preview staff confirm).
func (s *Store) Reprice(ctx context.Context, tenantID uuid.UUID, in RepriceInput) ([]PriceChange, error) {
	changes := []PriceChange{}
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		cur, rates, err := loadCurrencies(ctx, tx, tenantID)
		if err != nil {
			return err
		}
		var f errs.Fields
		if len(in.ProductIDs) == 0 {
			f.Add("product_ids", "choose at least one product")
		}
		in.Pricing.check(&f, cur)
		if err := f.Err(); err != nil {
			return err
		}
		products, err := s.productsWhere(ctx, tx, tenantID, "AND p.id = ANY($2) ORDER BY p.group_name, p.name FOR UPDATE OF p", in.ProductIDs)
		if err != nil {
			return err
		}
		if len(products) != len(in.ProductIDs) {
			return errs.Field("product_ids", "%d of the products do not exist", len(in.ProductIDs)-len(products))
		}
		for i := range products {
			p := &products[i]
			months := []int{}
			for _, pp := range p.Periods {
				months = append(months, pp.Months)
			}
			base, perName, err := in.Pricing.price(p.item, rates, months)
			if err != nil {
				return err
			}
			add := func(kind string, list []PeriodPrices, old func(int, string) (money.Amount, bool), cost func(int) *money.Amount) {
				for _, pp := range list {
					c := cost(pp.Months)
					for _, a := range pp.Prices {
						ch := PriceChange{ProductID: p.ID, ProductName: p.Name, Kind: kind, Months: pp.Months, New: a}
						if o, ok := old(pp.Months, a.Currency); ok {
							ch.Old = &o
						}
						if cc, err := rates.Convert(*c, a.Currency); err == nil {
							ch.Cost, ch.BelowCost = cc, a.Minor < cc.Minor
						}
						changes = append(changes, ch)
					}
				}
			}
			add("base", base, p.PeriodPrice, func(m int) *money.Amount { c, _ := p.item.Cost(m); return c })
			add("per_name", perName, p.DomainPrice, p.item.NameCost)
			if in.Apply {
				if err := replacePrices(ctx, tx, tenantID, p.ID, "base", base, in.Currencies); err != nil {
					return err
				}
				if err := replacePrices(ctx, tx, tenantID, p.ID, "per_name", perName, in.Currencies); err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, `UPDATE products SET updated_at = now() WHERE tenant_id = $1 AND id = $2`, tenantID, p.ID); err != nil {
					return err
				}
			}
		}
		if in.Apply {
			return audit.Record(ctx, tx, tenantID, "product.repriced", "product", "bulk", in)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("product: reprice: %w", err)
	}
	return changes, nil
}
