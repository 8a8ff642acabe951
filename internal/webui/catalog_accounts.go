package webui

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/sslreseller/sslreseller/internal/catalog"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
	"github.com/sslreseller/sslreseller/internal/provider"
)

// callsPerPage is the page size of an account's call log.
const callsPerPage = 20

// providerChoice is one provider in the add form's select.
type providerChoice struct {
	Name, Title string
	Selected    bool
}

// specView is what a page shows of a provider: its title and the inputs of its credentials and
// settings, filled from the form.
type specView struct {
	Name, Title string
	Known       bool // false for an account whose provider is not in this build
	LiveOnly    bool
	TestIssues  bool
	Credentials []fieldView
	Settings    []fieldView
}

// capabilityView is one line of an account's capability list.
type capabilityView struct {
	Title string
	Yes   bool
	Text  string
}

// accountPage is the data of the add form and the account page (overview and edit form).
type accountPage struct {
	Account   *provider.AccountView // nil when adding
	Providers []providerChoice      // adding only
	Spec      specView
	Caps      []capabilityView
	Items     int // catalogue items, discontinued included
	Gone      int // discontinued items
	Products  int // products sold on this account
	Action    string
}

// accountListRow is one row of the accounts list.
type accountListRow struct {
	provider.AccountView
	Title string
	Items int
}

func (u *UI) listProviderAccounts(w http.ResponseWriter, r *http.Request) {
	ctx, t := r.Context(), siteOf(r).Tenant
	list, err := u.d.Providers.List(ctx, t.ID)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	items, err := u.d.Catalog.Items(ctx, t.ID, uuid.Nil)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	count := map[uuid.UUID]int{}
	for _, it := range items {
		count[it.AccountID]++
	}
	rows := make([]accountListRow, 0, len(list))
	for _, a := range list {
		rows = append(rows, accountListRow{AccountView: a, Title: u.providerTitle(a.Provider), Items: count[a.ID]})
	}
	v := u.newView(r, "Provider accounts", "provider-accounts")
	v.Data = rows
	u.renderPage(w, r, http.StatusOK, catalogPage("accounts"), v)
}

// newProviderAccount shows the add form for the provider in ?provider= (the first one when none is
// chosen). Changing the provider reloads the page (htmx swaps only the provider's fields), so the
// form works in two steps without JavaScript.
func (u *UI) newProviderAccount(w http.ResponseWriter, r *http.Request) {
	reg := u.d.Providers.Registry()
	name := r.URL.Query().Get("provider")
	spec, ok := reg.Get(name)
	if !ok {
		if names := reg.Names(); len(names) > 0 {
			spec, _ = reg.Get(preferredProvider(names))
		}
	}
	f := newForm(nil)
	f.Set("provider", spec.Name)
	f.Set("environment", provider.EnvTest)
	if spec.LiveOnly {
		f.Set("environment", provider.EnvLive)
	}
	for _, k := range spec.Settings {
		f.Set("settings."+k.Name, k.Default)
	}
	u.renderAccountForm(w, r, http.StatusOK, nil, f)
}

// preferredProvider is the provider the add form starts with: the sandbox, which needs no
// contract, when it is there.
func preferredProvider(names []string) string {
	for _, n := range names {
		if n == "sandbox" {
			return n
		}
	}
	return names[0]
}

func (u *UI) createProviderAccount(w http.ResponseWriter, r *http.Request) {
	f := postForm(r)
	spec, _ := u.d.Providers.Registry().Get(f.Get("provider"))
	in := provider.AccountInput{Provider: f.Get("provider"), Name: f.Get("name"), Environment: f.Get("environment"),
		Endpoint: f.Get("endpoint"), Credentials: map[string]string{}, Settings: map[string]string{}}
	for _, k := range spec.Credentials {
		in.Credentials[k.Name] = strings.TrimSpace(f.Raw("credentials." + k.Name))
	}
	for _, k := range spec.Settings {
		in.Settings[k.Name] = f.Get("settings." + k.Name)
	}
	a, err := u.d.Providers.Create(r.Context(), siteOf(r).Tenant.ID, in)
	if f.apply(err, accountFields(spec)...) {
		u.renderAccountForm(w, r, http.StatusUnprocessableEntity, nil, f)
		return
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.redirect(w, r, siteOf(r).Base+"/admin/provider-accounts/"+a.ID.String(),
		a.Name+" was connected. Test the connection, then sync its catalogue.")
}

// accountFields are the inputs of the account form, named like the store's field errors.
func accountFields(spec provider.Spec) []string {
	out := []string{"provider", "name", "environment", "endpoint", "rate_per_minute", "max_concurrency"}
	for _, k := range spec.Credentials {
		out = append(out, "credentials."+k.Name)
	}
	for _, k := range spec.Settings {
		out = append(out, "settings."+k.Name)
	}
	return out
}

// findAccount returns the account of the {id} in the URL.
func (u *UI) findAccount(r *http.Request) (*provider.AccountView, error) {
	id, ok := pathID(r)
	if !ok {
		return nil, provider.ErrAccountNotFound
	}
	return u.d.Providers.Get(r.Context(), siteOf(r).Tenant.ID, id)
}

// showProviderAccount is the account page: its state, test and sync, and (for owners and admins)
// the edit form.
func (u *UI) showProviderAccount(w http.ResponseWriter, r *http.Request) {
	a, err := u.findAccount(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.renderAccountForm(w, r, http.StatusOK, a, accountForm(a))
}

func accountForm(a *provider.AccountView) *form {
	f := newForm(nil)
	f.Set("provider", a.Provider)
	f.Set("name", a.Name)
	f.Set("environment", a.Environment)
	f.Set("endpoint", a.Endpoint)
	f.Set("rate_per_minute", strconv.Itoa(a.RatePerMinute))
	f.Set("max_concurrency", strconv.Itoa(a.MaxConcurrency))
	for k, val := range a.Settings {
		f.Set("settings."+k, val)
	}
	return f
}

func (u *UI) updateProviderAccount(w http.ResponseWriter, r *http.Request) {
	a, err := u.findAccount(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	f := postForm(r)
	f.Set("provider", a.Provider)
	spec, _ := u.d.Providers.Registry().Get(a.Provider)
	name, env, endpoint := f.Get("name"), f.Get("environment"), f.Get("endpoint")
	p := provider.AccountPatch{Name: &name, Environment: &env, Endpoint: &endpoint, Settings: map[string]string{}}
	for _, k := range spec.Credentials {
		// An empty credential keeps the stored one: they are never shown, so the form cannot echo them.
		if v := strings.TrimSpace(f.Raw("credentials." + k.Name)); v != "" {
			if p.Credentials == nil {
				p.Credentials = map[string]string{}
			}
			p.Credentials[k.Name] = v
		}
	}
	for _, k := range spec.Settings {
		p.Settings[k.Name] = f.Get("settings." + k.Name)
	}
	for _, lim := range []struct {
		name string
		dst  **int
	}{{"rate_per_minute", &p.RatePerMinute}, {"max_concurrency", &p.MaxConcurrency}} {
		n, err := strconv.Atoi(f.Get(lim.name))
		if err != nil {
			f.Errors[lim.name] = "must be a whole number"
			continue
		}
		*lim.dst = &n
	}
	if len(f.Errors) > 0 {
		f.Alert = "Please correct the highlighted fields."
		u.renderAccountForm(w, r, http.StatusUnprocessableEntity, a, f)
		return
	}
	updated, err := u.d.Providers.Update(r.Context(), siteOf(r).Tenant.ID, a.ID, p)
	if f.apply(err, accountFields(spec)...) {
		u.renderAccountForm(w, r, http.StatusUnprocessableEntity, a, f)
		return
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.redirect(w, r, siteOf(r).Base+"/admin/provider-accounts/"+a.ID.String(), "Changes to "+updated.Name+" were saved.")
}

func (u *UI) renderAccountForm(w http.ResponseWriter, r *http.Request, status int, a *provider.AccountView, f *form) {
	reg := u.d.Providers.Registry()
	title, nav := "Connect a provider account", "provider-accounts"
	data := accountPage{Action: siteOf(r).Base + "/admin/provider-accounts"}
	name := f.Get("provider")
	if a != nil {
		title, name = a.Name, a.Provider
		data.Account, data.Action = a, data.Action+"/"+a.ID.String()
		if err := u.accountCounts(r, a.ID, &data); err != nil {
			u.fail(w, r, err)
			return
		}
	} else {
		for _, n := range reg.Names() {
			s, _ := reg.Get(n)
			data.Providers = append(data.Providers, providerChoice{Name: n, Title: s.Title, Selected: n == name})
		}
	}
	spec, known := reg.Get(name)
	data.Spec = specFields(spec, known, f, a)
	if known {
		data.Caps = capabilities(spec.Capabilities)
	}
	v := u.newView(r, title, nav)
	v.Form, v.Data = f, data
	u.renderPage(w, r, status, catalogPage("account"), v)
}

// accountCounts fills the catalogue and product counts of the account page.
func (u *UI) accountCounts(r *http.Request, id uuid.UUID, d *accountPage) error {
	t := siteOf(r).Tenant
	items, err := u.d.Catalog.Items(r.Context(), t.ID, id)
	if err != nil {
		return err
	}
	for _, it := range items {
		d.Items++
		if it.Discontinued {
			d.Gone++
		}
	}
	products, err := u.d.Catalog.Products(r.Context(), t.ID, catalog.ProductFilter{})
	if err != nil {
		return err
	}
	for _, p := range products {
		if p.ProviderAccountID == id {
			d.Products++
		}
	}
	return nil
}

// specFields builds the credential and setting inputs of a provider. Credentials are never shown:
// on an existing account a stored one is named as set, and an empty input keeps it.
func specFields(spec provider.Spec, known bool, f *form, a *provider.AccountView) specView {
	sv := specView{Name: spec.Name, Title: spec.Title, Known: known, LiveOnly: spec.LiveOnly, TestIssues: spec.Capabilities.TestIssues}
	set := map[string]bool{}
	if a != nil {
		for _, k := range a.CredentialsSet {
			set[k] = true
		}
	}
	for _, k := range spec.Credentials {
		opts := []string{"autocomplete=off"}
		if secretKey(k.Name) {
			opts = []string{"type=password", "autocomplete=new-password"}
		}
		switch {
		case a != nil && set[k.Name]:
			opts = append(opts, "hint=Saved. Leave empty to keep it; type a new value to replace it.", "placeholder=••••••••")
		case a == nil && k.Required:
			opts = append(opts, "required")
		}
		if a == nil && k.Help != "" {
			opts = append(opts, "hint="+k.Help)
		}
		sv.Credentials = append(sv.Credentials, field(f, "credentials."+k.Name, keyLabel(k), opts...))
	}
	for _, k := range spec.Settings {
		opts := []string{}
		if k.Required {
			opts = append(opts, "required")
		}
		if k.Help != "" {
			opts = append(opts, "hint="+k.Help)
		}
		if k.Default != "" {
			opts = append(opts, "placeholder="+k.Default)
		}
		sv.Settings = append(sv.Settings, field(f, "settings."+k.Name, keyLabel(k), opts...))
	}
	return sv
}

func keyLabel(k provider.Key) string {
	if k.Label != "" {
		return k.Label
	}
	return k.Name
}

// secretKey reports whether a credential is a secret that a password input should hide.
func secretKey(name string) bool {
	n := strings.ToLower(name)
	for _, s := range []string{"pw", "pass", "secret", "token", "key"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// capabilities lists what an adapter can do, in words.
func capabilities(c provider.Capabilities) []capabilityView {
	renew := "Places a new order with the same details"
	if c.Renew == provider.RenewNative {
		renew = "Native renewal; remaining time carried over where the CA allows"
	}
	cancel := "Cancelled here only; request the refund from the provider by hand"
	if c.Cancel == provider.CancelRefund {
		cancel = "Cancels upstream with a refund"
	}
	dcv := "None"
	if len(c.DCVMethods) > 0 {
		dcv = strings.Join(c.DCVMethods, ", ")
	}
	costs := "Staff enter costs in the catalogue"
	if c.CatalogCosts {
		costs = "Costs come with the catalogue sync"
	}
	return []capabilityView{
		{Title: "Catalogue costs", Yes: c.CatalogCosts, Text: costs},
		{Title: "Validation methods", Yes: len(c.DCVMethods) > 0, Text: dcv},
		{Title: "Approver e-mail lists", Yes: c.ApproverEmails},
		{Title: "Reissue", Yes: c.Reissue},
		{Title: "Renew", Yes: true, Text: renew},
		{Title: "Revoke", Yes: c.Revoke},
		{Title: "Cancel", Yes: c.Cancel == provider.CancelRefund, Text: cancel},
		{Title: "Change or resend validation", Yes: c.ChangeDCV || c.ResendDCV},
		{Title: "Test environment issues certificates", Yes: c.TestIssues},
	}
}

// testProviderAccount runs the connection test. htmx swaps the result into the page; without
// JavaScript the account page shows it after a redirect.
func (u *UI) testProviderAccount(w http.ResponseWriter, r *http.Request) {
	a, err := u.findAccount(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	res, err := u.d.Providers.Test(r.Context(), siteOf(r).Tenant.ID, a.ID)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	if r.Header.Get("HX-Request") == "true" {
		if a, err = u.d.Providers.Get(r.Context(), siteOf(r).Tenant.ID, a.ID); err != nil {
			u.fail(w, r, err)
			return
		}
		v := u.newView(r, a.Name, "provider-accounts")
		v.Data = accountPage{Account: a}
		u.renderPartial(w, r, catalogPage("account"), "cat_test_result", v)
		return
	}
	flash := ""
	if res.OK {
		flash = "The connection works."
	}
	u.redirect(w, r, siteOf(r).Base+"/admin/provider-accounts/"+a.ID.String(), flash)
}

// syncProviderAccount pulls the account's catalogue now and shows it.
func (u *UI) syncProviderAccount(w http.ResponseWriter, r *http.Request) {
	a, err := u.findAccount(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	res, err := u.d.Catalog.Sync(r.Context(), siteOf(r).Tenant.ID, a.ID)
	if err != nil {
		switch errs.CodeOf(err) {
		case errs.Internal, errs.NotFound:
			u.fail(w, r, err)
		default:
			// The provider said no or could not be reached: the catalogue page says so above the
			// items of the last successful sync.
			e, _ := errs.As(err)
			u.renderCatalog(w, r, http.StatusBadGateway, a.ID, "The catalogue could not be synced: "+e.Message)
		}
		return
	}
	msg := "Catalogue synced: " + plural(res.Items, "item")
	if res.Added > 0 || res.Discontinued > 0 {
		msg += " (" + strconv.Itoa(res.Added) + " new, " + strconv.Itoa(res.Discontinued) + " discontinued)"
	}
	u.redirect(w, r, siteOf(r).Base+"/admin/catalog?account="+a.ID.String(), msg+".")
}

// accountDelete is the data of the delete confirmation.
type accountDelete struct {
	Account  *provider.AccountView
	Title    string
	Items    int
	Products int
}

func (u *UI) confirmDeleteProviderAccount(w http.ResponseWriter, r *http.Request) {
	a, err := u.findAccount(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.renderAccountDelete(w, r, http.StatusOK, a, nil)
}

func (u *UI) renderAccountDelete(w http.ResponseWriter, r *http.Request, status int, a *provider.AccountView, f *form) {
	var counts accountPage
	if err := u.accountCounts(r, a.ID, &counts); err != nil {
		u.fail(w, r, err)
		return
	}
	v := u.newView(r, "Delete "+a.Name, "provider-accounts")
	if f == nil {
		f = newForm(nil)
	}
	v.Form, v.Data = f, accountDelete{Account: a, Title: u.providerTitle(a.Provider), Items: counts.Items, Products: counts.Products}
	u.renderPage(w, r, status, catalogPage("account_delete"), v)
}

// deleteProviderAccount removes the account; while orders use it the store refuses and the
// confirmation says why.
func (u *UI) deleteProviderAccount(w http.ResponseWriter, r *http.Request) {
	a, err := u.findAccount(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	err = u.d.Providers.Delete(r.Context(), siteOf(r).Tenant.ID, a.ID)
	if errs.Is(err, errs.Conflict) {
		f := newForm(nil)
		e, _ := errs.As(err)
		f.Alert = "This account cannot be deleted: " + e.Message + "."
		u.renderAccountDelete(w, r, http.StatusConflict, a, f)
		return
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.redirect(w, r, siteOf(r).Base+"/admin/provider-accounts", a.Name+" was deleted with its catalogue and products.")
}

// callsPage is the data of an account's call log.
type callsPage struct {
	Account *provider.AccountView
	Calls   []callView
	Older   string // URL of older calls, "" on the last page
	Newest  string // URL of the first page, "" on it
}

// callView is one logged call, its request and response laid out to read.
type callView struct {
	provider.LoggedCall
	Request, Response string
	OK                bool
}

func (u *UI) providerAccountCalls(w http.ResponseWriter, r *http.Request) {
	a, err := u.findAccount(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	before, _ := uuid.Parse(r.URL.Query().Get("before"))
	calls, err := u.d.Providers.Calls(r.Context(), siteOf(r).Tenant.ID, a.ID, before, callsPerPage+1)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v := u.newView(r, "Call log", "provider-accounts")
	base := v.Admin() + "/provider-accounts/" + a.ID.String() + "/calls"
	data := callsPage{Account: a}
	if len(calls) > callsPerPage {
		calls = calls[:callsPerPage]
		data.Older = base + "?before=" + calls[len(calls)-1].ID.String()
	}
	if before != uuid.Nil {
		data.Newest = base
	}
	for _, c := range calls {
		data.Calls = append(data.Calls, callView{LoggedCall: c, Request: readable(c.Request), Response: readable(c.Response), OK: c.Outcome == "ok"})
	}
	v.Data = data
	u.renderPage(w, r, http.StatusOK, catalogPage("account_calls"), v)
}

// readable lays out a logged body for people: JSON indented, a form one "key = value" per line,
// anything else (XML, text) as it is. The log holds bodies already redacted.
func readable(body string) string {
	s := strings.TrimSpace(body)
	if s == "" {
		return ""
	}
	if s[0] == '{' || s[0] == '[' {
		var out bytes.Buffer
		if json.Indent(&out, []byte(s), "", "  ") == nil {
			return out.String()
		}
	}
	if !strings.ContainsAny(s, " \n<>{}") && strings.Contains(s, "=") {
		var lines []string
		for _, pair := range strings.Split(s, "&") {
			k, val, _ := strings.Cut(pair, "=")
			uk, err1 := url.QueryUnescape(k)
			uv, err2 := url.QueryUnescape(val)
			if err1 != nil || err2 != nil {
				return body
			}
			lines = append(lines, uk+" = "+uv)
		}
		return strings.Join(lines, "\n")
	}
	return body
}
