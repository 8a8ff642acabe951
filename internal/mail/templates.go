package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"regexp"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/sslreseller/sslreseller/internal/audit"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
)

// Template describes one e-mail a tenant can reword.
type Template struct {
	Name        string
	Title       string // what staff call it
	When        string // when it is sent
	Text        string // the text part, first line "Subject: ..."
	HTML        string
	Customized  bool
	UpdatedAt   *time.Time
	DefaultText string
	DefaultHTML string
}

// catalogue lists the templates in the order the admin UI shows them.
var catalogue = []struct{ name, title, when string }{
	{"configure_link", "Configuration link", "when an order is ready to be set up (after activation, if orders wait for it)"},
	{"submitted", "Submitted, with validation steps", "when the request reaches the certificate authority"},
	{"issued", "Certificate issued", "when the certificate is issued; the full chain is attached"},
	{"rejected", "Rejected", "when the certificate authority rejects the request"},
	{"cancelled", "Cancelled", "when the order is cancelled"},
	{"expiring", "Term ending", "on the expiry notice days before the end of the term"},
	{"reissued", "New certificate of the term", "when a reissue or renewal brings a new certificate"},
}

func known(name string) bool {
	for _, c := range catalogue {
		if c.name == name {
			return true
		}
	}
	return false
}

func defaults(name string) (string, string) {
	txt, _ := templateFS.ReadFile("templates/" + name + ".txt")
	html, _ := templateFS.ReadFile("templates/" + name + ".html")
	return string(txt), string(html)
}

// Templates lists the tenant's e-mails with their current wording.
func (s *Service) Templates(ctx context.Context, tenantID uuid.UUID) ([]Template, error) {
	over, err := s.overrides(ctx, tenantID, "")
	if err != nil {
		return nil, err
	}
	out := make([]Template, 0, len(catalogue))
	for _, c := range catalogue {
		t := Template{Name: c.name, Title: c.title, When: c.when}
		t.DefaultText, t.DefaultHTML = defaults(c.name)
		t.Text, t.HTML = t.DefaultText, t.DefaultHTML
		if o, ok := over[c.name]; ok {
			t.Text, t.HTML, t.Customized, t.UpdatedAt = o.text, o.html, true, &o.updated
		}
		out = append(out, t)
	}
	return out, nil
}

// TemplateByName returns one of the tenant's e-mails (errs.NotFound for an unknown name).
func (s *Service) TemplateByName(ctx context.Context, tenantID uuid.UUID, name string) (*Template, error) {
	list, err := s.Templates(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	for i := range list {
		if list[i].Name == name {
			return &list[i], nil
		}
	}
	return nil, errs.New(errs.NotFound, "no e-mail template %q", name)
}

type override struct {
	text, html string
	updated    time.Time
}

func (s *Service) overrides(ctx context.Context, tenantID uuid.UUID, name string) (map[string]override, error) {
	out := map[string]override{}
	err := s.DB.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT name, body_text, body_html, updated_at FROM email_templates
			WHERE tenant_id = $1 AND ($2 = '' OR name = $2)`, tenantID, name)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var n string
			var o override
			if err := rows.Scan(&n, &o.text, &o.html, &o.updated); err != nil {
				return err
			}
			out[n] = o
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("mail: templates: %w", err)
	}
	return out, nil
}

// SaveTemplate stores the tenant's wording of an e-mail after checking that both parts parse and
// render with sample data; a problem is an Invalid error on "text" or "html" that names the line.
func (s *Service) SaveTemplate(ctx context.Context, tenantID uuid.UUID, name, text, html string) error {
	if !known(name) {
		return errs.New(errs.NotFound, "no e-mail template %q", name)
	}
	text, html = normalize(text), normalize(html)
	if _, err := Preview(name, text, html); err != nil {
		return err
	}
	return s.DB.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO email_templates (tenant_id, name, body_text, body_html) VALUES ($1, $2, $3, $4)
			ON CONFLICT (tenant_id, name) DO UPDATE SET body_text = excluded.body_text, body_html = excluded.body_html, updated_at = now()`,
			tenantID, name, text, html); err != nil {
			return err
		}
		return audit.Record(ctx, tx, tenantID, "email_template.save", "email_template", name, map[string]any{"name": name})
	})
}

// ResetTemplate goes back to the built-in wording.
func (s *Service) ResetTemplate(ctx context.Context, tenantID uuid.UUID, name string) error {
	if !known(name) {
		return errs.New(errs.NotFound, "no e-mail template %q", name)
	}
	return s.DB.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM email_templates WHERE tenant_id = $1 AND name = $2`, tenantID, name); err != nil {
			return err
		}
		return audit.Record(ctx, tx, tenantID, "email_template.reset", "email_template", name, map[string]any{"name": name})
	})
}

func normalize(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

// sample is what a preview renders with.
var sample = data{
	Tenant: "Acme Certificates", ClientName: "Bea Buyer", Product: "DV certificate", Period: "1 year",
	ConfigureURL: "https://example.com/portal/o/preview-link", CommonName: "www.example.com", NotAfter: "30 June 2027",
	ServerType: "nginx", Install: "set ssl_certificate to the attached file and reload nginx.", Attachment: "www.example.com.fullchain.pem",
	Reason: "the domain failed validation", RefundDue: true, TermEnds: "22 November 2027", EndsIn: "in 14 days",
	Domains: []domainStep{{Name: "www.example.com", Step: "add a DNS CNAME record _acme.www.example.com with the value token.example.net"}},
}

var (
	lineRE     = regexp.MustCompile(`^template: [^:]*:(\d+):(?:\d+:)?\s*`)
	previewRef = regexp.MustCompile(`preview:(\d+)(?::\d+)?`)
)

// templateProblem turns a parse or execution error into words with the line it is on.
func templateProblem(field string, err error) error {
	msg := err.Error()
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		msg = "Line " + m[1] + ": " + strings.TrimSpace(msg[len(m[0]):])
	}
	msg = strings.ReplaceAll(msg, "template: preview: ", "")
	msg = previewRef.ReplaceAllString(msg, "line $1")
	return errs.Field(field, "%s", msg)
}

// Preview renders a wording with sample data; errors are Invalid on "text" or "html", naming the line.
func Preview(name, text, html string) (*Rendered, error) {
	first, _, _ := strings.Cut(text, "\n")
	if !strings.HasPrefix(strings.TrimSpace(first), "Subject:") {
		return nil, errs.Field("text", "Line 1: the first line must be the subject, as \"Subject: ...\"")
	}
	out := &Rendered{}
	if err := render(name, text, html, sample, out); err != nil {
		return nil, err
	}
	if out.Subject == "" {
		return nil, errs.Field("text", "Line 1: the subject is empty")
	}
	return out, nil
}

func render(_, text, html string, d any, out *Rendered) error {
	txt, err := texttemplate.New("preview").Option("missingkey=error").Parse(text)
	if err != nil {
		return templateProblem("text", err)
	}
	var b bytes.Buffer
	if err := txt.Execute(&b, d); err != nil {
		return templateProblem("text", err)
	}
	subject, body, _ := strings.Cut(b.String(), "\n")
	out.Subject = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(subject), "Subject:"))
	out.Text = body
	h, err := htmltemplate.New("preview").Option("missingkey=error").Parse(html)
	if err != nil {
		return templateProblem("html", err)
	}
	b.Reset()
	if err := h.Execute(&b, d); err != nil {
		return templateProblem("html", err)
	}
	out.HTML = b.String()
	return nil
}

// wording returns the tenant's text and HTML of an e-mail: its own, else the default.
func (s *Service) wording(ctx context.Context, tenantID uuid.UUID, name string) (string, string, error) {
	over, err := s.overrides(ctx, tenantID, name)
	if err != nil {
		return "", "", err
	}
	if o, ok := over[name]; ok {
		return o.text, o.html, nil
	}
	text, html := defaults(name)
	if text == "" {
		return "", "", errors.New("mail: no template " + name)
	}
	return text, html, nil
}
