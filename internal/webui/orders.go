package webui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/sslreseller/sslreseller/internal/account"
	"github.com/sslreseller/sslreseller/internal/catalog"
	"github.com/sslreseller/sslreseller/internal/mail"
	"github.com/sslreseller/sslreseller/internal/order"
	"github.com/sslreseller/sslreseller/internal/pki"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
	"github.com/sslreseller/sslreseller/internal/provider"
)

// ordersPerPage is the page size of the admin order list.
const ordersPerPage = 25

// orderRoutes are the admin pages of orders, their timeline and actions, and pending validations.
func (u *UI) orderRoutes(r chi.Router) {
	r.Get("/orders", u.listOrders)
	r.Get("/orders/new", u.newOrder)
	r.Get("/orders/new/clients", u.clientOptions)
	r.Post("/orders", u.createOrder)
	r.Get("/orders/{id}", u.showOrder)
	r.Post("/orders/{id}/{action}", u.orderAction)
	r.Get("/orders/{id}/approver-emails", u.adminApproverOptions)
	r.Get("/pending", u.pendingValidations)
	r.Group(func(r chi.Router) {
		r.Use(u.requireCan("settings", "Only owners and admins can change order settings."))
		r.Get("/orders/settings", u.orderSettings)
		r.Post("/orders/settings", u.saveOrderSettings)
	})
}

// orderList is the data of the orders page.
type orderList struct {
	Status            string
	Query             string
	ClientID          string
	ClientName        string
	Statuses          []option
	Orders            []orderCard
	Newer, Older      string
	Paged             bool
	Filtered          bool
	RequireActivation bool
}

func (u *UI) listOrders(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	t := siteOf(r).Tenant
	data := orderList{Status: q.Get("status"), Query: strings.TrimSpace(q.Get("q")), ClientID: q.Get("client_id"),
		RequireActivation: t.Settings.RequireActivation}
	f := order.Filter{Status: order.Status(data.Status), Query: data.Query, Newest: true}
	if data.ClientID != "" {
		id, err := uuid.Parse(data.ClientID)
		if err != nil {
			u.fail(w, r, errs.New(errs.NotFound, "There is no client with this id."))
			return
		}
		c, err := u.d.Accounts.GetClient(r.Context(), t.ID, id)
		if err != nil {
			u.fail(w, r, err)
			return
		}
		f.ClientID, data.ClientName = id, c.Name()
	}
	if f.Status != "" && !f.Status.Valid() {
		f.Status, data.Status = "", ""
	}
	cursor := q.Get("cursor")
	views, next, err := u.d.Orders.List(r.Context(), t.ID, f, account.Page{Limit: ordersPerPage, Cursor: cursor})
	if err != nil {
		u.fail(w, r, err)
		return
	}
	if data.Orders, err = u.orderCards(r.Context(), t.ID, views); err != nil {
		u.fail(w, r, err)
		return
	}
	v := u.newView(r, "Orders", "orders")
	keep := url.Values{"status": {data.Status}, "q": {data.Query}, "client_id": {data.ClientID}}
	data.Newer, data.Older = pageLinks(v.Admin()+"/orders", keep, cursor, q.Get("prev"), next)
	data.Paged = cursor != ""
	data.Filtered = data.Status != "" || data.Query != "" || data.ClientID != ""
	pairs := []string{"", "All statuses"}
	for _, s := range order.Statuses {
		pairs = append(pairs, string(s), styleOf(s).Staff)
	}
	data.Statuses = options(data.Status, pairs...)
	v.Data = data
	if isSwap(r, "orders-table") {
		u.renderPartial(w, r, "admin/orders/list", "orders_table", v)
		return
	}
	u.renderPage(w, r, http.StatusOK, "admin/orders/list", v)
}

// orderPage is the data of an order's admin page.
type orderPage struct {
	Order       orderCard
	Client      *account.Client
	Product     *catalog.Product
	Setup       *order.Setup
	Caps        provider.Capabilities
	AccountName string
	Domains     []domainRow
	Issuances   []issuanceRow
	Timeline    []timelineEntry
	Calls       int
	Acts        orderActs
	Reasons     []option
	Periods     []option
	KeyTypes    []option
	DCVMethods  []option
	Back        string
	Emails      []mail.Message
}

// orderActs are the actions the order's status and provider allow.
type orderActs struct {
	Activate, Cancel, Revoke, Renew, Reissue, ChangeDCV, Resend, Check, Reset, Any bool
}

func actsFor(o orderCard, caps provider.Capabilities) orderActs {
	st := o.Status
	pending := o.Pending()
	flagged := false
	if l := o.Latest(); l != nil {
		flagged = l.Status == order.IssNeedsAttention
	}
	a := orderActs{
		Activate:  order.Allowed(st, order.ActActivate),
		Cancel:    order.Allowed(st, order.ActCancel),
		Revoke:    order.Allowed(st, order.ActRevoke) && caps.Revoke,
		Renew:     order.Allowed(st, order.ActRenew) && !o.latestPending(),
		Reissue:   order.Allowed(st, order.ActReissue) && caps.Reissue && !o.latestPending(),
		ChangeDCV: order.Allowed(st, order.ActChangeDCV) && pending && caps.ChangeDCV,
		Resend:    order.Allowed(st, order.ActResendDCV) && pending && caps.ResendDCV && o.HasEmailDCV(),
		Check:     order.Allowed(st, order.ActCheck) && o.Latest() != nil && (pending || st != order.Issued),
		Reset:     (pending || flagged) && o.Provider.Reference != nil,
	}
	a.Any = a.Activate || a.Cancel || a.Revoke || a.Renew || a.Reissue || a.ChangeDCV || a.Resend || a.Check || a.Reset
	return a
}

func (u *UI) showOrder(w http.ResponseWriter, r *http.Request) {
	f := newForm(nil)
	// ?act=cancel opens that action's form (the pending validations page links so).
	if act := r.URL.Query().Get("act"); act == "cancel" || act == "revoke" || act == "dcv" || act == "renew" || act == "reissue" {
		f.Set("open", act)
	}
	u.renderOrder(w, r, http.StatusOK, f)
}

// renderOrder shows the order page, with a form's problem when an action was refused.
func (u *UI) renderOrder(w http.ResponseWriter, r *http.Request, status int, f *form) {
	id, ok := pathID(r)
	if !ok {
		u.fail(w, r, order.ErrNotFound)
		return
	}
	t := siteOf(r).Tenant
	ov, err := u.d.Orders.Get(r.Context(), t.ID, id)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	card, client, product, err := u.orderCardOf(r.Context(), t.ID, ov)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	setup, err := u.d.Orders.Setup(r.Context(), t.ID, id)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	entries, err := u.d.Orders.Timeline(r.Context(), t.ID, id)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	p := orderPage{Order: card, Client: client, Product: product, Setup: setup, Domains: card.DomainRows(),
		Issuances: issuanceRows(ov), Timeline: timelineEntries(entries, u.providerTitle), Back: safeBack(r, "")}
	for _, e := range entries {
		if e.Call != nil {
			p.Calls++
		}
	}
	if acct, err := u.d.Providers.Get(r.Context(), t.ID, ov.Provider.AccountID); err == nil {
		p.Caps, p.AccountName = acct.Capabilities, acct.Name
	} else if !errs.Is(err, errs.NotFound) {
		u.fail(w, r, err)
		return
	}
	p.Acts = actsFor(card, p.Caps)
	if u.d.Mail != nil {
		if p.Emails, err = u.d.Mail.List(r.Context(), t.ID, &id, uuid.Nil, 20); err != nil {
			u.fail(w, r, err)
			return
		}
	}
	if f == nil {
		f = newForm(nil)
	}
	p.Reasons = revokeReasonOptions(f.Get("reason"))
	p.Periods = periodOptions(product, ov.Price.Currency, ov.PeriodMonths)
	p.KeyTypes = keyTypeOptions(setup.KeyType)
	p.DCVMethods = dcvMethodOptions(p.Caps, pki.EmailDCVAllowed(u.d.Orders.Now()), "")
	v := u.newView(r, "Order "+card.ShortID(), "orders")
	v.Form, v.Data = f, p
	u.renderPage(w, r, status, "admin/orders/show", v)
}

func (u *UI) providerTitle(name string) string {
	if s, ok := u.d.Providers.Registry().Get(name); ok && s.Title != "" {
		return s.Title
	}
	return name
}

// adminApproverOptions lists the addresses that may approve a name of the order, for the
// change-validation form.
func (u *UI) adminApproverOptions(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		u.fail(w, r, order.ErrNotFound)
		return
	}
	u.approverList(w, r, id)
}

// safeBack is a page of this admin to return to after an action (the pending validations page), or
// def.
func safeBack(r *http.Request, def string) string {
	b := r.FormValue("back")
	if b == "" || !strings.HasPrefix(b, "/") || strings.HasPrefix(b, "//") || strings.Contains(b, "\\") {
		return def
	}
	return b
}

// orderAction runs one staff action on an order.
func (u *UI) orderAction(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		u.fail(w, r, order.ErrNotFound)
		return
	}
	t := siteOf(r).Tenant
	f := postForm(r)
	ctx := r.Context()
	var flash string
	var err error
	switch chi.URLParam(r, "action") {
	case "activate":
		_, err = u.d.Orders.Activate(ctx, t.ID, id)
		flash = "The order was activated; the client can now set up the certificate."
	case "cancel":
		var v *order.View
		v, err = u.d.Orders.Cancel(ctx, t.ID, id, f.Get("reason"))
		flash = "The order was cancelled."
		if v != nil && v.RefundDue {
			flash += " Refund " + v.Price.String() + " to the client in your billing system."
		}
	case "revoke":
		_, err = u.d.Orders.Revoke(ctx, t.ID, id, f.Get("reason"))
		flash = "The certificate was revoked."
	case "renew":
		months, _ := strconv.Atoi(f.Get("period_months"))
		_, err = u.d.Orders.Renew(ctx, t.ID, id, order.RenewInput{PeriodMonths: months, CSR: f.Get("csr")})
		flash = "The renewal was submitted to the provider."
	case "reissue":
		in := order.ReissueInput{CSR: f.Get("csr")}
		if in.CSR == "" {
			in.GenerateKey = &order.GenerateKey{KeyType: f.Get("generate_key.key_type")}
			if cur, gerr := u.d.Orders.Get(ctx, t.ID, id); gerr == nil && cur.Certificate != nil {
				in.GenerateKey.CommonName, in.GenerateKey.SANs = cur.Certificate.CommonName, cur.Certificate.SANs
			}
		}
		_, err = u.d.Orders.Reissue(ctx, t.ID, id, in)
		flash = "The reissue was submitted; the new certificate follows validation."
	case "dcv":
		_, err = u.d.Orders.ChangeDCV(ctx, t.ID, id, domainChoices(f))
		flash = "The validation method was changed."
	case "resend":
		_, err = u.d.Orders.ResendDCV(ctx, t.ID, id)
		flash = "The validation e-mail was sent again."
	case "check":
		var v *order.View
		v, err = u.d.Orders.Check(ctx, t.ID, id)
		if v != nil {
			flash = "Checked with the provider: the order is " + strings.ToLower(styleOf(v.Status).Staff) + "."
		}
	case "reset":
		_, err = u.d.Orders.Reset(ctx, t.ID, id)
		flash = "Validation checks were restarted."
	case "email-link", "email-issued":
		tmpl := map[string]string{"email-link": "configure_link", "email-issued": "issued"}[chi.URLParam(r, "action")]
		err = u.d.Mail.Resend(ctx, t.ID, id, tmpl)
		flash = "The e-mail is on its way to the client."
	default:
		u.notFound(w, r)
		return
	}
	if err != nil {
		// Refused (also from the pending validations page): the order page says why.
		status, msg, ok := actionProblem(err)
		if !ok {
			u.fail(w, r, err)
			return
		}
		f.apply(err)
		f.Alert = msg
		f.Set("open", chi.URLParam(r, "action"))
		u.renderOrder(w, r, status, f)
		return
	}
	u.redirect(w, r, safeBack(r, siteOf(r).Base+"/admin/orders/"+id.String()), flash)
}

// domainChoices reads the rows of a DCV form: domains[i].name, .dcv_method, .approver_email.
func domainChoices(f *form) []order.DomainChoice {
	var out []order.DomainChoice
	for i := 0; i < 100; i++ {
		p := "domains[" + strconv.Itoa(i) + "]."
		name := f.Get(p + "name")
		if name == "" {
			if _, ok := f.Values[p+"name"]; !ok {
				break
			}
			continue
		}
		m := f.Get(p + "dcv_method")
		if m == "" {
			continue
		}
		out = append(out, order.DomainChoice{Name: name, DCVMethod: m, ApproverEmail: f.Get(p + "approver_email")})
	}
	return out
}

// newOrderPage is the data of the staff's new-order form.
type newOrderPage struct {
	Err      map[string]string // errors of the selects, as sentences
	Clients  []option
	Products []productChoice
	Currency string
}

// productChoice is one product with its periods, an optgroup of the form.
type productChoice struct {
	Name    string
	Options []option
}

func (u *UI) newOrder(w http.ResponseWriter, r *http.Request) {
	f := newForm(nil)
	f.Set("client_id", r.URL.Query().Get("client_id"))
	f.Set("domains_count", "1")
	u.renderNewOrder(w, r, http.StatusOK, f)
}

// sessNewOrder holds the one-time token of the new-order form, so a form sent twice (a double
// click, a reload) creates one order.
const sessNewOrder = "new_order_token"

func (u *UI) renderNewOrder(w http.ResponseWriter, r *http.Request, status int, f *form) {
	t := siteOf(r).Tenant
	token := uuid.NewString()
	u.d.Sessions.Put(r.Context(), sessNewOrder, token)
	f.Set("form_token", token)
	clients, err := u.clientChoices(r, f.Get("client_q"), f.Get("client_id"))
	if err != nil {
		u.fail(w, r, err)
		return
	}
	products, err := u.d.Catalog.Products(r.Context(), t.ID, catalog.ProductFilter{})
	if err != nil {
		u.fail(w, r, err)
		return
	}
	data := newOrderPage{Currency: t.DefaultCurrency, Err: map[string]string{}}
	for k, label := range map[string]string{"client_id": "Client", "product": "Product and period"} {
		if d, ok := f.Errors[k]; ok {
			data.Err[k] = fieldMessage(label, d)
		}
	}
	data.Clients = clients
	sel := f.Get("product")
	for _, p := range products {
		pc := productChoice{Name: p.Name}
		for _, pp := range p.Periods {
			a, ok := pp.Price(t.DefaultCurrency)
			if !ok {
				continue
			}
			val := p.ID.String() + ":" + strconv.Itoa(pp.Months)
			pc.Options = append(pc.Options, option{Value: val, Label: p.Name + " · " + periodText(pp.Months) + " · " + a.String(), Selected: val == sel})
		}
		if len(pc.Options) > 0 {
			data.Products = append(data.Products, pc)
		}
	}
	v := u.newView(r, "New order", "orders")
	v.Form, v.Data = f, data
	u.renderPage(w, r, status, "admin/orders/new", v)
}

// clientChoicesLimit bounds the client select of the new-order form; the search narrows it.
const clientChoicesLimit = 100

// clientChoices are the options of the client select: the newest clients or those matching the
// search, and the chosen one even when the search leaves it out.
func (u *UI) clientChoices(r *http.Request, query, selected string) ([]option, error) {
	t := siteOf(r).Tenant
	clients, _, err := u.d.Accounts.ListClients(r.Context(), t.ID, account.ClientFilter{Query: query, Newest: true},
		account.Page{Limit: clientChoicesLimit})
	if err != nil {
		return nil, err
	}
	label := "Choose a client"
	switch {
	case query != "" && len(clients) == 0:
		label = "No client matches “" + query + "”"
	case query != "":
		label = "Choose one of " + plural(len(clients), "client") + " matching “" + query + "”"
	}
	pairs := []string{"", label}
	seen := false
	for _, c := range clients {
		pairs = append(pairs, c.ID.String(), c.Name()+" · "+c.Email)
		seen = seen || c.ID.String() == selected
	}
	if id, err := uuid.Parse(selected); err == nil && !seen {
		if c, err := u.d.Accounts.GetClient(r.Context(), t.ID, id); err == nil {
			pairs = append(pairs, c.ID.String(), c.Name()+" · "+c.Email)
		}
	}
	return options(selected, pairs...), nil
}

// clientOptions answers the new-order form's client search with the select's options.
func (u *UI) clientOptions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	opts, err := u.clientChoices(r, strings.TrimSpace(q.Get("client_q")), q.Get("client_id"))
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v := u.newView(r, "", "")
	v.Data = newOrderPage{Clients: opts}
	u.renderPartial(w, r, "admin/orders/new", "client_options", v)
}

func (u *UI) createOrder(w http.ResponseWriter, r *http.Request) {
	f := postForm(r)
	if tok := u.d.Sessions.PopString(r.Context(), sessNewOrder); tok == "" || tok != f.Get("form_token") {
		u.redirect(w, r, siteOf(r).Base+"/admin/orders", "That form was already sent; the order it created is in the list.")
		return
	}
	in := order.CreateInput{BillingReference: f.Get("billing_reference")}
	in.ClientID, _ = uuid.Parse(f.Get("client_id"))
	if pid, months, ok := strings.Cut(f.Get("product"), ":"); ok {
		in.ProductID, _ = uuid.Parse(pid)
		in.PeriodMonths, _ = strconv.Atoi(months)
	}
	var v *order.View
	var err error
	if n, cerr := strconv.Atoi(f.Get("domains_count")); f.Get("domains_count") != "" && (cerr != nil || n < 1) {
		err = errs.Field("domains_count", "must be a whole number, at least 1")
	} else {
		in.DomainsCount = n
		v, err = u.d.Orders.Create(r.Context(), siteOf(r).Tenant.ID, in)
	}
	if err != nil {
		// product_id and period_months are one select on this form.
		if e, ok := errs.As(err); ok {
			for i, fe := range e.Fields {
				if fe.Field == "product_id" || fe.Field == "period_months" || fe.Field == "currency" {
					e.Fields[i].Field = "product"
				}
			}
		}
		if f.apply(err, "client_id", "product", "domains_count", "billing_reference") {
			u.renderNewOrder(w, r, http.StatusUnprocessableEntity, f)
			return
		}
		u.fail(w, r, err)
		return
	}
	u.redirect(w, r, siteOf(r).Base+"/admin/orders/"+v.ID.String(), "The order was created.")
}

func (u *UI) orderSettings(w http.ResponseWriter, r *http.Request) {
	f := newForm(nil)
	if siteOf(r).Tenant.Settings.RequireActivation {
		f.Set("require_activation", "on")
	}
	v := u.newView(r, "Order settings", "orders")
	v.Form = f
	u.renderPage(w, r, http.StatusOK, "admin/orders/settings", v)
}

func (u *UI) saveOrderSettings(w http.ResponseWriter, r *http.Request) {
	f := postForm(r)
	t := siteOf(r).Tenant
	st := t.Settings
	st.RequireActivation = f.Get("require_activation") == "on"
	if err := u.d.Tenants.UpdateSettings(r.Context(), t.ID, st); err != nil {
		u.fail(w, r, err)
		return
	}
	msg := "New orders can be set up by the client at once."
	if st.RequireActivation {
		msg = "New orders now wait for staff activation."
	}
	u.redirect(w, r, siteOf(r).Base+"/admin/orders", msg)
}
