package mail

import (
	"context"
	"net/mail"
	"strconv"
	"strings"

	"github.com/sslreseller/sslreseller/internal/platform/config"
	"github.com/sslreseller/sslreseller/internal/platform/errs"
	"github.com/sslreseller/sslreseller/internal/tenant"
)

// sealContext binds a sealed SMTP password to its use.
const sealContext = "tenant-smtp-password"

// SettingsInput is what staff set about the tenant's e-mail: the support address replies go to,
// the expiry notice days, and optionally the tenant's own SMTP server and sender. An empty
// Password keeps the stored one; an empty Host sends through the platform's server again.
type SettingsInput struct {
	SupportEmail  string
	ExpiryNotices string // comma-separated days before the end of a term, "" for the default
	Host          string
	Port          string
	Username      string
	Password      string
	TLS           string
	From          string
}

// SaveSettings checks and stores the tenant's e-mail settings; problems are Invalid errors naming
// the field, and nothing is stored then.
func (s *Service) SaveSettings(ctx context.Context, t *tenant.Tenant, in SettingsInput) error {
	var f errs.Fields
	st := t.Settings
	st.SupportEmail = strings.TrimSpace(in.SupportEmail)
	if st.SupportEmail != "" {
		if a, err := mail.ParseAddress(st.SupportEmail); err != nil || a.Address != st.SupportEmail {
			f.Add("support_email", "is not an e-mail address such as support@example.com")
		}
	}
	st.ExpiryNotices = nil
	for _, part := range strings.FieldsFunc(in.ExpiryNotices, func(r rune) bool { return r == ',' || r == ' ' }) {
		n, err := strconv.Atoi(part)
		if err != nil || n < 0 || n > 90 {
			f.Add("expiry_notice_days", "must be whole days between 0 and 90, separated by commas (got %q)", part)
			break
		}
		st.ExpiryNotices = append(st.ExpiryNotices, n)
	}
	host := strings.TrimSpace(in.Host)
	if host == "" {
		st.SMTP = nil
	} else {
		own := &tenant.SMTPSettings{Host: host, Username: strings.TrimSpace(in.Username), TLS: in.TLS, From: strings.TrimSpace(in.From)}
		if t.Settings.SMTP != nil {
			own.PasswordSealed = t.Settings.SMTP.PasswordSealed
		}
		port, err := strconv.Atoi(strings.TrimSpace(in.Port))
		if err != nil || port < 1 || port > 65535 {
			f.Add("smtp_port", "must be a TCP port between 1 and 65535")
		}
		own.Port = port
		switch own.TLS {
		case "none", "starttls", "tls":
		default:
			f.Add("smtp_tls", "must be none, starttls or tls")
		}
		if _, err := mail.ParseAddress(own.From); err != nil {
			f.Add("smtp_from", "must be an address such as Acme <ssl@acme.example>")
		}
		if in.Password != "" {
			sealed, err := s.Sealer.Seal([]byte(in.Password), sealContext)
			if err != nil {
				return err
			}
			own.PasswordSealed = sealed
		}
		if own.Username != "" && own.PasswordSealed == "" {
			f.Add("smtp_password", "is needed with a username")
		}
		st.SMTP = own
	}
	if err := f.Err(); err != nil {
		return err
	}
	return s.Tenants.UpdateSettings(ctx, t.ID, st)
}

// senderFor returns how a tenant's mail goes out and its From: the tenant's own server and sender,
// else the platform's server with the tenant's name; a nil Sender keeps the mail in the mailbox.
func (s *Service) senderFor(t *tenant.Tenant) (Sender, string, error) {
	if own := t.Settings.SMTP; own != nil && own.Host != "" {
		cfg := config.SMTP{Host: own.Host, Port: own.Port, Username: own.Username, TLS: own.TLS, From: own.From}
		if own.PasswordSealed != "" {
			pw, err := s.Sealer.Open(own.PasswordSealed, sealContext)
			if err != nil {
				return nil, "", errs.New(errs.Invalid, "the tenant's SMTP password cannot be opened: enter it again under E-mail settings")
			}
			cfg.Password = string(pw)
		}
		return &smtpSender{cfg: cfg}, own.From, nil
	}
	return s.sender, s.from(t.Name), nil
}
