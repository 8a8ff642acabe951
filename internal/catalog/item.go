package catalog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sslreseller/sslreseller/internal/audit"
	"github.com/sslreseller/sslreseller/internal/money"
	"github.com/sslreseller/sslreseller/internal/platform/db"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
	"github.com/sslreseller/sslreseller/internal/provider"
)

// PeriodCost is the cost of a period; Cost is nil while staff have not entered it.
type PeriodCost struct {
	Months int           `json:"months"`
	Cost   *money.Amount `json:"cost"`
}

// Item is a catalogue item of a provider account.
type Item struct {
	AccountID     uuid.UUID    `json:"provider_account_id"`
	Code          string       `json:"code"`
	Name          string       `json:"name"`
	Brand         string       `json:"brand"`
	Validation    string       `json:"validation"`
	Wildcard      bool         `json:"wildcard"`
	IncludedNames int          `json:"included_names"`
	MaxNames      int          `json:"max_names"`
	PerNameCost   []PeriodCost `json:"per_name_cost"`
	Periods       []PeriodCost `json:"periods"`
	Discontinued  bool         `json:"discontinued"`
	SyncedAt      time.Time    `json:"synced_at"`
}

// MultiDomain reports whether the item sells names beyond those included.
func (i *Item) MultiDomain() bool { return i.MaxNames > i.IncludedNames }

// Cost returns the cost of a period, if known.
func (i *Item) Cost(months int) (*money.Amount, bool) {
	for _, p := range i.Periods {
		if p.Months == months {
			return p.Cost, true
		}
	}
	return nil, false
}

// NameCost returns the per-name cost of a period, if known.
func (i *Item) NameCost(months int) *money.Amount {
	for _, p := range i.PerNameCost {
		if p.Months == months {
			return p.Cost
		}
	}
	return nil
}

// Store keeps catalogue items, currencies and products.
type Store struct {
	db        *db.DB
	providers *provider.Store
}

// NewStore returns a Store.
func NewStore(d *db.DB, providers *provider.Store) *Store {
	return &Store{db: d, providers: providers}
}

const itemColumns = `account_id, code, name, brand, validation, wildcard, included_names, max_names, per_name_cost, periods, discontinued, synced_at`

func scanItem(row pgx.CollectableRow) (Item, error) {
	var it Item
	var perName, periods []byte
	err := row.Scan(&it.AccountID, &it.Code, &it.Name, &it.Brand, &it.Validation, &it.Wildcard, &it.IncludedNames,
		&it.MaxNames, &perName, &periods, &it.Discontinued, &it.SyncedAt)
	if err != nil {
		return it, err
	}
	if err := json.Unmarshal(perName, &it.PerNameCost); err != nil {
		return it, err
	}
	return it, json.Unmarshal(periods, &it.Periods)
}

// Items lists catalogue items, of one account when accountID is set.
func (s *Store) Items(ctx context.Context, tenantID, accountID uuid.UUID) ([]Item, error) {
	var out []Item
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		q := `SELECT ` + itemColumns + ` FROM catalog_items WHERE tenant_id = $1`
		args := []any{tenantID}
		if accountID != uuid.Nil {
			q += ` AND account_id = $2`
			args = append(args, accountID)
		}
		rows, _ := tx.Query(ctx, q+` ORDER BY account_id, discontinued, validation, name`, args...)
		var err error
		out, err = pgx.CollectRows(rows, scanItem)
		return err
	})
	return out, err
}

func getItem(ctx context.Context, tx pgx.Tx, tenantID, accountID uuid.UUID, code string) (*Item, error) {
	rows, _ := tx.Query(ctx, `SELECT `+itemColumns+` FROM catalog_items WHERE tenant_id = $1 AND account_id = $2 AND code = $3`,
		tenantID, accountID, code)
	it, err := pgx.CollectExactlyOneRow(rows, scanItem)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errs.Field("item_code", "%q is not in the catalogue of this provider account (sync it first)", code)
	}
	return &it, err
}

// SyncResult counts what a sync changed.
type SyncResult struct {
	Items        int `json:"items"`
	Added        int `json:"added"`
	Discontinued int `json:"discontinued"`
}

func toPeriods(in []provider.PeriodCost) []PeriodCost {
	out := make([]PeriodCost, len(in))
	for i, p := range in {
		out[i] = PeriodCost{Months: p.Months, Cost: p.Cost}
	}
	return out
}

// keepCosts fills costs the provider does not send with those staff entered before.
func keepCosts(fresh, old []PeriodCost) []PeriodCost {
	for i, p := range fresh {
		if p.Cost != nil {
			continue
		}
		for _, o := range old {
			if o.Months == p.Months {
				fresh[i].Cost = o.Cost
			}
		}
	}
	return fresh
}

// Sync pulls an account's catalogue: new items are added, changed ones updated, and items that
// disappeared upstream are marked discontinued, never deleted.
func (s *Store) Sync(ctx context.Context, tenantID, accountID uuid.UUID) (*SyncResult, error) {
	p, _, err := s.providers.Open(ctx, tenantID, accountID)
	if err != nil {
		return nil, err
	}
	items, upErr := p.Catalog(ctx)
	var res SyncResult
	err = s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		if upErr != nil {
			_, err := tx.Exec(ctx, `UPDATE provider_accounts SET last_sync_error = $3 WHERE tenant_id = $1 AND id = $2`,
				tenantID, accountID, provider.ToErrs(upErr).Error())
			return err
		}
		rows, _ := tx.Query(ctx, `SELECT `+itemColumns+` FROM catalog_items WHERE tenant_id = $1 AND account_id = $2 FOR UPDATE`, tenantID, accountID)
		old, err := pgx.CollectRows(rows, scanItem)
		if err != nil {
			return err
		}
		byCode := map[string]Item{}
		for _, o := range old {
			byCode[o.Code] = o
		}
		seen := map[string]bool{}
		for _, ci := range items {
			if ci.Code == "" || seen[ci.Code] {
				continue
			}
			seen[ci.Code] = true
			periods, perName := toPeriods(ci.Periods), toPeriods(ci.PerNameCost)
			if o, ok := byCode[ci.Code]; ok {
				periods, perName = keepCosts(periods, o.Periods), keepCosts(perName, o.PerNameCost)
			} else {
				res.Added++
			}
			incl, max := ci.IncludedNames, ci.MaxNames
			if incl < 1 {
				incl = 1
			}
			if max < incl {
				max = incl
			}
			pj, _ := json.Marshal(periods)
			nj, _ := json.Marshal(perName)
			if _, err := tx.Exec(ctx, `INSERT INTO catalog_items (tenant_id, account_id, code, name, brand, validation, wildcard,
				included_names, max_names, periods, per_name_cost, discontinued, discontinued_at, synced_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, false, NULL, now())
				ON CONFLICT (tenant_id, account_id, code) DO UPDATE SET name = EXCLUDED.name, brand = EXCLUDED.brand,
				validation = EXCLUDED.validation, wildcard = EXCLUDED.wildcard, included_names = EXCLUDED.included_names,
				max_names = EXCLUDED.max_names, periods = EXCLUDED.periods, per_name_cost = EXCLUDED.per_name_cost,
				discontinued = false, discontinued_at = NULL, synced_at = now()`,
				tenantID, accountID, ci.Code, ci.Name, ci.Brand, ci.Validation, ci.Wildcard, incl, max, pj, nj); err != nil {
				return fmt.Errorf("catalog: store %s: %w", ci.Code, err)
			}
		}
		for _, o := range old {
			if !seen[o.Code] && !o.Discontinued {
				res.Discontinued++
				if _, err := tx.Exec(ctx, `UPDATE catalog_items SET discontinued = true, discontinued_at = now()
					WHERE tenant_id = $1 AND account_id = $2 AND code = $3`, tenantID, accountID, o.Code); err != nil {
					return err
				}
			}
		}
		res.Items = len(seen)
		if _, err := tx.Exec(ctx, `UPDATE provider_accounts SET last_sync_at = now(), last_sync_error = '' WHERE tenant_id = $1 AND id = $2`,
			tenantID, accountID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, tenantID, "catalog.synced", "provider_account", accountID.String(), res)
	})
	if err != nil {
		return nil, err
	}
	if upErr != nil {
		return nil, provider.ToErrs(upErr)
	}
	return &res, nil
}

// CostsInput sets the costs of an item whose provider publishes none (Sectigo).
type CostsInput struct {
	Periods     []PeriodCost `json:"periods"`
	PerNameCost []PeriodCost `json:"per_name_cost"`
}

// SetItemCosts stores staff-entered costs of an item.
func (s *Store) SetItemCosts(ctx context.Context, tenantID, accountID uuid.UUID, code string, in CostsInput) (*Item, error) {
	var out *Item
	err := s.db.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		it, err := getItem(ctx, tx, tenantID, accountID, code)
		if err != nil {
			return err
		}
		var f errs.Fields
		check := func(field string, list []PeriodCost, have []PeriodCost) {
			for i, p := range list {
				if _, ok := (&Item{Periods: have}).Cost(p.Months); !ok {
					f.Add(fmt.Sprintf("%s[%d].months", field, i), "this item is not sold for %d months", p.Months)
				}
				if p.Cost == nil {
					f.Add(fmt.Sprintf("%s[%d].cost", field, i), "is required")
				} else if err := p.Cost.Validate(); err != nil {
					f.Add(fmt.Sprintf("%s[%d].cost", field, i), "%v", err)
				}
			}
		}
		check("periods", in.Periods, it.Periods)
		check("per_name_cost", in.PerNameCost, it.Periods)
		if err := f.Err(); err != nil {
			return err
		}
		merge := func(dst []PeriodCost, src []PeriodCost) []PeriodCost {
			for _, p := range src {
				found := false
				for i := range dst {
					if dst[i].Months == p.Months {
						dst[i].Cost, found = p.Cost, true
					}
				}
				if !found {
					dst = append(dst, p)
				}
			}
			return dst
		}
		it.Periods = merge(it.Periods, in.Periods)
		it.PerNameCost = merge(it.PerNameCost, in.PerNameCost)
		pj, _ := json.Marshal(it.Periods)
		nj, _ := json.Marshal(it.PerNameCost)
		if _, err := tx.Exec(ctx, `UPDATE catalog_items SET periods = $4, per_name_cost = $5 WHERE tenant_id = $1 AND account_id = $2 AND code = $3`,
			tenantID, accountID, code, pj, nj); err != nil {
			return err
		}
		out = it
		return audit.Record(ctx, tx, tenantID, "catalog.costs_set", "catalog_item", accountID.String()+"/"+code, in)
	})
	return out, err
}

func unmarshalCosts(raw []byte, dst *[]PeriodCost) error {
	if len(raw) == 0 {
		*dst = []PeriodCost{}
		return nil
	}
	return json.Unmarshal(raw, dst)
}
