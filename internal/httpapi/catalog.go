package httpapi

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/sslreseller/sslreseller/internal/catalog"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
	"github.com/sslreseller/sslreseller/internal/provider"
)

func (a *API) catalogRoutes(r chi.Router) {
	r.Route("/provider-accounts", func(r chi.Router) {
		r.Use(a.requireScope("admin"))
		r.Get("/", a.listAccounts)
		r.Post("/", a.createAccount)
		r.Get("/{id}", a.getAccount)
		r.Patch("/{id}", a.patchAccount)
		r.Delete("/{id}", a.deleteAccount)
		r.Post("/{id}/test", a.testAccount)
		r.Post("/{id}/sync", a.syncAccount)
		r.Get("/{id}/calls", a.accountCalls)
	})
	r.Route("/catalog", func(r chi.Router) {
		r.Use(a.requireScope("admin"))
		r.Get("/", a.listCatalog)
		r.Put("/{account}/{code}/costs", a.setCosts)
	})
	r.Route("/currencies", func(r chi.Router) {
		r.With(a.requireScope("billing")).Get("/", a.listCurrencies)
		r.With(a.requireScope("admin")).Put("/{code}", a.putCurrency)
		r.With(a.requireScope("admin")).Delete("/{code}", a.deleteCurrency)
	})
	r.Route("/products", func(r chi.Router) {
		r.With(a.requireScope("billing")).Get("/", a.listProducts)
		r.With(a.requireScope("billing")).Get("/{id}", a.getProduct)
		r.With(a.requireScope("admin")).Post("/", a.createProduct)
		r.With(a.requireScope("admin")).Patch("/{id}", a.patchProduct)
		r.With(a.requireScope("admin")).Delete("/{id}", a.deleteProduct)
		r.With(a.requireScope("admin")).Post("/import", a.importProducts)
		r.With(a.requireScope("admin")).Post("/reprice", a.repriceProducts)
	})
}

func (a *API) listAccounts(w http.ResponseWriter, r *http.Request) {
	list, err := a.providers.List(r.Context(), tenantOf(r))
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newList(list, ""))
}

func (a *API) createAccount(w http.ResponseWriter, r *http.Request) {
	var in provider.AccountInput
	if err := decode(r, &in); err != nil {
		a.writeProblem(w, r, err)
		return
	}
	v, err := a.providers.Create(r.Context(), tenantOf(r), in)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/provider-accounts/"+v.ID.String())
	writeJSON(w, http.StatusCreated, v)
}

func (a *API) getAccount(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "provider account")
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	v, err := a.providers.Get(r.Context(), tenantOf(r), id)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (a *API) patchAccount(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "provider account")
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	var p provider.AccountPatch
	if err := decode(r, &p); err != nil {
		a.writeProblem(w, r, err)
		return
	}
	v, err := a.providers.Update(r.Context(), tenantOf(r), id, p)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (a *API) deleteAccount(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "provider account")
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	if err := a.providers.Delete(r.Context(), tenantOf(r), id); err != nil {
		a.writeProblem(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) testAccount(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "provider account")
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	res, err := a.providers.Test(r.Context(), tenantOf(r), id)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (a *API) syncAccount(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "provider account")
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	res, err := a.catalog.Sync(r.Context(), tenantOf(r), id)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (a *API) accountCalls(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "provider account")
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	page, err := pageOf(r)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	var before uuid.UUID
	if page.Cursor != "" {
		if before, err = decodeCursor(page.Cursor); err != nil {
			a.writeProblem(w, r, err)
			return
		}
	}
	if _, err := a.providers.Get(r.Context(), tenantOf(r), id); err != nil {
		a.writeProblem(w, r, err)
		return
	}
	calls, err := a.providers.Calls(r.Context(), tenantOf(r), id, before, page.Limit+1)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	next := ""
	if len(calls) > page.Limit {
		calls = calls[:page.Limit]
		next = encodeCursor(calls[len(calls)-1].ID)
	}
	writeJSON(w, http.StatusOK, newList(calls, next))
}

func (a *API) listCatalog(w http.ResponseWriter, r *http.Request) {
	var acct uuid.UUID
	if s := r.URL.Query().Get("provider_account_id"); s != "" {
		id, err := uuid.Parse(s)
		if err != nil {
			a.writeProblem(w, r, errs.Field("provider_account_id", "is not an id"))
			return
		}
		acct = id
	}
	items, err := a.catalog.Items(r.Context(), tenantOf(r), acct)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newList(items, ""))
}

func (a *API) setCosts(w http.ResponseWriter, r *http.Request) {
	acct, err := uuid.Parse(chi.URLParam(r, "account"))
	if err != nil {
		a.writeProblem(w, r, errs.New(errs.NotFound, "catalogue item not found"))
		return
	}
	var in catalog.CostsInput
	if err := decode(r, &in); err != nil {
		a.writeProblem(w, r, err)
		return
	}
	it, err := a.catalog.SetItemCosts(r.Context(), tenantOf(r), acct, chi.URLParam(r, "code"), in)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, it)
}

func (a *API) listCurrencies(w http.ResponseWriter, r *http.Request) {
	c, err := a.catalog.Currencies(r.Context(), tenantOf(r))
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (a *API) putCurrency(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Rate string `json:"rate"`
	}
	if err := decode(r, &in); err != nil {
		a.writeProblem(w, r, err)
		return
	}
	code := strings.ToUpper(chi.URLParam(r, "code"))
	if err := a.catalog.SetRate(r.Context(), tenantOf(r), code, in.Rate); err != nil {
		a.writeProblem(w, r, err)
		return
	}
	a.listCurrencies(w, r)
}

func (a *API) deleteCurrency(w http.ResponseWriter, r *http.Request) {
	if err := a.catalog.DeleteRate(r.Context(), tenantOf(r), strings.ToUpper(chi.URLParam(r, "code"))); err != nil {
		a.writeProblem(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) listProducts(w http.ResponseWriter, r *http.Request) {
	page, err := pageOf(r)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	after, err := decodeCursor(page.Cursor)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	q := r.URL.Query()
	f := catalog.ProductFilter{Group: q.Get("group"), AfterID: after, Limit: page.Limit + 1}
	switch q.Get("visible") {
	case "", "false":
	case "true":
		f.VisibleOnly = true
	default:
		a.writeProblem(w, r, errs.Field("visible", "must be true or false"))
		return
	}
	list, err := a.catalog.Products(r.Context(), tenantOf(r), f)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	next := ""
	if len(list) > page.Limit {
		list = list[:page.Limit]
		next = encodeCursor(list[len(list)-1].ID)
	}
	writeJSON(w, http.StatusOK, newList(list, next))
}

func (a *API) getProduct(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "product")
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	p, err := a.catalog.Product(r.Context(), tenantOf(r), id)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (a *API) createProduct(w http.ResponseWriter, r *http.Request) {
	var in catalog.ProductInput
	if err := decode(r, &in); err != nil {
		a.writeProblem(w, r, err)
		return
	}
	p, err := a.catalog.CreateProduct(r.Context(), tenantOf(r), in)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/products/"+p.ID.String())
	writeJSON(w, http.StatusCreated, p)
}

func (a *API) patchProduct(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "product")
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	var in catalog.ProductPatch
	if err := decode(r, &in); err != nil {
		a.writeProblem(w, r, err)
		return
	}
	p, err := a.catalog.UpdateProduct(r.Context(), tenantOf(r), id, in)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (a *API) deleteProduct(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "product")
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	if err := a.catalog.DeleteProduct(r.Context(), tenantOf(r), id); err != nil {
		a.writeProblem(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) importProducts(w http.ResponseWriter, r *http.Request) {
	var in catalog.ImportInput
	if err := decode(r, &in); err != nil {
		a.writeProblem(w, r, err)
		return
	}
	list, err := a.catalog.Import(r.Context(), tenantOf(r), in)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newList(list, ""))
}

func (a *API) repriceProducts(w http.ResponseWriter, r *http.Request) {
	var in catalog.RepriceInput
	if err := decode(r, &in); err != nil {
		a.writeProblem(w, r, err)
		return
	}
	changes, err := a.catalog.Reprice(r.Context(), tenantOf(r), in)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"applied": in.Apply, "changes": changes})
}
