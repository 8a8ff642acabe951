package webui

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/sslreseller/sslreseller/internal/mail"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

// mailPageSize is how many messages one page of the mailbox shows.
const mailPageSize = 50

// mailRoutes are the e-mail pages: every message sent to clients with its delivery record, and,
// while no SMTP server is configured, the development mailbox where those messages are kept.
func (u *UI) mailRoutes(r chi.Router) {
	r.Get("/emails", u.listEmails)
	r.Get("/emails/{id}", u.showEmail)
}

// emailsPage is the data of the e-mail list.
type emailsPage struct {
	Messages []mail.Message
	Mailbox  bool   // no SMTP server: messages are kept, not sent
	Older    string // URL of the next page, "" on the last
}

func (u *UI) listEmails(w http.ResponseWriter, r *http.Request) {
	if u.d.Mail == nil {
		u.notFound(w, r)
		return
	}
	before := uuid.Nil
	if s := r.URL.Query().Get("before"); s != "" {
		id, err := uuid.Parse(s)
		if err != nil {
			u.fail(w, r, errs.Field("before", "is not a message id"))
			return
		}
		before = id
	}
	t := siteOf(r).Tenant
	list, err := u.d.Mail.List(r.Context(), t.ID, nil, before, mailPageSize+1)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	p := emailsPage{Messages: list, Mailbox: u.d.Mail.Mailbox()}
	if len(list) > mailPageSize {
		p.Messages = list[:mailPageSize]
		p.Older = siteOf(r).Base + "/admin/emails?before=" + list[mailPageSize-1].ID.String()
	}
	v := u.newView(r, "E-mails", "emails")
	v.Data = p
	u.renderPage(w, r, http.StatusOK, "admin/mail/list", v)
}

func (u *UI) showEmail(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r)
	if !ok || u.d.Mail == nil {
		u.notFound(w, r)
		return
	}
	m, err := u.d.Mail.Get(r.Context(), siteOf(r).Tenant.ID, id)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v := u.newView(r, m.Subject, "emails")
	v.Data = m
	u.renderPage(w, r, http.StatusOK, "admin/mail/show", v)
}
