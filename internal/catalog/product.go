package catalog

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sslreseller/sslreseller/internal/audit"
	"github.com/sslreseller/sslreseller/internal/money"
	"github.com/sslreseller/sslreseller/internal/platform/db"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

// ErrProductNotFound is returned for an unknown product or one of another tenant.
var ErrProductNotFound = errs.New(errs.NotFound, "product not found")

// PeriodPrices are the prices of one period, one per currency.
type PeriodPrices struct {
	Months int            `json:"months"`
	Prices []money.Amount `json:"prices"`
}

// Price returns the price in a currency.
func (p PeriodPrices) Price(currency string) (money.Amount, bool) {
	for _, a := range p.Prices {
		if a.Currency == currency {
			return a, true
		}
	}
	return money.Amount{}, false
}

// Product is what a tenant sells: a catalogue item with the tenant's name, group and prices.
type Product struct {
	ID                uuid.UUID      `json:"id"`
	Name              string         `json:"name"`
	Description       string         `json:"description"`
	Group             string         `json:"group"`
	Validation        string         `json:"validation"`
	Wildcard          bool           `json:"wildcard"`
	MaxDomains        int            `json:"max_domains"`
	IncludedDomains   int            `json:"included_domains"`
	Periods           []PeriodPrices `json:"periods"`
	PerDomainPrices   []PeriodPrices `json:"per_domain_prices"`
	Visible           bool           `json:"visible"`
	Warnings          []string       `json:"warnings"`
	ProviderAccountID uuid.UUID      `json:"provider_account_id"`
	ItemCode          string         `json:"item_code"`
	CreatedAt         time.Time      `json:"created_at"`
	UpdatedAt         time.Time      `json:"updated_at"`

	item *Item
}

// Item returns the catalogue item the product sells.
func (p *Product) Item() *Item { return p.item }

// PeriodPrice returns the price of a period in a currency.
func (p *Product) PeriodPrice(months int, currency string) (money.Amount, bool) {
	for _, pp := range p.Periods {
		if pp.Months == months {
			return pp.Price(currency)
		}
	}
	return money.Amount{}, false
}

// DomainPrice returns the per-name add-on price of a period in a currency.
func (p *Product) DomainPrice(months int, currency string) (money.Amount, bool) {
	for _, pp := range p.PerDomainPrices {
		if pp.Months == months {
			return pp.Price(currency)
		}
	}
	return money.Amount{}, false
}

// ProductInput creates a product.
type ProductInput struct {
	ProviderAccountID uuid.UUID      `json:"provider_account_id"`
	ItemCode          string         `json:"item_code"`
	Name              string         `json:"name"`
	Description       string         `json:"description"`
	Group             string         `json:"group"`
	Visible           *bool          `json:"visible"`
	Periods           []PeriodPrices `json:"periods"`
	PerDomainPrices   []PeriodPrices `json:"per_domain_prices"`
}

// ProductPatch changes a product; the price lists given replace the old ones.
type ProductPatch struct {
	Name            *string         `json:"name"`
	Description     *string         `json:"description"`
	Group           *string         `json:"group"`
	Visible         *bool           `json:"visible"`
	Periods         *[]PeriodPrices `json:"periods"`
	PerDomainPrices *[]PeriodPrices `json:"per_domain_prices"`
}

const productColumns = `p.id, p.name, p.description, p.group_name, p.visible, p.account_id, p.item_code, p.periods, p.created_at, p.updated_at,
	i.account_id, i.code, i.name, i.brand, i.validation, i.wildcard, i.included_names, i.max_names, i.per_name_cost, i.periods, i.discontinued, i.synced_at`

func scanProduct(row pgx.CollectableRow) (Product, error) {
	var p Product
	var it Item
	var periods []int32
	var perName, itemPeriods []byte
	err := row.Scan(&p.ID, &p.Name, &p.Description, &p.Group, &p.Visible, &p.ProviderAccountID, &p.ItemCode, &periods,
		&p.CreatedAt, &p.UpdatedAt, &it.AccountID, &it.Code, &it.Name, &it.Brand, &it.Validation, &it.Wildcard,
		&it.IncludedNames, &it.MaxNames, &perName, &itemPeriods, &it.Discontinued, &it.SyncedAt)
	if err != nil {
		return p, err
	}
	if err := unmarshalCosts(perName, &it.PerNameCost); err != nil {
		return p, err
	}
	if err := unmarshalCosts(itemPeriods, &it.Periods); err != nil {
		return p, err
	}
	p.item = &it
	p.Validation, p.Wildcard, p.MaxDomains, p.IncludedDomains = it.Validation, it.Wildcard, it.MaxNames, it.IncludedNames
	for _, m := range periods {
		p.Periods = append(p.Periods, PeriodPrices{Months: int(m), Prices: []money.Amount{}})
	}
	return p, nil
}

// loadPrices fills the prices of the products with one query, and their warnings.
func loadPrices(ctx context.Context, tx pgx.Tx, tenantID uuid.UUID, products []Product, rates money.RateTable) error {
	if len(products) == 0 {
		return nil
	}
	ids := make([]uuid.UUID, len(products))
	idx := map[uuid.UUID]int{}
	for i, p := range products {
		ids[i], idx[p.ID] = p.ID, i
	}
	rows, err := tx.Query(ctx, `SELECT product_id, kind, months, currency, amount_minor FROM product_prices
		WHERE tenant_id = $1 AND product_id = ANY($2) ORDER BY product_id, kind, months, currency`, tenantID, ids)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id uuid.UUID
		var kind string
		var months int
		var a money.Amount
		if err := rows.Scan(&id, &kind, &months, &a.Currency, &a.Minor); err != nil {
			return err
		}
		p := &products[idx[id]]
		list := &p.Periods
		if kind == "per_name" {
			list = &p.PerDomainPrices
		}
		i := slices.IndexFunc(*list, func(pp PeriodPrices) bool { return pp.Months == months })
		if i < 0 {
			*list = append(*list, PeriodPrices{Months: months})
			i = len(*list) - 1
		}
		(*list)[i].Prices = append((*list)[i].Prices, a)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i := range products {
		p := &products[i]
		if p.PerDomainPrices == nil {
			p.PerDomainPrices = []PeriodPrices{}
		}
		if p.Periods == nil {
			p.Periods = []PeriodPrices{}
		}
		p.Warnings = warnings(p, rates)
	}
	return nil
}

// warnings says what staff must know about a product: a discontinued item, prices below cost,
// costs that are unknown.
func warnings(p *Product, rates money.RateTable) []string {
	w := []string{}
	if p.item.Discontinued {
		w = append(w, fmt.Sprintf("the provider no longer sells %q: this product cannot be ordered until you pick another catalogue item", p.item.Name))
	}
	check := func(what string, list []PeriodPrices, cost func(int) *money.Amount) {
		for _, pp := range list {
			c := cost(pp.Months)
			if c == nil {
				w = append(w, fmt.Sprintf("%s%d months: the cost is not known, so prices cannot be checked against it", what, pp.Months))
				continue
			}
			for _, price := range pp.Prices {
				conv, err := rates.Convert(*c, price.Currency)
				if err != nil {
					w = append(w, fmt.Sprintf("%s%d months in %s: %v", what, pp.Months, price.Currency, err))
					continue
				}
				if price.Minor < conv.Minor {
					w = append(w, fmt.Sprintf("%s%d months in %s: the price %s is below the cost %s", what, pp.Months, price.Currency, price, conv))
				}
			}
		}
	}
	check("", p.Periods, func(m int) *money.Amount { c, _ := p.item.Cost(m); return c })
	check("each extra name, ", p.PerDomainPrices, p.item.NameCost)
	return w
}

func (s *Store) productsWhere(ctx context.Context, tx pgx.Tx, tenantID uuid.UUID, where string, args ...any) ([]Product, error) {
	_, rates, err := loadCurrencies(ctx, tx, tenantID)
	if err != nil {
		return nil, err
	}
	rows, _ := tx.Query(ctx, `SELECT `+productColumns+` FROM products p
		JOIN catalog_items i ON i.tenant_id = p.tenant_id AND i.account_id = p.account_id AND i.code = p.item_code
		WHERE p.tenant_id = $1 `+where, append([]any{tenantID}, args...)...)
	products, err := pgx.CollectRows(rows, scanProduct)
	if err != nil {
		return nil, err
	}
	return products, loadPrices(ctx, tx, tenantID, products, rates)
}

// ProductFilter narrows a product list.
type ProductFilter struct {
	VisibleOnly bool
	Group       string
	AfterID     uuid.UUID
	Limit       int
}

// Products lists products in creation order (keyset by id).
func (s *Store) Products(ctx context.Context, tenantID uuid.UUID, f ProductFilter) ([]Product, error) {
	var out []Product
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		where, args := "", []any{}
		if f.VisibleOnly {
			where += " AND p.visible"
		}
		if f.Group != "" {
			args = append(args, f.Group)
			where += fmt.Sprintf(" AND p.group_name = $%d", len(args)+1)
		}
		if f.AfterID != uuid.Nil {
			args = append(args, f.AfterID)
			where += fmt.Sprintf(" AND p.id > $%d", len(args)+1)
		}
		if f.Limit <= 0 {
			f.Limit = 1000
		}
		args = append(args, f.Limit)
		where += fmt.Sprintf(" ORDER BY p.id LIMIT $%d", len(args)+1)
		var err error
		out, err = s.productsWhere(ctx, tx, tenantID, where, args...)
		return err
	})
	return out, err
}

// Product returns one product.
func (s *Store) Product(ctx context.Context, tenantID, id uuid.UUID) (*Product, error) {
	var out *Product
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		var err error
		out, err = s.product(ctx, tx, tenantID, id)
		return err
	})
	return out, err
}

func (s *Store) product(ctx context.Context, tx pgx.Tx, tenantID, id uuid.UUID) (*Product, error) {
	ps, err := s.productsWhere(ctx, tx, tenantID, "AND p.id = $2", id)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, ErrProductNotFound
	}
	return &ps[0], nil
}

// ProductForOrder returns a product inside the caller's transaction, for ordering.
func (s *Store) ProductForOrder(ctx context.Context, tx pgx.Tx, tenantID, id uuid.UUID) (*Product, error) {
	return s.product(ctx, tx, tenantID, id)
}

// checkPrices validates price lists against the item and the tenant's currencies.
func checkPrices(f *errs.Fields, field string, list []PeriodPrices, allowed func(int) bool, currencies []string) {
	seen := map[int]bool{}
	for i, pp := range list {
		pf := fmt.Sprintf("%s[%d]", field, i)
		if !allowed(pp.Months) {
			f.Add(pf+".months", "%d months is not a period this catalogue item is sold for", pp.Months)
		}
		if seen[pp.Months] {
			f.Add(pf+".months", "%d months is listed twice", pp.Months)
		}
		seen[pp.Months] = true
		if len(pp.Prices) == 0 {
			f.Add(pf+".prices", "needs at least one price")
		}
		cur := map[string]bool{}
		for j, a := range pp.Prices {
			af := fmt.Sprintf("%s.prices[%d]", pf, j)
			if !money.Valid(a.Currency) {
				f.Add(af+".currency", "%q is not an ISO 4217 currency code", a.Currency)
				continue
			}
			if !slices.Contains(currencies, a.Currency) {
				f.Add(af+".currency", "no exchange rate for %s: add the currency with its rate first", a.Currency)
			}
			if cur[a.Currency] {
				f.Add(af+".currency", "%s is listed twice", a.Currency)
			}
			cur[a.Currency] = true
			if a.Minor < 0 {
				f.Add(af+".amount_minor", "must not be negative")
			}
		}
	}
}

func writePrices(ctx context.Context, tx pgx.Tx, tenantID, productID uuid.UUID, kind string, list []PeriodPrices) error {
	if _, err := tx.Exec(ctx, `DELETE FROM product_prices WHERE tenant_id = $1 AND product_id = $2 AND kind = $3`, tenantID, productID, kind); err != nil {
		return err
	}
	batch := &pgx.Batch{}
	for _, pp := range list {
		for _, a := range pp.Prices {
			batch.Queue(`INSERT INTO product_prices (tenant_id, product_id, kind, months, currency, amount_minor) VALUES ($1, $2, $3, $4, $5, $6)`,
				tenantID, productID, kind, pp.Months, a.Currency, a.Minor)
		}
	}
	if batch.Len() == 0 {
		return nil
	}
	return tx.SendBatch(ctx, batch).Close()
}

func monthsOf(list []PeriodPrices) []int32 {
	out := make([]int32, 0, len(list))
	for _, pp := range list {
		out = append(out, int32(pp.Months))
	}
	slices.Sort(out)
	return out
}

func validateProduct(f *errs.Fields, name, group, desc string, it *Item, periods, perDomain []PeriodPrices, cur *Currencies) {
	if n := strings.TrimSpace(name); n == "" || len(n) > 200 {
		f.Add("name", "is required (at most 200 characters)")
	}
	if len(group) > 100 {
		f.Add("group", "must be at most 100 characters")
	}
	if len(desc) > 5000 {
		f.Add("description", "must be at most 5000 characters")
	}
	if it.Discontinued {
		f.Add("item_code", "the provider no longer sells %q", it.Name)
	}
	if len(periods) == 0 {
		f.Add("periods", "needs at least one period with prices")
	}
	checkPrices(f, "periods", periods, func(m int) bool { _, ok := it.Cost(m); return ok }, cur.Codes())
	if len(perDomain) > 0 && !it.MultiDomain() {
		f.Add("per_domain_prices", "%q is not a multi-domain certificate; it has no per-name price", it.Name)
	}
	checkPrices(f, "per_domain_prices", perDomain, func(m int) bool {
		return slices.ContainsFunc(periods, func(pp PeriodPrices) bool { return pp.Months == m })
	}, cur.Codes())
}

// CreateProduct adds a product on a catalogue item.
func (s *Store) CreateProduct(ctx context.Context, tenantID uuid.UUID, in ProductInput) (*Product, error) {
	id := uuid.Must(uuid.NewV7())
	var out *Product
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		var f errs.Fields
		if in.ProviderAccountID == uuid.Nil {
			f.Add("provider_account_id", "is required")
		}
		if in.ItemCode == "" {
			f.Add("item_code", "is required")
		}
		if err := f.Err(); err != nil {
			return err
		}
		it, err := getItem(ctx, tx, tenantID, in.ProviderAccountID, in.ItemCode)
		if err != nil {
			return err
		}
		cur, _, err := loadCurrencies(ctx, tx, tenantID)
		if err != nil {
			return err
		}
		if in.Name == "" {
			in.Name = it.Name
		}
		validateProduct(&f, in.Name, in.Group, in.Description, it, in.Periods, in.PerDomainPrices, cur)
		if err := f.Err(); err != nil {
			return err
		}
		visible := in.Visible == nil || *in.Visible
		if _, err := tx.Exec(ctx, `INSERT INTO products (tenant_id, id, name, description, group_name, visible, account_id, item_code, periods)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, tenantID, id, strings.TrimSpace(in.Name), in.Description,
			strings.TrimSpace(in.Group), visible, in.ProviderAccountID, in.ItemCode, monthsOf(in.Periods)); err != nil {
			return err
		}
		if err := writePrices(ctx, tx, tenantID, id, "base", in.Periods); err != nil {
			return err
		}
		if err := writePrices(ctx, tx, tenantID, id, "per_name", in.PerDomainPrices); err != nil {
			return err
		}
		if out, err = s.product(ctx, tx, tenantID, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, tenantID, "product.created", "product", id.String(), out)
	})
	if err != nil {
		return nil, fmt.Errorf("product: create: %w", err)
	}
	return out, nil
}

// UpdateProduct changes a product.
func (s *Store) UpdateProduct(ctx context.Context, tenantID, id uuid.UUID, p ProductPatch) (*Product, error) {
	var out *Product
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		old, err := s.product(ctx, tx, tenantID, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT 1 FROM products WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, tenantID, id); err != nil {
			return err
		}
		cur, _, err := loadCurrencies(ctx, tx, tenantID)
		if err != nil {
			return err
		}
		name, desc, group, visible := old.Name, old.Description, old.Group, old.Visible
		periods, perDomain := old.Periods, old.PerDomainPrices
		if p.Name != nil {
			name = *p.Name
		}
		if p.Description != nil {
			desc = *p.Description
		}
		if p.Group != nil {
			group = *p.Group
		}
		if p.Visible != nil {
			visible = *p.Visible
		}
		if p.Periods != nil {
			periods = *p.Periods
		}
		if p.PerDomainPrices != nil {
			perDomain = *p.PerDomainPrices
		}
		var f errs.Fields
		item := *old.item
		item.Discontinued = false // an existing product may still be edited (e.g. hidden) after its item is gone
		validateProduct(&f, name, group, desc, &item, periods, perDomain, cur)
		if err := f.Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE products SET name = $3, description = $4, group_name = $5, visible = $6, periods = $7,
			updated_at = now() WHERE tenant_id = $1 AND id = $2`, tenantID, id, strings.TrimSpace(name), desc, strings.TrimSpace(group),
			visible, monthsOf(periods)); err != nil {
			return err
		}
		if p.Periods != nil {
			if err := writePrices(ctx, tx, tenantID, id, "base", periods); err != nil {
				return err
			}
		}
		if p.PerDomainPrices != nil || p.Periods != nil {
			// Per-name prices of periods no longer sold go with them.
			kept := []PeriodPrices{}
			for _, pp := range perDomain {
				if slices.ContainsFunc(periods, func(b PeriodPrices) bool { return b.Months == pp.Months }) {
					kept = append(kept, pp)
				}
			}
			if err := writePrices(ctx, tx, tenantID, id, "per_name", kept); err != nil {
				return err
			}
		}
		if out, err = s.product(ctx, tx, tenantID, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, tenantID, "product.updated", "product", id.String(), p)
	})
	if err != nil {
		return nil, fmt.Errorf("product: update: %w", err)
	}
	return out, nil
}

// DeleteProduct removes a product; refused while orders use it (those are kept: hide it instead).
func (s *Store) DeleteProduct(ctx context.Context, tenantID, id uuid.UUID) error {
	return s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM products WHERE tenant_id = $1 AND id = $2`, tenantID, id)
		var fk bool
		if err != nil {
			_, fk = db.ForeignKeyViolation(err)
		}
		if fk {
			return errs.New(errs.Conflict, "orders use this product: hide it instead of deleting it")
		}
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrProductNotFound
		}
		return audit.Record(ctx, tx, tenantID, "product.deleted", "product", id.String(), nil)
	})
}

// Groups lists the product groups in use.
func (s *Store) Groups(ctx context.Context, tenantID uuid.UUID) ([]string, error) {
	var out []string
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT DISTINCT group_name FROM products WHERE tenant_id = $1 AND group_name <> '' ORDER BY 1`, tenantID)
		var err error
		out, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	sort.Strings(out)
	return out, err
}
