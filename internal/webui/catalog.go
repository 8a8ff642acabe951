package webui

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/sslreseller/sslreseller/internal/catalog"
	"github.com/sslreseller/sslreseller/internal/money"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

// catalogPages is the prefix of the catalogue pages' template names.
const catalogPages = "admin/catalog/"

// settingsOnly is why support staff may not use a catalogue control (design.md section 1).
const settingsOnly = "Only owners and admins can change provider accounts, the catalogue, products, prices and currencies."

// catalogRoutes are the admin pages of provider accounts, the catalogue, products, prices and
// currencies. Every staff user may look; changes need User.Can("settings").
//
//	/provider-accounts                 list; /new add; /{id} overview, test, sync, edit; /delete; /calls
//	/catalog?account=                  a provider account's items; /catalog/costs staff-entered costs
//	/products                          by group; /{id} edit, /{id}/visibility, /{id}/delete
//	/products/import                   import wizard
//	/products/reprice                  bulk price update: form, preview, apply
//	/currencies                        default currency, extra currencies and rates; /{code}/delete
func (u *UI) catalogRoutes(r chi.Router) {
	r.Get("/provider-accounts", u.listProviderAccounts)
	r.Get("/catalog", u.listCatalog)
	r.Get("/products", u.listProducts)
	r.Get("/currencies", u.listCurrencies)

	r.Group(func(r chi.Router) {
		r.Use(u.requireCan("settings", settingsOnly))
		r.Get("/provider-accounts/new", u.newProviderAccount)
		r.Post("/provider-accounts", u.createProviderAccount)
		r.Post("/provider-accounts/{id}", u.updateProviderAccount)
		r.Post("/provider-accounts/{id}/test", u.testProviderAccount)
		r.Post("/provider-accounts/{id}/sync", u.syncProviderAccount)
		r.Get("/provider-accounts/{id}/delete", u.confirmDeleteProviderAccount)
		r.Post("/provider-accounts/{id}/delete", u.deleteProviderAccount)

		r.Get("/catalog/costs", u.itemCostsForm)
		r.Post("/catalog/costs", u.setItemCosts)

		r.Get("/products/import", u.importForm)
		r.Post("/products/import", u.importProducts)
		r.Get("/products/reprice", u.repriceForm)
		r.Post("/products/reprice", u.repriceProducts)
		r.Post("/products/{id}", u.updateProduct)
		r.Post("/products/{id}/visibility", u.setProductVisibility)
		r.Post("/products/{id}/delete", u.deleteProduct)

		r.Post("/currencies", u.setCurrencyRate)
		r.Post("/currencies/{code}/delete", u.deleteCurrency)
	})
	r.Get("/provider-accounts/{id}", u.showProviderAccount)
	r.Get("/provider-accounts/{id}/calls", u.providerAccountCalls)
	r.Get("/products/{id}", u.editProduct)
}

// catalogPage is the template name of a catalogue page.
func catalogPage(name string) string { return catalogPages + name }

// periodLabel names a period for people: "1 year", "2 years", "6 months".
func periodLabel(months int) string {
	switch {
	case months%12 == 0 && months == 12:
		return "1 year"
	case months%12 == 0:
		return strconv.Itoa(months/12) + " years"
	case months == 1:
		return "1 month"
	default:
		return strconv.Itoa(months) + " months"
	}
}

// namesLabel says how many names a certificate covers.
func namesLabel(wildcard bool, included, max int) string {
	switch {
	case wildcard && max <= 1:
		return "1 name with its subdomains"
	case max <= 1:
		return "1 name"
	case included == max:
		return fmt.Sprintf("%d names", max)
	default:
		return fmt.Sprintf("%d included, up to %d", included, max)
	}
}

// priceGrid is a table of prices: one row per period, one column per currency.
type priceGrid struct {
	Currencies []string
	Rows       []priceRow
}

// priceRow is one period of a priceGrid.
type priceRow struct {
	Months int
	Period string
	Cells  []priceCell
}

// priceCell is one price; Key ("12 USD") lets tests and people find it.
type priceCell struct {
	Key      string
	Currency string
	Price    string // major units, "" when the product has no price in this currency
	PerName  string // the per-extra-name price, major units, "" for none
}

// productGrid builds the price grid of a product over the given currencies.
func productGrid(p *catalog.Product, currencies []string) priceGrid {
	g := priceGrid{Currencies: currencies}
	for _, pp := range p.Periods {
		row := priceRow{Months: pp.Months, Period: periodLabel(pp.Months)}
		for _, c := range currencies {
			cell := priceCell{Key: fmt.Sprintf("%d %s", pp.Months, c), Currency: c}
			if a, ok := pp.Price(c); ok {
				cell.Price = a.FormatMajor()
			}
			if a, ok := p.DomainPrice(pp.Months, c); ok {
				cell.PerName = a.FormatMajor()
			}
			row.Cells = append(row.Cells, cell)
		}
		g.Rows = append(g.Rows, row)
	}
	slices.SortFunc(g.Rows, func(a, b priceRow) int { return a.Months - b.Months })
	return g
}

// priceCurrencies are the columns of price tables: the tenant's currencies, default first, then any
// other currency the products have prices in.
func priceCurrencies(cur *catalog.Currencies, products []catalog.Product) []string {
	out := cur.Codes()
	for _, p := range products {
		for _, pp := range append(slices.Clone(p.Periods), p.PerDomainPrices...) {
			for _, a := range pp.Prices {
				if !slices.Contains(out, a.Currency) {
					out = append(out, a.Currency)
				}
			}
		}
	}
	return out
}

// indexed matches the list indexes of store field names: "currencies[1]", "periods[0].prices[2]".
var indexed = regexp.MustCompile(`\[\d+\]`)

// renameFields returns err with its field names passed through rename, so a store's names
// ("margin_bps", "currencies[1]") land next to the inputs of a page ("margin", "currencies").
// Errors without fields are returned as they are.
func renameFields(err error, rename func(string) string) error {
	e, ok := errs.As(err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	out := &errs.Error{Code: e.Code, Message: e.Message, Err: e.Err}
	for _, fe := range e.Fields {
		out.Fields = append(out.Fields, errs.FieldError{Field: rename(fe.Field), Detail: fe.Detail})
	}
	return out
}

// pricingFieldName maps the store's pricing fields to the inputs of the import and reprice forms.
func pricingFieldName(field string) string {
	switch f := indexed.ReplaceAllString(field, ""); f {
	case "margin_bps":
		return "margin"
	case "currencies":
		return "currency"
	case "items":
		return "item"
	case "product_ids":
		return "product"
	case "provider_account_id":
		return "account"
	default:
		return f
	}
}

// pricingForm is the margin, rounding and currencies of the import and reprice forms, parsed.
type pricingForm struct {
	Pricing catalog.Pricing
	OK      bool
}

// parsePricing reads margin (percent), rounding and currencies, recording what is wrong on f.
func parsePricing(f *form) pricingForm {
	var p pricingForm
	bps, err := money.ParseMarginPercent(f.Get("margin"))
	if err != nil {
		f.Errors["margin"] = err.Error()
	}
	rounding, rerr := money.ParseRounding(f.Get("rounding"))
	if rerr != nil {
		f.Errors["rounding"] = rerr.Error()
	}
	var currencies []string
	for _, c := range f.Values["currency"] {
		if c = strings.ToUpper(strings.TrimSpace(c)); c != "" {
			currencies = append(currencies, c)
		}
	}
	if len(currencies) == 0 {
		f.Errors["currency"] = "choose at least one currency"
	}
	p.Pricing = catalog.Pricing{MarginBps: bps, Rounding: rounding, Currencies: currencies}
	p.OK = err == nil && rerr == nil && len(currencies) > 0
	return p
}

// roundingChoice is one rounding rule as the forms offer it.
type roundingChoice struct {
	Value, Title, Text string
}

func roundingChoices() []roundingChoice {
	text := map[money.Rounding][2]string{
		money.RoundNone:  {"Exact", "Up to the next cent: 10.40 stays 10.40"},
		money.RoundWhole: {"Whole", "Up to the next whole unit: 10.40 becomes 11.00"},
		money.RoundX99:   {"Ends in .99", "Up to the next .99: 10.40 becomes 10.99"},
		money.RoundX95:   {"Ends in .95", "Up to the next .95: 10.40 becomes 10.95"},
	}
	var out []roundingChoice
	for _, r := range money.Roundings() {
		out = append(out, roundingChoice{Value: string(r), Title: text[r][0], Text: text[r][1]})
	}
	return out
}

// checkedSet is the values of a multi-valued input, for ticking boxes.
type checkedSet map[string]bool

func checked(values []string) checkedSet {
	s := checkedSet{}
	for _, v := range values {
		s[v] = true
	}
	return s
}

// Has reports whether v is ticked.
func (s checkedSet) Has(v string) bool { return s[v] }

// backTo returns next when it is a page of this tenant's admin, else fallback.
func backTo(r *http.Request, next, fallback string) string {
	if next != "" && safeNext(next, siteOf(r).Base+"/admin") == next {
		return next
	}
	return fallback
}
