package mail

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	netmail "net/mail"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	gomail "github.com/wneessen/go-mail"
	"go.uber.org/zap"

	"github.com/sslreseller/sslreseller/internal/audit"
	"github.com/sslreseller/sslreseller/internal/order"
	"github.com/sslreseller/sslreseller/internal/platform/config"
	"github.com/sslreseller/sslreseller/internal/provider"
	"github.com/sslreseller/sslreseller/internal/tenant"
)

//go:embed templates
var templateFS embed.FS

// Rendered is a message ready to send.
type Rendered struct {
	Subject    string
	Text       string
	HTML       string
	Attachment string // file name, "" for none
	Body       []byte // the attachment
}

// Sender delivers one rendered message.
type Sender interface {
	Send(ctx context.Context, from, replyTo, to string, r *Rendered) error
}

// smtpSender sends over the configured SMTP server with go-mail.
type smtpSender struct{ cfg config.SMTP }

// newSMTPSender returns nil when no SMTP host is configured: mail then stays in the mailbox.
func newSMTPSender(cfg config.SMTP) Sender {
	if cfg.Host == "" {
		return nil
	}
	return &smtpSender{cfg: cfg}
}

func (s *smtpSender) Send(ctx context.Context, from, replyTo, to string, r *Rendered) error {
	m := gomail.NewMsg()
	if err := m.From(from); err != nil {
		return fmt.Errorf("sender %q: %w", from, err)
	}
	if err := m.To(to); err != nil {
		return fmt.Errorf("recipient %q: %w", to, err)
	}
	if replyTo != "" {
		if err := m.ReplyTo(replyTo); err != nil {
			return fmt.Errorf("reply-to %q: %w", replyTo, err)
		}
	}
	m.Subject(r.Subject)
	m.SetMessageID()
	m.SetDate()
	m.SetBodyString(gomail.TypeTextPlain, r.Text)
	if r.HTML != "" {
		m.AddAlternativeString(gomail.TypeTextHTML, r.HTML)
	}
	if r.Attachment != "" {
		if err := m.AttachReader(r.Attachment, bytes.NewReader(r.Body)); err != nil {
			return err
		}
	}
	opts := []gomail.Option{gomail.WithTimeout(30 * time.Second)}
	switch s.cfg.TLS {
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case "tls":
		opts = append(opts, gomail.WithSSL())
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	opts = append(opts, gomail.WithPort(s.cfg.Port))
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return err
	}
	return c.DialAndSendWithContext(ctx, m)
}

// SendArgs is the job that renders and sends one message.
type SendArgs struct {
	TenantID  uuid.UUID `json:"tenant_id"`
	MessageID uuid.UUID `json:"message_id"`
}

// Kind names the job.
func (SendArgs) Kind() string { return "mail_send" }

// SendWorker works SendArgs.
type SendWorker struct {
	river.WorkerDefaults[SendArgs]
	Service *Service
}

// Work renders the message from the order as it is now and delivers it.
func (w *SendWorker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	return w.Service.deliver(ctx, job.Args.TenantID, job.Args.MessageID, job.Attempt >= job.MaxAttempts)
}

func (s *Service) deliver(ctx context.Context, tenantID, id uuid.UUID, last bool) error {
	m, err := s.Get(ctx, tenantID, id)
	if err != nil {
		return err
	}
	if m.Status == StatusSent || m.Status == StatusKept {
		return nil
	}
	t, err := s.Tenants.ByID(ctx, tenantID)
	if err != nil {
		return err
	}
	var r *Rendered
	if m.OrderID == nil {
		// Staff digests are rendered when they are queued.
		r = &Rendered{Subject: m.Subject, Text: m.Text, HTML: m.HTML}
	} else if r, err = s.render(ctx, t, m); err != nil {
		return err
	}
	sender, from, err := s.senderFor(t)
	if err != nil {
		return err
	}
	status, sendErr := StatusKept, error(nil)
	if sender != nil {
		status = StatusSent
		sendErr = sender.Send(ctx, from, t.Settings.SupportEmail, m.To, r)
		if sendErr != nil {
			status = StatusQueued
			if last {
				status = StatusFailed
			}
		}
	}
	errText := ""
	if sendErr != nil {
		errText = sendErr.Error()
	}
	err = s.DB.Tx(ctx, tenantID, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE email_messages SET subject = $3, body_text = $4, body_html = $5, attachment = $6,
			status = $7, error = $8, attempts = attempts + 1, sent_at = CASE WHEN $7 IN ('sent', 'kept') THEN now() END
			WHERE tenant_id = $1 AND id = $2`, tenantID, id, r.Subject, r.Text, r.HTML, r.Attachment, status, errText); err != nil {
			return err
		}
		if m.OrderID == nil || status == StatusQueued {
			return nil
		}
		return audit.Record(ctx, tx, tenantID, "email."+status, "order", m.OrderID.String(),
			map[string]any{"template": m.Template, "recipient": m.To, "subject": r.Subject, "error": errText})
	})
	if err != nil {
		return err
	}
	fields := []zap.Field{zap.Stringer("tenant_id", tenantID), zap.Stringer("message_id", id), zap.String("template", m.Template), zap.String("to", m.To)}
	switch {
	case sendErr != nil:
		s.Log.Warn("e-mail not delivered", append(fields, zap.Error(sendErr))...)
		return sendErr
	case status == StatusKept:
		s.Log.Info("e-mail kept in the development mailbox (no smtp.host)", append(fields, zap.String("subject", r.Subject))...)
	default:
		s.Log.Info("e-mail sent", fields...)
	}
	return nil
}

// from is the platform's sender with the tenant's name, so the mail passes the receivers' sender
// checks while showing who it is from. smtp.from is checked as an address when the config loads.
func (s *Service) from(tenantName string) string {
	a, err := netmail.ParseAddress(s.SMTP.From)
	if err != nil {
		return s.SMTP.From
	}
	return (&netmail.Address{Name: tenantName, Address: a.Address}).String()
}

// data is what the templates see.
type data struct {
	Tenant       string
	ClientName   string
	Product      string
	Period       string
	ConfigureURL string
	CommonName   string
	NotAfter     string
	ServerType   string
	Install      string
	Attachment   string
	Reason       string
	RefundDue    bool
	Domains      []domainStep
	TermEnds     string // the day the order's term ends
	EndsIn       string // "in 14 days", "tomorrow", "today"
}

type domainStep struct {
	Name string
	Step string
}

func (s *Service) render(ctx context.Context, t *tenant.Tenant, m *Message) (*Rendered, error) {
	if m.OrderID == nil {
		return nil, fmt.Errorf("mail: message %s has no order", m.ID)
	}
	tenantID := t.ID
	v, err := s.Orders.Get(ctx, tenantID, *m.OrderID)
	if err != nil {
		return nil, err
	}
	c, err := s.Accounts.GetClient(ctx, tenantID, v.ClientID)
	if err != nil {
		return nil, err
	}
	d := data{Tenant: t.Name, ClientName: strings.TrimSpace(c.FirstName + " " + c.LastName), Period: period(v.PeriodMonths),
		ConfigureURL: v.ConfigureURL, Reason: v.StatusNote, RefundDue: v.RefundDue, Product: "certificate"}
	if p, err := s.Catalog.Product(ctx, tenantID, v.ProductID); err == nil {
		d.Product = p.Name
	}
	for _, dv := range v.Domains {
		if d.CommonName == "" {
			d.CommonName = dv.Name
		}
		d.Domains = append(d.Domains, domainStep{Name: dv.Name, Step: step(dv)})
	}
	out := &Rendered{}
	if v.Certificate != nil {
		d.CommonName = v.Certificate.CommonName
		d.NotAfter = v.Certificate.NotAfter.UTC().Format("2 January 2006")
		if m.Template == "issued" || m.Template == "reissued" {
			f, err := s.Orders.Certificate(ctx, tenantID, v.ID, order.FormatFullChain)
			if err != nil {
				return nil, err
			}
			out.Attachment, out.Body = f.Name, f.Body
			d.Attachment = f.Name
		}
	}
	if v.Term.EndsAt != nil {
		d.TermEnds = v.Term.EndsAt.UTC().Format("2 January 2006")
		d.EndsIn = endsIn(s.Orders.Now(), *v.Term.EndsAt)
	}
	if setup, err := s.Orders.Setup(ctx, tenantID, v.ID); err == nil {
		d.ServerType, d.Install = install(setup.ServerType)
	}
	text, html, err := s.wording(ctx, tenantID, m.Template)
	if err != nil {
		return nil, err
	}
	if err := render(m.Template, text, html, d, out); err != nil {
		return nil, fmt.Errorf("mail: template %s: %w", m.Template, err)
	}
	return out, nil
}

// endsIn says in words how far off end is, counted in whole days.
func endsIn(now, end time.Time) string {
	days := int(end.Sub(now).Hours()) / 24
	switch {
	case days <= 0:
		return "today"
	case days == 1:
		return "tomorrow"
	}
	return fmt.Sprintf("in %d days", days)
}

func period(months int) string {
	switch {
	case months == 12:
		return "1 year"
	case months%12 == 0:
		return fmt.Sprintf("%d years", months/12)
	case months == 1:
		return "1 month"
	}
	return fmt.Sprintf("%d months", months)
}

// step says in words what a name needs for its validation.
func step(d order.DomainView) string {
	if d.DCVStatus == "validated" {
		return "validated"
	}
	in := d.Instructions
	if in == nil {
		in = &provider.Instructions{Method: d.DCVMethod}
		if d.ApproverEmail != nil {
			in.Email = *d.ApproverEmail
		}
	}
	switch in.Method {
	case "email":
		if in.Email != "" {
			return "approve the message the certificate authority sends to " + in.Email
		}
		return "approve the message the certificate authority sends to the approver address"
	case "http":
		if in.FileURL != "" {
			return fmt.Sprintf("publish a file at %s containing: %s", in.FileURL, in.FileContent)
		}
		return fmt.Sprintf("publish the file %s containing: %s", in.FilePath, in.FileContent)
	case "dns":
		return fmt.Sprintf("add a DNS %s record %s with the value %s", in.RecordType, in.RecordName, in.RecordValue)
	}
	return "follow the certificate authority's instructions"
}

// install names a server type and says how to install a certificate on it.
func install(serverType string) (string, string) {
	switch serverType {
	case "apache":
		return "Apache", "set SSLCertificateFile to the attached file (certificate and chain) and SSLCertificateKeyFile to your private key, then reload Apache."
	case "nginx":
		return "nginx", "set ssl_certificate to the attached file (certificate and chain) and ssl_certificate_key to your private key, then run nginx -s reload."
	case "iis":
		return "IIS", "download the PFX from the portal, import it in IIS Manager under Server Certificates, then bind it to the site on port 443."
	case "tomcat":
		return "Tomcat", "download the PFX from the portal and point the connector's certificateKeystoreFile at it (type PKCS12) with its password, then restart Tomcat."
	case "cpanel":
		return "cPanel", "open SSL/TLS, Manage SSL sites, paste the certificate, your private key and the chain, then Install Certificate."
	case "plesk":
		return "Plesk", "open SSL/TLS Certificates for the domain, upload the certificate, your private key and the chain, then select it in Hosting Settings."
	}
	return "your server", "install the attached certificate and chain together with the private key the request was made with."
}
