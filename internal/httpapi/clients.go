package httpapi

import (
	"net/http"

	"github.com/sslreseller/sslreseller/internal/account"
)

func (a *API) createClient(w http.ResponseWriter, r *http.Request) {
	var in account.ClientInput
	if err := decode(r, &in); err != nil {
		a.writeProblem(w, r, err)
		return
	}
	c, err := a.accounts.CreateClient(r.Context(), tenantOf(r), in)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/clients/"+c.ID.String())
	writeJSON(w, http.StatusCreated, c)
}

func (a *API) getClient(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "client")
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	c, err := a.accounts.GetClient(r.Context(), tenantOf(r), id)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (a *API) patchClient(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "client")
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	var p account.ClientPatch
	if err := decode(r, &p); err != nil {
		a.writeProblem(w, r, err)
		return
	}
	c, err := a.accounts.UpdateClient(r.Context(), tenantOf(r), id, p)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (a *API) listClients(w http.ResponseWriter, r *http.Request) {
	page, err := pageOf(r)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	q := r.URL.Query()
	f := account.ClientFilter{Query: q.Get("q"), Email: q.Get("email"), ExternalID: q.Get("external_id")}
	list, next, err := a.accounts.ListClients(r.Context(), tenantOf(r), f, page)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newList(list, next))
}
