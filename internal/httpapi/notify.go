package httpapi

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/sslreseller/sslreseller/internal/account"
	"github.com/sslreseller/sslreseller/internal/notify"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

// notifyRoutes are the webhook endpoints and the event feed.
func (a *API) notifyRoutes(r chi.Router) {
	r.With(a.requireScope(account.ScopeBilling)).Get("/events", a.listEvents)
	r.Route("/webhook-endpoints", func(r chi.Router) {
		r.Use(a.requireScope(account.ScopeAdmin))
		r.Get("/", a.listWebhookEndpoints)
		r.Post("/", a.createWebhookEndpoint)
		r.Get("/{id}", a.getWebhookEndpoint)
		r.Patch("/{id}", a.patchWebhookEndpoint)
		r.Delete("/{id}", a.deleteWebhookEndpoint)
		r.Get("/{id}/deliveries", a.listWebhookDeliveries)
		r.Get("/{id}/deliveries/{delivery_id}", a.getWebhookDelivery)
		r.Post("/{id}/deliveries/{delivery_id}/redeliver", a.redeliverWebhook)
	})
}

func (a *API) listEvents(w http.ResponseWriter, r *http.Request) {
	page, err := pageOf(r)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	list, next, err := a.notify.Feed(r.Context(), tenantOf(r), page.Cursor, page.Limit)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newList(list, next))
}

func (a *API) createWebhookEndpoint(w http.ResponseWriter, r *http.Request) {
	var in notify.EndpointInput
	if err := decode(r, &in); err != nil {
		a.writeProblem(w, r, err)
		return
	}
	ep, err := a.notify.CreateEndpoint(r.Context(), tenantOf(r), in)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/webhook-endpoints/"+ep.ID.String())
	writeJSON(w, http.StatusCreated, ep)
}

func (a *API) listWebhookEndpoints(w http.ResponseWriter, r *http.Request) {
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
	list, err := a.notify.Endpoints(r.Context(), tenantOf(r), after, page.Limit+1)
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

func (a *API) getWebhookEndpoint(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "webhook endpoint")
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	ep, err := a.notify.Endpoint(r.Context(), tenantOf(r), id)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ep)
}

func (a *API) patchWebhookEndpoint(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "webhook endpoint")
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	var p notify.EndpointPatch
	if err := decode(r, &p); err != nil {
		a.writeProblem(w, r, err)
		return
	}
	ep, err := a.notify.UpdateEndpoint(r.Context(), tenantOf(r), id, p)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ep)
}

func (a *API) deleteWebhookEndpoint(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "webhook endpoint")
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	if err := a.notify.DeleteEndpoint(r.Context(), tenantOf(r), id); err != nil {
		a.writeProblem(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) listWebhookDeliveries(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "webhook endpoint")
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	page, err := pageOf(r)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	before, err := decodeCursor(page.Cursor)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	list, err := a.notify.Deliveries(r.Context(), tenantOf(r), id, before, page.Limit+1)
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

func deliveryPath(r *http.Request) (endpoint, delivery uuid.UUID, err error) {
	endpoint, err = pathID(r, "webhook endpoint")
	if err != nil {
		return
	}
	if delivery, err = uuid.Parse(chi.URLParam(r, "delivery_id")); err != nil {
		err = errs.New(errs.NotFound, "delivery not found")
	}
	return
}

func (a *API) getWebhookDelivery(w http.ResponseWriter, r *http.Request) {
	ep, id, err := deliveryPath(r)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	d, err := a.notify.Delivery(r.Context(), tenantOf(r), ep, id)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func (a *API) redeliverWebhook(w http.ResponseWriter, r *http.Request) {
	ep, id, err := deliveryPath(r)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	d, err := a.notify.Redeliver(r.Context(), tenantOf(r), ep, id)
	if err != nil {
		a.writeProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, d)
}
