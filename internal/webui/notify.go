package webui

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/sslreseller/sslreseller/internal/notify"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

// notifyRoutes are the admin pages of webhook endpoints and deliveries, e-mail templates and the
// development mailbox.
func (u *UI) notifyRoutes(r chi.Router) {
	r.Get("/webhooks", u.listWebhooks)
	r.Get("/webhooks/{id}", u.showWebhook)
	r.Group(func(r chi.Router) {
		r.Use(u.requireCan("settings", "Only owners and admins can add, change or redeliver webhooks."))
		r.Get("/webhooks/new", u.newWebhook)
		r.Post("/webhooks", u.createWebhook)
		r.Post("/webhooks/{id}/enabled", u.toggleWebhook)
		r.Post("/webhooks/{id}/deliveries/{delivery_id}/redeliver", u.redeliverWebhook)
	})
}

// webhookPage is an endpoint with one page of its deliveries.
type webhookPage struct {
	Endpoint   *notify.Endpoint
	Deliveries []notify.Delivery
	Next       string // id to read older deliveries from
}

// webhookForm lists the events for the checkboxes of the add form.
type webhookForm struct {
	Events   []string
	Selected map[string]bool
}

// webhookCreated shows a new endpoint with its secret, the only time it is shown.
type webhookCreated struct {
	Endpoint *notify.Endpoint
}

func (u *UI) listWebhooks(w http.ResponseWriter, r *http.Request) {
	list, err := u.d.Notify.Endpoints(r.Context(), siteOf(r).Tenant.ID, uuid.Nil, 200)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v := u.newView(r, "Webhooks", "webhooks")
	v.Data = list
	u.renderPage(w, r, http.StatusOK, "admin/notify/webhooks", v)
}

func (u *UI) newWebhook(w http.ResponseWriter, r *http.Request) {
	f := newForm(nil)
	for _, e := range notify.Events {
		f.Values.Add("events", e)
	}
	u.renderWebhookForm(w, r, http.StatusOK, f)
}

func (u *UI) renderWebhookForm(w http.ResponseWriter, r *http.Request, status int, f *form) {
	v := u.newView(r, "Add webhook endpoint", "webhooks")
	v.Form = f
	sel := map[string]bool{}
	for _, e := range f.Values["events"] {
		sel[e] = true
	}
	v.Data = webhookForm{Events: notify.Events, Selected: sel}
	u.renderPage(w, r, status, "admin/notify/webhook_new", v)
}

// createWebhook answers with the secret instead of redirecting: it is stored sealed and never put in
// the session, so this response is the only place it appears.
func (u *UI) createWebhook(w http.ResponseWriter, r *http.Request) {
	f := postForm(r)
	ep, err := u.d.Notify.CreateEndpoint(r.Context(), siteOf(r).Tenant.ID, notify.EndpointInput{
		URL: f.Get("url"), Description: f.Get("description"), Events: f.Values["events"]})
	if f.apply(err, "url", "description", "events") {
		u.renderWebhookForm(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v := u.newView(r, "Webhook endpoint added", "webhooks")
	v.Data = webhookCreated{Endpoint: ep}
	u.renderPage(w, r, http.StatusCreated, "admin/notify/webhook_created", v)
}

func (u *UI) showWebhook(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		u.fail(w, r, errs.New(errs.NotFound, "webhook endpoint not found"))
		return
	}
	tid := siteOf(r).Tenant.ID
	ep, err := u.d.Notify.Endpoint(r.Context(), tid, id)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	before, _ := uuid.Parse(r.URL.Query().Get("before"))
	const pageSize = 25
	ds, err := u.d.Notify.Deliveries(r.Context(), tid, id, before, pageSize+1)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	p := webhookPage{Endpoint: ep, Deliveries: ds}
	if len(ds) > pageSize {
		p.Deliveries = ds[:pageSize]
		p.Next = ds[pageSize-1].ID.String()
	}
	v := u.newView(r, "Webhook endpoint", "webhooks")
	v.Data = p
	u.renderPage(w, r, http.StatusOK, "admin/notify/webhook", v)
}

func (u *UI) toggleWebhook(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok {
		u.fail(w, r, errs.New(errs.NotFound, "webhook endpoint not found"))
		return
	}
	on := postForm(r).Get("enabled") == "true"
	if _, err := u.d.Notify.UpdateEndpoint(r.Context(), siteOf(r).Tenant.ID, id, notify.EndpointPatch{Enabled: &on}); err != nil {
		u.fail(w, r, err)
		return
	}
	msg := "The endpoint is paused: new events are not sent to it."
	if on {
		msg = "The endpoint is active again: new events are sent to it."
	}
	u.redirect(w, r, siteOf(r).Base+"/admin/webhooks/"+id.String(), msg)
}

func (u *UI) redeliverWebhook(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	did, err := uuid.Parse(chi.URLParam(r, "delivery_id"))
	if !ok || err != nil {
		u.fail(w, r, errs.New(errs.NotFound, "delivery not found"))
		return
	}
	d, err := u.d.Notify.Redeliver(r.Context(), siteOf(r).Tenant.ID, id, did)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.redirect(w, r, siteOf(r).Base+"/admin/webhooks/"+id.String(), "The "+d.EventType+" event is being sent again, with the same webhook-id.")
}
