package webui

import (
	"net/http"

	"github.com/sslreseller/sslreseller/internal/account"
)

// dashboardCountLimit bounds the client count on the dashboard; beyond it the page says "100+".
const dashboardCountLimit = 100

// dashboard is the data of the admin home page.
type dashboard struct {
	Clients     int
	MoreClients bool
	ActiveKeys  int
	Staff       int
	Steps       []step
	Done        int
}

// step is one item of the getting-started checklist.
type step struct {
	Title, Text, Link, Action string
	Need                      string // what the user must be allowed (account.User.Can) to take the action
	Done                      bool
}

// dashboard shows what the tenant has and, until it is set up, what to do next.
func (u *UI) dashboard(w http.ResponseWriter, r *http.Request) {
	ctx, t := r.Context(), siteOf(r).Tenant
	clients, more, err := u.d.Accounts.ListClients(ctx, t.ID, account.ClientFilter{Newest: true}, account.Page{Limit: dashboardCountLimit})
	if err != nil {
		u.fail(w, r, err)
		return
	}
	keys, err := u.d.Accounts.ListAPIKeys(ctx, t.ID)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	staff, err := u.d.Accounts.ListUsers(ctx, t.ID)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v := u.newView(r, "Dashboard", "dashboard")
	d := dashboard{Clients: len(clients), MoreClients: more != "", Staff: len(staff)}
	for _, k := range keys {
		if k.RevokedAt == nil {
			d.ActiveKeys++
		}
	}
	d.Steps = []step{
		{Title: "Add your first client", Text: "Clients are the people and companies you sell certificates to.",
			Link: v.Admin() + "/clients/new", Action: "Add client", Done: d.Clients > 0},
		{Title: "Connect your billing system", Text: "Create an API key so WHMCS, Blesta or your own billing can create clients and orders.",
			Link: v.Admin() + "/api-keys/new", Action: "Create API key", Need: "settings", Done: d.ActiveKeys > 0},
		{Title: "Invite your team", Text: "Add admins and support staff so they can help your clients.",
			Link: v.Admin() + "/staff/new", Action: "Add staff user", Need: "staff", Done: d.Staff > 1},
	}
	for _, s := range d.Steps {
		if s.Done {
			d.Done++
		}
	}
	v.Data = d
	u.renderPage(w, r, http.StatusOK, "admin/dashboard", v)
}
