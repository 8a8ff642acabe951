package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/sslreseller/sslreseller/internal/order"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

func (a *API) orderRoutes(r chi.Router) {
	r.Route("/orders", func(r chi.Router) {
		r.Use(a.requireScope("billing"))
		r.Get("/", a.listOrders)
		r.Post("/", a.createOrder)
		r.Get("/{id}", a.getOrder)
		r.Post("/{id}/configure", a.configureOrder)
		r.Get("/{id}/approver-emails", a.approverEmails)
		r.Post("/{id}/activate", a.orderAction(func(r *http.Request, id uuid.UUID) (*order.View, error) {
			return a.orders.Activate(r.Context(), tenantOf(r), id)
		}))
		r.Post("/{id}/check", a.orderAction(func(r *http.Request, id uuid.UUID) (*order.View, error) {
			return a.orders.Check(r.Context(), tenantOf(r), id)
		}))
		r.Post("/{id}/reset", a.orderAction(func(r *http.Request, id uuid.UUID) (*order.View, error) {
			return a.orders.Reset(r.Context(), tenantOf(r), id)
		}))
		r.Post("/{id}/resend-dcv", a.orderAction(func(r *http.Request, id uuid.UUID) (*order.View, error) {
			return a.orders.ResendDCV(r.Context(), tenantOf(r), id)
		}))
		r.Post("/{id}/cancel", a.orderAction(func(r *http.Request, id uuid.UUID) (*order.View, error) {
			var in struct {
				Reason string `json:"reason"`
			}
			if err := decodeOptional(r, &in); err != nil {
				return nil, err
			}
			return a.orders.Cancel(r.Context(), tenantOf(r), id, in.Reason)
		}))
		r.Post("/{id}/revoke", a.orderAction(func(r *http.Request, id uuid.UUID) (*order.View, error) {
			var in struct {
				Reason string `json:"reason"`
			}
			if err := decodeOptional(r, &in); err != nil {
				return nil, err
			}
			return a.orders.Revoke(r.Context(), tenantOf(r), id, in.Reason)
		}))
		r.Post("/{id}/dcv", a.orderAction(func(r *http.Request, id uuid.UUID) (*order.View, error) {
			var in struct {
				Domains []order.DomainChoice `json:"domains"`
			}
			if err := decode(r, &in); err != nil {
				return nil, err
			}
			return a.orders.ChangeDCV(r.Context(), tenantOf(r), id, in.Domains)
		}))
		r.Post("/{id}/renew", a.orderAccepted(func(r *http.Request, id uuid.UUID) (*order.View, error) {
			var in order.RenewInput
			if err := decode(r, &in); err != nil {
				return nil, err
			}
			return a.orders.Renew(r.Context(), tenantOf(r), id, in)
		}))
		r.Post("/{id}/reissue", a.orderAccepted(func(r *http.Request, id uuid.UUID) (*order.View, error) {
			var in order.ReissueInput
			if err := decodeOptional(r, &in); err != nil {
				return nil, err
			}
			return a.orders.Reissue(r.Context(), tenantOf(r), id, in)
		}))
		r.Get("/{id}/certificate", a.downloadCertificate)
		r.Post("/{id}/certificate/export", a.exportCertificate)
	})
}

func (a *API) orderAction(fn func(*http.Request, uuid.UUID) (*order.View, error)) http.HandlerFunc {
	return a.orderRespond(http.StatusOK, fn)
}

func (a *API) orderAccepted(fn func(*http.Request, uuid.UUID) (*order.View, error)) http.HandlerFunc {
	return a.orderRespond(http.StatusAccepted, fn)
}

func (a *API) orderRespond(status int, fn func(*http.Request, uuid.UUID) (*order.View, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "order")
		if err != nil {
			a.writeProblem(w, r, err)
			return
		}
		v, err := fn(r, id)
		if err != nil {
			a.writeProblem(w, r, err)
			return
		}
		writeJSON(w, status, v)
	}
}

// decodeOptional accepts an empty body as no input.
func decodeOptional(r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	return decode(r, v)
}

func (a *API) createOrder(w http.ResponseWriter, r *http.Request) {
	var in order.CreateInput
	if err := decode(r, &in); err != nil {
		a.writeProblem(w, r, err)
		return
	}
	v, err := a.orders.Create(r.Context(), tenantOf(r), in)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/orders/"+v.ID.String())
	writeJSON(w, http.StatusCreated, v)
}

func (a *API) getOrder(w http.ResponseWriter, r *http.Request) {
	a.orderAction(func(r *http.Request, id uuid.UUID) (*order.View, error) {
		return a.orders.Get(r.Context(), tenantOf(r), id)
	})(w, r)
}

func (a *API) listOrders(w http.ResponseWriter, r *http.Request) {
	page, err := pageOf(r)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	q := r.URL.Query()
	f := order.Filter{Status: order.Status(q.Get("status")), Query: q.Get("q")}
	if s := q.Get("client_id"); s != "" {
		if f.ClientID, err = uuid.Parse(s); err != nil {
			a.writeProblem(w, r, errs.Field("client_id", "is not an id"))
			return
		}
	}
	if s := q.Get("updated_since"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			a.writeProblem(w, r, errs.Field("updated_since", "must be an RFC 3339 time such as 2026-11-22T10:00:00Z"))
			return
		}
		f.UpdatedSince = &t
	}
	list, next, err := a.orders.List(r.Context(), tenantOf(r), f, page)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newList(list, next))
}

func (a *API) configureOrder(w http.ResponseWriter, r *http.Request) {
	a.orderAccepted(func(r *http.Request, id uuid.UUID) (*order.View, error) {
		var in order.ConfigureInput
		if err := decode(r, &in); err != nil {
			return nil, err
		}
		return a.orders.Configure(r.Context(), tenantOf(r), id, in)
	})(w, r)
}

func (a *API) approverEmails(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "order")
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	domain := r.URL.Query().Get("domain")
	if domain == "" {
		a.writeProblem(w, r, errs.Field("domain", "is required"))
		return
	}
	list, err := a.orders.ApproverEmails(r.Context(), tenantOf(r), id, domain)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"domain": domain, "emails": list})
}

func (a *API) downloadCertificate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "order")
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	f, err := a.orders.Certificate(r.Context(), tenantOf(r), id, r.URL.Query().Get("format"))
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	writeFile(w, f)
}

func (a *API) exportCertificate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "order")
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	var in struct {
		Format   string `json:"format"`
		Password string `json:"password"`
	}
	if err := decode(r, &in); err != nil {
		a.writeProblem(w, r, err)
		return
	}
	if in.Format != "pfx" {
		a.writeProblem(w, r, errs.Field("format", "must be pfx"))
		return
	}
	f, err := a.orders.ExportPFX(r.Context(), tenantOf(r), id, in.Password)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	writeFile(w, f)
}

func writeFile(w http.ResponseWriter, f *order.File) {
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+f.Name+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(f.Body)))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(f.Body)
}
