package webui

import (
	"net/http"
	"net/url"

	"github.com/sslreseller/sslreseller/internal/account"
	"github.com/sslreseller/sslreseller/internal/order"
)

// certificatesPerPage is the page size of the client's certificate list.
const certificatesPerPage = 20

// portalHomePage is the data of the client's home.
type portalHomePage struct {
	Orders       []orderCard
	Newer, Older string
	Paged        bool
}

// portalHome is the client's home: their certificates, newest first, each with what it needs next.
func (u *UI) portalHome(w http.ResponseWriter, r *http.Request) {
	t, c := siteOf(r).Tenant, clientOf(r)
	q := r.URL.Query()
	cursor := q.Get("cursor")
	views, next, err := u.d.Orders.List(r.Context(), t.ID, order.Filter{ClientID: c.ID, Newest: true},
		account.Page{Limit: certificatesPerPage, Cursor: cursor})
	if err != nil {
		u.fail(w, r, err)
		return
	}
	cards, err := u.orderCards(r.Context(), t.ID, views)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v := u.newView(r, "My certificates", "certificates")
	data := portalHomePage{Orders: cards, Paged: cursor != ""}
	data.Newer, data.Older = pageLinks(v.Portal(), url.Values{}, cursor, q.Get("prev"), next)
	v.Data = data
	u.renderPage(w, r, http.StatusOK, "portal/home", v)
}
