package webui

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/sslreseller/sslreseller/internal/catalog"
	"github.com/sslreseller/sslreseller/internal/money"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
	"github.com/sslreseller/sslreseller/internal/provider"
)

// itemRow is one catalogue item as the pages list it.
type itemRow struct {
	catalog.Item
	NamesText string
	Costs     []string // "1 year: USD 8.00"
	PerName   []string
	HasCosts  bool
}

func itemRowOf(it catalog.Item) itemRow {
	row := itemRow{Item: it, NamesText: namesLabel(it.Wildcard, it.IncludedNames, it.MaxNames)}
	for _, p := range it.Periods {
		if p.Cost != nil {
			row.HasCosts = true
			row.Costs = append(row.Costs, periodLabel(p.Months)+": "+p.Cost.String())
		} else {
			row.Costs = append(row.Costs, periodLabel(p.Months)+": no cost yet")
		}
	}
	for _, p := range it.PerNameCost {
		if p.Cost != nil {
			row.PerName = append(row.PerName, periodLabel(p.Months)+": "+p.Cost.String())
		}
	}
	return row
}

// catalogData is the data of the catalogue page.
type catalogData struct {
	Accounts []provider.AccountView
	Account  *provider.AccountView
	Items    []itemRow
	Problem  string
}

func (u *UI) listCatalog(w http.ResponseWriter, r *http.Request) {
	id, _ := uuid.Parse(r.URL.Query().Get("account"))
	u.renderCatalog(w, r, http.StatusOK, id, "")
}

// renderCatalog shows the items of an account (the first account when id is uuid.Nil), with a
// problem above them when a sync failed.
func (u *UI) renderCatalog(w http.ResponseWriter, r *http.Request, status int, id uuid.UUID, problem string) {
	ctx, t := r.Context(), siteOf(r).Tenant
	accounts, err := u.d.Providers.List(ctx, t.ID)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	d := catalogData{Accounts: accounts, Problem: problem}
	for i := range accounts {
		if accounts[i].ID == id || (id == uuid.Nil && i == 0) {
			d.Account = &accounts[i]
		}
	}
	if id != uuid.Nil && d.Account == nil {
		u.fail(w, r, provider.ErrAccountNotFound)
		return
	}
	if d.Account != nil {
		items, err := u.d.Catalog.Items(ctx, t.ID, d.Account.ID)
		if err != nil {
			u.fail(w, r, err)
			return
		}
		for _, it := range items {
			d.Items = append(d.Items, itemRowOf(it))
		}
	}
	v := u.newView(r, "Provider catalogue", "catalog")
	v.Data = d
	u.renderPage(w, r, status, catalogPage("catalog"), v)
}

// findItem returns the item of ?account=&code= (or the form's account and code).
func (u *UI) findItem(r *http.Request, accountID, code string) (*provider.AccountView, *catalog.Item, error) {
	id, err := uuid.Parse(accountID)
	if err != nil {
		return nil, nil, provider.ErrAccountNotFound
	}
	a, err := u.d.Providers.Get(r.Context(), siteOf(r).Tenant.ID, id)
	if err != nil {
		return nil, nil, err
	}
	items, err := u.d.Catalog.Items(r.Context(), siteOf(r).Tenant.ID, id)
	if err != nil {
		return nil, nil, err
	}
	for i := range items {
		if items[i].Code == code {
			return a, &items[i], nil
		}
	}
	return nil, nil, errs.New(errs.NotFound, "no catalogue item %q on this account", code)
}

// costsData is the data of the staff-entered costs form.
type costsData struct {
	Account *provider.AccountView
	Item    *catalog.Item
	Months  []int
	PerName bool
}

func (u *UI) itemCostsForm(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	a, it, err := u.findItem(r, q.Get("account"), q.Get("code"))
	if err != nil {
		u.fail(w, r, err)
		return
	}
	f := newForm(nil)
	f.Set("account", a.ID.String())
	f.Set("code", it.Code)
	f.Set("currency", siteOf(r).Tenant.DefaultCurrency)
	for _, p := range it.Periods {
		if p.Cost != nil {
			f.Set("currency", p.Cost.Currency)
			f.Set("cost."+strconv.Itoa(p.Months), p.Cost.FormatMajor())
		}
	}
	for _, p := range it.PerNameCost {
		if p.Cost != nil {
			f.Set("per_name."+strconv.Itoa(p.Months), p.Cost.FormatMajor())
		}
	}
	u.renderCosts(w, r, http.StatusOK, a, it, f)
}

func (u *UI) renderCosts(w http.ResponseWriter, r *http.Request, status int, a *provider.AccountView, it *catalog.Item, f *form) {
	d := costsData{Account: a, Item: it, PerName: it.MaxNames > it.IncludedNames}
	for _, p := range it.Periods {
		d.Months = append(d.Months, p.Months)
	}
	v := u.newView(r, "Costs of "+it.Name, "catalog")
	v.Form, v.Data = f, d
	u.renderPage(w, r, status, catalogPage("costs"), v)
}

func (u *UI) setItemCosts(w http.ResponseWriter, r *http.Request) {
	f := postForm(r)
	a, it, err := u.findItem(r, f.Get("account"), f.Get("code"))
	if err != nil {
		u.fail(w, r, err)
		return
	}
	cur := strings.ToUpper(f.Get("currency"))
	if !money.Valid(cur) {
		f.Errors["currency"] = "is not a currency code such as USD or EUR"
	}
	var in catalog.CostsInput
	for _, p := range it.Periods {
		key := "cost." + strconv.Itoa(p.Months)
		pc := catalog.PeriodCost{Months: p.Months}
		if s := f.Get(key); s != "" {
			amt, err := money.ParseMajor(cur, s)
			if err != nil {
				f.Errors[key] = "is not an amount such as 12.50"
			} else {
				pc.Cost = &amt
			}
		}
		in.Periods = append(in.Periods, pc)
		if it.MaxNames > it.IncludedNames {
			key := "per_name." + strconv.Itoa(p.Months)
			if s := f.Get(key); s != "" {
				amt, err := money.ParseMajor(cur, s)
				if err != nil {
					f.Errors[key] = "is not an amount such as 2.00"
				} else {
					in.PerNameCost = append(in.PerNameCost, catalog.PeriodCost{Months: p.Months, Cost: &amt})
				}
			}
		}
	}
	if len(f.Errors) > 0 {
		f.Alert = "Please correct the highlighted fields."
		u.renderCosts(w, r, http.StatusUnprocessableEntity, a, it, f)
		return
	}
	_, err = u.d.Catalog.SetItemCosts(r.Context(), siteOf(r).Tenant.ID, a.ID, it.Code, in)
	if f.apply(err) {
		u.renderCosts(w, r, http.StatusUnprocessableEntity, a, it, f)
		return
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.redirect(w, r, siteOf(r).Base+"/admin/catalog?account="+a.ID.String(), "The costs of "+it.Name+" were saved.")
}

// pricingData is the data of the import and reprice forms.
type pricingData struct {
	Accounts   []provider.AccountView
	Account    *provider.AccountView
	Items      []itemRow
	Products   []catalog.Product
	Currencies []string
	Default    string
	Roundings  []roundingChoice
	Checked    checkedSet // items or products ticked
	Ccy        checkedSet // currencies ticked
	Changes    []priceChangeRow
	Preview    bool
}

// priceChangeRow is one line of the bulk update preview.
type priceChangeRow struct {
	Product, Period, Kind, Old, New, Cost string
	Up, Down                              bool
}

func (u *UI) pricingBase(r *http.Request, f *form) (*pricingData, error) {
	cur, err := u.d.Catalog.Currencies(r.Context(), siteOf(r).Tenant.ID)
	if err != nil {
		return nil, err
	}
	return &pricingData{Currencies: cur.Codes(), Default: cur.Default, Roundings: roundingChoices(),
		Checked: checked(append(f.Values["item"], f.Values["product"]...)), Ccy: checked(f.Values["currency"])}, nil
}

func (u *UI) importForm(w http.ResponseWriter, r *http.Request) {
	f := newForm(nil)
	f.Set("margin", "30")
	f.Set("rounding", string(money.RoundX99))
	f.Set("account", r.URL.Query().Get("account"))
	cur, err := u.d.Catalog.Currencies(r.Context(), siteOf(r).Tenant.ID)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	f.Values["currency"] = []string{cur.Default}
	u.renderImport(w, r, http.StatusOK, f)
}

func (u *UI) renderImport(w http.ResponseWriter, r *http.Request, status int, f *form) {
	ctx, t := r.Context(), siteOf(r).Tenant
	d, err := u.pricingBase(r, f)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	if d.Accounts, err = u.d.Providers.List(ctx, t.ID); err != nil {
		u.fail(w, r, err)
		return
	}
	id, _ := uuid.Parse(f.Get("account"))
	for i := range d.Accounts {
		if d.Accounts[i].ID == id || (id == uuid.Nil && i == 0) {
			d.Account = &d.Accounts[i]
		}
	}
	if d.Account != nil {
		f.Set("account", d.Account.ID.String())
		items, err := u.d.Catalog.Items(ctx, t.ID, d.Account.ID)
		if err != nil {
			u.fail(w, r, err)
			return
		}
		for _, it := range items {
			if !it.Discontinued {
				d.Items = append(d.Items, itemRowOf(it))
			}
		}
	}
	v := u.newView(r, "Import products", "products")
	v.Form, v.Data = f, d
	u.renderPage(w, r, status, catalogPage("import"), v)
}

func (u *UI) importProducts(w http.ResponseWriter, r *http.Request) {
	f := postForm(r)
	p := parsePricing(f)
	id, err := uuid.Parse(f.Get("account"))
	if err != nil {
		f.Errors["account"] = "choose a provider account"
	}
	items := f.Values["item"]
	if len(items) == 0 {
		f.Errors["item"] = "choose at least one item to sell"
	}
	if !p.OK || len(f.Errors) > 0 {
		f.Alert = "Please correct the highlighted fields."
		u.renderImport(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	products, err := u.d.Catalog.Import(r.Context(), siteOf(r).Tenant.ID, catalog.ImportInput{ProviderAccountID: id, Items: items,
		Group: f.Get("group"), Pricing: p.Pricing})
	err = renameFields(err, pricingFieldName)
	if f.apply(err, "margin", "rounding", "currency", "item", "account", "group") {
		u.renderImport(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.redirect(w, r, siteOf(r).Base+"/admin/products", fmt.Sprintf("%s imported with a %s%% margin.", plural(len(products), "product"), f.Get("margin")))
}

func (u *UI) repriceForm(w http.ResponseWriter, r *http.Request) {
	f := newForm(nil)
	f.Set("margin", "30")
	f.Set("rounding", string(money.RoundX99))
	cur, err := u.d.Catalog.Currencies(r.Context(), siteOf(r).Tenant.ID)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	f.Values["currency"] = cur.Codes()
	u.renderReprice(w, r, http.StatusOK, f, nil)
}

func (u *UI) renderReprice(w http.ResponseWriter, r *http.Request, status int, f *form, changes []catalog.PriceChange) {
	d, err := u.pricingBase(r, f)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	if d.Products, err = u.d.Catalog.Products(r.Context(), siteOf(r).Tenant.ID, catalog.ProductFilter{Limit: 1000}); err != nil {
		u.fail(w, r, err)
		return
	}
	if changes != nil {
		d.Preview = true
		for _, c := range changes {
			row := priceChangeRow{Product: c.ProductName, Period: periodLabel(c.Months), Kind: "Base price", New: c.New.String(), Cost: c.Cost.String()}
			if c.Kind == "per_name" {
				row.Kind = "Each extra name"
			}
			if c.Old != nil {
				row.Old = c.Old.String()
				row.Up, row.Down = c.New.Minor > c.Old.Minor, c.New.Minor < c.Old.Minor
			}
			d.Changes = append(d.Changes, row)
		}
	}
	v := u.newView(r, "Update prices", "products")
	v.Form, v.Data = f, d
	u.renderPage(w, r, status, catalogPage("reprice"), v)
}

// repriceProducts previews (action=preview) or applies a bulk price update.
func (u *UI) repriceProducts(w http.ResponseWriter, r *http.Request) {
	f := postForm(r)
	p := parsePricing(f)
	var ids []uuid.UUID
	for _, s := range f.Values["product"] {
		if id, err := uuid.Parse(s); err == nil {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		f.Errors["product"] = "choose at least one product"
	}
	if !p.OK || len(f.Errors) > 0 {
		f.Alert = "Please correct the highlighted fields."
		u.renderReprice(w, r, http.StatusUnprocessableEntity, f, nil)
		return
	}
	apply := f.Get("action") == "apply"
	changes, err := u.d.Catalog.Reprice(r.Context(), siteOf(r).Tenant.ID, catalog.RepriceInput{ProductIDs: ids, Apply: apply, Pricing: p.Pricing})
	err = renameFields(err, pricingFieldName)
	if f.apply(err, "margin", "rounding", "currency", "product") {
		u.renderReprice(w, r, http.StatusUnprocessableEntity, f, nil)
		return
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	if !apply {
		if changes == nil {
			changes = []catalog.PriceChange{}
		}
		u.renderReprice(w, r, http.StatusOK, f, changes)
		return
	}
	u.redirect(w, r, siteOf(r).Base+"/admin/products", fmt.Sprintf("Prices of %s were updated.", plural(len(ids), "product")))
}

// productGroup is one group of the products page.
type productGroup struct {
	Name     string
	Products []productRow
}

// productRow is one product with its price grid.
type productRow struct {
	catalog.Product
	Grid      priceGrid
	NamesText string
}

func (u *UI) listProducts(w http.ResponseWriter, r *http.Request) {
	ctx, t := r.Context(), siteOf(r).Tenant
	products, err := u.d.Catalog.Products(ctx, t.ID, catalog.ProductFilter{Limit: 1000})
	if err != nil {
		u.fail(w, r, err)
		return
	}
	cur, err := u.d.Catalog.Currencies(ctx, t.ID)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	codes := priceCurrencies(cur, products)
	var groups []productGroup
	index := map[string]int{}
	for _, p := range products {
		i, ok := index[p.Group]
		if !ok {
			i = len(groups)
			index[p.Group] = i
			groups = append(groups, productGroup{Name: p.Group})
		}
		groups[i].Products = append(groups[i].Products, productRow{Product: p, Grid: productGrid(&p, codes),
			NamesText: namesLabel(p.Wildcard, p.IncludedDomains, p.MaxDomains)})
	}
	slices.SortStableFunc(groups, func(a, b productGroup) int { return strings.Compare(a.Name, b.Name) })
	v := u.newView(r, "Products", "products")
	v.Data = groups
	u.renderPage(w, r, http.StatusOK, catalogPage("products"), v)
}

// productData is the data of the product page.
type productData struct {
	Product    *catalog.Product
	Currencies []string
	Months     []int
	PerName    bool
	Item       *catalog.Item
	Groups     []string
}

func (u *UI) findProduct(r *http.Request) (*catalog.Product, error) {
	id, ok := pathID(r)
	if !ok {
		return nil, errs.New(errs.NotFound, "product not found")
	}
	return u.d.Catalog.Product(r.Context(), siteOf(r).Tenant.ID, id)
}

func (u *UI) editProduct(w http.ResponseWriter, r *http.Request) {
	p, err := u.findProduct(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	f := newForm(nil)
	f.Set("name", p.Name)
	f.Set("description", p.Description)
	f.Set("group", p.Group)
	for _, pp := range p.Periods {
		for _, a := range pp.Prices {
			f.Set(fmt.Sprintf("price.%d.%s", pp.Months, a.Currency), a.FormatMajor())
		}
	}
	for _, pp := range p.PerDomainPrices {
		for _, a := range pp.Prices {
			f.Set(fmt.Sprintf("per_name.%d.%s", pp.Months, a.Currency), a.FormatMajor())
		}
	}
	u.renderProduct(w, r, http.StatusOK, p, f)
}

func (u *UI) renderProduct(w http.ResponseWriter, r *http.Request, status int, p *catalog.Product, f *form) {
	cur, err := u.d.Catalog.Currencies(r.Context(), siteOf(r).Tenant.ID)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	d := productData{Product: p, Currencies: priceCurrencies(cur, []catalog.Product{*p}), Item: p.Item(), PerName: p.MaxDomains > p.IncludedDomains,
		Months: productMonths(p)}
	if d.Groups, err = u.d.Catalog.Groups(r.Context(), siteOf(r).Tenant.ID); err != nil {
		u.fail(w, r, err)
		return
	}
	v := u.newView(r, p.Name, "products")
	v.Form, v.Data = f, d
	u.renderPage(w, r, status, catalogPage("product"), v)
}

// productMonths are the periods the product editor offers: those the product sells and those its
// catalogue item has, in order.
func productMonths(p *catalog.Product) []int {
	var months []int
	for _, pp := range p.Periods {
		months = append(months, pp.Months)
	}
	if it := p.Item(); it != nil {
		for _, pc := range it.Periods {
			if !slices.Contains(months, pc.Months) {
				months = append(months, pc.Months)
			}
		}
	}
	slices.Sort(months)
	return months
}

// updateProduct saves the name, description, group and the price grid; an empty price cell leaves
// that period unsold in that currency.
func (u *UI) updateProduct(w http.ResponseWriter, r *http.Request) {
	p, err := u.findProduct(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	f := postForm(r)
	cur, err := u.d.Catalog.Currencies(r.Context(), siteOf(r).Tenant.ID)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	codes := priceCurrencies(cur, []catalog.Product{*p})
	months := productMonths(p)
	grid := func(prefix, example string) []catalog.PeriodPrices {
		var out []catalog.PeriodPrices
		for _, m := range months {
			pp := catalog.PeriodPrices{Months: m}
			for _, c := range codes {
				key := fmt.Sprintf("%s.%d.%s", prefix, m, c)
				s := f.Get(key)
				if s == "" {
					continue
				}
				a, err := money.ParseMajor(c, s)
				if err != nil {
					f.Errors[key] = "is not an amount such as " + example
					continue
				}
				pp.Prices = append(pp.Prices, a)
			}
			if len(pp.Prices) > 0 {
				out = append(out, pp)
			}
		}
		return out
	}
	periods := grid("price", "49.99")
	perName := grid("per_name", "9.99")
	if len(periods) == 0 && len(f.Errors) == 0 {
		f.Errors[fmt.Sprintf("price.%d.%s", months[0], codes[0])] = "enter at least one price"
	}
	if len(f.Errors) > 0 {
		f.Alert = "Please correct the highlighted prices."
		u.renderProduct(w, r, http.StatusUnprocessableEntity, p, f)
		return
	}
	name, desc, group := f.Get("name"), f.Get("description"), f.Get("group")
	patch := catalog.ProductPatch{Name: &name, Description: &desc, Group: &group, Periods: &periods}
	if p.MaxDomains > p.IncludedDomains {
		patch.PerDomainPrices = &perName
	}
	updated, err := u.d.Catalog.UpdateProduct(r.Context(), siteOf(r).Tenant.ID, p.ID, patch)
	if f.apply(renameFields(err, productFieldName), "name", "description", "group") {
		u.renderProduct(w, r, http.StatusUnprocessableEntity, p, f)
		return
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.redirect(w, r, siteOf(r).Base+"/admin/products/"+p.ID.String(), updated.Name+" was saved.")
}

// productFieldName maps the store's product fields onto the product form's inputs.
func productFieldName(field string) string {
	return indexed.ReplaceAllString(field, "")
}

func (u *UI) setProductVisibility(w http.ResponseWriter, r *http.Request) {
	p, err := u.findProduct(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	visible := postForm(r).Get("visible") == "true"
	if _, err := u.d.Catalog.UpdateProduct(r.Context(), siteOf(r).Tenant.ID, p.ID, catalog.ProductPatch{Visible: &visible}); err != nil {
		u.fail(w, r, err)
		return
	}
	msg := p.Name + " is hidden: billing systems no longer see it."
	if visible {
		msg = p.Name + " is visible to billing systems again."
	}
	u.redirect(w, r, backTo(r, postForm(r).Get("next"), siteOf(r).Base+"/admin/products"), msg)
}

func (u *UI) deleteProduct(w http.ResponseWriter, r *http.Request) {
	p, err := u.findProduct(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	err = u.d.Catalog.DeleteProduct(r.Context(), siteOf(r).Tenant.ID, p.ID)
	if errs.Is(err, errs.Conflict) {
		f := newForm(nil)
		e, _ := errs.As(err)
		f.Alert = "This product cannot be deleted: " + e.Message + ". Hide it instead."
		u.renderProduct(w, r, http.StatusConflict, p, f)
		return
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.redirect(w, r, siteOf(r).Base+"/admin/products", p.Name+" was deleted.")
}

// currenciesData is the data of the currencies page.
type currenciesData struct {
	Currencies *catalog.Currencies
}

func (u *UI) listCurrencies(w http.ResponseWriter, r *http.Request) {
	u.renderCurrencies(w, r, http.StatusOK, newForm(nil))
}

func (u *UI) renderCurrencies(w http.ResponseWriter, r *http.Request, status int, f *form) {
	cur, err := u.d.Catalog.Currencies(r.Context(), siteOf(r).Tenant.ID)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v := u.newView(r, "Currencies", "currencies")
	v.Form, v.Data = f, currenciesData{Currencies: cur}
	u.renderPage(w, r, status, catalogPage("currencies"), v)
}

// setCurrencyRate adds an extra currency or changes its rate (units of it per unit of the default).
func (u *UI) setCurrencyRate(w http.ResponseWriter, r *http.Request) {
	f := postForm(r)
	code := strings.ToUpper(f.Get("currency"))
	f.Set("currency", code)
	err := u.d.Catalog.SetRate(r.Context(), siteOf(r).Tenant.ID, code, f.Get("rate"))
	if f.apply(err, "currency", "rate") {
		u.renderCurrencies(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.redirect(w, r, siteOf(r).Base+"/admin/currencies", code+" is priced at "+f.Get("rate")+" per unit of your default currency.")
}

func (u *UI) deleteCurrency(w http.ResponseWriter, r *http.Request) {
	code := strings.ToUpper(chi.URLParam(r, "code"))
	err := u.d.Catalog.DeleteRate(r.Context(), siteOf(r).Tenant.ID, code)
	if f := newForm(nil); f.apply(err) {
		u.renderCurrencies(w, r, http.StatusConflict, f)
		return
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.redirect(w, r, siteOf(r).Base+"/admin/currencies", code+" was removed.")
}
