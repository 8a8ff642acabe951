package e2e

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sslreseller/sslreseller/internal/account"
	"github.com/sslreseller/sslreseller/internal/app/apptest"
	"github.com/sslreseller/sslreseller/internal/audit"
)

// x99 is the price the test expects: cost plus margin, converted at rate, up to the next .99.
func x99(costMinor, marginBps int64, rate string) int64 {
	v := new(big.Rat).SetInt64(costMinor)
	v.Mul(v, big.NewRat(10000+marginBps, 10000))
	r, _ := new(big.Rat).SetString(rate)
	v.Mul(v, r)
	for c := int64(99); ; c += 100 {
		if new(big.Rat).SetInt64(c).Cmp(v) >= 0 {
			return c
		}
	}
}

func major(minor int64) string { return fmt.Sprintf("%d.%02d", minor/100, minor%100) }

type catItem struct {
	Code    string `json:"code"`
	Periods []struct {
		Months int `json:"months"`
		Cost   *struct {
			AmountMinor int64 `json:"amount_minor"`
		} `json:"cost"`
	} `json:"periods"`
}

type catProduct struct {
	ID       string `json:"id"`
	ItemCode string `json:"item_code"`
	Periods  []struct {
		Months int `json:"months"`
		Prices []struct {
			Currency    string `json:"currency"`
			AmountMinor int64  `json:"amount_minor"`
		} `json:"prices"`
	} `json:"periods"`
}

// TestCatalogImportInBrowser: an owner connects a sandbox account, tests it, syncs its catalogue,
// adds EUR, imports three items at a 30% margin rounded to x.99 in USD and EUR, and finds the same
// prices on the products page and through the API, each computed here from the catalogue's costs.
func TestCatalogImportInBrowser(t *testing.T) {
	s := apptest.New(t)
	b := newBrowser(t, s.URL, "catalog")
	b.staffSignIn(s)

	b.visit("/t/acme/admin/provider-accounts", ".empty", "accounts-empty")
	b.do("open the add form", chromedp.Click(chromedp.CSS(`.page-actions a`)), chromedp.WaitVisible(chromedp.CSS("#f-name")))
	b.shot("account-new")
	b.do("connect without a name", chromedp.Click(chromedp.CSS(`.form-actions button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS("#f-name-error")))
	b.shot("account-new-error")
	b.do("connect", fill("#f-name", "Sandbox CA"), chromedp.Click(chromedp.CSS(`.form-actions button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	b.shot("account-connected")
	acctPath := b.path()
	acctID := acctPath[strings.LastIndex(acctPath, "/")+1:]

	b.do("test the connection", chromedp.Click(chromedp.CSS("#test-button")), chromedp.WaitVisible(chromedp.CSS(".cat-test-ok")))
	b.shot("account-tested")
	b.do("sync", chromedp.Click(chromedp.CSS("#sync-button")), chromedp.WaitVisible(chromedp.CSS("#catalog-table")))
	b.shot("catalog")
	if got := b.text(".flash"); !strings.Contains(got, "Catalogue synced") {
		t.Errorf("sync flash: %q", got)
	}
	if got := b.text("#catalog-table"); !strings.Contains(got, "sandbox-dv-wildcard") || !strings.Contains(got, "USD") {
		t.Errorf("catalogue table: %q", got)
	}

	b.visit("/t/acme/admin/currencies", "#currency-form", "currencies")
	b.do("a bad rate", fill("#f-currency", "EUR"), fill("#f-rate", "abc"), chromedp.Click(chromedp.CSS("#currency-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#f-rate-error")))
	b.shot("currency-bad-rate")
	b.do("add EUR", fill("#f-rate", "0.92"), chromedp.Click(chromedp.CSS("#currency-form button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	b.shot("currencies-eur")
	if got := b.text("#currencies-table"); !strings.Contains(got, "EUR") || !strings.Contains(got, "0.92") {
		t.Errorf("currencies: %q", got)
	}

	codes := []string{"sandbox-dv", "sandbox-dv-wildcard", "sandbox-ov"}
	b.visit("/t/acme/admin/products/import?account="+acctID, "#import-form", "import")
	b.do("import nothing", chromedp.Click(chromedp.CSS("#import-submit")), chromedp.WaitVisible(chromedp.CSS(".alert-error")))
	b.shot("import-nothing")
	steps := []chromedp.Action[chromedp.Void]{}
	for _, c := range codes {
		steps = append(steps, chromedp.Click(chromedp.CSS(`input[name=item][value="`+c+`"]`)))
	}
	steps = append(steps, fill("#f-margin", "30"), chromedp.Click(chromedp.CSS(`input[name=rounding][value="x.99"]`)),
		chromedp.Click(chromedp.CSS(`input[name=currency][value="EUR"]`)))
	b.do("choose items and pricing", steps...)
	b.shot("import-filled")
	b.do("import", chromedp.Click(chromedp.CSS("#import-submit")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	b.shot("products")
	if got := b.text(".flash"); !strings.Contains(got, "3 products imported") {
		t.Errorf("import flash: %q", got)
	}

	var cat struct {
		Data []catItem `json:"data"`
	}
	s.Call(t, "GET", "/api/v1/catalog?provider_account_id="+acctID, s.AdminKey, nil).JSON(t, &cat)
	costs := map[string]map[int]int64{}
	for _, it := range cat.Data {
		costs[it.Code] = map[int]int64{}
		for _, p := range it.Periods {
			if p.Cost != nil {
				costs[it.Code][p.Months] = p.Cost.AmountMinor
			}
		}
	}
	var prods struct {
		Data []catProduct `json:"data"`
	}
	s.Call(t, "GET", "/api/v1/products", s.BillingKey, nil).JSON(t, &prods)
	if len(prods.Data) != 3 {
		t.Fatalf("the API lists %d products", len(prods.Data))
	}
	checked := 0
	for _, p := range prods.Data {
		for months, cost := range costs[p.ItemCode] {
			for cur, rate := range map[string]string{"USD": "1", "EUR": "0.92"} {
				want := x99(cost, 3000, rate)
				var api int64 = -1
				for _, pp := range p.Periods {
					for _, a := range pp.Prices {
						if pp.Months == months && a.Currency == cur {
							api = a.AmountMinor
						}
					}
				}
				if api != want {
					t.Errorf("%s %d months %s: the API says %d, want %d (cost %d)", p.ItemCode, months, cur, api, want, cost)
				}
				cell := b.text(fmt.Sprintf(`#product-%s td[data-price="%d %s"]`, p.ID, months, cur))
				if !strings.HasPrefix(cell, major(want)) {
					t.Errorf("%s %d months %s: the page shows %q, want %s", p.ItemCode, months, cur, cell, major(want))
				}
				checked++
			}
		}
	}
	if checked < 12 {
		t.Errorf("only %d prices checked", checked)
	}

	// A price edited by hand reaches the API; a bad one is refused next to its cell.
	p := prods.Data[0]
	b.visit("/t/acme/admin/products/"+p.ID, "#product-form", "product")
	b.do("a bad price", chromedp.SetValue(chromedp.CSS(`input[name="price.12.USD"]`), "12,5x"),
		chromedp.Click(chromedp.CSS(`#product-form .btn-primary`)), chromedp.WaitVisible(chromedp.CSS("td.has-error")))
	b.shot("product-bad-price")
	b.do("a good price", chromedp.SetValue(chromedp.CSS(`input[name="price.12.USD"]`), "77.00"),
		chromedp.Click(chromedp.CSS(`#product-form .btn-primary`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	var one catProduct
	s.Call(t, "GET", "/api/v1/products/"+p.ID, s.BillingKey, nil).JSON(t, &one)
	for _, pp := range one.Periods {
		for _, a := range pp.Prices {
			if pp.Months == 12 && a.Currency == "USD" && a.AmountMinor != 7700 {
				t.Errorf("the edited price reads %d through the API", a.AmountMinor)
			}
		}
	}

	// Bulk update: preview changes nothing, apply does.
	b.visit("/t/acme/admin/products/reprice", "#reprice-form", "reprice")
	b.do("preview 50%", chromedp.Click(chromedp.CSS(`input[name=product][value="`+p.ID+`"]`)), fill("#f-margin", "50"),
		chromedp.Click(chromedp.CSS(`button[value=preview]`)), chromedp.WaitVisible(chromedp.CSS("#preview")))
	b.shot("reprice-preview")
	s.Call(t, "GET", "/api/v1/products/"+p.ID, s.BillingKey, nil).JSON(t, &one)
	for _, pp := range one.Periods {
		for _, a := range pp.Prices {
			if pp.Months == 12 && a.Currency == "USD" && a.AmountMinor != 7700 {
				t.Fatalf("the preview changed the 12-month USD price to %d", a.AmountMinor)
			}
		}
	}
	b.do("apply", chromedp.Click(chromedp.CSS("#apply")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	s.Call(t, "GET", "/api/v1/products/"+p.ID, s.BillingKey, nil).JSON(t, &one)
	for _, pp := range one.Periods {
		for _, a := range pp.Prices {
			if a.Currency == "USD" {
				if want := x99(costs[p.ItemCode][pp.Months], 5000, "1"); a.AmountMinor != want {
					t.Errorf("after the 50%% update, %d months USD is %d, want %d", pp.Months, a.AmountMinor, want)
				}
			}
		}
	}

	// Another tenant's account is not found here; support staff see no change controls.
	_, _, _, _, otherAdmin := apptest.Seed(t, s.App, "other", "Other")
	var oa struct {
		ID string `json:"id"`
	}
	s.Call(t, "POST", "/api/v1/provider-accounts", otherAdmin, map[string]any{"provider": "sandbox", "name": "Theirs", "environment": "test"}).JSON(t, &oa)
	b.visit("/t/acme/admin/provider-accounts/"+oa.ID, ".error-card", "foreign-account")
	if got := b.text(".error-code"); got != "404" {
		t.Errorf("another tenant's account: %s, want 404", got)
	}

	ctx := audit.WithActor(context.Background(), audit.Actor{Type: audit.ActorCLI, Label: "test"})
	if _, err := s.App.Accounts.CreateUser(ctx, s.Tenant.ID, account.UserInput{Email: "sam@acme.test", Name: "Sam Support",
		Role: account.RoleSupport, Password: "support password"}); err != nil {
		t.Fatal(err)
	}
	sb := newBrowser(t, s.URL, "catalog-support")
	sb.visit("/t/acme/admin/login", "form", "login")
	sb.do("sign in", fill("#f-email", "sam@acme.test"), fill("#f-password", "support password"),
		chromedp.Click(chromedp.CSS("button[type=submit]")), chromedp.WaitVisible(chromedp.CSS(".stats")))
	sb.visit("/t/acme/admin/products", ".cat-group", "support-products")
	if n := len(run(sb, "find change buttons", chromedp.Nodes(chromedp.CSSAll(".page-actions a, .cat-product form"), chromedp.AtLeast(0)))); n != 0 {
		t.Errorf("support sees %d change controls on products", n)
	}
	sb.visit("/t/acme/admin/products/import", ".error-card", "support-import")
	if got := sb.text(".error-code"); got != "403" {
		t.Errorf("support on the import form: %s, want 403", got)
	}
}
