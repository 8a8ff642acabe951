package httpapi_test

import (
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/sslreseller/sslreseller/internal/app/apptest"
)

type amount struct {
	Currency    string `json:"currency"`
	AmountMinor int64  `json:"amount_minor"`
}

type periodCost struct {
	Months int     `json:"months"`
	Cost   *amount `json:"cost"`
}

type item struct {
	Code          string       `json:"code"`
	Name          string       `json:"name"`
	Validation    string       `json:"validation"`
	Wildcard      bool         `json:"wildcard"`
	IncludedNames int          `json:"included_names"`
	MaxNames      int          `json:"max_names"`
	Periods       []periodCost `json:"periods"`
	PerNameCost   []periodCost `json:"per_name_cost"`
	Discontinued  bool         `json:"discontinued"`
}

type periodPrices struct {
	Months int      `json:"months"`
	Prices []amount `json:"prices"`
}

type product struct {
	ID              string         `json:"id"`
	Name            string         `json:"name"`
	Group           string         `json:"group"`
	Validation      string         `json:"validation"`
	Wildcard        bool           `json:"wildcard"`
	MaxDomains      int            `json:"max_domains"`
	Periods         []periodPrices `json:"periods"`
	PerDomainPrices []periodPrices `json:"per_domain_prices"`
	Visible         bool           `json:"visible"`
	Warnings        []string       `json:"warnings"`
	ItemCode        string         `json:"item_code"`
}

func (p product) price(months int, cur string) int64 {
	for _, pp := range p.Periods {
		if pp.Months == months {
			for _, a := range pp.Prices {
				if a.Currency == cur {
					return a.AmountMinor
				}
			}
		}
	}
	return -1
}

// expectX99 computes, independently of the money package, cost * (1 + margin) * rate rounded up to
// the next price ending in .99 (both USD and EUR have two decimals).
func expectX99(costMinor int64, marginBps int64, rate string) int64 {
	v := new(big.Rat).SetInt64(costMinor)
	v.Mul(v, big.NewRat(10000+marginBps, 10000))
	r, ok := new(big.Rat).SetString(rate)
	if !ok {
		panic(rate)
	}
	v.Mul(v, r)
	major := new(big.Int).Quo(v.Num(), new(big.Int).Mul(v.Denom(), big.NewInt(100))).Int64()
	for c := major*100 + 99; ; c += 100 {
		if new(big.Rat).SetInt64(c).Cmp(v) >= 0 {
			return c
		}
	}
}

func setupSandbox(t *testing.T, s *apptest.Server) (accountID string, items map[string]item) {
	t.Helper()
	r := s.Call(t, "POST", "/api/v1/provider-accounts", s.AdminKey, map[string]any{
		"provider": "sandbox", "name": "Sandbox CA", "environment": "test", "settings": map[string]string{"approve_after": "1s"},
	})
	if r.Status != 201 {
		t.Fatalf("create account: %d %s", r.Status, r.Body)
	}
	var acct struct {
		ID             string            `json:"id"`
		CredentialsSet []string          `json:"credentials_set"`
		Settings       map[string]string `json:"settings"`
	}
	r.JSON(t, &acct)
	if acct.Settings["approve_after"] != "1s" || acct.Settings["reject_suffix"] != "reject.test" {
		t.Fatalf("settings with defaults: %v", acct.Settings)
	}
	var test struct {
		OK     bool   `json:"ok"`
		Detail string `json:"detail"`
	}
	s.Call(t, "POST", "/api/v1/provider-accounts/"+acct.ID+"/test", s.AdminKey, nil).JSON(t, &test)
	if !test.OK || test.Detail == "" {
		t.Fatalf("test connection: %+v", test)
	}
	r = s.Call(t, "POST", "/api/v1/provider-accounts/"+acct.ID+"/sync", s.AdminKey, nil)
	if r.Status != 200 {
		t.Fatalf("sync: %d %s", r.Status, r.Body)
	}
	var l struct {
		Data []item `json:"data"`
	}
	s.Call(t, "GET", "/api/v1/catalog?provider_account_id="+acct.ID, s.AdminKey, nil).JSON(t, &l)
	items = map[string]item{}
	for _, it := range l.Data {
		items[it.Code] = it
	}
	if len(items) < 5 {
		t.Fatalf("catalogue has %d items", len(items))
	}
	return acct.ID, items
}

func TestCatalogImportPricesAndReprice(t *testing.T) {
	s := apptest.New(t)
	acct, items := setupSandbox(t, s)
	if it := items["sandbox-dv-multi"]; it.IncludedNames != 3 || it.MaxNames != 100 || len(it.PerNameCost) == 0 {
		t.Fatalf("multi-domain item: %+v", it)
	}
	if r := s.Call(t, "PUT", "/api/v1/currencies/EUR", s.AdminKey, map[string]string{"rate": "0.9234"}); r.Status != 200 {
		t.Fatalf("set EUR: %d %s", r.Status, r.Body)
	}
	codes := []string{"sandbox-dv", "sandbox-dv-wildcard", "sandbox-dv-multi"}
	imp := map[string]any{"provider_account_id": acct, "items": codes, "margin_bps": 3000, "rounding": "x.99",
		"currencies": []string{"USD", "EUR"}, "group": "SSL Certificates"}
	r := s.Call(t, "POST", "/api/v1/products/import", s.AdminKey, imp)
	if r.Status != 200 {
		t.Fatalf("import: %d %s", r.Status, r.Body)
	}
	var imported struct {
		Data []product `json:"data"`
	}
	r.JSON(t, &imported)
	if len(imported.Data) != 3 {
		t.Fatalf("import made %d products", len(imported.Data))
	}
	check := func(p product) {
		t.Helper()
		it := items[p.ItemCode]
		for _, pc := range it.Periods {
			for cur, rate := range map[string]string{"USD": "1", "EUR": "0.9234"} {
				want := expectX99(pc.Cost.AmountMinor, 3000, rate)
				if got := p.price(pc.Months, cur); got != want {
					t.Errorf("%s %d months %s: price %d, want %d", p.ItemCode, pc.Months, cur, got, want)
				}
			}
		}
		if p.Group != "SSL Certificates" || !p.Visible || len(p.Warnings) != 0 {
			t.Errorf("%s: %+v", p.ItemCode, p)
		}
	}
	for _, p := range imported.Data {
		check(p)
		if p.ItemCode == "sandbox-dv-multi" && (p.MaxDomains != 100 || len(p.PerDomainPrices) == 0) {
			t.Errorf("multi product: %+v", p)
		}
		if p.ItemCode == "sandbox-dv-wildcard" && !p.Wildcard {
			t.Errorf("wildcard product: %+v", p)
		}
	}

	// Re-running the import updates the same products.
	var again struct {
		Data []product `json:"data"`
	}
	s.Call(t, "POST", "/api/v1/products/import", s.AdminKey, imp).JSON(t, &again)
	var list struct {
		Data []product `json:"data"`
	}
	s.Call(t, "GET", "/api/v1/products", s.BillingKey, nil).JSON(t, &list)
	if len(list.Data) != 3 {
		t.Fatalf("after a second import: %d products", len(list.Data))
	}
	for _, p := range list.Data {
		check(p)
	}

	// A price below cost is saved with a visible warning.
	dv := list.Data[0]
	r = s.Call(t, "PATCH", "/api/v1/products/"+dv.ID, s.AdminKey, map[string]any{
		"periods": []map[string]any{{"months": 12, "prices": []map[string]any{{"currency": "USD", "amount_minor": 1}, {"currency": "EUR", "amount_minor": 999}}}},
	})
	var low product
	r.JSON(t, &low)
	if r.Status != 200 || len(low.Warnings) == 0 || !strings.Contains(strings.Join(low.Warnings, " "), "below the cost") {
		t.Fatalf("below cost: %d %+v", r.Status, low)
	}

	// Bulk repricing shows old and new prices, and changes nothing until applied.
	var preview struct {
		Applied bool `json:"applied"`
		Changes []struct {
			ProductID string  `json:"product_id"`
			Months    int     `json:"months"`
			Old       *amount `json:"old"`
			New       amount  `json:"new"`
		} `json:"changes"`
	}
	body := map[string]any{"product_ids": []string{dv.ID}, "margin_bps": 5000, "rounding": "whole", "currencies": []string{"USD"}}
	s.Call(t, "POST", "/api/v1/products/reprice", s.AdminKey, body).JSON(t, &preview)
	if preview.Applied || len(preview.Changes) != 1 || preview.Changes[0].Old == nil || preview.Changes[0].Old.AmountMinor != 1 {
		t.Fatalf("preview: %+v", preview)
	}
	var still product
	s.Call(t, "GET", "/api/v1/products/"+dv.ID, s.BillingKey, nil).JSON(t, &still)
	if still.price(12, "USD") != 1 {
		t.Fatalf("preview changed the price to %d", still.price(12, "USD"))
	}
	body["apply"] = true
	s.Call(t, "POST", "/api/v1/products/reprice", s.AdminKey, body).JSON(t, &preview)
	s.Call(t, "GET", "/api/v1/products/"+dv.ID, s.BillingKey, nil).JSON(t, &still)
	cost := items[dv.ItemCode].Periods[0].Cost.AmountMinor
	if want := (cost*15000/10000 + 99) / 100 * 100; still.price(12, "USD") != want || len(still.Warnings) != 0 {
		t.Fatalf("after apply: %d want %d, warnings %v", still.price(12, "USD"), want, still.Warnings)
	}
	if still.price(12, "EUR") == -1 {
		t.Fatal("repricing USD dropped the EUR price")
	}

	// Hide, then the visible filter leaves it out.
	s.Call(t, "PATCH", "/api/v1/products/"+dv.ID, s.AdminKey, map[string]any{"visible": false})
	s.Call(t, "GET", "/api/v1/products?visible=true", s.BillingKey, nil).JSON(t, &list)
	if len(list.Data) != 2 {
		t.Fatalf("visible products: %d", len(list.Data))
	}
}

func TestCatalogBadInputChangesNothing(t *testing.T) {
	s := apptest.New(t)
	acct, _ := setupSandbox(t, s)
	admin := s.AdminKey
	cases := []struct {
		name, method, path string
		body               any
		field              string
	}{
		{"unknown provider", "POST", "/api/v1/provider-accounts", `{"provider":"acme-ca","name":"X"}`, "provider"},
		{"malformed endpoint", "POST", "/api/v1/provider-accounts", `{"provider":"sandbox","name":"Y","endpoint":"not a url"}`, "endpoint"},
		{"bad environment", "POST", "/api/v1/provider-accounts", `{"provider":"sandbox","name":"Y","environment":"prod"}`, "environment"},
		{"unknown credential", "POST", "/api/v1/provider-accounts", `{"provider":"sandbox","name":"Y","credentials":{"uid":"x"}}`, "credentials.uid"},
		{"bad setting", "POST", "/api/v1/provider-accounts", `{"provider":"sandbox","name":"Y","settings":{"approve_after":"soon"}}`, "settings.approve_after"},
		{"unknown currency code", "PUT", "/api/v1/currencies/XYZ", `{"rate":"1.1"}`, "currency"},
		{"bad rate", "PUT", "/api/v1/currencies/GBP", `{"rate":"-2"}`, "rate"},
		{"currency without a rate", "POST", "/api/v1/products/import", map[string]any{"provider_account_id": acct, "items": []string{"sandbox-dv"}, "margin_bps": 1000, "currencies": []string{"GBP"}}, "currencies[0]"},
		{"negative margin", "POST", "/api/v1/products/import", map[string]any{"provider_account_id": acct, "items": []string{"sandbox-dv"}, "margin_bps": -100}, "margin_bps"},
		{"absurd margin", "POST", "/api/v1/products/import", map[string]any{"provider_account_id": acct, "items": []string{"sandbox-dv"}, "margin_bps": 50000000}, "margin_bps"},
		{"bad rounding", "POST", "/api/v1/products/import", map[string]any{"provider_account_id": acct, "items": []string{"sandbox-dv"}, "margin_bps": 100, "rounding": "x.49"}, "rounding"},
		{"unknown item", "POST", "/api/v1/products/import", map[string]any{"provider_account_id": acct, "items": []string{"nope"}, "margin_bps": 100}, "items[0]"},
		{"period not sold", "POST", "/api/v1/products", map[string]any{"provider_account_id": acct, "item_code": "sandbox-dv", "name": "DV",
			"periods": []map[string]any{{"months": 36, "prices": []map[string]any{{"currency": "USD", "amount_minor": 1000}}}}}, "periods[0].months"},
		{"price with a fraction", "POST", "/api/v1/products", `{"provider_account_id":"` + acct + `","item_code":"sandbox-dv","name":"DV","periods":[{"months":12,"prices":[{"currency":"USD","amount_minor":12.99}]}]}`, "periods.prices.amount_minor"},
		{"per-name price on a single-name item", "POST", "/api/v1/products", map[string]any{"provider_account_id": acct, "item_code": "sandbox-dv", "name": "DV",
			"periods":           []map[string]any{{"months": 12, "prices": []map[string]any{{"currency": "USD", "amount_minor": 1000}}}},
			"per_domain_prices": []map[string]any{{"months": 12, "prices": []map[string]any{{"currency": "USD", "amount_minor": 100}}}}}, "per_domain_prices"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantProblem(t, s.Call(t, tc.method, tc.path, admin, tc.body), 400, "invalid_request", tc.field)
		})
	}
	var accts, products struct {
		Data []map[string]any `json:"data"`
	}
	s.Call(t, "GET", "/api/v1/provider-accounts", admin, nil).JSON(t, &accts)
	s.Call(t, "GET", "/api/v1/products", admin, nil).JSON(t, &products)
	var cur struct {
		Rates []any `json:"rates"`
	}
	s.Call(t, "GET", "/api/v1/currencies", admin, nil).JSON(t, &cur)
	if len(accts.Data) != 1 || len(products.Data) != 0 || len(cur.Rates) != 0 {
		t.Fatalf("bad input wrote something: %d accounts, %d products, %d rates", len(accts.Data), len(products.Data), len(cur.Rates))
	}
	// The billing scope may read products but not change the catalogue.
	wantProblem(t, s.Call(t, "POST", "/api/v1/provider-accounts", s.BillingKey, `{"provider":"sandbox","name":"Z"}`), 403, "forbidden", "")
	wantProblem(t, s.Call(t, "GET", "/api/v1/catalog", s.BillingKey, nil), 403, "forbidden", "")
}

func TestCatalogTenantIsolation(t *testing.T) {
	s := apptest.New(t)
	acct, _ := setupSandbox(t, s)
	var imported struct {
		Data []product `json:"data"`
	}
	s.Call(t, "POST", "/api/v1/products/import", s.AdminKey, map[string]any{"provider_account_id": acct, "items": []string{"sandbox-dv"}, "margin_bps": 1000}).JSON(t, &imported)
	_, _, _, _, otherAdmin := apptest.Seed(t, s.App, "other", "Other")
	for _, path := range []string{"/api/v1/provider-accounts", "/api/v1/catalog", "/api/v1/products"} {
		var l struct {
			Data []any `json:"data"`
		}
		s.Call(t, "GET", path, otherAdmin, nil).JSON(t, &l)
		if len(l.Data) != 0 {
			t.Errorf("%s: other tenant sees %d rows", path, len(l.Data))
		}
	}
	for _, c := range []struct{ method, path string }{
		{"GET", "/api/v1/provider-accounts/" + acct}, {"POST", "/api/v1/provider-accounts/" + acct + "/test"},
		{"POST", "/api/v1/provider-accounts/" + acct + "/sync"}, {"DELETE", "/api/v1/provider-accounts/" + acct},
		{"GET", "/api/v1/products/" + imported.Data[0].ID}, {"DELETE", "/api/v1/products/" + imported.Data[0].ID},
	} {
		wantProblem(t, s.Call(t, c.method, c.path, otherAdmin, nil), 404, "not_found", "")
	}
	// Importing from another tenant's account finds no such item.
	wantProblem(t, s.Call(t, "POST", "/api/v1/products/import", otherAdmin, map[string]any{"provider_account_id": acct, "items": []string{"sandbox-dv"}, "margin_bps": 1000}), 400, "invalid_request", "items[0]")
	// The owner can still delete the account (no orders), which takes its products along.
	if r := s.Call(t, "DELETE", "/api/v1/provider-accounts/"+acct, s.AdminKey, nil); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	var l struct {
		Data []any `json:"data"`
	}
	s.Call(t, "GET", "/api/v1/products", s.AdminKey, nil).JSON(t, &l)
	if len(l.Data) != 0 {
		t.Fatalf("products left after deleting the account: %d", len(l.Data))
	}
}

func TestCatalogDiscontinuedItemWarns(t *testing.T) {
	s := apptest.New(t)
	acct, items := setupSandbox(t, s)
	// An item the provider sold once but no longer lists.
	cost := items["sandbox-dv"].Periods[0].Cost.AmountMinor
	err := s.App.System.Tx(t.Context(), func(tx pgx.Tx) error {
		_, err := tx.Exec(t.Context(), `INSERT INTO catalog_items (tenant_id, account_id, code, name, validation, periods)
			VALUES ($1, $2, 'retired-dv', 'Retired DV', 'dv', $3)`, s.Tenant.ID, acct,
			fmt.Sprintf(`[{"months":12,"cost":{"currency":"USD","amount_minor":%d}}]`, cost))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var imported struct {
		Data []product `json:"data"`
	}
	s.Call(t, "POST", "/api/v1/products/import", s.AdminKey, map[string]any{"provider_account_id": acct, "items": []string{"retired-dv"}, "margin_bps": 1000}).JSON(t, &imported)
	var res struct {
		Discontinued int `json:"discontinued"`
	}
	s.Call(t, "POST", "/api/v1/provider-accounts/"+acct+"/sync", s.AdminKey, nil).JSON(t, &res)
	if res.Discontinued != 1 {
		t.Fatalf("sync marked %d items discontinued", res.Discontinued)
	}
	var p product
	s.Call(t, "GET", "/api/v1/products/"+imported.Data[0].ID, s.BillingKey, nil).JSON(t, &p)
	if len(p.Warnings) == 0 || !strings.Contains(p.Warnings[0], "no longer sells") {
		t.Fatalf("warnings: %v", p.Warnings)
	}
	var l struct {
		Data []item `json:"data"`
	}
	s.Call(t, "GET", "/api/v1/catalog?provider_account_id="+acct, s.AdminKey, nil).JSON(t, &l)
	found := false
	for _, it := range l.Data {
		found = found || (it.Code == "retired-dv" && it.Discontinued)
	}
	if !found {
		t.Fatal("the discontinued item was deleted instead of marked")
	}
}
