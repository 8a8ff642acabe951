package webui

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/sslreseller/sslreseller/internal/account"
)

// clientsPerPage is the page size of the admin client list.
const clientsPerPage = 25

// maxPrev bounds the trail of cursors that lets "Newer" step back; past it, "Newer" leads towards
// the first page sooner, which is harmless.
const maxPrev = 40

// clientList is the data of the clients page.
type clientList struct {
	Query   string
	Clients []account.Client
	Newer   string // URL of the newer page, "" on the first
	Older   string // URL of the older page, "" on the last
	Paged   bool   // not on the first page
}

// clientFields are the inputs of the client form, named like the store's field errors.
func clientFields() []string {
	return []string{"email", "first_name", "last_name", "organization", "phone", "address.line1",
		"address.line2", "address.city", "address.state", "address.postal_code", "address.country"}
}

// clientPage is the data of the client form.
type clientPage struct {
	Client *account.Client // nil when adding
	Action string
}

// listClients shows one page of clients, newest first, filtered by the search box. The store pages
// forwards only, so the URL carries the cursors of the pages before ("prev") to make "Newer" work.
func (u *UI) listClients(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	query, cursor := strings.TrimSpace(q.Get("q")), q.Get("cursor")
	var prev []string
	if p := q.Get("prev"); p != "" {
		prev = strings.Split(p, ".")
	}
	clients, next, err := u.d.Accounts.ListClients(r.Context(), siteOf(r).Tenant.ID,
		account.ClientFilter{Query: query, Newest: true}, account.Page{Limit: clientsPerPage, Cursor: cursor})
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v := u.newView(r, "Clients", "clients")
	data := clientList{Query: query, Clients: clients, Paged: cursor != ""}
	pageURL := func(cursor string, prev []string) string {
		vals := url.Values{}
		if query != "" {
			vals.Set("q", query)
		}
		if cursor != "" {
			vals.Set("cursor", cursor)
		}
		if len(prev) > 0 {
			vals.Set("prev", strings.Join(prev, "."))
		}
		if len(vals) == 0 {
			return v.Admin() + "/clients"
		}
		return v.Admin() + "/clients?" + vals.Encode()
	}
	if cursor != "" {
		if n := len(prev); n > 0 {
			data.Newer = pageURL(prev[n-1], prev[:n-1])
		} else {
			data.Newer = pageURL("", nil)
		}
	}
	if next != "" {
		trail := prev
		if cursor != "" {
			trail = append(trail[:len(trail):len(trail)], cursor)
		}
		if len(trail) > maxPrev {
			trail = trail[len(trail)-maxPrev:]
		}
		data.Older = pageURL(next, trail)
	}
	v.Data = data
	if isSwap(r, "clients-table") {
		u.renderPartial(w, r, "admin/clients", "clients_table", v)
		return
	}
	u.renderPage(w, r, http.StatusOK, "admin/clients", v)
}

// isSwap reports whether htmx asks for the part of a page with this id (and not a whole page to
// restore its history).
func isSwap(r *http.Request, target string) bool {
	return r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-History-Restore-Request") != "true" &&
		r.Header.Get("HX-Target") == target
}

func (u *UI) newClient(w http.ResponseWriter, r *http.Request) {
	u.renderClientForm(w, r, http.StatusOK, nil, newForm(nil))
}

func (u *UI) createClient(w http.ResponseWriter, r *http.Request) {
	f := postForm(r)
	c, err := u.d.Accounts.CreateClient(r.Context(), siteOf(r).Tenant.ID, clientInput(f))
	if f.apply(err, clientFields()...) {
		u.renderClientForm(w, r, http.StatusUnprocessableEntity, nil, f)
		return
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.redirect(w, r, siteOf(r).Base+"/admin/clients", "Client "+c.Name()+" was added.")
}

func (u *UI) editClient(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		u.fail(w, r, account.ErrClientNotFound)
		return
	}
	c, err := u.d.Accounts.GetClient(r.Context(), siteOf(r).Tenant.ID, id)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.renderClientForm(w, r, http.StatusOK, c, clientForm(c))
}

func (u *UI) updateClient(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		u.fail(w, r, account.ErrClientNotFound)
		return
	}
	f := postForm(r)
	c, err := u.d.Accounts.UpdateClient(r.Context(), siteOf(r).Tenant.ID, id, clientPatch(f))
	if f.apply(err, clientFields()...) {
		// The page shows the client as stored next to the rejected values.
		old, gerr := u.d.Accounts.GetClient(r.Context(), siteOf(r).Tenant.ID, id)
		if gerr != nil {
			u.fail(w, r, gerr)
			return
		}
		u.renderClientForm(w, r, http.StatusUnprocessableEntity, old, f)
		return
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.redirect(w, r, siteOf(r).Base+"/admin/clients", "Changes to "+c.Name()+" were saved.")
}

func (u *UI) renderClientForm(w http.ResponseWriter, r *http.Request, status int, c *account.Client, f *form) {
	title, action := "Add client", siteOf(r).Base+"/admin/clients"
	if c != nil {
		title, action = c.Name(), action+"/"+c.ID.String()
	}
	v := u.newView(r, title, "clients")
	v.Form, v.Data = f, clientPage{Client: c, Action: action}
	u.renderPage(w, r, status, "admin/client_form", v)
}

// pathID parses the {id} of the route; a malformed id is answered like an unknown one.
func pathID(r *http.Request) (uuid.UUID, bool) {
	id, err := uuid.Parse(chi.URLParam(r, "id"))
	return id, err == nil
}

func clientInput(f *form) account.ClientInput {
	return account.ClientInput{
		Email: f.Get("email"), FirstName: f.Get("first_name"), LastName: f.Get("last_name"),
		Organization: f.Get("organization"), Phone: f.Get("phone"),
		Address: account.Address{Line1: f.Get("address.line1"), Line2: f.Get("address.line2"), City: f.Get("address.city"),
			State: f.Get("address.state"), PostalCode: f.Get("address.postal_code"), Country: f.Get("address.country")},
	}
}

// clientPatch sets every field of the form; the external id, which the form does not show, stays.
func clientPatch(f *form) account.ClientPatch {
	in := clientInput(f)
	set := func(s string) account.Opt[string] { return account.Opt[string]{Set: true, Value: s} }
	a := in.Address
	return account.ClientPatch{
		Email: set(in.Email), FirstName: set(in.FirstName), LastName: set(in.LastName),
		Organization: set(in.Organization), Phone: set(in.Phone),
		Address: account.Opt[*account.AddressPatch]{Set: true, Value: &account.AddressPatch{
			Line1: set(a.Line1), Line2: set(a.Line2), City: set(a.City), State: set(a.State),
			PostalCode: set(a.PostalCode), Country: set(a.Country)}},
	}
}

func clientForm(c *account.Client) *form {
	f := newForm(nil)
	for k, v := range map[string]string{"email": c.Email, "first_name": c.FirstName, "last_name": c.LastName,
		"organization": c.Organization, "phone": c.Phone, "address.line1": c.Address.Line1,
		"address.line2": c.Address.Line2, "address.city": c.Address.City, "address.state": c.Address.State,
		"address.postal_code": c.Address.PostalCode, "address.country": c.Address.Country} {
		f.Set(k, v)
	}
	return f
}
