package webui

import (
	"net/http"
	"strconv"
	"strings"

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
	r.Get("/emails/templates", u.listEmailTemplates)
	r.Get("/emails/templates/{name}", u.editEmailTemplate)
	r.Get("/emails/{id}", u.showEmail)
	r.Group(func(r chi.Router) {
		r.Use(u.requireCan("settings", "Only owners and admins can change the e-mails clients receive."))
		r.Get("/emails/settings", u.emailSettings)
		r.Post("/emails/settings", u.saveEmailSettings)
		r.Post("/emails/templates/{name}", u.saveEmailTemplate)
		r.Post("/emails/templates/{name}/reset", u.resetEmailTemplate)
	})
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

func (u *UI) listEmailTemplates(w http.ResponseWriter, r *http.Request) {
	if u.d.Mail == nil {
		u.notFound(w, r)
		return
	}
	list, err := u.d.Mail.Templates(r.Context(), siteOf(r).Tenant.ID)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v := u.newView(r, "E-mail templates", "emails")
	v.Data = list
	u.renderPage(w, r, http.StatusOK, "admin/mail/templates", v)
}

// templatePage is the data of the template editor.
type templatePage struct {
	Template *mail.Template
	Preview  *mail.Rendered
}

func (u *UI) editEmailTemplate(w http.ResponseWriter, r *http.Request) {
	if u.d.Mail == nil {
		u.notFound(w, r)
		return
	}
	t, err := u.d.Mail.TemplateByName(r.Context(), siteOf(r).Tenant.ID, chi.URLParam(r, "name"))
	if err != nil {
		u.fail(w, r, err)
		return
	}
	f := newForm(nil)
	f.Set("text", t.Text)
	f.Set("html", t.HTML)
	p := templatePage{Template: t}
	p.Preview, _ = mail.Preview(t.Name, t.Text, t.HTML)
	u.renderTemplateEditor(w, r, http.StatusOK, f, p)
}

func (u *UI) renderTemplateEditor(w http.ResponseWriter, r *http.Request, status int, f *form, p templatePage) {
	v := u.newView(r, p.Template.Title+" e-mail", "emails")
	v.Form, v.Data = f, p
	u.renderPage(w, r, status, "admin/mail/template", v)
}

// saveEmailTemplate previews or saves a wording; either way a template that does not parse or
// render comes back with the problem and its line on the field, and nothing is stored.
func (u *UI) saveEmailTemplate(w http.ResponseWriter, r *http.Request) {
	tenantID := siteOf(r).Tenant.ID
	t, err := u.d.Mail.TemplateByName(r.Context(), tenantID, chi.URLParam(r, "name"))
	if err != nil {
		u.fail(w, r, err)
		return
	}
	f := postForm(r)
	text, html := f.Values.Get("text"), f.Values.Get("html")
	p := templatePage{Template: t}
	if f.Get("action") == "preview" {
		p.Preview, err = mail.Preview(t.Name, text, html)
		if f.apply(err, "text", "html") {
			u.renderTemplateEditor(w, r, http.StatusUnprocessableEntity, f, p)
			return
		}
		if err != nil {
			u.fail(w, r, err)
			return
		}
		f.Alert = ""
		u.renderTemplateEditor(w, r, http.StatusOK, f, p)
		return
	}
	err = u.d.Mail.SaveTemplate(r.Context(), tenantID, t.Name, text, html)
	if f.apply(err, "text", "html") {
		u.renderTemplateEditor(w, r, http.StatusUnprocessableEntity, f, p)
		return
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.redirect(w, r, siteOf(r).Base+"/admin/emails/templates/"+t.Name, "The "+t.Title+" e-mail was saved; clients get the new wording from now on.")
}

func (u *UI) resetEmailTemplate(w http.ResponseWriter, r *http.Request) {
	name := chi.URLParam(r, "name")
	if err := u.d.Mail.ResetTemplate(r.Context(), siteOf(r).Tenant.ID, name); err != nil {
		u.fail(w, r, err)
		return
	}
	u.redirect(w, r, siteOf(r).Base+"/admin/emails/templates/"+name, "The e-mail is back to the built-in wording.")
}

// emailSettingsPage is the data of the e-mail settings page.
type emailSettingsPage struct {
	PasswordSet bool
	Platform    bool // the platform has an SMTP server
}

func (u *UI) emailSettings(w http.ResponseWriter, r *http.Request) {
	st := siteOf(r).Tenant.Settings
	f := newForm(nil)
	f.Set("support_email", st.SupportEmail)
	var days []string
	for _, d := range st.ExpirySchedule() {
		days = append(days, strconv.Itoa(d))
	}
	f.Set("expiry_notice_days", strings.Join(days, ", "))
	f.Set("smtp_port", "587")
	f.Set("smtp_tls", "starttls")
	if own := st.SMTP; own != nil {
		f.Set("smtp_host", own.Host)
		f.Set("smtp_port", strconv.Itoa(own.Port))
		f.Set("smtp_username", own.Username)
		f.Set("smtp_tls", own.TLS)
		f.Set("smtp_from", own.From)
	}
	u.renderEmailSettings(w, r, http.StatusOK, f)
}

func (u *UI) renderEmailSettings(w http.ResponseWriter, r *http.Request, status int, f *form) {
	st := siteOf(r).Tenant.Settings
	v := u.newView(r, "E-mail settings", "emails")
	v.Form, v.Data = f, emailSettingsPage{PasswordSet: st.SMTP != nil && st.SMTP.PasswordSealed != "", Platform: !u.d.Mail.Mailbox()}
	u.renderPage(w, r, status, "admin/mail/settings", v)
}

func (u *UI) saveEmailSettings(w http.ResponseWriter, r *http.Request) {
	f := postForm(r)
	in := mail.SettingsInput{SupportEmail: f.Get("support_email"), ExpiryNotices: f.Get("expiry_notice_days"), Host: f.Get("smtp_host"),
		Port: f.Get("smtp_port"), Username: f.Get("smtp_username"), Password: f.Raw("smtp_password"), TLS: f.Get("smtp_tls"), From: f.Get("smtp_from")}
	err := u.d.Mail.SaveSettings(r.Context(), siteOf(r).Tenant, in)
	if f.apply(err, "support_email", "expiry_notice_days", "smtp_host", "smtp_port", "smtp_username", "smtp_password", "smtp_tls", "smtp_from") {
		u.renderEmailSettings(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.redirect(w, r, siteOf(r).Base+"/admin/emails/settings", "E-mail settings were saved.")
}
